// A small regression MLP trained with plain SGD at a learning rate of 2.
// Gradient problem: updates far larger than the weights make the loss and gradients grow every
// step until they overflow to NaN (exploding).
import * as tf from '@tensorflow/tfjs-node';

const LEARNING_RATE = 2.0;

const model = tf.sequential();
model.add(
  tf.layers.dense({
    units: 32,
    activation: 'relu',
    kernelInitializer: 'heNormal',
    inputShape: [10],
  }),
);
model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: tf.train.sgd(LEARNING_RATE), loss: 'meanSquaredError' });

export async function train(xs, ys) {
  return model.fit(xs, ys, { epochs: 100, batchSize: 16 });
}
