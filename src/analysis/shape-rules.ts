/**
 * Per-factory shape and parameter rules, following tfjs-layers 4.x (computeOutputShape / build).
 * Each rule gets the layer's IR node and its input shapes, and returns what it can tell.
 */
import { bool, num, raw, str, tuple } from './config-read';
import type { LayerNode, Value } from './ir';

/** A tensor shape with the batch dimension first; null marks an unknown dimension. */
export type Shape = (number | null)[];

export interface RuleResult {
  outputShape: Shape | null;
  params: number | null;
  fanIn: number | null;
  fanOut: number | null;
  note?: string;
}

type Rule = (layer: LayerNode, inputs: (Shape | null)[]) => RuleResult;

export function layerShape(layer: LayerNode, inputs: (Shape | null)[]): RuleResult {
  const rule = rules[layer.factory];
  if (!rule) return unknown(`shapes of '${layer.factory}' layers are not modelled`);
  return rule(layer, inputs);
}

/** A shape literal such as `[28, 28, 1]` (items may be null); null when not an array. */
export function readShapeValue(value: Value): Shape | null {
  if (value.kind !== 'array') return null;
  const dims: Shape = [];
  for (const item of value.items) {
    if (item.kind === 'number') dims.push(item.value);
    else if (item.kind === 'null') dims.push(null);
    else return null;
  }
  return dims;
}

// ---- small arithmetic on partly known numbers ----

function product(dims: (number | null)[]): number | null {
  let total = 1;
  for (const dim of dims) {
    if (dim === null) return null;
    total *= dim;
  }
  return total;
}

const times = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : a * b;
const plus = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : a + b;

function unknown(note: string): RuleResult {
  return { outputShape: null, params: null, fanIn: null, fanOut: null, note };
}

function weightless(outputShape: Shape | null): RuleResult {
  return { outputShape, params: 0, fanIn: null, fanOut: null };
}

function convOutputLength(
  size: number | null,
  kernel: number,
  padding: string,
  stride: number,
  dilation = 1,
): number | null {
  if (size === null) return null;
  const dilated = kernel + (kernel - 1) * (dilation - 1);
  const length = padding === 'same' || padding === 'causal' ? size : size - dilated + 1;
  return Math.floor((length + stride - 1) / stride);
}

function deconvLength(
  size: number | null,
  stride: number,
  kernel: number,
  padding: string,
): number | null {
  if (size === null) return null;
  return padding === 'same' ? size * stride : size * stride + Math.max(kernel - stride, 0);
}

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
function layout(layer: LayerNode, input: Shape, rank: number) {
  if (input.length !== rank + 2)
    throw new Error(`expected a rank-${rank + 2} input, got rank ${input.length}`);
  const format = str(layer, 'dataFormat', 'channelsLast');
  if (format === null) throw new Error('dataFormat unknown');
  const first = format === 'channelsFirst';
  return {
    channels: first ? input[1] : input[rank + 1],
    spatial: first ? input.slice(2) : input.slice(1, rank + 1),
    assemble: (spatial: (number | null)[], channels: number | null): Shape =>
      first ? [input[0], channels, ...spatial] : [input[0], ...spatial, channels],
  };
}

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

function pooling(rank: number): Rule {
  return (layer, [input]) => {
    const pool = tuple(layer, 'poolSize', rank, Array<number>(rank).fill(2));
    const strides = tuple(layer, 'strides', rank, pool);
    const padding = str(layer, 'padding', 'valid');
    if (!input) return unknown('input shape unknown');
    if (!pool || !strides || padding === null)
      return unknown('pool size, strides or padding unknown');
    const { channels, spatial, assemble } = layout(layer, input, rank);
    const out = spatial.map((size, i) => convOutputLength(size, pool[i], padding, strides[i]));
    return weightless(assemble(out, channels));
  };
}

function globalPooling(rank: number): Rule {
  return (layer, [input]) => {
    if (!input) return unknown('input shape unknown');
    return weightless([input[0], layout(layer, input, rank).channels]);
  };
}

const flatten: Rule = (_layer, [input]) =>
  input ? weightless([input[0], product(input.slice(1))]) : unknown('input shape unknown');

const reshape: Rule = (layer, [input]) => {
  const target = raw(layer, 'targetShape');
  const dims = target ? readShapeValue(target) : null;
  if (!dims) return unknown('targetShape unknown');
  if (!input) return unknown('input shape unknown');
  const total = product(input.slice(1));
  const known = product(dims.filter((d) => d !== -1));
  const inferred = total !== null && known !== null && known !== 0 ? total / known : null;
  return weightless([input[0], ...dims.map((d) => (d === -1 ? inferred : d))]);
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

const elementwiseMerge: Rule = (_layer, inputs) => {
  if (inputs.length === 0 || inputs.some((s) => s === null))
    return unknown('an input shape is unknown');
  const shapes = inputs as Shape[];
  const rank = shapes[0].length;
  if (shapes.some((s) => s.length !== rank)) return unknown('inputs of different ranks');
  const out = shapes[0].map(
    (_, i) => shapes.map((s) => s[i]).find((d) => d !== null && d !== 1) ?? shapes[0][i],
  );
  return weightless(out);
};

const concatenate: Rule = (layer, inputs) => {
  const axisValue = num(layer, 'axis', -1);
  if (axisValue === null) return unknown('axis unknown');
  if (inputs.length === 0 || inputs.some((s) => s === null))
    return unknown('an input shape is unknown');
  const shapes = inputs as Shape[];
  const rank = shapes[0].length;
  if (shapes.some((s) => s.length !== rank)) return unknown('inputs of different ranks');
  const axis = axisValue < 0 ? rank + axisValue : axisValue;
  const out = shapes[0].map((_, i) =>
    i === axis
      ? shapes.reduce<number | null>((sum, s) => plus(sum, s[i]), 0)
      : (shapes.map((s) => s[i]).find((d) => d !== null) ?? null),
  );
  return weightless(out);
};

const repeatVector: Rule = (layer, [input]) => {
  const n = num(layer, 'n');
  return input ? weightless([input[0], n, input[1]]) : unknown('input shape unknown');
};

const permute: Rule = (layer, [input]) => {
  const dimsValue = raw(layer, 'dims');
  const dims = dimsValue ? readShapeValue(dimsValue) : null;
  if (!dims || !input) return unknown('dims or input shape unknown');
  return weightless([input[0], ...dims.map((d) => (d === null ? null : (input[d] ?? null)))]);
};

/** zeroPadding2d's `padding` and cropping2D's `cropping`: n, [a, b] or [[top, bottom], [left, right]]. */
function pairs(value: Value | null | undefined, fallback: number): [number, number][] | null {
  if (value === undefined)
    return [
      [fallback, fallback],
      [fallback, fallback],
    ];
  if (value?.kind === 'number')
    return [
      [value.value, value.value],
      [value.value, value.value],
    ];
  if (value?.kind !== 'array' || value.items.length !== 2) return null;
  const out: [number, number][] = [];
  for (const item of value.items) {
    if (item.kind === 'number') out.push([item.value, item.value]);
    else if (
      item.kind === 'array' &&
      item.items.length === 2 &&
      item.items.every((v) => v.kind === 'number')
    ) {
      const [a, b] = item.items as { kind: 'number'; value: number }[];
      out.push([a.value, b.value]);
    } else return null;
  }
  return out;
}

function spatialResize(
  key: string,
  fallback: number,
  apply: (size: number, pair: [number, number]) => number,
): Rule {
  return (layer, [input]) => {
    const amounts = pairs(raw(layer, key), fallback);
    if (!amounts || !input) return unknown(`${key} or input shape unknown`);
    const { channels, spatial, assemble } = layout(layer, input, 2);
    return weightless(
      assemble(
        spatial.map((s, i) => (s === null ? null : apply(s, amounts[i]))),
        channels,
      ),
    );
  };
}

const upSampling2d: Rule = (layer, [input]) => {
  const size = tuple(layer, 'size', 2, [2, 2]);
  if (!size || !input) return unknown('size or input shape unknown');
  const { channels, spatial, assemble } = layout(layer, input, 2);
  return weightless(
    assemble(
      spatial.map((s, i) => times(s, size[i])),
      channels,
    ),
  );
};

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
