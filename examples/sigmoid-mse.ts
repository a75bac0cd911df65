// A binary classifier with a sigmoid output trained on mean squared error.
// Gradient problem: MSE's gradient through a saturated sigmoid is multiplied by sigmoid'(z), which is
// near zero exactly when the prediction is confidently wrong; binaryCrossentropy cancels that factor.
import * as tf from '@tensorflow/tfjs';

export function createClassifier(numFeatures: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      units: 16,
      activation: 'relu',
      kernelInitializer: 'heNormal',
      inputShape: [numFeatures],
    }),
  );
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({
    optimizer: tf.train.adam(0.01),
    loss: 'meanSquaredError',
    metrics: ['accuracy'],
  });
  return model;
}

export async function trainClassifier(xs: tf.Tensor2D, ys: tf.Tensor2D) {
  const model = createClassifier(12);
  await model.fit(xs, ys, { epochs: 30, batchSize: 32, shuffle: true });
  return model;
}
