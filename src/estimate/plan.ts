/**
 * Reads a model into the chain the estimate covers: weighted layers (dense, conv) each followed by
 * elementwise activations, with shape-only layers (flatten, dropout...) in between.
 * Anything else (recurrent, normalisation, pooling, merges, custom) stops the estimate with a reason.
 */
import { num, raw, str, tuple } from '../analysis/config-read';
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
import { initializerVariance } from './initializers';

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
  activation: Activation | 'softmax';
  /** Noise layers after the activation, before the next weighted layer. */
  noise: Noise;
  initializerLabel: string;
  note?: string;
}

const CONV_RANK: Record<string, number> = { conv1d: 1, conv2d: 2, conv3d: 3 };
const PASS_THROUGH = new Set(['flatten', 'inputLayer', 'reshape', 'masking']);
/** Noise layers active in training mode (the probe measures in training mode, as fit does). */
const NOISE = new Set(['dropout', 'spatialDropout1d', 'gaussianDropout', 'gaussianNoise']);

/** What noise layers do to the second moments: dropout scales own moments by 1/keep, noise adds. */
export interface Noise {
  keep: number;
  additive: number;
}

export function planLayers(
  model: ModelGraph,
  shapes: ShapeInference,
): { blocks: Block[]; inputNoise: Noise } | { error: string } {
  const chainError = model.kind === 'functional' ? functionalChainError(model) : null;
  if (chainError) return { error: chainError };
  const blocks: Block[] = [];
  const inputNoise: Noise = { keep: 1, additive: 0 };
  for (const layer of model.layers) {
    const where = `layer ${layer.index} (${layer.factory}, line ${layer.callSpan.line})`;
    if (layer.conditional) return { error: `${where} is added only on some paths` };
    if (layer.factory === 'dense' || layer.factory in CONV_RANK) {
      const block = weightedBlock(layer, shapes);
      if ('error' in block) return { error: `${where}: ${block.error}` };
      blocks.push(block);
      continue;
    }
    if (PASS_THROUGH.has(layer.factory)) continue;
    if (NOISE.has(layer.factory)) {
      const previous = blocks[blocks.length - 1];
      const error = addNoise(layer, previous ? previous.noise : inputNoise);
      if (error) return { error: `${where}: ${error}` };
      continue;
    }
    const activation = activationLayer(layer);
    if (activation === undefined) {
      const kind = ['lstm', 'gru', 'simpleRNN', 'bidirectional'].includes(layer.factory)
        ? 'recurrent '
        : '';
      return {
        error: `${where}: ${kind}'${layer.factory}' layers are not covered (dense and conv stacks only)`,
      };
    }
    if ('error' in activation) return { error: `${where}: ${activation.error}` };
    const previous = blocks[blocks.length - 1];
    if (!previous)
      return { error: `${where}: an activation before the first weighted layer is not covered` };
    if (previous.activation === 'softmax')
      return { error: `${where}: an activation after softmax is not covered` };
    if (previous.noise.keep !== 1 || previous.noise.additive !== 0)
      return { error: `${where}: an activation after a dropout or noise layer is not covered` };
    previous.activation =
      activation.activation === 'softmax'
        ? softmaxAfter(previous)
        : compose(previous.activation, activation.activation);
  }
  const output = blocks[blocks.length - 1];
  if (output && (output.noise.keep !== 1 || output.noise.additive !== 0)) {
    return { error: 'dropout or noise after the output layer is not covered' };
  }
  for (const block of blocks.slice(0, -1)) {
    if (block.activation === 'softmax')
      return { error: `layer ${block.index}: softmax is covered on the output layer only` };
  }
  return { blocks, inputNoise };
}

/**
 * Dropout with rate r keeps units with probability 1 - r and scales them by 1 / (1 - r), so own
 * second moments grow by 1 / (1 - r); masks are independent across examples, so cross moments stay.
 * gaussianDropout multiplies by N(1, r / (1 - r)): the same factor. gaussianNoise adds stddev^2.
 */
function addNoise(layer: LayerNode, noise: Noise): string | null {
  if (layer.factory === 'gaussianNoise') {
    const stddev = num(layer, 'stddev');
    if (stddev === null) return 'its stddev is not statically known';
    noise.additive += stddev * stddev;
    return null;
  }
  const rate = num(layer, 'rate');
  if (rate === null || rate < 0 || rate >= 1) return 'its rate is not statically known';
  noise.keep *= 1 - rate;
  return null;
}

function softmaxAfter(previous: Block): Activation | 'softmax' {
  // softmax(linear(z)) is softmax; after a nonlinearity it is a different function.
  return previous.activation !== 'softmax' && previous.activation.name === 'linear'
    ? 'softmax'
    : previous.activation;
}

function weightedBlock(layer: LayerNode, shapes: ShapeInference): Block | { error: string } {
  const shape = shapes.layers.find((s) => s.index === layer.index);
  if (!shape || shape.fanIn === null || shape.fanOut === null || !shape.outputShape) {
    return { error: `its shape is unknown${shape?.note ? ` (${shape.note})` : ''}` };
  }
  const rank = CONV_RANK[layer.factory] ?? 0;
  const spatial = rank > 0 ? shape.outputShape.slice(1, -1) : shape.outputShape.slice(1, -1);
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

  const kernel = initializerVariance(raw(layer, 'kernelInitializer') ?? undefined, 'glorotNormal', {
    fanIn: shape.fanIn,
    fanOut: shape.fanOut,
    rows: shape.fanIn,
    cols: units,
  });
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
  return {
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
    activation: own.activation,
    noise: { keep: 1, additive: 0 },
    initializerLabel: kernel.label,
    ...(rank > 0 ? { note: 'conv: spatial correlations approximated' } : {}),
  };
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
