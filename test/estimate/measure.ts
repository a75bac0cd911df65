/**
 * Measures per-layer gradient-norm ratios of a plain MLP directly with tfjs (not through the probe),
 * for checking the static estimate against reality.
 */
import * as tf from '@tensorflow/tfjs';

export interface MlpSpec {
  depth: number;
  width: number;
  inputDim: number;
  outputUnits: number;
  activation: string;
  /** tfjs initializer name; undefined = the layer default (glorotNormal). */
  initializer?: string;
  outputActivation: string;
  loss: 'meanSquaredError' | 'categoricalCrossentropy' | 'binaryCrossentropy';
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

/** Ratio of each dense layer's gradient norm (kernel and bias) to the last layer's, for one seed. */
export function measureRatios(spec: MlpSpec, seed: number): number[] {
  return tf.tidy(() => {
    const initializerName = spec.initializer ?? 'glorotNormal';
    const initializers = tf.initializers as unknown as Record<
      string,
      (a: { seed: number }) => ReturnType<typeof tf.initializers.zeros>
    >;
    const model = tf.sequential();
    mlpConfigs(spec).forEach((config, i) => {
      model.add(
        tf.layers.dense({
          ...(config as { units: number }),
          kernelInitializer: initializers[initializerName]({ seed: seed * 1000 + i }),
        } as Parameters<typeof tf.layers.dense>[0]),
      );
    });
    const x = tf.randomNormal([spec.batch, spec.inputDim], 0, 1, 'float32', seed);
    const y = targets(spec, seed);
    const { grads } = tf.variableGrads(() => {
      const out = model.apply(x, { training: true }) as tf.Tensor;
      return lossOf(spec.loss, y, out);
    });
    const norms = model.layers.map((layer) => {
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

function targets(spec: MlpSpec, seed: number): tf.Tensor {
  if (spec.loss === 'meanSquaredError')
    return tf.randomNormal([spec.batch, spec.outputUnits], 0, 1, 'float32', seed + 7);
  if (spec.loss === 'binaryCrossentropy') {
    return tf.cast(
      tf.greater(tf.randomUniform([spec.batch, spec.outputUnits], 0, 1, 'float32', seed + 7), 0.5),
      'float32',
    );
  }
  const labels = tf.randomUniform([spec.batch], 0, spec.outputUnits, 'int32', seed + 7);
  return tf.oneHot(labels as tf.Tensor1D, spec.outputUnits).toFloat();
}

/** The compiled tfjs losses (tf.metrics/losses as model.compile would use them), batch-averaged. */
function lossOf(loss: MlpSpec['loss'], y: tf.Tensor, out: tf.Tensor): tf.Scalar {
  if (loss === 'meanSquaredError') return tf.mean(tf.square(tf.sub(out, y)));
  if (loss === 'binaryCrossentropy') return tf.mean(tf.metrics.binaryCrossentropy(y, out));
  return tf.mean(tf.metrics.categoricalCrossentropy(y, out));
}
