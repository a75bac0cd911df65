/**
 * Reads a model into the chain the estimate covers: weighted layers (dense, conv), each followed by
 * the operations up to the next one (elementwise activations, batch normalisation, max and
 * average pooling, dropout and noise), with shape-only layers (flatten, reshape) in between.
 * Anything else (recurrent, merges, custom) stops the estimate with a reason naming the layer.
 */
import { bool, num, raw, str, tuple } from '../analysis/config-read';
import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { ShapeInference } from '../analysis/shapes';
import {
  activationByName,
  cappedRelu,
  compose,
  eluWith,
  leakyRelu,
  thresholdedRelu,
  type Activation,
} from './activations';
import { frameworkDefaults, type Framework } from '../analysis/frameworks';
import { initializerVariance } from './initializers';
import type { Op } from './ops';

export interface Block {
  index: number;
  fanIn: number;
  /** Output units per position (dense units, conv filters). */
  units: number;
  /** Positions the kernel is applied at per example (conv output pixels; 1 for dense on 2-D input). */
  positions: number;
  /** Units of this layer each input unit feeds (for the backward pass). */
  backwardFan: number;
  kernelVariance: number;
  biasVariance: number;
  biasMean: number;
  useBias: boolean;
  /** What follows up to the next weighted layer, its own activation first. */
  ops: Op[];
  /** Softmax output (only the last block may have it, with no ops). */
  softmax: boolean;
  initializerLabel: string;
  note?: string;
}

export interface Plan {
  blocks: Block[];
  /** Dropout or noise applied to the input itself. */
  inputOps: Op[];
}

const CONV_RANK: Record<string, number> = { conv1d: 1, conv2d: 2, conv3d: 3 };
const PASS_THROUGH = new Set(['flatten', 'inputLayer', 'reshape', 'masking']);
/** Pooling factories: max or average, and the spatial rank (null for global pooling). */
const POOLING: Record<string, { kind: 'maxPool' | 'avgPool'; rank: number | null }> = {
  maxPooling1d: { kind: 'maxPool', rank: 1 },
  maxPool1d: { kind: 'maxPool', rank: 1 },
  maxPooling2d: { kind: 'maxPool', rank: 2 },
  maxPool2d: { kind: 'maxPool', rank: 2 },
  maxPooling3d: { kind: 'maxPool', rank: 3 },
  globalMaxPooling1d: { kind: 'maxPool', rank: null },
  globalMaxPool1d: { kind: 'maxPool', rank: null },
  globalMaxPooling2d: { kind: 'maxPool', rank: null },
  globalMaxPool2d: { kind: 'maxPool', rank: null },
  averagePooling1d: { kind: 'avgPool', rank: 1 },
  avgPool1d: { kind: 'avgPool', rank: 1 },
  avgPooling1d: { kind: 'avgPool', rank: 1 },
  averagePooling2d: { kind: 'avgPool', rank: 2 },
  avgPool2d: { kind: 'avgPool', rank: 2 },
  avgPooling2d: { kind: 'avgPool', rank: 2 },
  averagePooling3d: { kind: 'avgPool', rank: 3 },
  avgPool3d: { kind: 'avgPool', rank: 3 },
  avgPooling3d: { kind: 'avgPool', rank: 3 },
  globalAveragePooling1d: { kind: 'avgPool', rank: null },
  globalAveragePooling2d: { kind: 'avgPool', rank: null },
};
/** Noise layers active in training mode (the probe measures in training mode, as fit does). */
const NOISE = new Set(['dropout', 'spatialDropout1d', 'gaussianDropout', 'gaussianNoise']);

export function planLayers(model: ModelGraph, shapes: ShapeInference): Plan | { error: string } {
  const chainError = model.kind === 'functional' ? functionalChainError(model) : null;
  if (chainError) return { error: chainError };
  const blocks: Block[] = [];
  const inputOps: Op[] = [];
  for (const layer of model.layers) {
    const where = `layer ${layer.index} (${layer.factory}, line ${layer.callSpan.line})`;
    const error = addLayer(layer, blocks, inputOps, shapes, model.framework);
    if (error) return { error: `${where}${error.startsWith(' ') ? '' : ': '}${error}` };
  }
  const output = blocks[blocks.length - 1];
  if (output && output.ops.some((op) => op.kind !== 'activation')) {
    return { error: 'normalisation, dropout or noise after the output layer is not covered' };
  }
  const hiddenSoftmax = blocks.slice(0, -1).find((block) => block.softmax);
  if (hiddenSoftmax) {
    return { error: `layer ${hiddenSoftmax.index}: softmax is covered on the output layer only` };
  }
  return { blocks, inputOps };
}

/** Adds one layer to the chain; returns why it cannot, if it cannot. */
function addLayer(
  layer: LayerNode,
  blocks: Block[],
  inputOps: Op[],
  shapes: ShapeInference,
  framework: Framework | undefined,
): string | null {
  if (layer.conditional) return ' is added only on some paths';
  if (layer.factory === 'dense' || Object.hasOwn(CONV_RANK, layer.factory)) {
    const block = weightedBlock(layer, shapes, framework);
    if ('error' in block) return block.error;
    blocks.push(block);
    return null;
  }
  if (PASS_THROUGH.has(layer.factory)) return null;
  const previous = blocks[blocks.length - 1];
  if (previous?.softmax) return 'a layer after softmax is not covered';
  if (NOISE.has(layer.factory)) {
    const op = noiseOp(layer);
    if ('error' in op) return op.error;
    (previous ? previous.ops : inputOps).push(op);
    return null;
  }
  if (Object.hasOwn(POOLING, layer.factory)) {
    if (!previous) return 'pooling the input itself is not covered';
    return addPool(previous, layer, shapes);
  }
  if (layer.factory === 'batchNormalization') {
    if (!previous) return 'normalising the input itself is not covered';
    const op = batchNormOp(layer, shapes);
    if ('error' in op) return op.error;
    previous.ops.push(op);
    return null;
  }
  const activation = activationLayer(layer);
  if (activation === undefined) {
    const recurrent = ['lstm', 'gru', 'simpleRNN', 'bidirectional'].includes(layer.factory);
    return `${recurrent ? 'recurrent ' : ''}'${layer.factory}' layers are not covered (dense and conv stacks only)`;
  }
  if ('error' in activation) return activation.error;
  if (!previous) return 'an activation before the first weighted layer is not covered';
  return addActivation(previous, activation.activation);
}

function addActivation(block: Block, activation: Activation | 'softmax'): string | null {
  const last = block.ops[block.ops.length - 1];
  if (activation === 'softmax') {
    // softmax(linear(z)) is softmax; after anything else it is a function the loss model lacks.
    if (block.ops.length > 0) return 'softmax after another operation is not covered';
    block.softmax = true;
    return null;
  }
  if (last?.kind === 'activation') {
    last.activation = compose(last.activation, activation);
    return null;
  }
  // A nonlinearity needs a Gaussian input: nothing nonlinear or noisy may come before it.
  if (block.ops.some((op) => op.kind !== 'batchNorm')) {
    return 'an activation after dropout, noise or a normalised nonlinearity is not covered';
  }
  if (activation.name !== 'linear') block.ops.push({ kind: 'activation', activation });
  return null;
}

/**
 * Pooling with non-overlapping windows (or global). Max pooling is fused with the monotone
 * activation before it (or the identity); average pooling acts on any moments. Overlapping
 * windows and 'same' padding are not covered.
 */
function addPool(block: Block, layer: LayerNode, shapes: ShapeInference): string | null {
  const { kind, rank } = POOLING[layer.factory];
  const shape = shapes.layers.find((s) => s.index === layer.index);
  const input = shape?.inputShape;
  const output = shape?.outputShape;
  if (!input || !output || [...input.slice(1), ...output.slice(1)].some((d) => d === null)) {
    return 'its shape is unknown';
  }
  if (str(layer, 'dataFormat', 'channelsLast') !== 'channelsLast')
    return 'channelsFirst is not covered';
  const inPositions = (input.slice(1, -1) as number[]).reduce((a, b) => a * b, 1);
  let size = inPositions;
  if (rank !== null) {
    const pool = tuple(layer, 'poolSize', rank, Array<number>(rank).fill(2));
    const strides = tuple(layer, 'strides', rank, pool);
    const valid = str(layer, 'padding', 'valid') === 'valid';
    if (!pool || !strides || !valid || pool.some((p, i) => p !== strides[i])) {
      return 'only non-overlapping pooling with valid padding is covered';
    }
    size = pool.reduce((a, b) => a * b, 1);
  }
  const outPositions =
    rank === null ? 1 : (output.slice(1, -1) as number[]).reduce((a, b) => a * b, 1);
  const coverage = Math.min(1, (outPositions * size) / inPositions);
  if (block.ops.some((op) => op.kind === 'maxPool' || op.kind === 'avgPool')) {
    return 'a second pooling before the next weighted layer is not covered';
  }
  if (kind === 'avgPool') {
    if (block.ops.some((op) => op.kind === 'batchNorm')) {
      return 'batch normalisation before average pooling is not covered';
    }
    block.ops.push({ kind: 'avgPool', size, coverage });
    return null;
  }
  const last = block.ops[block.ops.length - 1];
  const before = last?.kind === 'activation' ? block.ops.slice(0, -1) : block.ops;
  if (before.some((op) => op.kind !== 'batchNorm')) {
    return 'max pooling after dropout or noise is not covered';
  }
  const activation = last?.kind === 'activation' ? last.activation : activationByName('linear');
  if (!activation?.monotone)
    return `max pooling after the non-monotone ${activation?.name} is not covered`;
  block.ops = [...before, { kind: 'maxPool', activation, size, coverage }];
  return null;
}

/**
 * Dropout with rate r keeps units with probability 1 - r and scales them by 1 / (1 - r);
 * gaussianDropout multiplies by N(1, r / (1 - r)): the same second moment. gaussianNoise adds stddev^2.
 */
function noiseOp(layer: LayerNode): Op | { error: string } {
  if (layer.factory === 'gaussianNoise') {
    const stddev = num(layer, 'stddev');
    if (stddev === null) return { error: 'its stddev is not statically known' };
    return { kind: 'noise', keep: 1, additive: stddev * stddev };
  }
  const rate = num(layer, 'rate');
  if (rate === null || rate < 0 || rate >= 1) return { error: 'its rate is not statically known' };
  return { kind: 'noise', keep: 1 - rate, additive: 0 };
}

function batchNormOp(layer: LayerNode, shapes: ShapeInference): Op | { error: string } {
  const input = shapes.layers.find((s) => s.index === layer.index)?.inputShape;
  if (!input || input.slice(1).some((d) => d === null))
    return { error: 'its input shape is unknown' };
  const axis = num(layer, 'axis', -1);
  if (axis !== -1 && axis !== input.length - 1)
    return { error: 'normalising an axis other than the last is not covered' };
  const epsilon = num(layer, 'epsilon', 1e-3);
  const center = bool(layer, 'center', true);
  const scale = bool(layer, 'scale', true);
  if (epsilon === null || center === null || scale === null)
    return { error: 'its epsilon, center or scale is not statically known' };
  for (const [key, fallback] of [
    ['gammaInitializer', 'ones'],
    ['betaInitializer', 'zeros'],
  ] as const) {
    const value = raw(layer, key);
    if (value !== undefined && !(value?.kind === 'string' && value.value === fallback)) {
      return { error: `a ${key} other than '${fallback}' is not covered` };
    }
  }
  const dims = input.slice(1) as number[];
  return {
    kind: 'batchNorm',
    index: layer.index,
    epsilon,
    center,
    scale,
    channels: dims[dims.length - 1],
    positions: dims.slice(0, -1).reduce((a, b) => a * b, 1),
  };
}

function weightedBlock(
  layer: LayerNode,
  shapes: ShapeInference,
  framework: Framework | undefined,
): Block | { error: string } {
  const shape = shapes.layers.find((s) => s.index === layer.index);
  if (!shape || shape.fanIn === null || shape.fanOut === null || !shape.outputShape) {
    return { error: `its shape is unknown${shape?.note ? ` (${shape.note})` : ''}` };
  }
  const rank = Object.hasOwn(CONV_RANK, layer.factory) ? CONV_RANK[layer.factory] : 0;
  const spatial = shape.outputShape.slice(1, -1);
  if (str(layer, 'dataFormat', 'channelsLast') !== 'channelsLast')
    return { error: 'channelsFirst is not covered' };
  if (spatial.some((d) => d === null)) return { error: 'its output size is unknown' };
  const positions = (spatial as number[]).reduce((a, b) => a * b, 1);
  const units = layer.factory === 'dense' ? num(layer, 'units') : num(layer, 'filters');
  if (units === null) return { error: 'its width is unknown' };
  const strides = rank > 0 ? tuple(layer, 'strides', rank, Array<number>(rank).fill(1)) : [];
  if (strides === null) return { error: 'its strides are unknown' };
  const strideProduct = strides.reduce((a, b) => a * b, 1);
  const field = shape.fanIn / Math.max(1, shape.inputShape?.[shape.inputShape.length - 1] ?? 1);

  const defaults = frameworkDefaults(framework);
  const kernel = initializerVariance(
    raw(layer, 'kernelInitializer') ?? undefined,
    defaults.kernelInitializer,
    { fanIn: shape.fanIn, fanOut: shape.fanOut, rows: shape.fanIn, cols: units },
    defaults.truncatedNormalStddevFactor,
  );
  if ('error' in kernel) return kernel;
  if (kernel.mean !== 0)
    return { error: `a kernel initialised to a constant (${kernel.label}) is not covered` };
  const useBiasValue = raw(layer, 'useBias');
  const useBias =
    useBiasValue === undefined || useBiasValue?.kind === 'null'
      ? true
      : useBiasValue?.kind === 'boolean'
        ? useBiasValue.value
        : null;
  if (useBias === null) return { error: 'useBias is unknown' };
  const bias = useBias
    ? initializerVariance(raw(layer, 'biasInitializer') ?? undefined, 'zeros', {
        fanIn: units,
        fanOut: units,
        rows: 1,
        cols: units,
      })
    : { variance: 0, mean: 0, label: 'no bias' };
  if ('error' in bias) return { error: `bias: ${bias.error}` };

  const own = activationFromConfig(layer);
  if ('error' in own) return own;
  const block: Block = {
    index: layer.index,
    fanIn: shape.fanIn,
    units,
    positions,
    // A stride skips inputs: each input unit feeds about field * filters / stride outputs.
    backwardFan: rank > 0 ? (field * units) / strideProduct : units,
    kernelVariance: kernel.variance,
    biasVariance: bias.variance,
    biasMean: bias.mean,
    useBias,
    ops: [],
    softmax: false,
    initializerLabel: kernel.label,
    ...(rank > 0 ? { note: 'conv: spatial correlations approximated' } : {}),
  };
  const error = addActivation(block, own.activation);
  return error ? { error } : block;
}

function activationFromConfig(
  layer: LayerNode,
): { activation: Activation | 'softmax' } | { error: string } {
  const name = str(layer, 'activation', 'linear');
  if (name === null) return { error: 'its activation is not statically known' };
  if (name === 'softmax') return { activation: 'softmax' };
  const activation = activationByName(name);
  return activation ? { activation } : { error: `activation '${name}' is not covered` };
}

/** Activation layers; undefined when the layer is not one. */
function activationLayer(
  layer: LayerNode,
): { activation: Activation | 'softmax' } | { error: string } | undefined {
  const unknownArg = { error: 'its argument is not statically known' };
  switch (layer.factory) {
    case 'activation':
      return activationFromConfig(layer);
    case 'softmax':
      return { activation: 'softmax' };
    case 'reLU': {
      const max = num(layer, 'maxValue', Number.NaN);
      return max === null ? unknownArg : { activation: cappedRelu(Number.isNaN(max) ? null : max) };
    }
    case 'leakyReLU': {
      const alpha = num(layer, 'alpha', 0.3);
      return alpha === null ? unknownArg : { activation: leakyRelu(alpha) };
    }
    case 'elu': {
      const alpha = num(layer, 'alpha', 1);
      return alpha === null ? unknownArg : { activation: eluWith(alpha) };
    }
    case 'thresholdedReLU': {
      const theta = num(layer, 'theta', 1);
      return theta === null ? unknownArg : { activation: thresholdedRelu(theta) };
    }
    default:
      return undefined;
  }
}

/** Functional graphs are covered when they are a single path from one input to one output. */
function functionalChainError(model: ModelGraph): string | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    return 'functional graphs with several inputs or outputs are not covered';
  let current = model.inputs[0].id;
  const visited: number[] = [];
  for (;;) {
    const next = model.nodes.filter((node) => node.inputs.includes(current));
    if (next.length === 0) break;
    if (next.length > 1 || next[0].inputs.length !== 1)
      return 'functional graphs with branches or merges are not covered';
    visited.push(next[0].layer);
    current = next[0].id;
  }
  const inOrder =
    visited.length === model.layers.length &&
    visited.every((layer, i) => layer === model.layers[i].index);
  return inOrder ? null : 'this functional graph is not a single path through its layers in order';
}
