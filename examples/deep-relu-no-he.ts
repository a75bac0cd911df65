// A deep ReLU regressor that keeps tfjs's default kernel initializer (glorotNormal).
// Gradient problem: Glorot init halves the signal variance at every ReLU layer; with twelve layers
// the early layers get much smaller gradients than He initialization would give.
import * as tf from '@tensorflow/tfjs';

interface ModelConfig {
  inputSize: number;
  hiddenSizes: number[];
}

const config: ModelConfig = {
  inputSize: 16,
  hiddenSizes: [128, 128, 128, 128, 128, 128, 64, 64, 64, 64, 32, 32],
};

export function buildRegressor({ inputSize, hiddenSizes }: ModelConfig): tf.Sequential {
  const model = tf.sequential();
  hiddenSizes.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        ...(i === 0 ? { inputShape: [inputSize] } : {}),
      }),
    );
  });
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  return model;
}

export async function run(xs: tf.Tensor2D, ys: tf.Tensor2D): Promise<tf.History> {
  const model = buildRegressor(config);
  return model.fit(xs, ys, { epochs: 50, batchSize: 64 });
}
