/** Questions the rules ask about a model: depth, hidden layers, each layer's activation. */
import type { ConfigProp, LayerNode, ModelGraph, Value } from '../../analysis/ir';
import type { Rule, RuleContext } from '../types';
import { dialectOf, layerLabel } from './dialect';
import { numberOption } from './message';
import {
  ACTIVATION_LAYER_FACTORIES,
  coreLayer,
  defaultActivation,
  isActivationLayer,
  isWeighted,
  NORMALIZATION_FACTORIES,
} from './terms';

export interface ActivationInfo {
  /** Canonical activation name; null when the value could not be resolved. */
  name: string | null;
  /** Where it comes from: the layer's own config, a following activation layer, or the tfjs default. */
  from: 'config' | 'layer' | 'default';
  /** The layer that carries it (the weighted layer itself, or the activation layer after it). */
  carrier: LayerNode;
  prop?: ConfigProp;
}

/** Activation layers judged as a family member they are not (PReLU starts as ReLU, with a learned slope). */
const STAND_IN_LAYERS = new Set(['prelu', 'thresholdedReLU']);

/** The activation as the code names it: `PReLU()` is judged as leaky ReLU but named by its own class. */
export function activationLabel(info: ActivationInfo, model: ModelGraph): string {
  const dialect = dialectOf(model);
  if (info.from === 'layer' && STAND_IN_LAYERS.has(info.carrier.factory))
    return dialect.layer(info.carrier.factory);
  return info.name === null ? '' : dialect.activation(info.name);
}

/** Resolved string of a config property, or undefined when absent or not a known string. */
export function stringProp(layer: LayerNode, key: string): string | undefined {
  const value = layer.config.props[key]?.value;
  return value?.kind === 'string' ? value.value : undefined;
}

export function numberProp(layer: LayerNode, key: string): number | undefined {
  const value = layer.config.props[key]?.value;
  return value?.kind === 'number' ? value.value : undefined;
}

export function hasProp(layer: LayerNode, key: string): boolean {
  const value = layer.config.props[key]?.value;
  return value !== undefined && value.kind !== 'undefined';
}

export function isUnknown(value: Value | undefined): boolean {
  return value?.kind === 'unknown';
}

function canonicalActivation(name: string): string {
  return name === 'gelu_new' ? 'gelu' : name;
}

function ownActivation(layer: LayerNode): ActivationInfo | null {
  const core = coreLayer(layer);
  const prop = core.config.props.activation;
  if (!prop || prop.value.kind === 'undefined') return null;
  const name = prop.value.kind === 'string' ? canonicalActivation(prop.value.value) : null;
  return { name, from: 'config', carrier: core, prop };
}

function activationOfActivationLayer(layer: LayerNode): ActivationInfo {
  const fixed = ACTIVATION_LAYER_FACTORIES[layer.factory];
  if (fixed) return { name: fixed, from: 'layer', carrier: layer };
  const prop = layer.config.props.activation;
  const name = prop?.value.kind === 'string' ? canonicalActivation(prop.value.value) : null;
  return { name, from: 'layer', carrier: layer, prop };
}

/** Activations that commute with a positive scale: f(a x) = a f(x) for a > 0. */
const HOMOGENEOUS = new Set(['linear', 'relu', 'leakyReLU']);
/** Layers between a weighted layer and a normalisation that keep that property. */
const SCALE_FREE_LAYERS = new Set([
  'dropout',
  'spatialDropout1d',
  'spatialDropout2d',
  'maxPooling1d',
  'maxPooling2d',
  'maxPooling3d',
  'averagePooling1d',
  'averagePooling2d',
  'averagePooling3d',
  'flatten',
]);

/**
 * Whether the layer's output, through a positively homogeneous activation (relu, leaky ReLU, PReLU at
 * its start), reaches a batch or layer normalisation before anything else: the normalisation then
 * divides out any scale of the kernel, so forward values and gradients are the same under Glorot or He.
 */
export function kernelScaleNormalised(
  model: ModelGraph,
  layer: LayerNode,
  activation: string,
): boolean {
  if (!HOMOGENEOUS.has(activation)) return false;
  let current = layer;
  for (let hops = 0; hops < 8; hops++) {
    const next = successors(model, current);
    if (next.length !== 1) return false;
    const [node] = next;
    if (NORMALIZATION_FACTORIES.has(node.factory)) return true;
    const homogeneous = isActivationLayer(node)
      ? HOMOGENEOUS.has(activationOfActivationLayer(node).name ?? '')
      : SCALE_FREE_LAYERS.has(node.factory);
    if (!homogeneous) return false;
    current = node;
  }
  return false;
}

/** Layers that consume this layer's output, in order (sequential: the next layer). */
export function successors(model: ModelGraph, layer: LayerNode): LayerNode[] {
  if (model.kind === 'sequential') {
    const next = model.layers[layer.index + 1];
    return next ? [next] : [];
  }
  return (consumerIndex(model).get(layer.index) ?? []).map((i) => model.layers[i]);
}

const consumersCache = new WeakMap<ModelGraph, Map<number, number[]>>();

/**
 * Each layer's consumer layers, in the order of their first consuming node, built once per model:
 * rules ask for the successors of every layer, and a scan of all nodes per question made that
 * quadratic on large functional graphs.
 */
function consumerIndex(model: ModelGraph): Map<number, number[]> {
  const cached = consumersCache.get(model);
  if (cached) return cached;
  const producer = new Map<string, number>();
  for (const node of model.nodes) producer.set(node.id, node.layer);
  const index = new Map<number, Set<number>>();
  for (const node of model.nodes) {
    for (const id of node.inputs) {
      const from = producer.get(id);
      if (from === undefined) continue;
      let consumers = index.get(from);
      if (!consumers) index.set(from, (consumers = new Set()));
      consumers.add(node.layer);
    }
  }
  const out = new Map<number, number[]>();
  for (const [from, set] of index) out.set(from, [...set]);
  consumersCache.set(model, out);
  return out;
}

/**
 * A layer's activation: its `activation` config, or the activation layer right after it when its own is
 * linear or absent, or the tfjs default for the factory.
 */
export function layerActivation(model: ModelGraph, layer: LayerNode): ActivationInfo {
  const own = ownActivation(layer);
  if (own && own.name !== 'linear') return own;
  const next = successors(model, layer);
  if (next.length === 1 && isActivationLayer(next[0])) return activationOfActivationLayer(next[0]);
  return (
    own ?? {
      name: defaultActivation(coreLayer(layer).factory),
      from: 'default',
      carrier: coreLayer(layer),
    }
  );
}

interface DepthInfo {
  depth: number;
  /** Weighted layers with at least one weighted layer downstream of them. */
  hidden: Set<number>;
}

const depthCache = new WeakMap<ModelGraph, DepthInfo>();

/** Depth = weighted layers on the longest input-to-output path (loop repeats count each time). */
export function modelDepth(model: ModelGraph): number {
  return depthInfo(model).depth;
}

/** The model's depth, and whether it reaches the rule's `minDepth` option (the rules that only judge deep models). */
export function depthForRule(
  rule: Rule,
  model: ModelGraph,
  context: RuleContext,
): { depth: number; deepEnough: boolean } {
  const depth = modelDepth(model);
  return { depth, deepEnough: depth >= numberOption(rule, context, 'minDepth') };
}

export function isHidden(model: ModelGraph, layer: LayerNode): boolean {
  return depthInfo(model).hidden.has(layer.index);
}

function depthInfo(model: ModelGraph): DepthInfo {
  const cached = depthCache.get(model);
  if (cached) return cached;
  const info = model.kind === 'sequential' ? sequentialDepth(model) : functionalDepth(model);
  depthCache.set(model, info);
  return info;
}

function sequentialDepth(model: ModelGraph): DepthInfo {
  const weighted = model.layers.filter(isWeighted);
  const hidden = new Set(weighted.slice(0, -1).map((l) => l.index));
  return { depth: weighted.length, hidden };
}

function functionalDepth(model: ModelGraph): DepthInfo {
  const weight = (layerIndex: number) => (isWeighted(model.layers[layerIndex]) ? 1 : 0);
  const longest = new Map<string, number>();
  for (const input of model.inputs) longest.set(input.id, 0);
  for (const node of model.nodes) {
    const upstream = Math.max(0, ...node.inputs.map((id) => longest.get(id) ?? 0));
    longest.set(node.id, upstream + weight(node.layer));
  }
  const outputs = model.outputs.length > 0 ? model.outputs : model.nodes.slice(-1).map((n) => n.id);
  const depth = Math.max(0, ...outputs.map((id) => longest.get(id) ?? 0));

  // A weighted layer is hidden when some weighted layer lies downstream of one of its applications.
  const consumers = new Map<string, string[]>();
  for (const node of model.nodes) {
    for (const id of node.inputs) consumers.set(id, [...(consumers.get(id) ?? []), node.id]);
  }
  const layerOf = new Map(model.nodes.map((n) => [n.id, n.layer]));
  const feedsWeighted = new Map<string, boolean>();
  for (const node of [...model.nodes].reverse()) {
    const next = consumers.get(node.id) ?? [];
    feedsWeighted.set(
      node.id,
      next.some((id) => weight(layerOf.get(id)!) === 1 || feedsWeighted.get(id) === true),
    );
  }
  const hidden = new Set<number>();
  for (const node of model.nodes) {
    if (weight(node.layer) === 1 && feedsWeighted.get(node.id)) hidden.add(node.layer);
  }
  return { depth, hidden };
}

/** "layer 3 (dense)", "layer 3 (Dense)" in a Keras model: how messages name a layer. */
export function describeLayer(layer: LayerNode, model: Pick<ModelGraph, 'framework'> = {}): string {
  return layerLabel(dialectOf(model), layer, coreLayer(layer));
}

/** Merge layers through which an earlier tensor can bypass the layers in between. */
const SKIP_MERGES = new Set(['add', 'concatenate', 'average']);

/**
 * A merge whose inputs lie at different depths (weighted layers from the input) lets the gradient skip the
 * layers in between. Parallel branches of equal depth merged at the end are not a shortcut.
 * Sequential models have no merges, so they never have one.
 */
export function hasSkipConnection(model: ModelGraph): boolean {
  if (model.kind !== 'functional') return false;
  const nodes = new Map(model.nodes.map((node) => [node.id, node]));
  const memo = new Map<string, number>();
  // Memoized longest path; node order need not be topological, and a cycle (bad input) counts as 0.
  const depthOf = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    memo.set(id, 0);
    const node = nodes.get(id);
    const depth = node
      ? Math.max(0, ...node.inputs.map(depthOf)) + (weighted(model, node.layer) ? 1 : 0)
      : 0;
    memo.set(id, depth);
    return depth;
  };
  return model.nodes.some((node) => {
    if (!SKIP_MERGES.has(model.layers[node.layer]?.factory ?? '') || node.inputs.length < 2) {
      return false;
    }
    const depths = node.inputs.map(depthOf);
    return Math.min(...depths) < Math.max(...depths);
  });
}

function weighted(model: ModelGraph, layerIndex: number): boolean {
  const layer = model.layers[layerIndex];
  return layer !== undefined && isWeighted(layer);
}
