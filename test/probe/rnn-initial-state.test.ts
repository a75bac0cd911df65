/**
 * An RNN whose initial state comes in as model inputs (a seq2seq decoder step model) or from an
 * encoder's returnState: tfjs's own model.apply fails on the first (its RNN.apply writes the state
 * into the options every layer shares), so the probe gives each RNN application its own options;
 * the decoder reads the encoder's states, not its output twice; and when nothing compiles a step
 * model that returns its states, no loss is put on them.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyze } from '../../src/analysis';
import { probeModel } from '../../src/probe/engine';
import { irRequest } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

test('a decoder step model with state inputs is measured', async () => {
  const source = `import * as tf from '@tensorflow/tfjs';
export function decoderStep(units = 8, vocab = 12) {
  const tokens = tf.input({ shape: [5, vocab] });
  const stateH = tf.input({ shape: [units] });
  const stateC = tf.input({ shape: [units] });
  const lstm = tf.layers.lstm({ units, returnSequences: true, returnState: true });
  const [seq, h, c] = lstm.apply(tokens, { initialState: [stateH, stateC] });
  const probs = tf.layers.dense({ units: vocab, activation: 'softmax' }).apply(seq);
  const model = tf.model({ inputs: [tokens, stateH, stateC], outputs: [probs, h, c] });
  return model;
}
`;
  const [model] = analyze(source, 'decoder.js').models;
  assert.ok(model);
  const report = await probeModel(tf, irRequest(model, { steps: 1 }), backend);
  // No loss trains the returned states: a classification loss on them would read tanh values as
  // probabilities and call the LSTM exploding.
  assert.equal(report.verdict, 'healthy');
  assert.ok(
    report.assumptions.some((a) => a.includes('the recurrent states it returns get no loss')),
  );
  assert.ok(report.layers.every((l) => l.gradNorm === null || l.gradNorm > 0));
});

test('a decoder reads the states an encoder returns', async () => {
  const source = `import * as tf from '@tensorflow/tfjs';
export function seq2seq(units = 6, vocab = 10) {
  const source = tf.input({ shape: [7, vocab] });
  const target = tf.input({ shape: [5, vocab] });
  const [, h, c] = tf.layers.lstm({ units, returnState: true }).apply(source);
  const seq = tf.layers.lstm({ units, returnSequences: true }).apply(target, { initialState: [h, c] });
  const probs = tf.layers.dense({ units: vocab, activation: 'softmax' }).apply(seq);
  const model = tf.model({ inputs: [source, target], outputs: probs });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
`;
  const [model] = analyze(source, 'seq2seq.js').models;
  assert.ok(model);
  const report = await probeModel(tf, irRequest(model, { steps: 1 }), backend);
  assert.equal(report.verdict, 'healthy');
  // The encoder's kernel gets a gradient through both states.
  assert.ok((report.layers[0]?.gradNorm ?? 0) > 0);
});
