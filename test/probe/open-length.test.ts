/**
 * Open sequence lengths (`Input(shape=(None,))`): the batch uses the shortest length every layer keeps at
 * least one step of, so a stack of valid convolutions and poolings over tokens is measured (at 10 steps its
 * second convolution's output would be -3 steps long), and the report says which length and why.
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

const reader = (pool: number) => `from keras import layers, Input
from keras.models import Model

words = Input(shape=(None,), dtype='int32')
h = layers.Embedding(300, 8)(words)
h = layers.Conv1D(6, 5, activation='relu')(h)
h = layers.MaxPooling1D(${pool})(h)
h = layers.Conv1D(6, 5, activation='relu')(h)
h = layers.GlobalMaxPooling1D()(h)
flag = layers.Dense(1, activation='sigmoid')(h)
model = Model(words, flag)
model.compile(optimizer='rmsprop', loss='binary_crossentropy')
`;

async function lengthSentence(source: string): Promise<string | undefined> {
  const report = await probeModel(
    tf,
    irRequest(analyze(source, 'r.py').models[0]!, { steps: 1 }),
    backend,
  );
  assert.equal(report.verdict, 'healthy');
  return report.assumptions.find((a) => a.startsWith('Dimension 1 of input 0'));
}

test('an open length that 10 steps cannot fill is measured at the shortest that fits', async () => {
  assert.equal(
    await lengthSentence(reader(5)),
    "Dimension 1 of input 0 is open; the batch uses length 32 (the shortest of 10, 32, 64, 128, 256, 512 that every layer's output keeps at least one step of).",
  );
});

test('an open length that 10 steps fill keeps 10', async () => {
  assert.equal(
    await lengthSentence(reader(1)),
    'Dimension 1 of input 0 is open; the batch uses length 10.',
  );
});
