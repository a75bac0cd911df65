/**
 * The judgement on hand-made records, one rule at a time: the shapes real runs produce (growth over
 * many records, one step that rewrites a layer, a layer far above the output, a loss that went NaN
 * with gradients unseen), and the log parser's tolerance for what a crash or another writer leaves.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judge, MONITOR_THRESHOLDS } from '../../src/monitor/verdict';
import {
  parseLog,
  type LayerStats,
  type MonitorRecord,
  type StartRecord,
  type StepRecord,
} from '../../src/monitor/records';
import { toLine } from '../../src/monitor/sink';
import { THRESHOLD_DEFAULTS } from '../../src/probe/defaults';

const start: StartRecord = {
  type: 'start',
  format: 'gradient-lens-monitor',
  version: 1,
  time: '2026-01-01T00:00:00.000Z',
  model: {
    name: 'm',
    layers: ['conv1', 'dense1', 'out'].map((name, index) => ({
      index,
      name,
      className: 'Dense',
      weights: [{ name: `${name}/kernel`, shape: [4, 4] }],
    })),
  },
  optimizer: 'SGD',
  learningRate: 0.1,
  backend: 'cpu',
  tfjsVersion: '4.22.0',
  sampleEvery: 10,
  watchNonFinite: true,
};

/** One record; each layer's [grad, weight, stepUpdate]. */
function step(n: number, layers: [number, number, number][], loss = 1): StepRecord {
  return {
    type: 'step',
    step: n,
    epoch: 0,
    batch: n,
    loss,
    ms: n,
    span: 10,
    trigger: 'sample',
    layers: layers.map(([grad, weight, stepUpdate], index): LayerStats => {
      const name = start.model.layers[index].name;
      const stats = {
        grad,
        weight,
        update: stepUpdate,
        stepUpdate,
        nonFinite: 0,
        weightNonFinite: 0,
      };
      return {
        index,
        name,
        className: 'Dense',
        ...stats,
        weights: [{ name: `${name}/kernel`, ...stats }],
      };
    }),
  };
}

const steady = (n: number) =>
  step(n, [
    [0.5, 3, 0.01],
    [0.4, 3, 0.01],
    [0.3, 2, 0.01],
  ]);

test("thresholds that mean the same as the probe's are the probe's", () => {
  assert.equal(MONITOR_THRESHOLDS.vanishingRatio, THRESHOLD_DEFAULTS.vanishingRatio);
  assert.equal(MONITOR_THRESHOLDS.explodingRatio, THRESHOLD_DEFAULTS.explodingRatio);
  assert.equal(MONITOR_THRESHOLDS.maxUpdateRatio, THRESHOLD_DEFAULTS.maxUpdateRatio);
});

test('steady norms are healthy; no step records is no-data', () => {
  assert.equal(judge([start, ...[0, 10, 20, 30, 40].map(steady)]).verdict, 'healthy');
  assert.equal(judge([start]).verdict, 'no-data');
});

test('a gradient norm that keeps growing is exploding, dated at the step it crossed the factor', () => {
  const records = [
    start,
    ...[1, 1.2, 0.9, 5, 40, 300, 2000].map((g, i) =>
      step(i * 10, [
        [g, 3, 0.01],
        [g, 3, 0.01],
        [g / 2, 2, 0.01],
      ]),
    ),
  ];
  const verdict = judge(records);
  assert.equal(verdict.verdict, 'exploding');
  assert.equal(verdict.firstBadStep, 50);
  assert.match(verdict.reason, /grew 2000× \(from 1\.5 to 3000 at step 60\) and is still rising/);
  // A spike that came back down is not growth without bound.
  const spike = [
    start,
    ...[1, 1, 1, 500, 1, 1].map((g, i) =>
      step(i * 10, [
        [g, 3, 0.01],
        [g, 3, 0.01],
        [g, 2, 0.01],
      ]),
    ),
  ];
  assert.equal(judge(spike).verdict, 'healthy');
});

test('one step that changes a layer by more than its norm is exploding; a layer that stopped moving is vanishing', () => {
  const overshoot = [
    start,
    steady(0),
    step(10, [
      [0.5, 3, 4],
      [0.4, 3, 0.01],
      [0.3, 2, 0.01],
    ]),
    steady(20),
  ];
  const verdict = judge(overshoot);
  assert.equal(verdict.verdict, 'exploding');
  assert.equal(verdict.firstBadStep, 10);
  assert.equal(verdict.evidence[0].layer?.name, 'conv1');
  const stalled = [
    start,
    ...[0, 10, 20].map((n) =>
      step(n, [
        [0.5, 3, 1e-9],
        [0.4, 3, 0.01],
        [0.3, 2, 0.01],
      ]),
    ),
  ];
  assert.equal(judge(stalled).verdict, 'vanishing');
  assert.equal(judge(stalled, { minUpdateRatio: 1e-10 }).verdict, 'healthy');
});

test('ratios to the output layer: the median of recent records decides, not one batch', () => {
  const high = [
    start,
    ...[0, 10, 20].map((n) =>
      step(n, [
        [0.5, 3, 0.01],
        [80, 3, 0.01],
        [0.5, 2, 0.01],
      ]),
    ),
  ];
  assert.equal(judge(high).verdict, 'exploding');
  assert.equal(judge(high).evidence[0].layer?.name, 'dense1');
  const one = [
    start,
    steady(0),
    steady(10),
    step(20, [
      [1e-6, 3, 0.01],
      [0.4, 3, 0.01],
      [0.3, 2, 0.01],
    ]),
    steady(30),
    steady(40),
  ];
  assert.equal(judge(one).verdict, 'healthy');
  const vanishing = [
    start,
    ...[0, 10, 20].map((n) =>
      step(n, [
        [1e-5, 3, 0.01],
        [0.4, 3, 0.01],
        [0.3, 2, 0.01],
      ]),
    ),
  ];
  assert.equal(judge(vanishing).verdict, 'vanishing');
});

test("a loss that is NaN at an epoch's end, gradients unseen, is still non-finite", () => {
  const records: MonitorRecord[] = [
    start,
    steady(0),
    { type: 'epoch', epoch: 0, logs: { loss: 'NaN' }, ms: 5 },
  ];
  const verdict = judge(records);
  assert.equal(verdict.verdict, 'non-finite');
  assert.match(verdict.reason, /loss is NaN at the end of epoch 0/);
});

test('the log round-trips non-finite numbers; other lines are skipped with reasons; a later run wins', () => {
  const bad = step(
    30,
    [
      [NaN, Infinity, -Infinity],
      [0.4, 3, 0.01],
      [0.3, 2, 0.01],
    ],
    Infinity,
  );
  const text =
    [start, steady(0), bad].map(toLine).join('') +
    'not json\n{"type":"other"}\n' +
    toLine(start) +
    toLine(steady(5));
  const parsed = parseLog(text);
  assert.deepEqual(
    parsed.skipped.map((s) => s.line),
    [4, 5],
  );
  const back = parsed.records[2] as StepRecord;
  assert.equal(back.layers[0].grad, 'NaN');
  assert.equal(back.layers[0].weight, 'Infinity');
  assert.equal(back.loss, 'Infinity');
  const verdict = judge(parsed.records);
  assert.equal(verdict.verdict, 'healthy'); // the second run (one record) is the one judged
  assert.equal(judge(parsed.records.slice(0, 3)).verdict, 'non-finite');
});
