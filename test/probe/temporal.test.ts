/**
 * Backpropagation through time on real backward passes: the gradient of the loss with respect to each time step's
 * input of a recurrent layer, and its judgement (vanishing / exploding through time).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { formatProbeJson } from '../../src/cli/formatters/probe-json';
import { formatProbeTable } from '../../src/cli/formatters/probe-table';
import { probeModel } from '../../src/probe/engine';
import { judgeTemporal } from '../../src/probe/temporal-judge';
import type { LayerProbe, ProbeReport } from '../../src/probe/types';
import { THRESHOLD_DEFAULTS } from '../../src/probe/defaults';
import { call, functional, irRequest, sequential, type LayerSpec } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

const regression = { loss: 'meanSquaredError', optimizer: 'adam' } as const;

function probe(layers: LayerSpec[], batchSize = 16): Promise<ProbeReport> {
  const model = sequential('sequenceModel', layers, regression);
  return probeModel(tf, irRequest(model, { batchSize, seed: 3 }), backend);
}

function recurrent(report: ProbeReport, index = 0): LayerProbe {
  const layer = report.layers.filter((l) => l.temporal)[index];
  assert.ok(layer, 'a recurrent layer with a temporal profile');
  return layer;
}

test('a tanh simpleRNN over 200 steps: early steps far below 1e-3 of the last, vanishing through time', async () => {
  const report = await probe([
    { factory: 'simpleRNN', config: { units: 32, inputShape: [200, 8] } },
    { factory: 'dense', config: { units: 1 } },
  ]);
  const t = recurrent(report).temporal!;
  assert.equal(t.steps, 200);
  assert.equal(t.gradNormByStep.length, 200);
  const last = t.gradNormByStep[199]!;
  assert.ok(last > 0);
  for (const early of t.gradNormByStep.slice(0, 20))
    assert.ok(early < 1e-3 * last, `${early} vs ${last}`);
  assert.equal(t.verdict, 'vanishing');
  assert.ok(t.reach > 1 && t.reach < 100, `reach ${t.reach}`);
  assert.match(t.summary, /the gradient reaching step 1 is .* it lasts about \d+ steps of 200/);
  assert.equal(report.verdict, 'vanishing');
  assert.match(report.verdictReason, /In L0_simpleRNN \(line 3\), the gradient reaching step 1/);
  assert.equal(report.layers[0]!.verdict, 'vanishing');
});

test('a simpleRNN over 30 steps decays by a few 1e-4 from the last step to the first', async () => {
  const report = await probe([
    { factory: 'simpleRNN', config: { units: 32, inputShape: [30, 8] } },
    { factory: 'dense', config: { units: 1 } },
  ]);
  const t = recurrent(report).temporal!;
  assert.ok(t.farToNear! > 1e-5 && t.farToNear! < 5e-3, `ratio ${t.farToNear}`);
  // The gradient grows monotonically on average towards the output end.
  assert.ok(t.gradNormByStep[29]! > t.gradNormByStep[15]!);
  assert.ok(t.gradNormByStep[15]! > t.gradNormByStep[0]!);
});

test('a recurrent kernel drawn with stddev 0.5 (spectral radius near 2.8) is exploding through time', async () => {
  const report = await probe([
    {
      factory: 'simpleRNN',
      config: {
        units: 32,
        inputShape: [30, 8],
        recurrentInitializer: call('initializers.randomNormal', { stddev: 0.5 }),
      },
    },
    { factory: 'dense', config: { units: 1 } },
  ]);
  const t = recurrent(report).temporal!;
  assert.equal(t.verdict, 'exploding');
  assert.ok(t.gradNormByStep[0]! > 70 * t.gradNormByStep[29]!);
  assert.match(t.summary, /grows going back in time/);
  assert.equal(report.verdict, 'exploding');
  assert.equal(report.layers[0]!.verdict, 'exploding');
});

test('an LSTM with unitForgetBias over 50 steps is not judged exploding', async () => {
  const report = await probe([
    { factory: 'lstm', config: { units: 32, inputShape: [50, 8], unitForgetBias: true } },
    { factory: 'dense', config: { units: 1 } },
  ]);
  const t = recurrent(report).temporal!;
  assert.equal(t.steps, 50);
  assert.notEqual(t.verdict, 'exploding');
  assert.notEqual(report.verdict, 'exploding');
  assert.ok(t.peakToNear! <= THRESHOLD_DEFAULTS.explodingRatio);
});

test('stacked LSTMs after an embedding: each layer gets its own profile over the open sequence length', async () => {
  const report = await probe([
    { factory: 'embedding', config: { inputDim: 50, outputDim: 8 } },
    { factory: 'lstm', config: { units: 16, returnSequences: true } },
    { factory: 'gru', config: { units: 16 } },
    { factory: 'dense', config: { units: 1 } },
  ]);
  const [first, second] = [recurrent(report, 0), recurrent(report, 1)];
  assert.equal(first.className, 'LSTM');
  assert.equal(second.className, 'GRU');
  assert.equal(first.temporal!.steps, 10);
  assert.equal(second.temporal!.steps, 10);
  assert.ok(second.temporal!.gradNormByStep.every((n) => Number.isFinite(n) && n >= 0));
  assert.equal(report.layers[0]!.temporal, undefined);
});

test('a Bidirectional GRU is judged per direction; both ends of the sequence receive gradient', async () => {
  const report = await probe([
    {
      factory: 'bidirectional',
      config: { inputShape: [40, 4] },
      inner: { factory: 'gru', config: { units: 16 } },
    },
    { factory: 'dense', config: { units: 1 } },
  ]);
  const t = recurrent(report).temporal!;
  assert.ok(t.directions);
  const { forward, backward } = t.directions;
  // The forward direction reads step 40 last, the backward one reads step 1 last.
  assert.ok(forward[39]! > forward[0]!);
  assert.ok(backward[0]! > backward[39]!);
  assert.ok(t.gradNormByStep[0]! > 0 && t.gradNormByStep[39]! > 0);
  assert.match(t.summary, /^(forward|backward) direction: /);
});

test('goBackwards: step 1 is the step read last, so the profile is judged from it', async () => {
  const report = await probe([
    { factory: 'simpleRNN', config: { units: 16, inputShape: [60, 4], goBackwards: true } },
    { factory: 'dense', config: { units: 1 } },
  ]);
  const t = recurrent(report).temporal!;
  assert.equal(t.reversed, true);
  assert.ok(t.gradNormByStep[0]! > t.gradNormByStep[59]!);
  assert.match(t.summary, /the gradient reaching step 60 is/);
});

test('a functional model: the recurrent layer after a dense projection is measured on its own input', async () => {
  const model = functional(
    'seq',
    {
      inputs: [{ id: 'in', shape: [25, 6] }],
      layers: [
        { factory: 'dense', config: { units: 8, activation: 'tanh' } },
        { factory: 'simpleRNN', config: { units: 12 } },
        { factory: 'dense', config: { units: 1 } },
      ],
      nodes: [
        ['a', 0, ['in']],
        ['b', 1, ['a']],
        ['c', 2, ['b']],
      ],
      outputs: ['c'],
    },
    regression,
  );
  const report = await probeModel(tf, irRequest(model, { batchSize: 8 }), backend);
  const t = recurrent(report).temporal!;
  assert.equal(t.steps, 25);
  assert.ok(t.gradNormByStep[24]! > 0);
});

test('the JSON carries temporal {steps, gradNormByStep} and the table a one-line summary', async () => {
  const report = await probe(
    [
      { factory: 'simpleRNN', config: { units: 8, inputShape: [12, 3] } },
      { factory: 'dense', config: { units: 1 } },
    ],
    4,
  );
  const json = JSON.parse(formatProbeJson(report)) as {
    layers: { temporal?: { steps: number; gradNormByStep: number[] } }[];
  };
  assert.equal(json.layers[0]!.temporal!.steps, 12);
  assert.equal(json.layers[0]!.temporal!.gradNormByStep.length, 12);
  assert.equal(json.layers[1]!.temporal, undefined);
  const table = formatProbeTable(report);
  assert.match(table, /Through time/);
  assert.match(
    table,
    /^ {2}L0_simpleRNN: \w+, 12 steps, step 1 \S+ \/ step 12 \S+; the gradient reaching step 1/m,
  );
});

test('an LSTM over one time step is measured; the note says there is no gradient through time', async () => {
  const report = await probe([
    { factory: 'lstm', config: { units: 5, inputShape: [1, 1] } },
    { factory: 'dense', config: { units: 1 } },
  ]);
  assert.equal(report.verdict, 'healthy');
  assert.equal(report.layers[0]!.temporal, undefined);
  assert.ok(report.layers[0]!.gradNorm! > 0);
  assert.ok(
    report.assumptions.some((a) => /L0_lstm .*one time step/.test(a)),
    report.assumptions.join('\n'),
  );
});

test('judgeTemporal: reach counts the steps back before the first drop below the threshold', () => {
  const norms = [1e-9, 1e-6, 1e-4, 1e-2, 0.1, 1];
  const t = judgeTemporal({ gradNormByStep: norms, reversed: false }, THRESHOLD_DEFAULTS);
  assert.equal(t.verdict, 'vanishing');
  assert.equal(t.reach, 3);
  assert.equal(t.farToNear, 1e-9);
  assert.match(t.summary, /step 1 is 1e-9 × the last step's: it lasts about 3 steps of 6/);
  const flat = judgeTemporal(
    { gradNormByStep: [0.5, 0.7, 1], reversed: false },
    THRESHOLD_DEFAULTS,
  );
  assert.equal(flat.verdict, 'healthy');
  assert.match(flat.summary, /it lasts all 3 steps/);
  const zero = judgeTemporal({ gradNormByStep: [0, 0, 1], reversed: false }, THRESHOLD_DEFAULTS);
  assert.match(zero.summary, /exactly 0 \(too small for float32\) against 1 at the last step/);
  const none = judgeTemporal({ gradNormByStep: [1, 1, 0], reversed: false }, THRESHOLD_DEFAULTS);
  assert.equal(none.verdict, 'healthy');
  assert.equal(none.farToNear, null);
  const broken = judgeTemporal(
    { gradNormByStep: [NaN, 2, 1], reversed: false },
    THRESHOLD_DEFAULTS,
  );
  assert.equal(broken.verdict, 'exploding');
  assert.match(broken.summary, /step 1 is NaN/);
});
