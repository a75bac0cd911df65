/**
 * Measures per-layer gradient-norm ratios directly with tfjs (not through the probe), for checking
 * the static estimate against reality: same configs, seeded initializers, N(0,1) inputs, training mode.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerSpec } from './ir-builder';

export type LossName = 'meanSquaredError' | 'categoricalCrossentropy' | 'binaryCrossentropy';

export interface MlpSpec {
  depth: number;
  width: number;
  inputDim: number;
  outputUnits: number;
  activation: string;
  /** tfjs initializer name; undefined = the layer default (glorotNormal). */
  initializer?: string;
  outputActivation: string;
  loss: LossName;
  batch: number;
}

/** The same MLP as plain layer configs (for the IR builder). */
export function mlpConfigs(spec: MlpSpec): Record<string, unknown>[] {
  return Array.from({ length: spec.depth }, (_, i) => {
    const last = i === spec.depth - 1;
    return {
      units: last ? spec.outputUnits : spec.width,
      activation: last ? spec.outputActivation : spec.activation,
      ...(i === 0 ? { inputShape: [spec.inputDim] } : {}),
      ...(spec.initializer ? { kernelInitializer: spec.initializer } : {}),
    };
  });
}

export function measureRatios(spec: MlpSpec, seed: number): number[] {
  const specs = mlpConfigs(spec).map((config) => ({ factory: 'dense', config }));
  return measureSequential(specs, {
    inputShape: [spec.inputDim],
    outputUnits: spec.outputUnits,
    loss: spec.loss,
    batch: spec.batch,
    seed,
  });
}

export interface MeasureOptions {
  inputShape: number[];
  outputUnits: number;
  loss: LossName;
  batch: number;
  seed: number;
}

type InitializerFactory = (a: { seed: number }) => ReturnType<typeof tf.initializers.zeros>;

/**
 * Ratio of each layer's gradient norm (all its weights) to the last layer's, for one seed;
 * NaN for layers without weights.
 */
export function measureSequential(specs: LayerSpec[], options: MeasureOptions): number[] {
  return tf.tidy(() => {
    const initializers = tf.initializers as unknown as Record<string, InitializerFactory>;
    const factories = tf.layers as unknown as Record<string, (c: unknown) => tf.layers.Layer>;
    const model = tf.sequential();
    specs.forEach((spec, i) => {
      // tfjs mutates some config arrays in place: give it a copy.
      const config = structuredClone(spec.config ?? {}) as Record<string, unknown>;
      if (spec.factory === 'dense' || spec.factory.startsWith('conv')) {
        const name = (config.kernelInitializer as string | undefined) ?? 'glorotNormal';
        config.kernelInitializer = initializers[name]({ seed: options.seed * 1000 + i });
      }
      model.add(factories[spec.factory](config));
    });
    const x = tf.randomNormal(
      [options.batch, ...options.inputShape],
      0,
      1,
      'float32',
      options.seed,
    );
    const y = targets(options);
    const { grads } = tf.variableGrads(() => {
      const out = model.apply(x, { training: true }) as tf.Tensor;
      return lossOf(options.loss, y, out);
    });
    const norms = model.layers.map((layer) => {
      if (layer.trainableWeights.length === 0) return Number.NaN;
      const squares = layer.trainableWeights.map(
        (w) => tf.sum(tf.square(grads[w.originalName] ?? grads[w.name])).dataSync()[0],
      );
      return Math.sqrt(squares.reduce((a, b) => a + b, 0));
    });
    model.dispose();
    const output = norms[norms.length - 1];
    return norms.map((n) => n / output);
  });
}

function targets({ loss, batch, outputUnits, seed }: MeasureOptions): tf.Tensor {
  if (loss === 'meanSquaredError')
    return tf.randomNormal([batch, outputUnits], 0, 1, 'float32', seed + 7);
  if (loss === 'binaryCrossentropy') {
    const uniform = tf.randomUniform([batch, outputUnits], 0, 1, 'float32', seed + 7);
    return tf.cast(tf.greater(uniform, 0.5), 'float32');
  }
  const labels = tf.randomUniform([batch], 0, outputUnits, 'int32', seed + 7);
  return tf.oneHot(labels as tf.Tensor1D, outputUnits).toFloat();
}

/** The losses as model.compile would use them, averaged over the batch. */
function lossOf(loss: LossName, y: tf.Tensor, out: tf.Tensor): tf.Scalar {
  if (loss === 'meanSquaredError') return tf.mean(tf.square(tf.sub(out, y)));
  if (loss === 'binaryCrossentropy') return tf.mean(tf.metrics.binaryCrossentropy(y, out));
  return tf.mean(tf.metrics.categoricalCrossentropy(y, out));
}
