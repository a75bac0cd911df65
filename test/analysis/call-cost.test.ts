import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../src/analysis/index';

// A loader the file never calls (its split is a parameter, so it runs as a guess) maps each row of
// a large inline table. Each callback is given the whole table as its third argument; it declares
// one parameter, so the table never reaches it and is not searched for unknowns on every call.
test('callbacks of an uncalled loader over a large table cost one check of their own arguments', () => {
  const rows = Array.from(
    { length: 8000 },
    (_, i) => `[${(i % 7) / 10}, ${(i % 5) / 10}, ${(i % 3) / 10}, ${(i % 11) / 10}, ${i % 3}]`,
  );
  const source = `import * as tf from '@tensorflow/tfjs';
const RAW = [
  ${rows.join(',\n  ')},
];

export function oneHot(label) {
  return Array.from(tf.oneHot([label], 3).dataSync());
}

export function getData(testSplit) {
  const shuffled = RAW.slice();
  tf.util.shuffle(shuffled);
  const numTest = Math.round(RAW.length * testSplit);
  const train = shuffled.slice(0, RAW.length - numTest);
  const xs = tf.data.array(train.map((r) => r.slice(0, 4)));
  const ys = tf.data.array(train.map((r) => oneHot(r[4])));
  return tf.data.zip({ xs, ys });
}

export function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 10, activation: 'sigmoid', inputShape: [RAW[0].length - 1] }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  return model;
}
`;
  const started = process.cpuUsage();
  const result = analyze(source, 'data.js');
  const used = process.cpuUsage(started);
  const ms = (used.user + used.system) / 1000;
  assert.equal(result.models.length, 1);
  assert.deepEqual(
    result.models[0].layers.map((l) => l.factory),
    ['dense', 'dense'],
  );
  // Searching the whole table on each of the 2 x 8000 calls took over ten seconds of CPU.
  assert.ok(ms < 4000, `analysis took ${ms.toFixed(0)} ms of CPU`);
});
