/**
 * The Python evaluator's values and what it records: layers, tensors of functional graphs, models
 * and their training. Plain data; interpreter.ts makes them, models.ts turns them into the IR.
 */
import type { SyntaxNode } from '@lezer/common';
import type {
  ClippingEvidence,
  ConfigProp,
  CustomLoopCall,
  LayerConfig,
  LossInfo,
  OptimizerInfo,
  Span,
  TrainingCall,
  Value,
} from '../ir';
import type { PyModule } from './interpreter';
import type { PathRun } from './paths';

export type PV =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'list'; items: PV[]; tuple: boolean }
  /** `argparse` (argparse.ts): a parser's options, or the namespace `parse_args` gives, keyed by dest. */
  | { t: 'dict'; entries: Map<string, DictEntry>; argparse?: 'parser' | 'namespace' }
  /** A name reached through a keras/tensorflow import, as a dotted path: `keras.layers.Dense`. */
  | { t: 'path'; path: string }
  | {
      t: 'func';
      node: SyntaxNode;
      scope: Scope;
      name: string;
      self?: PV;
      defaults: Map<string, PV>;
      /** The file it is defined in (another workspace module, or the analysed file). */
      module?: PyModule;
    }
  | {
      t: 'class';
      node: SyntaxNode;
      name: string;
      base: string;
      methods: Map<string, SyntaxNode>;
      scope: Scope;
      module?: PyModule;
      /** The file each method is defined in (a base class may live in another module). */
      homes?: Map<string, PyModule>;
      /** A `@dataclass`'s fields in order, with their defaults (null: none): its generated `__init__`. */
      fields?: { name: string; value: PV | null }[];
      /** Plain class attributes (`widths = [64, 32]` in the body), after its base's: `self.widths`. */
      attrs?: Map<string, PV>;
    }
  /** `functools.partial(callee, ...)`: calling it calls `callee` with these arguments first. */
  | { t: 'partial'; callee: PV; args: import('./keras').Arg[] }
  /** A workspace module imported whole (`import blocks`, `from . import blocks`). */
  | { t: 'module'; scope: Scope; name: string }
  | { t: 'object'; cls: Extract<PV, { t: 'class' }>; attrs: Map<string, PV>; model?: ModelRec }
  | { t: 'layer'; rec: LayerRec }
  | { t: 'tensor'; node: TensorNode }
  /** A dataset's array (arrays.ts): its shape only. */
  | { t: 'array'; shape: number[]; text: string }
  | { t: 'model'; rec: ModelRec }
  | { t: 'optimizer'; rec: OptimizerRec }
  /** An initializer, regularizer, constraint or loss object: an IR `call` value. */
  | { t: 'kcall'; path: string; props: Record<string, ConfigProp>; text: string }
  | { t: 'tape' }
  /** Gradients from `tape.gradient`, or one of them; `model` when taken for a known model's weights. */
  | { t: 'grads'; model?: ModelRec }
  /** `model.trainable_variables` and the like. */
  | { t: 'weights'; model: ModelRec }
  /** `output`: what a model's call gave when its graph does not hold the tensor (`model(images)` in a loop). */
  | { t: 'unknown'; text: string; output?: ModelRec };

export interface DictEntry {
  value: PV;
  span: Span;
  valueSpan: Span;
}

export const NONE: PV = { t: 'none' };
export const unknown = (text: string): PV => ({ t: 'unknown', text });

export interface LayerRec {
  factory: string;
  config: LayerConfig;
  callSpan: Span;
  inner?: LayerRec;
  repeat?: { iteration: number; count: number };
  conditional?: { condition: string; branch: string };
  variable?: string;
  /** A custom layer class applied whole where its `call` applies no Keras layer (classes.ts). */
  customClass?: string;
  /** A `Lambda`'s function read as tensor ops (lambda.ts). */
  lambda?: import('../ir').LayerNode['lambda'];
}

export type TensorNode =
  | {
      id: number;
      kind: 'input';
      shape: Value;
      dtype?: string;
      span: Span;
      variable?: string;
      /** `Input(shape=...)`'s arguments, for a Sequential that starts with it (an `inputLayer`). */
      config: LayerConfig;
    }
  | { id: number; kind: 'opaque'; text: string; span: Span }
  | { id: number; kind: 'apply'; layer: LayerRec; inputs: TensorNode[]; span: Span }
  /**
   * A tf op on several tensors that is no layer (`tf.matmul(q, k)` of a hand-written attention):
   * the graph goes on from all of them, and the op adds no layer of its own.
   */
  | { id: number; kind: 'join'; inputs: TensorNode[]; span: Span };

/** The tensors a node is computed from (none for an input or an opaque source). */
export function tensorInputs(t: TensorNode): TensorNode[] {
  return t.kind === 'apply' || t.kind === 'join' ? t.inputs : [];
}

export interface OptimizerRec {
  info: OptimizerInfo;
  /** The Keras name in lower case (`adam`, `nadam`): the default learning rate is looked up by it. */
  name: string;
  clipping: ClippingEvidence[];
}

export interface ModelRec {
  name: string;
  kind: 'sequential' | 'functional';
  anchor: Span;
  lastSpan: Span;
  /** The function or class the model is built in, when it is. */
  builderSpan?: Span;
  layers: LayerRec[];
  /**
   * Objects of the file's classes a Sequential holds (`blocks.add(ResnetBlock(64))`): `layers[from, to)`
   * stands for the block in the Sequential's own view (a custom layer: one layer; a subclassed model:
   * none); applying the Sequential runs the block there.
   */
  blocks?: { from: number; to: number; object: PV; where?: SyntaxNode }[];
  inputs: PV;
  outputs: PV;
  compile?: { span: Span; optimizer?: OptimizerInfo; loss?: LossInfo; argsText: string };
  /** A loss applied to the model's output in a training loop (`loss_object(labels, model(x))`). */
  loopLoss?: LossInfo;
  optimizer?: OptimizerRec;
  fitCalls: TrainingCall[];
  customLoops: CustomLoopCall[];
  clipping: ClippingEvidence[];
  unresolved: string[];
  /** Built while running a function nobody calls, with unknown parameters. */
  speculative: boolean;
  /** The path run (paths.ts) that built it: its decisions name the model's variant. */
  run?: PathRun;
}

/** Lexical scope: Python's function-level scoping, module scope at the root. */
export class Scope {
  private readonly vars = new Map<string, PV>();

  constructor(readonly parent: Scope | null) {}

  private globals: Set<string> | null = null;

  get(name: string): PV | undefined {
    const own = this.vars.get(name);
    if (own !== undefined) return own;
    for (let scope = this.parent; scope; scope = scope.parent) {
      const value = scope.vars.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  set(name: string, value: PV): void {
    if (this.globals?.has(name)) this.root().set(name, value);
    else this.vars.set(name, value);
  }

  /** `global name` in a function: its assignments bind the module's name. */
  declareGlobal(name: string): void {
    (this.globals ??= new Set()).add(name);
  }

  private root(): Scope {
    return this.parent ? this.parent.root() : this;
  }

  /** The variables this scope holds itself, for branch merging. */
  snapshot(): Map<string, PV> {
    return new Map(this.vars);
  }

  restore(saved: Map<string, PV>): void {
    this.vars.clear();
    for (const [k, v] of saved) this.vars.set(k, v);
  }
}

export function truthy(value: PV): boolean | null {
  switch (value.t) {
    case 'num':
      return value.v !== 0;
    case 'str':
      return value.v.length > 0;
    case 'bool':
      return value.v;
    case 'none':
      return false;
    case 'list':
      return value.items.length > 0;
    case 'dict':
      return value.entries.size > 0;
    case 'unknown':
    case 'grads':
    case 'tensor':
      return null;
    default:
      return true;
  }
}
