/**
 * Counts a model's parameters before any weight exists, so an oversized model fails fast instead of exhausting
 * memory. Shapes come from tfjs's own `computeOutputShape` (which allocates nothing); parameter counts from the
 * weight shapes each layer class creates in its `build`. Layers the table does not know are reported as uncounted.
 */
import type { layers as tfLayers } from '@tensorflow/tfjs';

type Layer = tfLayers.Layer;
export type Shape = (number | null)[];

export interface ParamCount {
  total: number;
  /** Params per layer position, null when unknown (uncountable class or unknown input shape). */
  perLayer: (number | null)[];
}

/** Counts params of a chain (sequential) of unbuilt layers, starting from the batch input shape. */
export function countSequential(layers: Layer[], batchInputShape: Shape | null): ParamCount {
  let shape: Shape | null = batchInputShape;
  const perLayer: (number | null)[] = [];
  for (const layer of layers) {
    if (shape === null && layer.batchInputShape) shape = layer.batchInputShape;
    perLayer.push(shape ? paramsOf(layer, shape) : null);
    shape = shape ? outputShape(layer, shape) : null;
  }
  return { total: sum(perLayer), perLayer };
}

/** A functional graph: `applications` in topological order, each naming a layer position and its input ids. */
export function countGraph(
  layers: Layer[],
  inputs: { id: string; shape: Shape | null }[],
  applications: { id: string; layer: number; inputs: string[] }[],
): ParamCount {
  const shapes = new Map<string, Shape | null>(inputs.map((i) => [i.id, i.shape]));
  const perLayer: (number | null)[] = layers.map(() => 0);
  const counted = new Set<number>();
  for (const app of applications) {
    const layer = layers[app.layer];
    if (!layer) continue;
    const inShapes = app.inputs.map((id) => shapes.get(id) ?? null);
    const known = inShapes.every((s): s is Shape => s !== null);
    const single = inShapes.length === 1 ? inShapes[0]! : null;
    if (!counted.has(app.layer)) {
      counted.add(app.layer);
      // Merge layers have no weights; any other layer's weights depend on its (single) input shape.
      perLayer[app.layer] = known && single ? paramsOf(layer, single) : known ? 0 : null;
    }
    const out = known ? outputShape(layer, single ?? (inShapes as Shape[])) : null;
    shapes.set(app.id, out);
  }
  return { total: sum(perLayer), perLayer };
}

function outputShape(layer: Layer, input: Shape | Shape[]): Shape | null {
  try {
    const out = layer.computeOutputShape(input as never) as Shape | Shape[];
    return Array.isArray(out[0]) ? null : (out as Shape);
  } catch {
    // Some layers compute their output shape only after build; leave the rest to the real build.
    return null;
  }
}

const WEIGHTLESS = new Set([
  'InputLayer',
  'Flatten',
  'Dropout',
  'SpatialDropout1D',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'Softmax',
  'ThresholdedReLU',
  'Reshape',
  'Permute',
  'RepeatVector',
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'Add',
  'Concatenate',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'Dot',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
  'Masking',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'Rescaling',
  'CenterCrop',
  'Resizing',
  'CategoryEncoding',
  'RandomWidth',
]);

/** Params a layer's build creates for this input shape (trainable and not); null when unknown. */
export function paramsOf(layer: Layer, input: Shape): number | null {
  const className = layer.getClassName();
  if (WEIGHTLESS.has(className)) return 0;
  const config = layer.getConfig() as Record<string, unknown>;
  const channelsFirst = config['dataFormat'] === 'channelsFirst';
  const lastDim = input[input.length - 1] ?? null;
  const channels = channelsFirst ? (input[1] ?? null) : lastDim;
  const bias = (n: number): number => (config['useBias'] === false ? 0 : n);
  const num = (key: string): number => Number(config[key]);
  const kernelArea = (): number => product(asList(config['kernelSize']));
  // SeparableConv's getConfig omits depthMultiplier; the layer object carries it.
  const multiplier = Number(
    (layer as unknown as { depthMultiplier?: number }).depthMultiplier ??
      config['depthMultiplier'] ??
      1,
  );
  if (channels === null && className !== 'Embedding') return null;
  const inDim = channels ?? 0;

  switch (className) {
    case 'Dense':
      return inDim * num('units') + bias(num('units'));
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case 'Conv2DTranspose':
    case 'Conv3DTranspose':
      return kernelArea() * inDim * num('filters') + bias(num('filters'));
    case 'DepthwiseConv2D': {
      return kernelArea() * inDim * multiplier + bias(inDim * multiplier);
    }
    case 'SeparableConv1D':
    case 'SeparableConv2D': {
      const filters = num('filters');
      return kernelArea() * inDim * multiplier + inDim * multiplier * filters + bias(filters);
    }
    case 'SimpleRNN':
      return recurrent(1, inDim, num('units'), bias);
    case 'GRU':
      return recurrent(3, inDim, num('units'), bias);
    case 'LSTM':
      return recurrent(4, inDim, num('units'), bias);
    case 'ConvLSTM2D': {
      const filters = num('filters');
      return (
        4 * (kernelArea() * inDim * filters + kernelArea() * filters * filters) + bias(4 * filters)
      );
    }
    case 'Embedding':
      return num('inputDim') * num('outputDim');
    case 'BatchNormalization':
      return (
        inDim * (2 + (config['center'] === false ? 0 : 1) + (config['scale'] === false ? 0 : 1))
      );
    case 'LayerNormalization':
      return inDim * ((config['center'] === false ? 0 : 1) + (config['scale'] === false ? 0 : 1));
    case 'PReLU':
      return product(input.slice(1).map((d) => d ?? NaN)) || null;
    case 'Bidirectional':
    case 'TimeDistributed':
      return wrapped(layer, className, input);
    default:
      return null;
  }
}

function recurrent(
  gates: number,
  inDim: number,
  units: number,
  bias: (n: number) => number,
): number {
  return gates * (inDim * units + units * units) + bias(gates * units);
}

function wrapped(layer: Layer, className: string, input: Shape): number | null {
  const inner = (layer as unknown as { layer?: Layer }).layer;
  if (!inner) return null;
  if (className === 'TimeDistributed')
    return paramsOf(inner, [input[0] ?? null, ...input.slice(2)]);
  const one = paramsOf(inner, input);
  return one === null ? null : 2 * one;
}

function asList(value: unknown): number[] {
  return Array.isArray(value) ? value.map(Number) : [Number(value)];
}

function product(values: number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

function sum(values: (number | null)[]): number {
  return values.reduce<number>((a, b) => a + (b ?? 0), 0);
}
