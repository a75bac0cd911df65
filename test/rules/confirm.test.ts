/** After a probe, each finding of the model says whether the measurement confirms it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmationLines, confirmFindings } from '../../src/rules/util/confirm';
import type { Finding } from '../../src/rules/types';
import type { LayerProbe, ProbeReport } from '../../src/probe/types';

const span = { start: 0, end: 1, line: 3, column: 1, endLine: 3, endColumn: 2 };
const finding = (ruleId: string, message: string, hint = false): Finding => ({
  ruleId,
  messageId: 'm',
  message,
  span,
  model: 'model',
  fixes: [],
  ...(hint ? { hint: true } : {}),
});

function layer(index: number, ratio: number, update = 0.001): LayerProbe {
  return {
    index,
    name: `dense_${index}`,
    className: 'Dense',
    line: index + 3,
    activation: 'sigmoid',
    params: 10,
    gradNorm: ratio,
    ratioToOutput: ratio,
    updateToWeightRatio: update,
    weights: [],
    saturatedFraction: null,
    deadFraction: null,
    nonFinite: 0,
    estimate: null,
    verdict: 'healthy',
  };
}

function report(verdict: ProbeReport['verdict'], first: number, loss = [1, 0.9]): ProbeReport {
  return {
    model: { name: 'model', line: 2, source: 'model.ts' },
    backend: 'wasm',
    batchSize: 32,
    steps: loss.length,
    loss: loss[0]!,
    lossPerStep: loss,
    learningRate: 0.001,
    layers: [layer(0, first), layer(1, 1)],
    verdict,
    verdictReason: '',
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70, maxUpdateRatio: 1 },
    assumptions: [],
    timings: { loadMs: 0, buildMs: 0, probeMs: 0 },
  };
}

test('a vanishing warning is confirmed by a vanishing measurement, with the measured ratio', () => {
  const [c] = confirmFindings(
    [finding('saturating-activation', '9 sigmoid hidden layers')],
    report('vanishing', 3e-6),
  );
  assert.equal(c!.confirmed, true);
  assert.equal(c!.evidence, 'vanishing: layer 0 at 3e-6x');
  assert.deepEqual(confirmationLines([c!]), [
    'Findings:',
    '  - saturating-activation: 9 sigmoid hidden layers (confirmed: vanishing: layer 0 at 3e-6x)',
  ]);
});

test('the same warning on a healthy measurement is not confirmed; a hint there is', () => {
  const healthy = report('healthy', 0.56);
  const [warning, hint] = confirmFindings(
    [
      finding('missing-initializer', 'He init would raise'),
      finding('deep-without-residual', '12 layers', true),
    ],
    healthy,
  );
  assert.equal(warning!.confirmed, false);
  assert.equal(warning!.evidence, 'healthy: layer 0 at 0.56x');
  assert.equal(hint!.confirmed, true);
});

test('a high learning rate is confirmed by a loss that grows over the steps', () => {
  const [c] = confirmFindings(
    [finding('high-learning-rate', 'adam(0.5)')],
    report('healthy', 0.5, [2, 13]),
  );
  assert.equal(c!.confirmed, true);
  assert.match(c!.evidence, /loss not stable/);
});

test('risks a probe at initialisation cannot show are neither confirmed nor refuted', () => {
  const found = confirmFindings(
    [
      finding('rnn-without-clipping', 'lstm over 200 steps'),
      finding('simple-rnn-long-sequence', 'simpleRNN over 100 steps'),
      finding('saturating-output-loss', 'sigmoid output under MSE'),
    ],
    report('healthy', 1.2),
  );
  assert.deepEqual(
    found.map((c) => c.confirmed),
    [null, null, null],
  );
});

test("a recurrent finding is judged by its layer's measured gradient through time when the probe has it", () => {
  const through = report('healthy', 1.2);
  through.layers[0]!.temporal = {
    steps: 500,
    gradNormByStep: [],
    farToNear: 0.04,
    peakToNear: 1,
    reach: 500,
    verdict: 'healthy',
    summary: 'it lasts all 500 steps',
  };
  const onLayer = (ruleId: string, hint: boolean) => ({
    ...finding(ruleId, `${ruleId} on layer 0`, hint),
    layerIndex: 0,
  });
  const [hint, warning, elsewhere] = confirmFindings(
    [
      onLayer('simple-rnn-long-sequence', true),
      onLayer('lstm-forget-bias', false),
      { ...finding('simple-rnn-long-sequence', 'another layer'), layerIndex: 1 },
    ],
    through,
  );
  assert.equal(hint!.confirmed, true);
  assert.equal(hint!.evidence, 'through time healthy: it lasts all 500 steps');
  assert.equal(warning!.confirmed, false);
  assert.equal(elsewhere!.confirmed, null, 'a layer without a measurement through time');
});
