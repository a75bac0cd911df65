// A healthy MLP: ReLU with He initialization, batch normalization between layers, a softmax output
// with categorical cross-entropy, and Adam at its default learning rate.
import * as tf from '@tensorflow/tfjs';

const hidden = { activation: 'relu', kernelInitializer: 'heNormal' };

export function createModel(inputDim = 20, numClasses = 3) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ ...hidden, units: 64, inputShape: [inputDim] }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.dense({ ...hidden, units: 64 }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.dense({ ...hidden, units: 32 }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

export async function train(xs, ys) {
  const model = createModel();
  await model.fit(xs, ys, { epochs: 25, batchSize: 32 });
  return model;
}
