import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryProject } from './memory-host';

const TF = `import * as tf from '@tensorflow/tfjs';\n`;

// A training script checks the model on a few samples before it trains it: a loop over test cases,
// one over input formats, and inside them an encoder's loops over characters, none of which builds
// anything. The script runs with a small allowance when the builder's file is analysed; the
// encoder's loops, cut once, are cut sooner on each later pass of the quiet loops around them, so
// the compile and fit after the checks are still reached.
test('an importer whose nested data loops run before its fit call still trains the builder', () => {
  const { ws, path } = memoryProject({
    'src/model.js': `${TF}export function createModel(vocab, length) {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: vocab, outputDim: 16, inputLength: length }));
  model.add(tf.layers.lstm({ units: 32 }));
  model.add(tf.layers.dense({ units: vocab, activation: 'softmax' }));
  return model;
}
`,
    'src/encode.js': `${TF}export const VOCAB = 'abcdefghijklmnopqrstuvwxyz0123456789-/ ';
export const LENGTH = 12;
export function encode(strings) {
  const buffer = tf.buffer([strings.length, LENGTH]);
  for (let i = 0; i < strings.length; ++i) {
    for (let j = 0; j < LENGTH; ++j) {
      const index = VOCAB.indexOf(strings[i][j]);
      buffer.set(index < 0 ? 0 : index, i, j);
    }
  }
  return buffer.toTensor();
}
`,
    'src/train.js': `${TF}import { createModel } from './model.js';
import { encode, LENGTH, VOCAB } from './encode.js';
const FORMATS = [(d) => d.join('-'), (d) => d.join('/'), (d) => d.join(' '), (d) => d.reverse().join('-')];
const dates = [];
for (let y = 1950; y < 2050; y++) for (let m = 1; m <= 12; m++) dates.push([y, m, 1]);
function sanityCheck(model) {
  for (let n = 0; n < 20; ++n) {
    for (const format of FORMATS) {
      const x = encode([format(dates[n]), format(dates[n + 1])]);
      for (let step = 1; step < LENGTH; ++step) {
        model.predict(x);
      }
    }
  }
}
async function main() {
  const model = createModel(VOCAB.length, LENGTH);
  sanityCheck(model);
  sanityCheck(model);
  sanityCheck(model);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const xs = encode(dates.map((d) => FORMATS[0](d)));
  await model.fit(xs, xs, { epochs: 3, batchSize: 64 });
}
main();
`,
  });
  const result = ws.analyzeFile(path('src/model.js'));
  assert.equal(result.models.length, 1);
  const training = result.models[0].training;
  assert.equal(training.trained, true);
  assert.equal(training.learningRate, 0.01);
  assert.deepEqual(
    training.fitCalls.map((c) => c.method),
    ['fit'],
  );
});
