/**
 * What Keras calls mean: layer constructors, `Sequential` / `Model` / `Input`, applying a layer to
 * tensors, model methods (`add`, `compile`, `fit`), and (through training.ts) optimizers, losses,
 * gradient tapes and clipping. Paths arrive canonical (bindings.ts).
 */
import { readLambda } from './lambda';
import type { SyntaxNode } from '@lezer/common';
import type { Span, Value } from '../ir';
import { readConfig, toValue } from './convert';
import type { PyInterp } from './interpreter';
import {
  CONSTRAINTS,
  MERGE_FUNCTIONS,
  MERGE_MODES,
  REGULARIZERS,
  initializerSpec,
  layerSpec,
} from './keras-names';
import { parserMethod } from './argparse';
import { hyperparameterDefault } from './tuner';
import { arrayMethod, loadData } from './arrays';
import { callBuiltin } from './builtins';
import { applyModelOrObject } from './classes';
import { shapeTuple } from './tensor-shapes';
import {
  joinKernelSize,
  keras1Initialization,
  legacyConvParams,
  legacyWidthParams,
} from './keras1';
import {
  clipCall,
  compile,
  fitCall,
  learningRateSchedule,
  lossApplied,
  lossObject,
  makeOptimizer,
  optimizerMethod,
  tapeGradient,
} from './training';
import {
  NONE,
  tensorInputs,
  unknown,
  type LayerRec,
  type ModelRec,
  type PV,
  type TensorNode,
} from './values';

export interface Arg {
  name: string | null;
  value: PV;
  /** The value expression. */
  node: SyntaxNode;
  /** The whole argument (`activation='relu'`, `**kw`). */
  span: Span;
  star?: '*' | '**';
}

export function callKeras(ip: PyInterp, path: string, args: Arg[], node: SyntaxNode): PV {
  // Read with indexOf, not split: this runs for every call of a library path.
  const rootEnd = path.indexOf('.');
  const root = rootEnd < 0 ? path : path.slice(0, rootEnd);
  if (root !== 'keras' && root !== 'tf') return callBuiltin(ip, path, args, node);
  const namespaceEnd = rootEnd < 0 ? -1 : path.indexOf('.', rootEnd + 1);
  const namespace =
    rootEnd < 0 ? undefined : path.slice(rootEnd + 1, namespaceEnd < 0 ? undefined : namespaceEnd);
  const last = path.slice(path.lastIndexOf('.') + 1);
  const text = ip.text(node);
  if (namespace === 'datasets') return loadData(path) ?? unknown(text);
  if (namespace === 'backend') return backendCall(ip, last, args, node);
  if (path === 'keras.Sequential') return sequential(ip, args, node);
  if (path === 'keras.Model') return functionalModel(ip, args, node);
  if (path === 'keras.Input' || path === 'keras.layers.Input') return input(ip, args, node);
  if (namespace === 'layers' && /^[A-Z]/.test(last))
    return { t: 'layer', rec: makeLayer(ip, last, args, node) };
  if (namespace === 'layers' && MERGE_FUNCTIONS[last])
    return mergeFunction(ip, MERGE_FUNCTIONS[last], args, node);
  if (path === 'keras.layers.merge') return keras1Merge(ip, args, node);
  // `schedules` only groups names (bindings.ts), so a schedule arrives as `keras.optimizers.ExponentialDecay`.
  if (namespace === 'optimizers' && /Decay|Restarts|^LearningRateSchedule$/.test(last))
    return learningRateSchedule(ip, last, args, node);
  if (namespace === 'optimizers') return makeOptimizer(ip, last, args, node);
  if (namespace === 'losses') return lossObject(ip, last, args, node);
  if (namespace === 'initializers')
    return factoryCall(ip, 'initializers', initializerSpec(last), args, node);
  if (namespace === 'initializations')
    return keras1Initialization(last, args, (n) => ip.span(n), text) ?? unknown(text);
  if (namespace === 'regularizers')
    return factoryCall(ip, 'regularizers', REGULARIZERS[last] ?? null, args, node);
  if (namespace === 'constraints')
    return factoryCall(ip, 'constraints', CONSTRAINTS[last] ?? null, args, node);
  // `keras.activations.get('relu')` is the function `keras.activations.relu` (an op on its input).
  if (path === 'keras.activations.get' && args[0]?.value.t === 'str' && !args[0].name)
    return { t: 'path', path: `keras.activations.${args[0].value.v}` };
  if (path === 'tf.GradientTape') return { t: 'tape' };
  if (/^tf\.(?:clip_by_global_norm|clip_by_norm|clip_by_value)$/.test(path))
    return clipCall(ip, last, args, node);
  // Other tensorflow ops on a tensor (`tf.nn.relu(x)`) keep the graph connected through their input.
  return opOnTensors(ip, last, args, node) ?? unknown(text);
}

/**
 * `K.int_shape(x)` from the graph so far; `K.image_data_format()` is Keras's default configuration
 * (channels last) unless the code sets another with `K.set_image_data_format`.
 */
function backendCall(ip: PyInterp, name: string, args: Arg[], node: SyntaxNode): PV {
  const text = ip.text(node);
  const first = args.find((a) => !a.name && !a.star)?.value;
  if (name === 'int_shape' && first?.t === 'tensor') return shapeTuple(first.node, text);
  if (name === 'set_image_data_format' && first?.t === 'str') ip.imageDataFormat = first.v;
  if (name === 'set_image_data_format' && first?.t !== 'str') ip.imageDataFormat = null;
  const format = ip.imageDataFormat;
  if (name === 'image_data_format' && format) return { t: 'str', v: format };
  // Keras 1's spelling of the same setting: 'tf' is channels last, 'th' channels first.
  if (name === 'image_dim_ordering' && format)
    return { t: 'str', v: format === 'channels_first' ? 'th' : 'tf' };
  return unknown(text);
}

/** A method call on something the evaluator tracks; anything else is unknown, named by its text. */
export function callMethod(
  ip: PyInterp,
  object: PV,
  name: string,
  args: Arg[],
  node: SyntaxNode,
  objectNode: SyntaxNode,
): PV {
  const text = ip.text(node);
  switch (object.t) {
    case 'model':
      return modelMethod(ip, object.rec, name, args, node);
    case 'layer':
      return name === '__call__' ? applyLayer(ip, object.rec, args, node) : unknown(text);
    case 'optimizer':
      return optimizerMethod(ip, object.rec, name, args, node);
    case 'tape':
      return name === 'gradient' ? tapeGradient(ip, args, node) : unknown(text);
    case 'object':
      return applyModelOrObject(ip, object, name, args, node);
    case 'kcall':
      return name === '__call__'
        ? (lossApplied(ip, object, args, node) ?? unknown(text))
        : unknown(text);
    case 'list':
      return listMethod(object, name, args) ?? unknown(text);
    case 'array':
      return (
        arrayMethod(
          object,
          name,
          args.filter((a) => !a.name).map((a) => a.value),
        ) ?? unknown(text)
      );
    case 'dict':
      if (object.argparse === 'parser') return parserMethod(ip, object, name, args, node);
      if (name === 'get' && args[0]?.value.t === 'str')
        return object.entries.get(args[0].value.v)?.value ?? args[1]?.value ?? { t: 'none' };
      if (name === 'copy') return { t: 'dict', entries: new Map(object.entries) };
      // `params.setdefault('strides', (1, 1))`: a builder's keyword defaults, read back.
      if (name === 'setdefault' && args[0]?.value.t === 'str') {
        const key = args[0].value.v;
        const held = object.entries.get(key);
        if (held) return held.value;
        const value = args[1]?.value ?? NONE;
        const span = args[1]?.span ?? ip.span(node);
        object.entries.set(key, { value, span, valueSpan: span });
        return value;
      }
      return unknown(text);
    case 'str':
      if (name === 'format' || name === 'lower' || name === 'upper') return unknown(text);
      return unknown(text);
    case 'unknown':
      return hyperparameterDefault(name, args) ?? unknown(text);
    default:
      void objectNode;
      return unknown(text);
  }
}

/** The list methods builders use on their config lists (`groups.pop(0)`); null: not followed. */
function listMethod(list: Extract<PV, { t: 'list' }>, name: string, args: Arg[]): PV | null {
  const [first] = args;
  if (name === 'append' && first) list.items.push(first.value);
  else if (name === 'extend' && first?.value.t === 'list') list.items.push(...first.value.items);
  else if (name === 'insert' && first?.value.t === 'num' && args[1])
    list.items.splice(first.value.v, 0, args[1].value);
  else if (name === 'pop') {
    const at = first ? (first.value.t === 'num' ? first.value.v : null) : -1;
    if (at === null || list.items.length === 0) return null;
    const index = at < 0 ? list.items.length + at : at;
    return list.items.splice(index, 1)[0] ?? null;
  } else if (name === 'copy') return { t: 'list', items: [...list.items], tuple: false };
  return null;
}

export function makeLayer(
  ip: PyInterp,
  className: string,
  args: Arg[],
  node: SyntaxNode,
): LayerRec {
  const spec = layerSpec(className);
  const params =
    legacyConvParams(className, spec.factory, args) ??
    legacyWidthParams(spec.factory, args) ??
    spec.params;
  const { config, values } = readConfig(ip, spec.factory, params, args, node);
  joinKernelSize(config);
  const rec: LayerRec = { factory: spec.factory, config, callSpan: ip.span(node) };
  if (spec.factory === 'lambda') {
    const fn = args.find((a) => !a.star && (a.name === null || a.name === 'function'));
    rec.lambda = readLambda(ip, fn?.value);
    // A body read as tensor ops is a known config: nothing of it waits for a value.
    if ('op' in rec.lambda) config.opaque = false;
  }
  ip.layersMade++;
  const wrapped = values.get('layer');
  if (wrapped?.t === 'layer') rec.inner = wrapped.rec;
  markContext(ip, rec);
  if (ip.assign?.rhs === node) rec.variable = ip.assign.name;
  return rec;
}

function markContext(ip: PyInterp, rec: LayerRec): void {
  const repeat = ip.repeats[ip.repeats.length - 1];
  if (repeat) rec.repeat = { ...repeat };
  const cond = ip.conds[ip.conds.length - 1];
  if (cond) rec.conditional = { ...cond };
}

function factoryCall(
  ip: PyInterp,
  namespace: string,
  spec: { factory: string; params: string[] } | null,
  args: Arg[],
  node: SyntaxNode,
): PV {
  if (!spec) return unknown(ip.text(node));
  const { config } = readConfig(ip, spec.factory, spec.params, args, node);
  return {
    t: 'kcall',
    path: `${namespace}.${spec.factory}`,
    props: config.props,
    text: ip.text(node),
  };
}

function newModel(ip: PyInterp, kind: ModelRec['kind'], node: SyntaxNode): ModelRec {
  const builder = ip.builders[ip.builders.length - 1];
  const name =
    ip.assign?.rhs === node ? ip.assign.name.replace(/^self\./, '') : (builder?.name ?? 'model');
  const anchor = ip.span(node);
  const rec: ModelRec = {
    name,
    kind,
    anchor,
    lastSpan: anchor,
    layers: [],
    inputs: { t: 'none' },
    outputs: { t: 'none' },
    fitCalls: [],
    customLoops: [],
    clipping: [],
    unresolved: [],
    speculative: ip.speculative,
  };
  if (builder) rec.builderSpan = builder.span;
  ip.models.push(rec);
  return rec;
}

function sequential(ip: PyInterp, args: Arg[], node: SyntaxNode): PV {
  const rec = newModel(ip, 'sequential', node);
  const list = args.find((a) => a.name === 'layers') ?? args.find((a) => !a.name && !a.star);
  if (list?.value.t === 'list')
    for (const item of list.value.items) addLayer(ip, rec, item, list.node);
  else if (list && list.value.t !== 'none') rec.unresolved.push(ip.text(list.node));
  return { t: 'model', rec };
}

/**
 * `model.add(Dense(...))` on a name the code never defines: a documentation snippet whose
 * `model = Sequential()` is implied. The model starts at that first `add`.
 */
export function implicitSequential(
  ip: PyInterp,
  name: string,
  args: Arg[],
  node: SyntaxNode,
): PV | null {
  if (args[0]?.value.t !== 'layer') return null;
  const rec = newModel(ip, 'sequential', node);
  rec.name = name;
  addLayer(ip, rec, args[0].value, args[0].node);
  return { t: 'model', rec };
}

function addLayer(ip: PyInterp, rec: ModelRec, item: PV, where: SyntaxNode): void {
  if (item.t === 'layer') rec.layers.push(item.rec);
  else if (item.t === 'tensor' && item.node.kind === 'input') {
    const config = item.node.config;
    rec.layers.push({ factory: 'inputLayer', config, callSpan: item.node.span });
  } else if (item.t === 'model') {
    const from = rec.layers.length;
    rec.layers.push(...(item.rec.kind === 'functional' ? graphLayers(item.rec) : item.rec.layers));
    // A Sequential inside a Sequential brings its custom layers along (traced in place later).
    if (item.rec.kind !== 'functional')
      for (const b of item.rec.blocks ?? [])
        (rec.blocks ??= []).push({ ...b, from: from + b.from, to: from + b.to });
  } else if (item.t === 'object' && (item.model || item.cls.methods.has('call'))) {
    const from = rec.layers.length;
    // A subclassed model's graph is not a run of layers: the Sequential's own view leaves it out.
    if (item.model) rec.unresolved.push(ip.text(where));
    else if (item.cls.base.startsWith('keras.layers.')) {
      // A custom layer (`class CRF(Layer)`) is one layer of the Sequential, under its class's name.
      const config = { props: {}, objectSpan: null, opaque: true, text: ip.text(where) };
      rec.layers.push({
        factory: layerSpec(item.cls.name).factory,
        config,
        callSpan: ip.span(where),
      });
    }
    (rec.blocks ??= []).push({ from, to: rec.layers.length, object: item, where });
  } else rec.unresolved.push(item.t === 'unknown' ? item.text : ip.text(where));
}

/** A functional model's layers as a Sequential holding it runs them: creation (forward-pass) order. */
function graphLayers(rec: ModelRec): LayerRec[] {
  const reached = new Map<number, TensorNode>();
  const visit = (t: TensorNode): void => {
    if (reached.has(t.id)) return;
    reached.set(t.id, t);
    tensorInputs(t).forEach(visit);
  };
  tensorValues(rec.outputs).forEach(visit);
  const layers = new Set<LayerRec>();
  for (const t of [...reached.values()].sort((a, b) => a.id - b.id))
    if (t.kind === 'apply') layers.add(t.layer);
  return [...layers];
}

function functionalModel(ip: PyInterp, args: Arg[], node: SyntaxNode): PV {
  const rec = newModel(ip, 'functional', node);
  Object.assign(rec, functionalEnds(args));
  return { t: 'model', rec };
}

/** The inputs and outputs of `Model(inputs, outputs)` (or of a subclass's `super().__init__(...)`). */
export function functionalEnds(args: Arg[]): { inputs: PV; outputs: PV } {
  const positional = args.filter((a) => !a.name && !a.star);
  // Keras 1 spelled the keywords `input=` and `output=`.
  const named = (...names: string[]) => args.find((a) => a.name !== null && names.includes(a.name));
  return {
    inputs: (named('inputs', 'input') ?? positional[0])?.value ?? NONE,
    outputs: (named('outputs', 'output') ?? positional[1])?.value ?? NONE,
  };
}

function input(ip: PyInterp, args: Arg[], node: SyntaxNode): PV {
  const { config, values } = readConfig(ip, 'inputLayer', ['inputShape', 'batchSize'], args, node);
  const shapeKey = values.has('inputShape') ? 'inputShape' : 'batchInputShape';
  const shapeProp = config.props[shapeKey];
  let shape = shapeProp?.value ?? { kind: 'unknown' as const, text: ip.text(node) };
  if (shapeKey === 'batchInputShape' && shape.kind === 'array')
    shape = { kind: 'array', items: shape.items.slice(1) };
  // tf.keras's InputLayer takes an int shape as one dimension: `Input(shape=(28 * 28))` is (784,).
  if (shapeKey === 'inputShape' && shape.kind === 'number')
    shape = { kind: 'array', items: [shape] };
  const dtype = values.get('dtype');
  const tensor: TensorNode = {
    id: ip.id(),
    kind: 'input',
    shape,
    span: ip.span(node),
    config,
    ...(dtype?.t === 'str' ? { dtype: dtype.v } : {}),
    ...(ip.assign?.rhs === node ? { variable: ip.assign.name } : {}),
  };
  return { t: 'tensor', node: tensor };
}

/** `layer(x)` / `layer([a, b])`: a node of the functional graph. */
export function applyLayer(ip: PyInterp, layer: LayerRec, args: Arg[], node: SyntaxNode): PV {
  const first = args.find((a) => a.name === 'inputs') ?? args.find((a) => !a.name && !a.star);
  const inputs = first ? tensorsOf(ip, first.value, first.node) : [];
  // An RNN's `initial_state` (a decoder started from the encoder's states) is an input of its node.
  const state = args.find((a) => a.name === 'initial_state');
  if (state) inputs.push(...tensorValues(state.value));
  const tensor: TensorNode = { id: ip.id(), kind: 'apply', layer, inputs, span: ip.span(node) };
  return { t: 'tensor', node: tensor };
}

function tensorsOf(ip: PyInterp, value: PV, node: SyntaxNode): TensorNode[] {
  if (value.t === 'tensor') return [value.node];
  if (value.t === 'list') return value.items.flatMap((item) => tensorsOf(ip, item, node));
  // An input the evaluator cannot see (a builder's parameter): an opaque source of the graph.
  return [
    {
      id: ip.id(),
      kind: 'opaque',
      text: value.t === 'unknown' ? value.text : ip.text(node),
      span: ip.span(node),
    },
  ];
}

const OPERATOR_MERGES: Readonly<Record<string, string>> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
};

/**
 * Arithmetic on tensors: `x + shortcut` between two tensors is the merge layer Keras builds for it
 * (a residual add); a tensor with a number or an unknown (`0.5 * x`, `x * mask`) passes through, as
 * tf ops do. Null when neither side is a tensor.
 */
export function tensorArithmetic(
  ip: PyInterp,
  op: string,
  left: PV,
  right: PV,
  node: SyntaxNode,
): PV | null {
  if (left.t !== 'tensor' && right.t !== 'tensor') return null;
  const factory = OPERATOR_MERGES[op];
  if (left.t === 'tensor' && right.t === 'tensor')
    return factory
      ? mergeOf(ip, factory, [left.node, right.node], node)
      : joinOf(ip, [left.node, right.node], node);
  return left.t === 'tensor' ? left : right;
}

/** `tf.add(a, b)`, `keras.ops.concatenate([a, b])`: a merge when two or more tensors go in. */
const OP_MERGES: Readonly<Record<string, string>> = {
  add: 'add',
  subtract: 'subtract',
  multiply: 'multiply',
  concat: 'concatenate',
  concatenate: 'concatenate',
};

/** The merges tensor arithmetic and tf ops make, not layers a custom layer's `call` applies. */
const ARITHMETIC_MERGES: ReadonlySet<string> = new Set([
  ...Object.values(OPERATOR_MERGES),
  ...Object.values(OP_MERGES),
]);

/** The keywords tf ops take their tensors by (`tf.concat(values=[a, b], axis=3)`, `tf.add(x=a, y=b)`). */
const TENSOR_KEYWORDS = new Set(['value', 'values', 'x', 'y', 'a', 'b', 'inputs']);

function opOnTensors(ip: PyInterp, last: string, args: Arg[], node: SyntaxNode): PV | null {
  const tensors = args.flatMap((a) =>
    a.name && !TENSOR_KEYWORDS.has(a.name) ? [] : tensorValues(a.value),
  );
  const factory = OP_MERGES[last];
  if (tensors.length >= 2 && factory) return mergeOf(ip, factory, tensors, node);
  if (tensors.length >= 2) return joinOf(ip, tensors, node);
  return tensors.length > 0 ? { t: 'tensor', node: tensors[0] } : null;
}

/**
 * An op on several tensors that Keras has no merge layer for (`tf.matmul(q, k)`, `scores / norm`,
 * `tf.where(mask, a, b)`): data flows on from every one of them. The same tensor twice (`tf.matmul(x,
 * x)`, `x / tf.norm(x)`) is that tensor.
 */
function joinOf(ip: PyInterp, tensors: TensorNode[], node: SyntaxNode): PV {
  const inputs = [...new Map(tensors.map((t) => [t.id, t])).values()];
  if (inputs.length === 1) return { t: 'tensor', node: inputs[0] };
  return { t: 'tensor', node: { id: ip.id(), kind: 'join', inputs, span: ip.span(node) } };
}

function tensorValues(value: PV): TensorNode[] {
  if (value.t === 'tensor') return [value.node];
  if (value.t === 'list') return value.items.flatMap(tensorValues);
  return [];
}

function mergeOf(
  ip: PyInterp,
  factory: string,
  inputs: TensorNode[],
  node: SyntaxNode,
  opaque = false,
): PV {
  const config = { props: {}, objectSpan: null, opaque, text: opaque ? ip.text(node) : '' };
  const rec: LayerRec = { factory, config, callSpan: ip.span(node) };
  markContext(ip, rec);
  if (ip.assign?.rhs === node) rec.variable = ip.assign.name;
  return {
    t: 'tensor',
    node: { id: ip.id(), kind: 'apply', layer: rec, inputs, span: ip.span(node) },
  };
}

/**
 * A custom layer applied to tensors whose `call` applies no Keras layer (its own weights and tensor
 * math: `tf.matmul(x, self.w)`): one opaque layer under its class's name, as a Sequential holds it.
 */
/**
 * Whether the tensors `value` holds went through a layer made after node id `mark`, other than the
 * merges tensor arithmetic and tf ops make (`x - mean`, `tf.concat`): a custom layer's `call` that
 * only computes with its own weights makes none.
 */
export function appliesLayerSince(value: PV, mark: number): boolean {
  const merges = ARITHMETIC_MERGES;
  const seen = new Set<number>();
  const visit = (t: TensorNode): boolean => {
    if (t.id <= mark || seen.has(t.id)) return false;
    seen.add(t.id);
    if (t.kind === 'join') return t.inputs.some(visit);
    if (t.kind !== 'apply') return false;
    return !merges.has(t.layer.factory) || t.inputs.some(visit);
  };
  return tensorValues(value).some(visit);
}

export function opaqueLayerApplied(
  ip: PyInterp,
  className: string,
  args: Arg[],
  node: SyntaxNode,
): PV | null {
  const inputs = args.flatMap((a) => (a.name ? [] : tensorValues(a.value)));
  if (inputs.length === 0) return null;
  const out = mergeOf(ip, layerSpec(className).factory, inputs, node, true);
  if (out.t === 'tensor' && out.node.kind === 'apply') out.node.layer.customClass = className;
  return out;
}

/** Keras 1's `merge([a, b], mode='concat', concat_axis=-1)`; a mode it cannot read keeps the call unknown. */
function keras1Merge(ip: PyInterp, args: Arg[], node: SyntaxNode): PV {
  const mode = args.find((a) => a.name === 'mode')?.value ?? { t: 'str', v: 'sum' };
  const factory = mode.t === 'str' ? MERGE_MODES[mode.v] : undefined;
  if (!factory) return opOnTensors(ip, '', args, node) ?? unknown(ip.text(node));
  const axis = args.find((a) => a.name === 'concat_axis');
  const rest = args.filter((a) => a.name !== 'mode' && a.name !== 'concat_axis');
  return mergeFunction(ip, factory, axis ? [...rest, { ...axis, name: 'axis' }] : rest, node);
}

function mergeFunction(ip: PyInterp, factory: string, args: Arg[], node: SyntaxNode): PV {
  const rest = args.filter((a, i) => i > 0 || a.name);
  const first = args[0] && !args[0].name ? [args[0]] : [];
  const { config } = readConfig(ip, factory, [], rest, node);
  const rec: LayerRec = { factory, config, callSpan: ip.span(node) };
  markContext(ip, rec);
  return applyLayer(ip, rec, first, node);
}

export function modelMethod(
  ip: PyInterp,
  rec: ModelRec,
  name: string,
  args: Arg[],
  node: SyntaxNode,
): PV {
  const span = ip.span(node);
  if (span.end > rec.lastSpan.end) rec.lastSpan = span;
  switch (name) {
    case 'add':
      if (args[0]) addLayer(ip, rec, args[0].value, args[0].node);
      return { t: 'none' };
    case 'compile':
      compile(ip, rec, args, node);
      return { t: 'none' };
    case 'fit':
    case 'fit_generator':
    case 'train_on_batch':
      fitCall(ip, rec, name, args, node);
      return unknown(ip.text(node));
    case '__call__':
      return markOutput(ip, rec, applyModel(ip, rec, args, node));
    case 'build':
      buildWithShape(rec, args);
      return { t: 'none' };
    case 'pop':
      return popLayer(ip, rec);
    default:
      return unknown(ip.text(node));
  }
}

/**
 * `model.pop()`: a Sequential drops its last layer. Under a branch the evaluator cannot decide, the
 * layer stays, marked as on some paths only.
 */
function popLayer(ip: PyInterp, rec: ModelRec): PV {
  if (rec.kind !== 'sequential' || rec.layers.length === 0) return unknown('pop()');
  const cond = ip.conds[ip.conds.length - 1];
  const last = rec.layers[rec.layers.length - 1];
  if (cond) {
    last.conditional ??= { ...cond };
    return { t: 'layer', rec: last };
  }
  rec.layers.pop();
  const length = rec.layers.length;
  rec.blocks = rec.blocks
    ?.filter((b) => b.from < length || (b.from === length && b.to === length))
    .map((b) => (b.to > length ? { ...b, to: length } : b));
  return { t: 'layer', rec: last };
}

/** What a model's call gave, remembered as its output (a loss applied to it is the model's loss). */
export function markOutput(ip: PyInterp, rec: ModelRec, value: PV): PV {
  if (value.t === 'tensor') ip.modelOutputs.set(value.node, rec);
  return value.t === 'unknown' ? { ...value, output: rec } : value;
}

/**
 * A model applied to a tensor joins the caller's graph as a block: a Sequential's layers in order, a
 * functional model's graph replayed on the new inputs (an encoder inside a VAE). A model whose graph
 * the evaluator does not hold passes its input through.
 */
function applyModel(ip: PyInterp, rec: ModelRec, args: Arg[], node: SyntaxNode): PV {
  const tensor = args.find((a) => a.value.t === 'tensor' || a.value.t === 'list');
  if (!tensor) return unknown(ip.text(node));
  if (rec.kind !== 'sequential') return replayGraph(ip, rec, tensor.value) ?? tensor.value;
  if (tensor.value.t !== 'tensor') return tensor.value;
  let out: PV = tensor.value;
  const run = (object: PV): void => {
    if (object.t === 'object')
      out = applyModelOrObject(ip, object, '__call__', [{ ...tensor, value: out }], node);
  };
  for (let i = 0; i <= rec.layers.length; i++) {
    for (const block of rec.blocks ?? []) if (block.from === i && block.to === i) run(block.object);
    const block = rec.blocks?.find((b) => b.from === i && b.to > i);
    if (block) {
      run(block.object);
      i = block.to - 1;
      continue;
    }
    if (i === rec.layers.length) break;
    const layer = rec.layers[i];
    if (layer.factory === 'inputLayer') continue;
    out = applyLayer(ip, layer, [{ ...tensor, value: out }], node);
  }
  return out;
}

/**
 * A Sequential holding custom layers whose `call` applies Keras layers (`model.add(ResidualUnit(64))`,
 * its convolutions in `self.main_layers` and a shortcut added back) is the graph of running it on its
 * input: it becomes functional, each block's layers in place. Blocks that apply no Keras layer (their
 * `call` is tensor math) stay one layer under their class's name.
 */
export function traceSequentialBlocks(ip: PyInterp, rec: ModelRec): void {
  const where = rec.blocks?.find(
    (b) =>
      b.object.t === 'object' && !b.object.model && b.object.cls.base.startsWith('keras.layers.'),
  )?.where;
  if (rec.kind !== 'sequential' || !where) return;
  const first = rec.layers[0];
  const input: TensorNode = {
    id: ip.id(),
    kind: 'input',
    shape: first ? declaredShape(first) : { kind: 'unknown', text: 'input of the Sequential' },
    span: first?.callSpan ?? rec.anchor,
    config:
      first?.factory === 'inputLayer'
        ? first.config
        : { props: {}, objectSpan: null, opaque: false, text: '' },
  };
  const tensor: PV = { t: 'tensor', node: input };
  const out = applyModel(
    ip,
    rec,
    [{ name: null, value: tensor, node: where, span: ip.span(where) }],
    where,
  );
  const own = new Set(rec.layers);
  const reached = new Set<number>();
  let inner = false;
  const visit = (t: TensorNode): void => {
    if (reached.has(t.id)) return;
    reached.add(t.id);
    if (t.kind === 'join') t.inputs.forEach(visit);
    if (t.kind !== 'apply') return;
    // A tensor-math layer of the Sequential's own stays the one layer it already is.
    if (!own.has(t.layer) && !t.layer.customClass) inner = true;
    t.inputs.forEach(visit);
  };
  tensorValues(out).forEach(visit);
  if (!inner || !reached.has(input.id)) return;
  rec.kind = 'functional';
  rec.inputs = tensor;
  rec.outputs = out;
}

/** The input shape the first layer of a Sequential declares (`input_shape=`, `batch_input_shape=`, Dense's `input_dim=`). */
function declaredShape(layer: LayerRec): Value {
  const props = layer.config.props;
  const batch = props.batchInputShape?.value;
  if (batch?.kind === 'array') return { kind: 'array', items: batch.items.slice(1) };
  if (props.inputShape?.value) return props.inputShape.value;
  const dim = layer.factory === 'dense' ? props.inputDim?.value : undefined;
  if (dim) return { kind: 'array', items: [dim] };
  return { kind: 'unknown', text: 'input of the Sequential' };
}

/** The functional graph of `rec` from its inputs to its outputs, with `given` in place of the inputs. */
function replayGraph(ip: PyInterp, rec: ModelRec, given: PV): PV | null {
  const formal = tensorValues(rec.inputs);
  const actual = tensorValues(given);
  if (formal.length === 0 || formal.length !== actual.length) return null;
  const replaced = new Map<number, TensorNode>();
  formal.forEach((input, i) => replaced.set(input.id, actual[i]));
  const reached = new Map<number, TensorNode>();
  const visit = (t: TensorNode): void => {
    if (reached.has(t.id) || replaced.has(t.id)) return;
    reached.set(t.id, t);
    tensorInputs(t).forEach(visit);
  };
  tensorValues(rec.outputs).forEach(visit);
  if (reached.size === 0) return null;
  // In creation order, so the caller's graph lists the block's layers in forward-pass order.
  for (const t of [...reached.values()].sort((a, b) => a.id - b.id)) {
    if (t.kind !== 'apply' && t.kind !== 'join') continue;
    const inputs = t.inputs.map((i) => replaced.get(i.id) ?? i);
    replaced.set(t.id, { ...t, id: ip.id(), inputs });
  }
  const map = (value: PV): PV =>
    value.t === 'tensor'
      ? { t: 'tensor', node: replaced.get(value.node.id) ?? value.node }
      : value.t === 'list'
        ? { ...value, items: value.items.map(map) }
        : value;
  return map(rec.outputs);
}

/** `model.build((None, 32))`: the input shape of a model whose code never wrote one (subclassed). */
function buildWithShape(rec: ModelRec, args: Arg[]): void {
  const shapeArg =
    args.find((a) => a.name === 'input_shape') ?? args.find((a) => !a.name && !a.star);
  const input = rec.inputs.t === 'tensor' ? rec.inputs.node : null;
  if (!shapeArg || input?.kind !== 'input' || input.shape.kind !== 'unknown') return;
  const shape = toValue(shapeArg.value, 'inputShape', 'input_shape');
  if (shape.kind === 'array') input.shape = { kind: 'array', items: shape.items.slice(1) };
}
