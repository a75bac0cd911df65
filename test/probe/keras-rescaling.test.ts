/**
 * Keras `Rescaling(1./255)` as a model's first layer: the model is written for 0-255 pixels, so the probe
 * draws its inputs from [0, 255) (as for a pixel-scaling Lambda), not from N(0, 1), and says so. A Rescaling
 * that keeps the scale (`Rescaling(2.0)`) leaves the N(0, 1) inputs alone.
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

const scaled = (scale: string) => `from tensorflow import keras
from tensorflow.keras import layers

frames = keras.Input(shape=(12, 12, 3))
h = layers.Rescaling(${scale})(frames)
h = layers.Conv2D(4, 3, activation='relu')(h)
h = layers.GlobalAveragePooling2D()(h)
score = layers.Dense(1, activation='sigmoid')(h)
net = keras.Model(frames, score)
net.compile(optimizer='rmsprop', loss='binary_crossentropy')
`;

const PIXELS =
  'Input 0 feeds a Rescaling that rescales 0-255 pixels: values drawn uniformly from [0, 255).';

async function assumptionsOf(source: string): Promise<string[]> {
  const model = analyze(source, 'net.py').models[0];
  assert.ok(model, 'the front end finds the model');
  const report = await probeModel(tf, irRequest(model, { steps: 1 }), backend);
  assert.equal(report.verdict, 'healthy', report.verdict);
  return report.assumptions;
}

test('Rescaling(1./255) gets pixel values and states it', async () => {
  const assumptions = await assumptionsOf(scaled('1.0 / 255'));
  assert.ok(assumptions.includes(PIXELS), assumptions.join('\n'));
  assert.ok(!assumptions.some((a) => a.includes('N(0, 1)')), assumptions.join('\n'));
});

test('Rescaling(1./127.5, offset=-1) also reads pixels; Rescaling(2.0) does not', async () => {
  assert.ok((await assumptionsOf(scaled('1.0 / 127.5, offset=-1'))).includes(PIXELS));
  const plain = await assumptionsOf(scaled('2.0'));
  assert.ok(!plain.includes(PIXELS), plain.join('\n'));
  assert.ok(
    plain.some((a) => a.includes('N(0, 1)')),
    plain.join('\n'),
  );
});
