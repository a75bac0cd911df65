// A deep fully-connected classifier with sigmoid hidden layers.
// Gradient problem: each sigmoid scales the backward signal by at most 0.25, so after eight hidden
// layers the first layers barely learn (vanishing gradients).
import * as tf from '@tensorflow/tfjs';

const NUM_FEATURES = 32;
const NUM_CLASSES = 4;
const HIDDEN_UNITS = 64;
const NUM_HIDDEN_LAYERS = 8;

export function createModel() {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({ units: HIDDEN_UNITS, activation: 'sigmoid', inputShape: [NUM_FEATURES] }),
  );
  for (let i = 1; i < NUM_HIDDEN_LAYERS; i++) {
    model.add(tf.layers.dense({ units: HIDDEN_UNITS, activation: 'sigmoid' }));
  }
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }));
  model.compile({
    optimizer: tf.train.sgd(0.05),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

export async function train(xs, ys) {
  const model = createModel();
  await model.fit(xs, ys, { epochs: 20, batchSize: 32, validationSplit: 0.1 });
  return model;
}
