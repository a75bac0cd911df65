/**
 * Transfer learning: `await tf.loadLayersModel(url)` (or `loadGraphModel`) is a base model whose
 * layers live in a file. Nothing is loaded here; the IR records where the code builds on it
 * (its inputs, a layer's output, the whole base added to a sequential model) for the probe to load.
 */
import type { CallNode } from './calls';
import type { Interp } from './interpreter';
import { spanOf } from './spans';
import {
  type AV,
  type BaseRec,
  type PropAV,
  type TensorNode,
  UNDEFINED,
  prim,
  unknown,
} from './values';

export type BaseAV = Extract<AV, { t: 'base' }>;

const LOADERS = new Map<string, BaseRec['loader']>([
  ['loadLayersModel', 'loadLayersModel'],
  ['loadGraphModel', 'loadGraphModel'],
  // tfjs before 1.0 named it `tf.loadModel`; pages and tutorials of that time still use it.
  ['loadModel', 'loadLayersModel'],
]);

/** `loadLayersModel`, `io.loadLayersModel`, `models.loadLayersModel`, ... -> the loader, else null. */
export function loaderOf(path: string): BaseRec['loader'] | null {
  return LOADERS.get(path.slice(path.lastIndexOf('.') + 1)) ?? null;
}

export function loadBase(
  interp: Interp,
  loader: BaseRec['loader'],
  args: AV[],
  node: CallNode,
): BaseAV {
  const rec: BaseRec = { id: interp.id(), loader, url: args[0] ?? UNDEFINED, span: spanOf(node) };
  interp.progress++;
  return { t: 'base', rec, tensors: new Map() };
}

/** `base.inputs`, `base.outputs[0]`, `base.getLayer(NAME)`: tensors that stand for the base's ends. */
export function baseMember(interp: Interp, self: BaseAV, key: string, text: string): AV {
  switch (key) {
    case 'inputs':
      return { t: 'array', items: [tensorOf(interp, self, 'input')] };
    case 'input':
      return tensorOf(interp, self, 'input');
    case 'outputs':
      return { t: 'array', items: [tensorOf(interp, self, 'output')] };
    case 'output':
      return tensorOf(interp, self, 'output');
    case 'getLayer':
      return { t: 'builtin', name: 'base.getLayer', self };
    case 'layers':
      return baseLayers(self);
    default:
      return unknown(text, 'loaded model');
  }
}

/**
 * `base.layers`: how many there are is in the model file, so the list holds the base itself, which
 * a sequential model given it (`tf.sequential({ layers: base.layers })`, `[...base.layers, head]`,
 * `model.add(base.layers[i])`) adds as one loadedModel row. Its length is unknown, any index and any
 * slice are (some of) the base's layers, and each read is a fresh list, so a `base.layers.pop()`
 * before does not empty the one the model is built from.
 */
const baseLayerLists = new WeakSet<AV[]>();

export function baseLayers(self: BaseAV): AV {
  const items: AV[] = [self];
  baseLayerLists.add(items);
  return { t: 'array', items };
}

/** A member of a `base.layers` list (see baseLayers); undefined for other lists. */
export function baseLayersMember(items: AV[], key: string): AV | undefined {
  if (!baseLayerLists.has(items)) return undefined;
  const base = items[0];
  if (key === 'length') return unknown('length', 'layers of a loaded model');
  return Number.isInteger(Number(key)) ? base : undefined;
}

/** `base.layers.slice(a, b)`: still layers of the loaded model. */
export function sliceOfBaseLayers(items: AV[]): AV | undefined {
  return baseLayerLists.has(items) && items[0]?.t === 'base' ? baseLayers(items[0]) : undefined;
}

/** `base.getLayer('conv_pw_13_relu')`: a layer whose `.output` is the base truncated there. */
export function baseGetLayer(interp: Interp, self: BaseAV, args: AV[], node: CallNode): AV {
  const name = args[0];
  if (name?.t !== 'prim' || typeof name.v !== 'string')
    return unknown(interp.text(node), 'layer of a loaded model');
  const output = tensorOf(interp, self, 'output', name.v);
  const props = new Map<string, PropAV>([
    ['output', { value: output, span: null, valueSpan: null }],
    ['name', { value: prim(name.v), span: null, valueSpan: null }],
  ]);
  return { t: 'object', props, opaque: true };
}

function tensorOf(
  interp: Interp,
  self: BaseAV,
  role: 'input' | 'output',
  truncatedAt?: string,
): AV {
  const key = `${role}:${truncatedAt ?? ''}`;
  let node = self.tensors.get(key);
  if (!node) {
    node = {
      id: interp.id(),
      kind: 'input',
      shape: unknown(`${role} shape of the loaded model`, 'loaded model'),
      span: self.rec.span,
      base: { rec: self.rec, role, ...(truncatedAt !== undefined ? { truncatedAt } : {}) },
    };
    self.tensors.set(key, node);
  }
  return { t: 'tensor', node };
}

export type { TensorNode };
