/** A run that blows up part-way: NaN/Inf counts and the verdict are per step, not a total over the steps. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { formatProbeTable } from '../../src/cli/formatters/probe-table';
import { probeModel } from '../../src/probe/engine';
import { irRequest, sequential } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

test('a regressor under sgd(1000) overflows after a few steps: counted at each step, named by its first', async () => {
  const model = sequential(
    'regressor',
    [
      { factory: 'dense', config: { units: 64, activation: 'relu', inputShape: [16] } },
      { factory: 'dense', config: { units: 64, activation: 'relu' } },
      { factory: 'dense', config: { units: 1 } },
    ],
    { loss: 'meanSquaredError', optimizer: 'sgd', learningRate: 1000 },
  );
  const report = await probeModel(tf, irRequest(model, { batchSize: 16, steps: 8 }), backend);
  assert.equal(report.verdict, 'exploding');
  const layer = report.layers.find((l) => l.nonFinite > 0);
  assert.ok(layer, `some layer went non-finite: ${report.verdictReason}`);
  const perStep = layer.nonFinitePerStep!;
  assert.equal(perStep.length, 8);
  assert.equal(perStep[0], 0, 'the first step is finite');
  assert.equal(
    layer.nonFinite,
    perStep.reduce((a, n) => a + n, 0),
  );
  const first = perStep.findIndex((n) => n > 0);
  assert.match(
    report.verdictReason,
    new RegExp(`^At step ${first + 1}, \\d+ gradient values? (is|are) NaN or infinite`),
  );
  assert.match(
    formatProbeTable(report),
    new RegExp(`exploding \\(${perStep[first]} non-finite at step ${first + 1}\\)`),
  );
});
