/**
 * Per-factory shape and parameter rules, following tfjs-layers 4.x (computeOutputShape / build).
 * Each rule gets the layer's IR node and its input shapes, and returns what it can tell.
 */
import { bool, num, raw, str, tuple } from './config-read';
import type { LayerNode } from './ir';
import {
  convOutputLength,
  deconvLength,
  layout,
  plus,
  product,
  readShapeValue,
  times,
  unknown,
  weightless,
  type RuleResult,
  type Rule,
  type Shape,
} from './shape-math';
import {
  concatenate,
  elementwiseMerge,
  flatten,
  globalPooling,
  permute,
  pooling,
  repeatVector,
  reshape,
  spatialResize,
  upSampling2d,
} from './shape-rules-weightless';

export { readShapeValue, type RuleResult, type Shape } from './shape-math';

export function layerShape(layer: LayerNode, inputs: (Shape | null)[]): RuleResult {
  const rule = Object.hasOwn(rules, layer.factory) ? rules[layer.factory] : undefined;
  if (!rule) return unknown(`shapes of '${layer.factory}' layers are not modelled`);
  return rule(layer, inputs);
}

/** A shape literal such as `[28, 28, 1]` (items may be null); null when not an array. */
// ---- rules ----

const identity: Rule = (_layer, [input]) => weightless(input ?? null);

const dense: Rule = (layer, [input]) => {
  const units = num(layer, 'units');
  const useBias = bool(layer, 'useBias', true);
  if (!input) return { ...unknown('input shape unknown'), fanOut: units };
  const fanIn = input[input.length - 1] ?? null;
  const kernel = times(fanIn, units);
  const params = useBias === null ? null : useBias ? plus(kernel, units) : kernel;
  return { outputShape: [...input.slice(0, -1), units], params, fanIn, fanOut: units };
};

/** Spatial layout of a conv/pooling input: where the channels are, which dims are spatial. */
function conv(rank: number, transpose: boolean): Rule {
  return (layer, [input]) => {
    const filters = num(layer, 'filters');
    const kernel = tuple(layer, 'kernelSize', rank, null);
    const strides = tuple(layer, 'strides', rank, Array<number>(rank).fill(1));
    const dilation = tuple(layer, 'dilationRate', rank, Array<number>(rank).fill(1));
    const padding = str(layer, 'padding', 'valid');
    const useBias = bool(layer, 'useBias', true);
    if (!input) return unknown('input shape unknown');
    if (!kernel || !strides || !dilation || padding === null)
      return unknown('kernel, strides, dilation or padding unknown');
    const { channels, spatial, assemble } = layout(layer, input, rank);
    const outSpatial = spatial.map((size, i) =>
      transpose
        ? deconvLength(size, strides[i], kernel[i], padding)
        : convOutputLength(size, kernel[i], padding, strides[i], dilation[i]),
    );
    const field = kernel.reduce((a, b) => a * b, 1);
    const weights = times(times(field, channels), filters);
    const params = useBias === null ? null : useBias ? plus(weights, filters) : weights;
    // tfjs's computeFans reads the kernel's last two dims: [.., in, out] or, transposed, [.., out, in].
    const fanIn = times(field, transpose ? filters : channels);
    const fanOut = times(field, transpose ? channels : filters);
    return { outputShape: assemble(outSpatial, filters), params, fanIn, fanOut };
  };
}

const separableConv2d: Rule = (layer, inputs) => {
  const base = conv(2, false)(layer, inputs);
  const input = inputs[0];
  const kernel = tuple(layer, 'kernelSize', 2, null);
  const filters = num(layer, 'filters');
  const multiplier = num(layer, 'depthMultiplier', 1);
  const useBias = bool(layer, 'useBias', true);
  if (!input || !base.outputShape || !kernel)
    return { ...base, params: null, fanIn: null, fanOut: null };
  const channels = layout(layer, input, 2).channels;
  const depthwise = times(times(product(kernel), channels), multiplier);
  const pointwise = times(times(channels, multiplier), filters);
  const weights = plus(depthwise, pointwise);
  const params = useBias === null ? null : useBias ? plus(weights, filters) : weights;
  // Two kernels in series: no single fan pair describes it.
  return {
    outputShape: base.outputShape,
    params,
    fanIn: null,
    fanOut: null,
    note: 'separable: two kernels',
  };
};

const depthwiseConv2d: Rule = (layer, [input]) => {
  const kernel = tuple(layer, 'kernelSize', 2, null);
  const strides = tuple(layer, 'strides', 2, [1, 1]);
  const padding = str(layer, 'padding', 'valid');
  const multiplier = num(layer, 'depthMultiplier', 1);
  const useBias = bool(layer, 'useBias', true);
  if (!input) return unknown('input shape unknown');
  if (!kernel || !strides || padding === null) return unknown('kernel, strides or padding unknown');
  const { channels, spatial, assemble } = layout(layer, input, 2);
  // tfjs's DepthwiseConv2D output shape ignores the dilation rate.
  const outSpatial = spatial.map((size, i) =>
    convOutputLength(size, kernel[i], padding, strides[i]),
  );
  const outChannels = times(channels, multiplier);
  const field = product(kernel);
  const weights = times(field, outChannels);
  const params = useBias === null ? null : useBias ? plus(weights, outChannels) : weights;
  return {
    outputShape: assemble(outSpatial, outChannels),
    params,
    fanIn: times(field, channels),
    fanOut: times(field, multiplier),
  };
};

const embedding: Rule = (layer, [input]) => {
  const inputDim = num(layer, 'inputDim');
  const outputDim = num(layer, 'outputDim');
  const outputShape = input ? [...input, outputDim] : null;
  return { outputShape, params: times(inputDim, outputDim), fanIn: inputDim, fanOut: outputDim };
};

function recurrent(gates: number): Rule {
  return (layer, [input]) => {
    const units = num(layer, 'units');
    const useBias = bool(layer, 'useBias', true);
    const sequences = bool(layer, 'returnSequences', false);
    const state = bool(layer, 'returnState', false);
    if (!input) return unknown('input shape unknown');
    if (input.length !== 3) throw new Error(`expected a rank-3 input, got rank ${input.length}`);
    const features = input[2];
    const width = times(gates, units);
    const weights = plus(times(features, width), times(units, width));
    const params = useBias === null ? null : useBias ? plus(weights, width) : weights;
    let outputShape: Shape | null =
      sequences === null ? null : sequences ? [input[0], input[1], units] : [input[0], units];
    if (state !== false) outputShape = null; // a list of tensors, not one shape
    return { outputShape, params, fanIn: features, fanOut: width };
  };
}

const bidirectional: Rule = (layer, inputs) => {
  if (!layer.inner) return unknown('the wrapped layer is unknown');
  const inner = layerShape(layer.inner, inputs);
  const mode = raw(layer, 'mergeMode');
  let outputShape: Shape | null = null;
  if (inner.outputShape && (mode === undefined || mode?.kind === 'string')) {
    const merge = mode === undefined ? 'concat' : mode.value;
    const last = inner.outputShape[inner.outputShape.length - 1];
    outputShape =
      merge === 'concat' ? [...inner.outputShape.slice(0, -1), times(last, 2)] : inner.outputShape;
  }
  return { ...inner, outputShape, params: times(inner.params, 2) };
};

const timeDistributed: Rule = (layer, [input]) => {
  if (!layer.inner) return unknown('the wrapped layer is unknown');
  if (!input) return unknown('input shape unknown');
  const inner = layerShape(layer.inner, [[input[0], ...input.slice(2)]]);
  const outputShape = inner.outputShape
    ? [input[0], input[1], ...inner.outputShape.slice(1)]
    : null;
  return { ...inner, outputShape };
};

function normalization(fixed: number): Rule {
  return (layer, [input]) => {
    const axis = num(layer, 'axis', -1);
    const center = bool(layer, 'center', true);
    const scale = bool(layer, 'scale', true);
    if (!input) return unknown('input shape unknown');
    if (axis === null || center === null || scale === null)
      return unknown('axis, center or scale unknown');
    const channels = input[axis < 0 ? input.length + axis : axis] ?? null;
    const perChannel = fixed + Number(center) + Number(scale);
    return { outputShape: input, params: times(channels, perChannel), fanIn: null, fanOut: null };
  };
}

const prelu: Rule = (layer, [input]) => {
  if (!input) return unknown('input shape unknown');
  const sharedValue = raw(layer, 'sharedAxes');
  let shared: Shape | null;
  if (sharedValue === undefined || sharedValue?.kind === 'null') shared = [];
  else if (sharedValue?.kind === 'number') shared = [sharedValue.value];
  else shared = sharedValue ? readShapeValue(sharedValue) : null;
  if (!shared) return unknown('sharedAxes unknown');
  const alpha = input.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
  return { outputShape: input, params: product(alpha), fanIn: null, fanOut: null };
};

const rules: Record<string, Rule> = {
  inputLayer: identity,
  dense,
  conv1d: conv(1, false),
  conv2d: conv(2, false),
  conv3d: conv(3, false),
  conv2dTranspose: conv(2, true),
  conv3dTranspose: conv(3, true),
  separableConv2d,
  depthwiseConv2d,
  maxPooling1d: pooling(1),
  maxPool1d: pooling(1),
  averagePooling1d: pooling(1),
  avgPool1d: pooling(1),
  avgPooling1d: pooling(1),
  maxPooling2d: pooling(2),
  maxPool2d: pooling(2),
  averagePooling2d: pooling(2),
  avgPool2d: pooling(2),
  avgPooling2d: pooling(2),
  maxPooling3d: pooling(3),
  averagePooling3d: pooling(3),
  avgPool3d: pooling(3),
  avgPooling3d: pooling(3),
  globalAveragePooling1d: globalPooling(1),
  globalMaxPooling1d: globalPooling(1),
  globalMaxPool1d: globalPooling(1),
  globalAveragePooling2d: globalPooling(2),
  globalMaxPooling2d: globalPooling(2),
  globalMaxPool2d: globalPooling(2),
  flatten,
  reshape,
  dropout: identity,
  spatialDropout1d: identity,
  gaussianNoise: identity,
  gaussianDropout: identity,
  alphaDropout: identity,
  masking: identity,
  activation: identity,
  reLU: identity,
  leakyReLU: identity,
  elu: identity,
  softmax: identity,
  thresholdedReLU: identity,
  rescaling: identity,
  prelu,
  batchNormalization: normalization(2),
  layerNormalization: normalization(0),
  embedding,
  simpleRNN: recurrent(1),
  gru: recurrent(3),
  lstm: recurrent(4),
  bidirectional,
  timeDistributed,
  add: elementwiseMerge,
  multiply: elementwiseMerge,
  average: elementwiseMerge,
  maximum: elementwiseMerge,
  minimum: elementwiseMerge,
  concatenate,
  repeatVector,
  permute,
  zeroPadding2d: spatialResize('padding', 1, (s, [a, b]) => s + a + b),
  cropping2D: spatialResize('cropping', 0, (s, [a, b]) => s - a - b),
  upSampling2d,
};
