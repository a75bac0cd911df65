/** Shapes met on held-out batch 10 (calibration/real-projects/labels.json): models kept on the global object. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelRows } from './helpers';

const NODE_GLOBAL = `const tf = require('@tensorflow/tfjs-node');
global.detector = null;
async function fitDetector(xs, ys) {
  global.detector = tf.sequential();
  global.detector.add(tf.layers.gru({ units: 16, inputShape: [10, 3] }));
  global.detector.add(tf.layers.dense({ units: 8, activation: 'relu' }));
  global.detector.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  global.detector.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await global.detector.fit(xs, ys, { epochs: 3 });
  return global.detector;
}
module.exports.train = async (xs, ys) => {
  detector = await fitDetector(xs, ys);
  global.detector.summary();
};
`;

test('a model kept on Node’s global object (global.net = tf.sequential()) gets the layers added through it', () => {
  assert.deepEqual(modelRows(NODE_GLOBAL, 'server/train.js'), [
    { name: 'fitDetector', kind: 'sequential', layers: 'gru dense dense', trained: true },
  ]);
});

test('a variable of the file named global is that variable, not the global object', () => {
  const source = NODE_GLOBAL.replace(
    'global.detector = null;',
    'const global = { detector: null };',
  ).replace('detector = await', 'global.detector = await');
  assert.deepEqual(modelRows(source, 'server/train.js'), [
    { name: 'fitDetector', kind: 'sequential', layers: 'gru dense dense', trained: true },
  ]);
});
