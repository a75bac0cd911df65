/** A seq2seq encoder whose outputs are an LSTM's states (`outputs: [stateH, stateC]`) is probed on those states. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { probeModel } from '../../src/probe/engine';
import { functional, irRequest } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

test('outputs repeating a returnState application are its states, in order', async () => {
  const model = functional(
    'encoderModel',
    {
      inputs: [{ id: 'tokens', shape: [6, 5] }],
      layers: [{ factory: 'lstm', config: { units: 7, returnState: true } }],
      nodes: [['encoded', 0, ['tokens']]],
      outputs: ['encoded', 'encoded'],
    },
    { loss: 'meanSquaredError', optimizer: 'rmsprop' },
  );
  const report = await probeModel(tf, irRequest(model), backend);
  assert.equal(report.layers.length, 1);
  assert.equal(report.layers[0]!.className, 'LSTM');
  assert.ok(report.layers[0]!.gradNorm! > 0, 'the states carry a gradient back to the kernel');
  assert.ok(Number.isFinite(report.loss));
});
