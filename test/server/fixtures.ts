/** Model code as a user writes it, for the language-server tests. */

/** An 8-layer sigmoid classifier: the first layer in a multi-line `model.add(`, seven in a loop. */
export const DEEP_SIGMOID = `import * as tf from '@tensorflow/tfjs';

const FEATURES = 20;
const HIDDEN = 48;

export function buildClassifier() {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({ units: HIDDEN, activation: 'sigmoid', inputShape: [FEATURES] }),
  );
  for (let i = 0; i < 7; i++) {
    model.add(tf.layers.dense({ units: HIDDEN, activation: 'sigmoid' }));
  }
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
  return model;
}
`;

/** A healthy ReLU/He model: no findings. */
export const HEALTHY = `import * as tf from '@tensorflow/tfjs';

export function buildRegressor() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: 'heNormal', inputShape: [8] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}
`;

/** 0-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`no line with ${needle}`);
  return line;
}
