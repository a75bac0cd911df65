/**
 * The ModelGraph IR: what Gradient Lens knows about each tfjs model in a file.
 * Plain data (JSON-serialisable), produced by `analyze()` and consumed by the rules,
 * the static estimate, the probe and every front end.
 */
import type { Framework } from './frameworks';

/** A source range. Offsets index the source text; line and column are both 1-based. */
export interface Span {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /**
   * Set when the range is in another workspace file than the one analyzed (its absolute path):
   * a builder's call site, a training call or a constant that lives elsewhere.
   */
  file?: string;
}

/**
 * A config value as far as static evaluation could resolve it.
 * `unknown` keeps the expression's source text so users (and `--set NAME=VALUE`) can supply it.
 */
export type Value =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'undefined' }
  | { kind: 'array'; items: Value[] }
  | { kind: 'object'; props: Record<string, ConfigProp> }
  /** A call into tfjs, e.g. `tf.initializers.randomNormal({stddev: 0.5})` -> path "initializers.randomNormal". */
  | { kind: 'call'; path: string; args: Value[]; text: string }
  | { kind: 'unknown'; text: string; reason?: string };

/** One property of a config object literal (possibly reached through a spread or a variable). */
export interface ConfigProp {
  value: Value;
  /** The whole `key: value` property; null when the value did not come from a property in source. */
  span: Span | null;
  /** The value expression only (what a fix replaces). */
  valueSpan: Span | null;
  /**
   * True when the property was not written in this layer's own object literal
   * (it came through `...base` or a shared variable): editing it would change other layers too.
   */
  inherited: boolean;
}

export interface LayerConfig {
  props: Record<string, ConfigProp>;
  /**
   * The object literal passed to the factory, when there is one written inline:
   * fixes that add a property insert into it. Null for `tf.layers.flatten()` (no argument)
   * or a config held in a variable.
   */
  objectSpan: Span | null;
  /** True when the config (or part of it) could not be read as an object literal. */
  opaque: boolean;
  /** Source text of the argument (empty when there is none). */
  text: string;
}

export interface LayerNode {
  /** Position among `ModelGraph.layers` (0-based). */
  index: number;
  /** The tfjs factory as spelled in `tf.layers.X`, e.g. "dense", "lstm", "batchNormalization". */
  factory: string;
  config: LayerConfig;
  /** The factory call `tf.layers.dense({...})`. Several layers share it when a loop repeats it. */
  callSpan: Span;
  /** For wrappers (bidirectional, timeDistributed): the wrapped layer from `config.layer`. */
  inner?: LayerNode;
  /** Set when the layer comes from a loop body: which iteration of how many. */
  repeat?: { iteration: number; count: number };
  /** Set when the layer is added only on some path (if/switch/ternary that could not be decided). */
  conditional?: { condition: string; branch: string };
  /** Variable the layer was stored in, if any (`const hidden = tf.layers.dense(...)`). */
  variable?: string;
  /** factory `loadedModel`: index into `ModelGraph.bases`. */
  base?: number;
  /**
   * A Keras `Lambda`: its body as tensor operations (with the open scalars of it taken as neutral,
   * `name = value` each), or why it could not be read as them.
   */
  lambda?: { op: TensorOp; assumed?: string[] } | { unread: string };
}

/**
 * A Lambda body the probe can run. `input`: the layer's input (index: an item of its input list); axes
 * count the batch axis as 0, as Keras's do; a `slice` item is an index, a range or `...`.
 */
export type TensorOp =
  | { op: 'input'; index: number | null }
  | { op: 'const'; value: number | number[] }
  | { op: 'unary'; fn: string; x: TensorOp }
  | {
      op: 'binary';
      fn: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
      a: TensorOp;
      b: TensorOp;
    }
  | {
      op: 'reduce';
      fn: 'mean' | 'sum' | 'max' | 'min';
      x: TensorOp;
      axis: number[] | null;
      keepDims: boolean;
    }
  | { op: 'expandDims'; x: TensorOp; axis: number }
  | { op: 'squeeze'; x: TensorOp; axis: number[] | null }
  | { op: 'reshape'; x: TensorOp; shape: number[] }
  | { op: 'transpose'; x: TensorOp; perm: number[] }
  | { op: 'reverse'; x: TensorOp; axis: number }
  | { op: 'slice'; x: TensorOp; items: SliceItem[] }
  | { op: 'concat'; items: TensorOp[]; axis: number }
  | { op: 'softmax'; x: TensorOp; axis: number }
  | { op: 'l2Normalize'; x: TensorOp; axis: number }
  | { op: 'clip'; x: TensorOp; min: number; max: number }
  | {
      op: 'randomNormal';
      shape: (number | { of: TensorOp; axis: number })[];
      mean: number;
      stddev: number;
    };

export type SliceItem =
  | { index: number }
  | { start: number | null; stop: number | null; step: number | null }
  | { ellipsis: true }
  | { newAxis: true };

/** A functional-API input: `tf.input({shape: [...]})`. */
export interface InputNode {
  id: string;
  shape: Value;
  dtype?: string;
  span: Span;
  variable?: string;
  /** This input is the output of a loaded base model (index into `ModelGraph.bases`). */
  base?: number;
}

/** One application of a layer in a functional graph (`layer.apply(x)`); a shared layer has several. */
export interface GraphNode {
  id: string;
  /** Index into `ModelGraph.layers`. */
  layer: number;
  /** Ids of the input nodes / graph nodes whose outputs feed this application, in argument order. */
  inputs: string[];
  span: Span;
}

export interface Edge {
  from: string;
  to: string;
}

export type OptimizerKind =
  'sgd' | 'momentum' | 'adagrad' | 'adadelta' | 'adam' | 'adamax' | 'rmsprop' | 'unknown';

export interface OptimizerInfo {
  kind: OptimizerKind;
  /** The optimizer expression: a string literal ('adam'), a `tf.train.adam(lr)` call, or a variable. */
  span: Span;
  text: string;
  /** How it was written: a string name uses tfjs's default learning rate. */
  form: 'string' | 'call' | 'unknown';
  /** Explicit learning rate, if one was written (resolved or unknown). Absent = tfjs default. */
  learningRate?: Value;
  /** The learning-rate argument expression, for fixes (may point into a constant's declaration). */
  learningRateSpan?: Span;
  /** True when the learning-rate span is a shared constant's initializer rather than the call argument. */
  learningRateInherited?: boolean;
  /**
   * The optimizer as the framework names it, when known: Keras's class (`AdamW`, `SGD`, `Lion`, also for a
   * string such as `'adamw'`) or tfjs's factory (`adam`, `momentum`). Several names share a kind (AdamW, Nadam
   * and Lion step like Adam), so messages and fixes name the user's optimizer from here, not from `kind`.
   */
  name?: string;
  /**
   * Every argument of the optimizer call, resolved through the front end's values (constants, config objects,
   * other files) or unknown with its text, keyed by the framework's own parameter name: Keras's keywords
   * (`learning_rate`, `momentum`, `nesterov`, `beta_1`, `clipnorm`, ...; `lr` as `learning_rate`), tfjs's
   * positional parameters by name (`tf.train.momentum(learningRate, momentum, useNesterov)`). Positional
   * arguments take their parameter's name; `**kwargs` dicts contribute their entries. Present (possibly
   * empty) for the call form; absent for the string and unknown forms.
   */
  args?: Record<string, Value>;
}

export interface LossInfo {
  /** Canonical tfjs name: "meanSquaredError", "categoricalCrossentropy", ... or the text when unknown. */
  name: string;
  resolved: boolean;
  /** Keras `from_logits=True`: the loss applies the softmax (or sigmoid) to a linear output itself. */
  fromLogits?: boolean;
  /** The `True` of `from_logits=True`, for fixes. */
  fromLogitsSpan?: Span;
  span: Span;
  text: string;
  /**
   * A multi-output model's loss per output, as Keras compiles it: by position (a list) or by the
   * output layer's name (a dict). Each loss has its own span, for fixes.
   */
  perOutput?: { key: number | string; loss: LossInfo }[];
  /**
   * The file's own loss function whose body computes this loss (`def sq(y_true, y_pred): return
   * K.sum(K.square(y_pred - y_true))` is a squared error): its name, for messages; fixes only suggest.
   */
  userFunction?: string;
}

export type ClippingKind =
  | 'applyGradients-override'
  | 'clipByValue'
  | 'clipByNorm'
  | 'clipByGlobalNorm'
  | 'custom'
  /** Keras optimizer arguments: `Adam(clipnorm=1.0)`, `clipvalue=0.5`, `global_clipnorm=1.0`. */
  | 'optimizer-clipnorm'
  | 'optimizer-clipvalue'
  | 'optimizer-global-clipnorm';

export interface ClippingEvidence {
  kind: ClippingKind;
  span: Span;
}

export interface TrainingCall {
  method: 'fit' | 'fitDataset' | 'trainOnBatch';
  span: Span;
  /** Shapes of the inputs and targets passed, when the code builds them (`tf.tensor2d(data, [n, 4])`). */
  xShape?: Value;
  yShape?: Value;
}

export interface CustomLoopCall {
  method:
    | 'minimize'
    | 'variableGrads'
    | 'grads'
    | 'grad'
    | 'valueAndGrads'
    | 'applyGradients'
    | 'computeGradients';
  span: Span;
  /** The optimizer the call goes through, when it is a known optimizer variable. */
  optimizer?: OptimizerInfo;
}

export interface TrainingSetup {
  compile?: { span: Span; optimizer?: OptimizerInfo; loss?: LossInfo; argsText: string };
  /** The optimizer in effect: from compile, or from the custom loop's optimizer. */
  optimizer?: OptimizerInfo;
  /** Effective learning rate: explicit when resolved, else tfjs's default for the kind; null when unknown. */
  learningRate: number | null;
  loss?: LossInfo;
  fitCalls: TrainingCall[];
  customLoops: CustomLoopCall[];
  /** True when the file trains this model (fit/fitDataset/trainOnBatch or a custom loop). */
  trained: boolean;
  clipping: { clipped: boolean; evidence: ClippingEvidence[] };
}

export interface ModelGraph {
  /** Variable or function name the model is known by ("model", "buildModel", ...). */
  name: string;
  /**
   * The framework the code is written for; absent means tfjs. Keras models use the same vocabulary
   * (tfjs factory names, camelCase keys and names); only their defaults differ (frameworks.ts).
   */
  framework?: Framework;
  kind: 'sequential' | 'functional';
  /** Where the model is created (`tf.sequential(...)` / `tf.model(...)` call). */
  anchor: Span;
  /** The whole definition region (the builder function, or creation through the last add/apply). */
  span: Span;
  /**
   * Distinct layers, in order: add order for sequential models (loop iterations expanded), topological for functional.
   * A model composed of models the code builds (a VAE of encoder and decoder, a GAN's combined model,
   * a head applied to a body) lists their layers, shared with them: the parts' graphs are repeated,
   * never nested, so rules and the probe see one plain graph. The parts of a loaded model
   * (`tf.model({inputs: base.inputs, outputs: base.getLayer(NAME).output})`) are not layers the
   * code describes: they stay in `bases` (with `truncatedAt`), and only the code's own layers are here.
   */
  layers: LayerNode[];
  /** Functional models only. */
  inputs: InputNode[];
  nodes: GraphNode[];
  outputs: string[];
  /** Functional models: node-level edges (input/graph node id -> graph node id). Sequential: empty. */
  edges: Edge[];
  training: TrainingSetup;
  /** Unresolved values that matter for building the model, keyed by expression text. */
  unknowns: string[];
  /**
   * Set when the code that builds this model has exclusive paths (if/else-if chains, switch,
   * ternaries, early returns): this graph is the model one path builds. Absent: one path only.
   */
  variant?: VariantInfo;
  /** Base models the code loads and builds on (transfer learning), referenced by index. */
  bases?: LoadedBase[];
}

/** One path through a builder's undecidable branches. */
export interface VariantInfo {
  /**
   * Unique among the graphs that share this model's anchor; what `probe --variant ID` takes.
   * The taken branch's own value when it has one (`'cnn'` for `modelType === 'cnn'`), else a label
   * such as `then`/`else`, joined with `+` for nested branches.
   */
  id: string;
  /** The path as people read it, e.g. `modelType = 'cnn'`. */
  label: string;
  /** Each undecidable condition on the path, outermost first, and the branch taken. */
  path: { condition: string; branch: string }[];
}

/**
 * `await tf.loadLayersModel(url)` / `tf.loadGraphModel(url)`: a model whose layers come from a file.
 * A functional input fed by it has `InputNode.base`; a sequential model that adds it has a layer
 * with factory `loadedModel` and `LayerNode.base`.
 */
export interface LoadedBase {
  loader: 'loadLayersModel' | 'loadGraphModel';
  /** The URL or path argument: a string when resolved. */
  url: Value;
  span: Span;
  /** The workspace model.json the URL maps to (absolute path), when one does. */
  file?: string;
  /** `base.getLayer(NAME)`: the layer whose output the code builds on, when truncated. */
  truncatedAt?: string;
}

export interface ParseProblem {
  message: string;
  line: number;
  column: number;
  /** `incomplete`: the analysis stopped at one of its limits (computation, paths); what it found stands. */
  kind: 'syntax' | 'too-large' | 'internal' | 'incomplete';
}

export interface AnalysisResult {
  filePath: string;
  /** The front end that read the file; absent means JavaScript/TypeScript. */
  language?: 'python';
  /** False when the file never imports tfjs (it was skipped without a full parse). */
  importsTfjs: boolean;
  /**
   * How this file reaches tfjs, as expression text for fixes that insert new calls:
   * `tf` is the namespace ("tf"), `layers` the layers namespace ("tf.layers", "L", "layers").
   * Null when the file has no such binding (e.g. only named imports of `sequential`).
   */
  access: { tf: string | null; layers: string | null };
  models: ModelGraph[];
  problems: ParseProblem[];
}
