/**
 * Builds a tfjs Layers model from the ModelGraph IR, generically: `tf.layers[factory](config)` per layer,
 * wrappers around their inner layer, sequential models in layer order, functional graphs replayed node by node.
 * Parameters are counted before any weight is allocated, and initial weights are drawn from a seeded
 * generator so the same seed gives the same weights.
 */
import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { LayersModel, SymbolicTensor, layers as tfLayers } from '@tensorflow/tfjs';
import { inferShapes } from '../analysis/shapes';
import { withKerasDefaults } from './keras-defaults';
import { lambdaLayer } from './lambda-layer';
import { applyLeakyAfter, KERAS_LEAKY_SLOPE, leakyPlan, leakySentences } from './leaky-activation';
import { countGraph, countSequential, type ParamCount, type Shape } from './params';
import { seededUniform } from './random';
import { ProbeError } from './types';
import { errorText, propsToPlain, toPlain } from './values';

type Tf = typeof import('@tensorflow/tfjs');
type Layer = tfLayers.Layer;

export interface BuiltLayer {
  /** Index into `ModelGraph.layers`. */
  index: number;
  layer: Layer;
  node: LayerNode;
}

export interface BuiltModel {
  model: LayersModel;
  layers: BuiltLayer[];
  params: ParamCount;
  assumptions: string[];
}

export interface BuildOptions {
  seed: number;
  maxParams: number;
  /** Loaded (and truncated) base models by index into `ModelGraph.bases`. */
  bases?: Map<number, LayersModel>;
}

/** Keys whose value the probe replaces: names must be stable and unique, `layer` is the built inner layer. */
const REPLACED_KEYS = new Set(['name', 'layer']);

export function buildFromIr(tf: Tf, source: ModelGraph, options: BuildOptions): BuiltModel {
  // A Keras model is built with Keras's defaults written out (tfjs's differ), each stated in the report.
  const keras = source.framework === 'keras' ? withKerasDefaults(source) : null;
  const ir = keras?.model ?? source;
  const userNames = ir.layers.map(ownName);
  const layers = ir.layers.map((node, i) => {
    const own = userNames[i];
    // The file's own layer name when it has a usable, unique one (users recognise it); else L<index>_<factory>.
    const name =
      own && userNames.indexOf(own) === userNames.lastIndexOf(own) ? own : layerName(node);
    if (node.factory === 'loadedModel') return baseLayer(node, options.bases);
    return createLayer(tf, node, name, source.framework === 'keras');
  });
  const params = mergeCounts(
    staticCounts(ir),
    ir.kind === 'sequential'
      ? countSequential(layers, null)
      : countFunctional(tf, ir, layers, options.bases),
  );
  const assumptions: string[] = [];
  checkCeiling(ir, params, options.maxParams, assumptions);
  const model = withSeededRandom(options.seed, () => {
    try {
      return ir.kind === 'sequential'
        ? assembleSequential(tf, ir, layers)
        : assembleFunctional(tf, ir, layers, options.bases);
    } catch (err) {
      disposeLayers(layers);
      throw err;
    }
  });
  assumptions.push(
    `Initial weights drawn with the layers' own initializers from a generator seeded with ${options.seed}.`,
  );
  assumptions.push(
    ...conditionalSentences(ir.layers),
    ...lambdaSentences(ir.layers),
    ...(keras ? leakySentences(ir.layers, lineOf) : []),
    ...(keras?.notes ?? []),
  );
  return {
    model,
    layers: ir.layers.map((node, i) => ({ index: node.index, layer: layers[i]!, node })),
    params,
    assumptions,
  };
}

/**
 * Layers added only on some paths (a branch or loop count the extractor could not decide), one sentence per
 * condition: the probe builds each such layer once.
 */
function conditionalSentences(layers: LayerNode[]): string[] {
  const groups = new Map<string, LayerNode[]>();
  for (const node of layers) {
    if (!node.conditional) continue;
    const key = `${node.conditional.branch} of \`${node.conditional.condition.trim()}\``;
    groups.set(key, [...(groups.get(key) ?? []), node]);
  }
  return [...groups].map(([path, nodes]) => {
    const which =
      nodes.length === 1
        ? `Layer ${nodes[0]!.index} (${nodes[0]!.factory}, line ${lineOf(nodes[0]!)}) is`
        : `Layers ${nodes.map((n) => n.index).join(', ')} (lines ${nodes.map(lineOf).join(', ')}) are`;
    return `${which} added only on some paths (${path}); the probe includes ${nodes.length === 1 ? 'it' : 'each'} once.`;
  });
}

/** A Lambda's scale or shift the analysis cannot know is built neutral: one sentence per layer. */
function lambdaSentences(layers: LayerNode[]): string[] {
  return layers.flatMap((node) => {
    const assumed = node.lambda && 'op' in node.lambda ? node.lambda.assumed : undefined;
    return assumed?.length
      ? [
          `Layer ${node.index} (Lambda, line ${lineOf(node)}) is built with ${assumed.join(', ')}: the code's value is not known before it runs.`,
        ]
      : [];
  });
}

/** A literal `name` from the config that is a valid tfjs tensor name and cannot clash with generated ones. */
function ownName(node: LayerNode): string | null {
  const value = node.config.props['name']?.value;
  if (value?.kind !== 'string') return null;
  const valid = /^[A-Za-z][A-Za-z0-9_.-]*$/.test(value.value) && !/^L\d+_/.test(value.value);
  return valid ? value.value : null;
}

/** Stable, unique, tensor-name-safe: weights read back as `L3_dense/kernel` map to IR layer 3. */
export function layerName(node: LayerNode): string {
  return `L${node.index}_${node.factory.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export function lineOf(node: LayerNode): number {
  return node.callSpan.line;
}

function createLayer(tf: Tf, node: LayerNode, name: string, keras = false): Layer {
  const where = `layer ${node.index} (${node.factory}, line ${lineOf(node)})`;
  if (keras && node.factory === 'lambda') return kerasLambda(tf, node, name);
  const leaky = keras ? leakyPlan(node) : null;
  if (leaky === 'layer') return tf.layers.leakyReLU({ alpha: KERAS_LEAKY_SLOPE, name });
  const factory = layerFactory(tf, node.factory);
  if (!factory) {
    // A Keras model names the Keras class: the IR's factory is only its tfjs spelling.
    const className =
      node.factory.charAt(0).toUpperCase() + node.factory.slice(1).replace(/([123])d$/, '$1D');
    throw new ProbeError(
      'unknown-layer',
      keras
        ? `layer ${node.index} (${className}, line ${lineOf(node)}): tfjs has no ${className} layer, so the probe cannot build this model`
        : `${where}: tf.layers.${node.factory} is not a tfjs layer factory the probe can build`,
      { layerIndex: node.index, line: lineOf(node) },
    );
  }
  const props = Object.fromEntries(
    Object.entries(node.config.props).filter(([k]) => !REPLACED_KEYS.has(k)),
  );
  const config = propsToPlain(tf, props, where);
  config['name'] = name;
  if (leaky === 'after') config['activation'] = 'linear';
  if (node.inner) config['layer'] = createLayer(tf, node.inner, `${name}_inner`, keras);
  else if (node.config.props['layer'])
    config['layer'] = toPlain(tf, node.config.props['layer'].value, where);
  try {
    const layer = factory(config);
    // Keras's Flatten passes a (batch, n) tensor through; tfjs's asks for 3 dimensions or more.
    if (keras && node.factory === 'flatten') layer.inputSpec = [{ minNDim: 2 }];
    if (keras && node.factory === 'resizing') keepBatchAxis(layer);
    if (leaky === 'after') applyLeakyAfter(tf, layer);
    return layer;
  } catch (err) {
    throw new ProbeError('bad-input', `${where}: tfjs rejected the config: ${errorText(err)}`, {
      layerIndex: node.index,
      line: lineOf(node),
    });
  }
}

/**
 * tfjs's Resizing states its output shape without the batch axis ([h, w, channels]) though it outputs
 * [batch, h, w, channels], and resizes the list a model passes its layers as if it were one tensor.
 */
function keepBatchAxis(layer: Layer): void {
  const size = layer as unknown as { height: number; width: number };
  layer.computeOutputShape = (shape) => {
    const one = (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
    return [one[0] ?? null, size.height, size.width, one[3] ?? null];
  };
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => call(Array.isArray(inputs) ? inputs[0]! : inputs, kwargs);
}

/** A Keras Lambda: its body run as tfjs ops, or refused with the part of it the analysis could not read. */
function kerasLambda(tf: Tf, node: LayerNode, name: string): Layer {
  const read = node.lambda;
  if (read && 'op' in read) return lambdaLayer(tf, read.op, name);
  const why = read ? `: ${read.unread}` : '';
  throw new ProbeError(
    'unknown-layer',
    `layer ${node.index} (Lambda, line ${lineOf(node)}): tfjs has no Lambda layer and the probe runs only a body of tensor arithmetic, slices and known ops${why}`,
    { layerIndex: node.index, line: lineOf(node) },
  );
}

/** A sequential model's `loadedModel` layer: the base model itself (tfjs accepts a model as a layer). */
function baseLayer(node: LayerNode, bases: Map<number, LayersModel> | undefined): Layer {
  const base = node.base === undefined ? undefined : bases?.get(node.base);
  if (!base) {
    throw new ProbeError(
      'bad-input',
      `layer ${node.index} (line ${lineOf(node)}) is a loaded base model that was not loaded`,
      { layerIndex: node.index, line: lineOf(node) },
    );
  }
  return base as unknown as Layer;
}

function layerFactory(tf: Tf, factory: string): ((config: unknown) => Layer) | null {
  const namespace = tf.layers as unknown as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(namespace, factory)) return null;
  const fn = namespace[factory];
  // Lower-case names are factories; upper-case exports would be classes, and `input` makes tensors, not layers.
  if (typeof fn !== 'function' || !/^[a-z]/.test(factory) || factory === 'input') return null;
  return fn as (config: unknown) => Layer;
}

function countFunctional(
  tf: Tf,
  ir: ModelGraph,
  layers: Layer[],
  bases: Map<number, LayersModel> | undefined,
): ParamCount {
  const inputs = ir.inputs.map((input) => {
    const base = input.base === undefined ? undefined : bases?.get(input.base);
    if (base) return { id: input.id, shape: base.outputs[0]!.shape as Shape };
    const shape = toPlain(tf, input.shape, `tf.input ${input.id}`);
    return { id: input.id, shape: Array.isArray(shape) ? ([null, ...shape] as Shape) : null };
  });
  return countGraph(layers, inputs, ir.nodes);
}

/** Per-layer counts from the IR-only shape inference (src/analysis/shapes.ts); null where it cannot tell. */
function staticCounts(ir: ModelGraph): (number | null)[] {
  try {
    const shapes = inferShapes(ir);
    return ir.layers.map((node, i) =>
      node.lambda && 'op' in node.lambda ? 0 : (shapes.layers[i]?.params ?? null),
    );
  } catch {
    return ir.layers.map(() => null);
  }
}

/** The IR-level count where it has one, else the count from tfjs's own output shapes. */
function mergeCounts(fromIr: (number | null)[], fromTfjs: ParamCount): ParamCount {
  const perLayer = fromTfjs.perLayer.map((n, i) => fromIr[i] ?? n);
  return { total: perLayer.reduce<number>((a, n) => a + (n ?? 0), 0), perLayer };
}

function checkCeiling(
  ir: ModelGraph,
  params: ParamCount,
  maxParams: number,
  assumptions: string[],
): void {
  if (params.total > maxParams) {
    const biggest = params.perLayer.reduce<number>(
      (best, n, i) => ((n ?? 0) > (params.perLayer[best] ?? 0) ? i : best),
      0,
    );
    const node = ir.layers[biggest];
    const at = node
      ? `; the largest is layer ${node.index} (${node.factory}, line ${lineOf(node)}) with ${formatCount(params.perLayer[biggest] ?? 0)}`
      : '';
    throw new ProbeError(
      'too-large',
      `the model has ${formatCount(params.total)} parameters, over the probe's ceiling of ${formatCount(maxParams)}${at}`,
      node ? { layerIndex: node.index, line: lineOf(node) } : {},
    );
  }
  const uncounted = params.perLayer.flatMap((n, i) =>
    n === null ? [ir.layers[i]?.factory ?? String(i)] : [],
  );
  if (uncounted.length > 0) {
    assumptions.push(
      `The parameter ceiling was checked without ${uncounted.join(', ')} (their parameter count is not known before building).`,
    );
  }
}

function assembleSequential(tf: Tf, ir: ModelGraph, layers: Layer[]): LayersModel {
  const model = tf.sequential({ name: safeName(ir.name) });
  layers.forEach((layer, i) => {
    try {
      model.add(layer);
    } catch (err) {
      throw shapeError(ir.layers[i]!, err);
    }
  });
  return model;
}

function assembleFunctional(
  tf: Tf,
  ir: ModelGraph,
  layers: Layer[],
  bases: Map<number, LayersModel> | undefined,
): LayersModel {
  const tensors = new Map<string, SymbolicTensor>();
  /** Applications that return several tensors (a recurrent layer with returnState: output, then states). */
  const everyOutput = new Map<string, SymbolicTensor[]>();
  const modelInputs: SymbolicTensor[] = [];
  ir.inputs.forEach((input, i) => {
    const base = input.base === undefined ? undefined : bases?.get(input.base);
    if (base) {
      // The head reads the base's output; the whole model reads the base's own inputs.
      tensors.set(input.id, base.outputs[0]!);
      for (const t of base.inputs) if (!modelInputs.includes(t)) modelInputs.push(t);
      return;
    }
    const shape = toPlain(tf, input.shape, `tf.input ${input.id}`);
    if (!Array.isArray(shape)) {
      throw new ProbeError('bad-input', `tf.input at line ${input.span.line} has no shape array`, {
        line: input.span.line,
      });
    }
    const dtype = input.dtype === 'int32' ? 'int32' : 'float32';
    const tensor = tf.input({ shape: shape as number[], dtype, name: `input_${i}` });
    tensors.set(input.id, tensor);
    modelInputs.push(tensor);
  });
  let pending = [...ir.nodes];
  while (pending.length > 0) {
    const ready = pending.filter((n) => n.inputs.every((id) => tensors.has(id)));
    if (ready.length === 0) {
      const stuck = pending[0]!;
      throw new ProbeError(
        'bad-input',
        `the functional graph cannot be replayed: the application at line ${stuck.span.line} waits for ${stuck.inputs.filter((id) => !tensors.has(id)).join(', ')}, which nothing produces`,
        { line: stuck.span.line },
      );
    }
    for (const node of ready) {
      const layer = layers[node.layer]!;
      const args = replayedInputs(node.inputs, layer, tensors, everyOutput);
      try {
        const out = layer.apply(args.length === 1 ? args[0]! : args);
        if (Array.isArray(out)) everyOutput.set(node.id, out as SymbolicTensor[]);
        tensors.set(node.id, (Array.isArray(out) ? out[0] : out) as SymbolicTensor);
      } catch (err) {
        throw shapeError(ir.layers[node.layer]!, err);
      }
    }
    pending = pending.filter((n) => !ready.includes(n));
  }
  const inputs = modelInputs;
  const outputs = ir.outputs.map((id, i) => {
    const t = stateOutput(ir.outputs, i, everyOutput.get(id)) ?? tensors.get(id);
    if (!t)
      throw new ProbeError('bad-input', `the model's output ${id} is not produced by any layer`);
    return t;
  });
  try {
    return tf.model({ inputs, outputs, name: safeName(ir.name) });
  } catch (err) {
    throw new ProbeError('bad-input', `tf.model() failed: ${errorText(err)}`, {
      line: ir.anchor.line,
    });
  }
}

/**
 * The IR names an application, not which of its tensors: when the model's outputs repeat a returnState
 * application (`outputs: [probs, ...states]`), the repeats are its states in order, or all of its tensors when
 * there are as many repeats as tensors.
 */
function stateOutput(
  outputs: string[],
  position: number,
  tensors: SymbolicTensor[] | undefined,
): SymbolicTensor | undefined {
  if (!tensors || tensors.length < 2) return undefined;
  const id = outputs[position];
  const positions = outputs.flatMap((other, i) => (other === id ? [i] : []));
  const start = positions.length >= tensors.length ? 0 : 1;
  return tensors[start + positions.indexOf(position)];
}

/** Releases the weights of layers built before an assembly error. */
function disposeLayers(layers: Layer[]): void {
  // Layer.dispose() needs the reference count a finished model sets, so release the variables directly.
  for (const weight of layers.flatMap((layer) => layer.weights)) {
    try {
      weight.dispose();
    } catch {
      // Already released (a wrapper and its inner layer list the same variables).
    }
  }
}

function shapeError(node: LayerNode, err: unknown): ProbeError {
  if (err instanceof ProbeError) return err;
  return new ProbeError(
    'shape',
    `layer ${node.index} (${node.factory}, line ${lineOf(node)}) does not fit its input: ${errorText(err)}`,
    { layerIndex: node.index, line: lineOf(node) },
  );
}

/** Runs `fn` with Math.random replaced by a seeded generator: tfjs initializers without a seed draw from it. */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  Math.random = seededUniform(seed);
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}

function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `model_${cleaned}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const RECURRENT_CLASSES = new Set(['LSTM', 'GRU', 'SimpleRNN', 'RNN', 'ConvLSTM2D']);

/**
 * The tensors an application reads. A recurrent layer's initial state from a returnState layer
 * (`const [, h, c] = encoder.apply(x)`, then `{initialState: [h, c]}`) names that application once
 * per state: the repeats are its states in order, as for a model's outputs (stateOutput).
 */
function replayedInputs(
  ids: string[],
  layer: Layer,
  tensors: Map<string, SymbolicTensor>,
  everyOutput: Map<string, SymbolicTensor[]>,
): SymbolicTensor[] {
  const states = ids.slice(1);
  return ids.map((id, i) => {
    const state =
      i > 0 && RECURRENT_CLASSES.has(layer.getClassName())
        ? stateOutput(states, i - 1, everyOutput.get(id))
        : undefined;
    return state ?? tensors.get(id)!;
  });
}
