/**
 * Models and data for the monitor's tests, built the way training scripts build them, with seeded
 * initialisers so every run (and both arms of a with/without comparison) starts from the same weights.
 */
import * as tf from '@tensorflow/tfjs';

let ready: Promise<void> | null = null;

/** The cpu backend: the exploding run below was measured on it. */
export function cpu(): Promise<void> {
  ready ??= tf.setBackend('cpu').then(() => tf.ready());
  return ready;
}

/** 16-64-64-1 ReLU regressor under plain SGD at rate 3: its loss is Infinity at batch 3, NaN after. */
export function explodingRegressor(): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units: 64,
      activation: 'relu',
      inputShape: [16],
      kernelInitializer: tf.initializers.glorotNormal({ seed: 11 }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 64,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotNormal({ seed: 12 }),
    }),
  );
  model.add(
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 13 }) }),
  );
  model.compile({ optimizer: tf.train.sgd(3), loss: 'meanSquaredError' });
  return model;
}

export function regressionData(n = 256): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return {
    x: tf.randomNormal([n, 16], 0, 1, 'float32', 1) as tf.Tensor2D,
    y: tf.randomNormal([n, 1], 0, 10, 'float32', 2) as tf.Tensor2D,
  };
}

/** A small 3-class classifier (8-32-16-3) under Adam: healthy training. */
export function healthyClassifier(): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units: 32,
      activation: 'relu',
      inputShape: [8],
      name: 'hidden1',
      kernelInitializer: tf.initializers.heNormal({ seed: 21 }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 16,
      activation: 'relu',
      name: 'hidden2',
      kernelInitializer: tf.initializers.heNormal({ seed: 22 }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 3,
      activation: 'softmax',
      name: 'probs',
      kernelInitializer: tf.initializers.glorotNormal({ seed: 23 }),
    }),
  );
  model.compile({
    optimizer: tf.train.adam(0.01),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

/** Three Gaussian blobs in 8 dimensions: learnable, so the loss falls. */
export function classificationData(n = 384): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const labels = tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 3),
      'int32',
    );
    const centres = tf.randomNormal([3, 8], 0, 2, 'float32', 5);
    const x = tf.add(
      tf.gather(centres, labels),
      tf.randomNormal([n, 8], 0, 1, 'float32', 6),
    ) as tf.Tensor2D;
    return { x, y: tf.oneHot(labels, 3).toFloat() as tf.Tensor2D };
  });
}

/** Ten sigmoid layers under SGD: the first layer's gradient is orders of magnitude below the output's. */
export function deepSigmoid(): tf.Sequential {
  const model = tf.sequential();
  for (let i = 0; i < 10; i++)
    model.add(
      tf.layers.dense({
        units: 64,
        activation: 'sigmoid',
        ...(i === 0 ? { inputShape: [16] } : {}),
        kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.05, seed: 30 + i }),
      }),
    );
  model.add(
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 50 }) }),
  );
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  return model;
}

export function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}
