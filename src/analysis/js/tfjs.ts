/** What calls into tfjs mean: layers, models, inputs, optimizers and training calls (custom loops: custom-loops.ts). */
import type { CallNode } from './calls';
import { toLayerConfig, toValue } from './convert';
import type { CustomLoopCall, OptimizerInfo, Span } from '../ir';
import type { Interp } from './interpreter';
import { unwrap } from './call-values';
import { spanOf } from './spans';
import { TENSOR_FACTORIES, dataTensor, fitShapes } from './tensors';
import { lossInfo, optimizerFromString, trainArguments, trainKind } from './training';
import { loaderOf, loadBase } from './bases';
import { applyModel } from './compose';
import { recordLoop } from './custom-loops';
import { functionalLayers, noteApplied, sequentialEnds } from './layer-ends';
import {
  type AV,
  type BaseRec,
  type LayerRec,
  type ModelRec,
  type OptimizerRec,
  type TensorNode,
  UNDEFINED,
  unknown,
} from './values';

type ModelAV = Extract<AV, { t: 'model' }>;
type LayerAV = Extract<AV, { t: 'layer' }>;

const DATA_NAMESPACES = ['initializers.', 'regularizers.', 'constraints.', 'losses.', 'metrics.'];
const GRADIENT_FUNCTIONS = new Set([
  'variableGrads',
  'grads',
  'grad',
  'valueAndGrads',
  'valueAndGrad',
]);

export function callTf(interp: Interp, path: string, args: AV[], node: CallNode): AV {
  interp.tfCalled = true;
  if (path.startsWith('layers.')) return createLayer(interp, path.slice(7), args, node);
  // `new tf.Sequential(config)` / `new tf.LayersModel(config)` are the same as the factories.
  if (path === 'sequential' || path === 'Sequential')
    return createModel(interp, 'sequential', args[0], node);
  if (path === 'model' || path === 'LayersModel')
    return createModel(interp, 'functional', args[0], node);
  if (path === 'input' || path === 'layers.input') return createInput(interp, args[0], node);
  if (path.startsWith('train.')) return createOptimizer(interp, path.slice(6), args, node);
  const loader = loaderOf(path);
  if (loader) return loadBase(interp, loader, args, node);
  if (path === 'tidy') {
    const fn = args.find((a) => a.t === 'fn');
    return fn?.t === 'fn' ? interp.callFunction(fn, [], UNDEFINED) : UNDEFINED;
  }
  if (GRADIENT_FUNCTIONS.has(path)) {
    recordLoop(interp, path as CustomLoopCall['method'], node, args, undefined);
    return unknown(interp.text(node), 'gradients');
  }
  if (TENSOR_FACTORIES.has(path)) return dataTensor(interp, path, args, node);
  if (DATA_NAMESPACES.some((ns) => path.startsWith(ns))) {
    return { t: 'tfcall', path, args, text: interp.text(node) };
  }
  return unknown(interp.text(node), 'tfjs call');
}

function createLayer(interp: Interp, factory: string, args: AV[], node: CallNode): LayerAV {
  const argNode = node.arguments[0];
  const literal =
    argNode && unwrap(argNode).type === 'ObjectExpression' ? spanOf(unwrap(argNode)) : null;
  const config = toLayerConfig(args[0], literal, argNode ? interp.text(argNode) : '');
  const layer: LayerRec = { id: interp.id(), factory, config, callSpan: spanOf(node) };
  const wrapped = args[0]?.t === 'object' ? args[0].props.get('layer')?.value : undefined;
  if (wrapped?.t === 'layer') layer.inner = wrapped.layer;
  if (interp.nameHint?.node === node) layer.variable = interp.nameHint.name;
  interp.noteLayer(layer);
  return { t: 'layer', layer };
}

function newModel(interp: Interp, kind: ModelRec['kind'], node: CallNode): ModelRec {
  return modelAt(
    interp,
    kind,
    spanOf(node),
    interp.nameHint?.node === node ? interp.nameHint.name : 'model',
  );
}

/**
 * A forward function of a custom training loop (`const f = x => dense2.apply(dense1.apply(x))`,
 * trained by `optimizer.minimize(() => loss(y, f(x)))`): a functional model of the layers it
 * applies, named by the function, its inputs the tensors it was given.
 */
export function forwardModel(interp: Interp, name: string, span: Span, outputs: AV): ModelRec {
  const model = modelAt(interp, 'functional', span, name);
  model.builderSpan = span;
  model.outputs = outputs;
  return model;
}

function modelAt(interp: Interp, kind: ModelRec['kind'], span: Span, name: string): ModelRec {
  const model: ModelRec = {
    id: interp.id(),
    kind,
    name,
    anchor: span,
    lastSpan: span,
    layers: [],
    inputs: UNDEFINED,
    outputs: UNDEFINED,
    fitCalls: [],
    customLoops: [],
    speculative: interp.inSpeculativeFrame(),
    ...(interp.guessingClass ? { classGuess: true as const } : {}),
    unresolved: [],
    conditionDepth: interp.conditions.length,
    loopDepth: interp.loops.length,
    ...(interp.conditions.length > 0
      ? { createdUnder: interp.conditions.map((c) => ({ ...c })) }
      : {}),
    ...(interp.path ? { run: interp.path } : {}),
  };
  interp.models.push(model);
  interp.lastModelUnder = interp.conditions.slice();
  interp.progress++;
  return model;
}

/** A tensor the extractor cannot follow; what fed it (a custom layer's inputs) stays in the graph. */
export function opaqueTensor(interp: Interp, text: string, span: Span, source?: AV): TensorNode {
  const feeds = source?.t === 'unknown' ? source.feeds : undefined;
  return { id: interp.id(), kind: 'opaque', text, span, ...(feeds ? { inputs: feeds } : {}) };
}

/** `outputs: q` where q came out of a custom layer: an opaque output fed by what fed the layer. */
function fedOutputs(interp: Interp, outputs: AV, node: CallNode): AV {
  const fed = (item: AV): AV =>
    item.t === 'unknown' && item.feeds
      ? { t: 'tensor', node: opaqueTensor(interp, item.text, spanOf(node), item) }
      : item;
  if (outputs.t === 'array') return { t: 'array', items: outputs.items.map(fed) };
  return fed(outputs);
}

function createModel(
  interp: Interp,
  kind: ModelRec['kind'],
  config: AV | undefined,
  node: CallNode,
): ModelAV {
  const model = newModel(interp, kind, node);
  const get = (key: string) => (config?.t === 'object' ? config.props.get(key)?.value : undefined);
  if (kind === 'sequential') {
    const layers = get('layers');
    if (layers?.t === 'array') for (const item of layers.items) addLayer(interp, model, item);
    else if (layers) model.unresolved.push(describe(layers, 'layers'));
  } else {
    model.inputs = get('inputs') ?? UNDEFINED;
    model.outputs = fedOutputs(interp, get('outputs') ?? UNDEFINED, node);
    if (model.outputs.t !== 'tensor' && model.outputs.t !== 'array') {
      model.unresolved.push(describe(model.outputs, 'outputs'));
    }
  }
  return { t: 'model', model };
}

/** Text for a value that should have been a layer or tensor (a custom layer class, a nested model, ...). */
function describe(value: AV, what: string): string {
  if (value.t === 'unknown') return value.text;
  if (value.t === 'model') return `nested model ${value.model.name}`;
  return what;
}

function addLayer(
  interp: Interp,
  model: ModelRec,
  item: AV,
  text = 'a layer the extractor cannot read',
): void {
  if (item.t === 'prim' && item.v == null) {
    interp.endPath(); // tfjs throws on `model.add(undefined)`: this path builds nothing
    return;
  }
  const cut = item.t === 'model' ? baseCut(item.model) : null;
  if (item.t === 'base' || cut) {
    // The whole loaded model (or the part of it a submodel keeps) as a "layer" of a sequential model.
    const rec = item.t === 'base' ? item.rec : cut!.rec;
    // Its layers added one by one (`for (...) model.add(base.layers[i])`) are one row too.
    const last = model.layers[model.layers.length - 1];
    if (item.t === 'base' && last?.factory === 'loadedModel' && last.base === rec) return;
    const layer: LayerRec = {
      id: interp.id(),
      factory: 'loadedModel',
      config: { props: {}, objectSpan: null, opaque: false, text: '' },
      callSpan: rec.span,
      base: rec,
      ...(cut?.truncatedAt !== undefined ? { truncatedAt: cut.truncatedAt } : {}),
    };
    model.layers.push(layer);
    return;
  }
  // A sequential model added to another (`gan.add(generator)`) is its layers, in order, as tfjs runs them.
  const nested = item.t === 'model' && item.model.kind === 'sequential' ? item.model.layers : null;
  if (item.t !== 'layer' && !nested) {
    model.unresolved.push(describe(item, text));
    return;
  }
  const depth = interp.conditions.length;
  const condition = interp.conditions[depth - 1];
  const added = nested ?? (item.t === 'layer' ? [item.layer, ...(item.alternatives ?? [])] : []);
  for (const layer of added) {
    if (condition && depth > model.conditionDepth && !layer.conditional) {
      // The nested model's own layers stay as it built them: the outer model gets marked copies.
      const marked = nested ? { ...layer } : layer;
      marked.conditional = { ...condition };
      marked.condIndex = depth - 1;
      model.layers.push(marked);
    } else model.layers.push(layer);
  }
}

/** A functional model that only cuts a loaded base (`tf.model({inputs: base.inputs, outputs: base.getLayer(n).output})`). */
function baseCut(model: ModelRec): { rec: BaseRec; truncatedAt?: string } | null {
  if (model.kind !== 'functional' || model.outputs.t !== 'tensor') return null;
  const out = model.outputs.node;
  if (out.kind !== 'input' || out.base?.role !== 'output') return null;
  const rec = out.base.rec;
  const inputs = model.inputs.t === 'array' ? model.inputs.items : [model.inputs];
  const fromBase = inputs.every(
    (i) => i.t === 'tensor' && i.node.kind === 'input' && i.node.base?.rec === rec,
  );
  if (!fromBase) return null;
  return {
    rec,
    ...(out.base.truncatedAt !== undefined ? { truncatedAt: out.base.truncatedAt } : {}),
  };
}

function createInput(interp: Interp, config: AV | undefined, node: CallNode): AV {
  const get = (key: string) => (config?.t === 'object' ? config.props.get(key)?.value : undefined);
  const shape =
    get('shape') ??
    (get('batchShape') ? get('batchShape')! : unknown(interp.text(node), 'no shape'));
  const dtype = get('dtype');
  const input: TensorNode = {
    id: interp.id(),
    kind: 'input',
    shape,
    span: spanOf(node),
    ...(dtype?.t === 'prim' && typeof dtype.v === 'string' ? { dtype: dtype.v } : {}),
    ...(interp.nameHint?.node === node ? { variable: interp.nameHint.name } : {}),
  };
  return { t: 'tensor', node: input };
}

function createOptimizer(interp: Interp, factory: string, args: AV[], node: CallNode): AV {
  const named = trainArguments(factory, args);
  const kind = trainKind(factory, named);
  const info: OptimizerInfo = {
    kind,
    span: spanOf(node),
    text: interp.text(node),
    form: 'call',
    ...(kind !== 'unknown' ? { name: factory } : {}),
    args: named,
  };
  const lrNode = node.arguments[0];
  const lr = args[0];
  if (lrNode && lr && !(lr.t === 'prim' && lr.v === undefined)) {
    info.learningRate = toValue(lr);
    const callSpan = spanOf(node);
    const origin = lr.t === 'prim' && lr.origin ? lr.origin : spanOf(lrNode);
    info.learningRateSpan = origin;
    info.learningRateInherited = origin.start < callSpan.start || origin.end > callSpan.end;
  }
  // Without an argument learningRate stays absent: tfjs-core's default for the factory applies.
  const opt: OptimizerRec = { info, overrides: [], models: new Set() };
  interp.optimizers.push(opt);
  return { t: 'optimizer', opt };
}

function layerOf(layer: LayerRec): AV {
  return { t: 'layer', layer };
}

function layerNamed(model: ModelRec, args: AV[]): LayerRec | undefined {
  const [name, index] = args;
  if (index?.t === 'prim' && typeof index.v === 'number') return model.layers[index.v];
  if (name?.t !== 'prim' || typeof name.v !== 'string') return undefined;
  const found = model.layers.filter((layer) => {
    const given = layer.config.props.name?.value;
    return given?.kind === 'string' && given.value === name.v;
  });
  return found.length === 1 ? found[0] : undefined;
}

export function modelMember(interp: Interp, self: ModelAV, key: string): AV | undefined {
  const model = self.model;
  const field = model.fields?.get(key);
  if (field) return field.value;
  // `truncated.outputs[0]`, `truncated.inputs`: a functional model's ends are its tensors.
  if (model.kind === 'functional' && ['inputs', 'outputs', 'input', 'output'].includes(key)) {
    const value = key.startsWith('input') ? model.inputs : model.outputs;
    if (key.endsWith('s')) return value.t === 'array' ? value : { t: 'array', items: [value] };
    return value.t === 'array' ? (value.items[0] ?? UNDEFINED) : value;
  }
  if (model.kind === 'functional' && key === 'layers' && model.outputs !== UNDEFINED)
    return functionalLayers(model);
  // `model.layers[2].output`, `model.inputs` of a sequential model: tensors along its layers, so a
  // model made from them (`tf.model({ inputs: model.inputs, outputs: ... })`) has those layers.
  if (model.kind === 'sequential' && model.layers.length > 0) {
    if (key === 'layers') {
      // Its layers know their place from here on: `layers[5].output` read before `model.inputs`.
      sequentialEnds(interp, model);
      return { t: 'array', items: model.layers.map((layer) => layerOf(layer)) };
    }
    if (['inputs', 'outputs', 'input', 'output'].includes(key)) {
      const ends = sequentialEnds(interp, model);
      const end: AV = {
        t: 'tensor',
        node: key.startsWith('input') ? ends.input : ends.outputs[ends.outputs.length - 1],
      };
      return key.endsWith('s') ? { t: 'array', items: [end] } : end;
    }
  }
  if (key !== 'optimizer') return undefined;
  if (!model.optimizer) {
    const info: OptimizerInfo = {
      kind: 'unknown',
      span: model.anchor,
      text: 'model.optimizer',
      form: 'unknown',
    };
    model.optimizer = { info, overrides: [], models: new Set([model]) };
    interp.optimizers.push(model.optimizer);
  }
  return { t: 'optimizer', opt: model.optimizer };
}

export function callModelMethod(
  interp: Interp,
  self: ModelAV,
  method: string,
  args: AV[],
  node: CallNode,
): AV {
  if (self.alternatives && ['compile', 'fit', 'fitDataset', 'trainOnBatch'].includes(method)) {
    for (const model of self.alternatives)
      callModelMethod(interp, { t: 'model', model }, method, args, node);
  }
  const model = self.model;
  const span = spanOf(node);
  switch (method) {
    case 'add':
      addLayer(
        interp,
        model,
        args[0] ?? UNDEFINED,
        node.arguments[0] ? interp.text(node.arguments[0]) : '',
      );
      if (span.end > model.lastSpan.end) model.lastSpan = span;
      return UNDEFINED;
    case 'compile':
      compile(interp, model, args[0], node);
      return UNDEFINED;
    case 'fit':
    case 'fitDataset':
    case 'trainOnBatch':
      if (!model.fitCalls.some((c) => c.span.start === span.start)) {
        model.fitCalls.push({ method, span, ...fitShapes(method, args) });
        interp.progress++;
      }
      return unknown(interp.text(node), 'training result');
    case 'apply':
      return applyModel(interp, model, args[0], node);
    case 'getLayer': {
      // `model.getLayer('hidden')`, `model.getLayer(null, 2)` of a sequential model: its layer, whose
      // `.output` is a tensor along the model (see sequentialEnds).
      const layer = model.kind === 'sequential' ? layerNamed(model, args) : undefined;
      return layer ? layerOf(layer) : unknown(interp.text(node), 'model method');
    }
    default:
      return unknown(interp.text(node), 'model method');
  }
}

function compile(interp: Interp, model: ModelRec, config: AV | undefined, node: CallNode): void {
  const argNode = node.arguments[0];
  model.compile = { span: spanOf(node), argsText: argNode ? interp.text(argNode) : '' };
  if (config?.t !== 'object') return;
  const optimizer = config.props.get('optimizer');
  if (optimizer) {
    let opt: OptimizerRec;
    if (optimizer.value.t === 'optimizer') opt = optimizer.value.opt;
    else {
      const span = optimizer.valueSpan ?? spanOf(node);
      const text = interp.source.slice(span.start, span.end);
      opt = {
        info: optimizerFromString(optimizer.value, span, text),
        overrides: [],
        models: new Set(),
      };
      interp.optimizers.push(opt);
    }
    // `model.optimizer` read before compile refers to the same object afterwards.
    if (model.optimizer && model.optimizer !== opt)
      opt.overrides.push(...model.optimizer.overrides);
    opt.models.add(model);
    model.optimizer = opt;
  }
  const loss = config.props.get('loss');
  if (loss) {
    const span = loss.valueSpan ?? spanOf(node);
    model.compile.loss = lossInfo(loss.value, span, interp.source.slice(span.start, span.end));
  }
}

export function callLayerMethod(
  interp: Interp,
  self: LayerAV,
  method: string,
  args: AV[],
  node: CallNode,
): AV {
  if (method !== 'apply') return unknown(interp.text(node), 'layer method');
  const input = args[0] ?? UNDEFINED;
  const sources = input.t === 'array' ? input.items : [input];
  // `rnn.apply(x, {initialState: [h, c]})`: the states feed the layer too (seq2seq decoders).
  const options = args[1];
  const state = options?.t === 'object' ? options.props.get('initialState')?.value : undefined;
  if (state?.t === 'array') sources.push(...state.items.filter((item) => item.t === 'tensor'));
  const inputs = sources.map((source): TensorNode => {
    if (source.t === 'tensor') return source.node;
    const text = source.t === 'unknown' ? source.text : interp.text(node.arguments[0] ?? node);
    const span = spanOf(node.arguments[0] ?? node);
    return opaqueTensor(interp, text, span, source);
  });
  const applied: TensorNode = {
    id: interp.id(),
    kind: 'apply',
    layer: self.layer,
    inputs,
    span: spanOf(node),
  };
  noteApplied(self.layer, applied);
  const output: AV = { t: 'tensor', node: applied };
  // With `returnState`, apply returns [output, ...states]; all come from this one application.
  const states = returnedStates(self.layer);
  return states > 0
    ? { t: 'array', items: Array.from({ length: states + 1 }, () => output) }
    : output;
}

function returnedStates(layer: LayerRec): number {
  const flag = layer.config.props.returnState?.value;
  if (!(flag?.kind === 'boolean' && flag.value)) return 0;
  return layer.factory === 'lstm' ? 2 : 1;
}
