/**
 * The report defects a newcomer found, each pinned on real probe reports (test/report/fixtures, written by
 * `gradient-lens probe --format json`): comparison by layer identity, assumptions as text, loss and NaN/Inf per
 * step, the verdict in plain words, and the gradient-through-time section.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LayerProbe, ProbeReport } from '../../src/probe/types';
import { renderReportBody } from '../../src/report';
import { alignLayers } from '../../src/report/align';
import { chartPayload } from '../../src/report/chart-data';
import { plainVerdict } from '../../src/report/plain';
import { fixtureReport, XSS } from './helpers';

const body = (report: ProbeReport, extra: { comparison?: ProbeReport } = {}) =>
  renderReportBody(report, { interactive: false, ...extra });

test('compare: a fix that inserts batchNormalization layers is aligned by identity, not position', () => {
  const before = fixtureReport('deep-sigmoid-8');
  const after = fixtureReport('deep-sigmoid-8-batchnorm');
  assert.equal(after.layers.length, 15);
  const { matched, added } = alignLayers(before.layers, after.layers);
  assert.equal(added.length, 7);
  assert.ok(added.every((l) => l.className === 'BatchNormalization'));
  // The output layer is the output layer after the fix: 1x itself, not a BatchNormalization's ratio.
  const output = before.layers[before.layers.length - 1]!;
  assert.equal(matched.get(output.index)!.index, 14);
  const payload = chartPayload(before, after, 'after fix');
  const line = payload.comparison!.values as number[];
  assert.equal(line[line.length - 1], 1);
  // No zigzag: every Dense keeps its healthy after-fix ratio (all within 1-2x of the output here).
  for (const v of line) assert.ok(v >= 0.9 && v <= 2, `after-fix ratio ${v}`);
  const html = body(before, { comparison: after });
  assert.match(html, /The fix adds 7 layers \(7 × BatchNormalization\)/);
  const lastRow = html.split('<tr class="gl-row').at(-1)!;
  assert.match(lastRow, /<td class="num">1\.00e0<\/td>\s*<td class="num gl-opt">/);
});

test('compare: layers the code names are matched by name, even when the fix reorders them', () => {
  const layer = (index: number, name: string, ratio: number): LayerProbe => ({
    ...fixtureReport('deep-sigmoid-8').layers[0]!,
    index,
    name,
    ratioToOutput: ratio,
  });
  const before = [layer(0, 'encoder', 0.1), layer(1, 'head', 1)];
  const after = [layer(0, 'stem', 0.5), layer(1, 'encoder', 0.4), layer(2, 'head', 1)];
  const { matched, added } = alignLayers(before, after);
  assert.equal(matched.get(0)!.name, 'encoder');
  assert.equal(matched.get(1)!.name, 'head');
  assert.deepEqual(
    added.map((l) => l.name),
    ['stem'],
  );
});

test('assumptions are listed once each, with `code` shown as code and still escaped', () => {
  const report = fixtureReport('healthy-mlp');
  report.assumptions = [
    'Input width `numFeatures` assumed 8.',
    'Input width `numFeatures` assumed 8.',
    ` Input width \`numFeatures\` assumed 8. `,
    `A name \`${XSS}\` from the code.`,
  ];
  const html = body(report);
  const section = html.slice(html.indexOf('gl-assumptions-title'));
  assert.equal(section.split('<li>').length - 1, 2);
  assert.match(section, /Input width <code>numFeatures<\/code> assumed 8\./);
  assert.doesNotMatch(section, /`/);
  assert.match(section, /<code>&lt;img src=x onerror=alert\(1\)&gt;<\/code>/);
});

test('loss and NaN/Inf counts are shown per step, not summed or taken from step 1', () => {
  const report = fixtureReport('high-learning-rate');
  report.steps = 4;
  report.lossPerStep = [2.5, 9.75, Infinity, NaN];
  report.loss = 2.5;
  const layer = report.layers[0]!;
  layer.nonFinitePerStep = [0, 0, 120, 4096];
  layer.nonFinite = 4216;
  const html = body(report);
  assert.match(html, /Loss per step<\/dt><dd>2\.5 → 9\.75 → ∞ → NaN<\/dd>/);
  assert.match(html, /NaN\/Inf step 3: 120, step 4: 4,096/);
  assert.doesNotMatch(html, /4,216/);
});

test('the verdict reads in plain words above the measured reason', () => {
  const vanishing = fixtureReport('deep-sigmoid-8');
  assert.equal(
    plainVerdict(vanishing),
    "The first layers would barely learn: L0_dense (line 4) gets a gradient 67,000 times smaller than the output layer's.",
  );
  const healthy = fixtureReport('deep-sigmoid-8-batchnorm');
  assert.match(plainVerdict(healthy), /^Gradients reach every layer at a useful size/);
  const recurrent = fixtureReport('recurrent-120-steps');
  assert.equal(
    plainVerdict(recurrent),
    'The model would not learn from early time steps: in L0_simpleRNN (line 4) the gradient fades to almost nothing within about 26 of its 120 steps.',
  );
  const exploding = fixtureReport('high-learning-rate');
  assert.match(plainVerdict(exploding), /^Training (would be unstable|breaks)/);
  for (const report of [vanishing, healthy, recurrent, exploding]) {
    assert.doesNotMatch(plainVerdict(report), /×|threshold|ratio/);
    const html = body(report);
    assert.ok(html.indexOf('gl-verdict-plain') < html.indexOf('gl-verdict-reason'));
  }
});

test('recurrent layers get a gradient-through-time chart and a sentence each; others do not', () => {
  const recurrent = fixtureReport('recurrent-120-steps');
  const payload = chartPayload(recurrent);
  assert.ok(payload.temporal);
  assert.equal(payload.temporal.labels.length, 120);
  assert.equal(payload.temporal.series.length, 2);
  const [rnn] = payload.temporal.series;
  // Relative to the step read last (the last one for a forward RNN); exact zeros are gaps on the log axis.
  assert.equal(rnn!.values[119], 1);
  assert.ok((rnn!.values[0] as number) < 1e-3);
  const html = body(recurrent);
  assert.match(html, /id="gl-temporal-chart"/);
  assert.match(
    html,
    /L0_simpleRNN<\/strong> <span class="gl-line">line 4<\/span>: the gradient reaching step 1 is/,
  );
  assert.match(html, /<span class="gl-sub-note">through time<\/span>/);
  const plain = fixtureReport('deep-sigmoid-8');
  assert.equal(chartPayload(plain).temporal, null);
  assert.doesNotMatch(body(plain), /gl-temporal-chart/);
});

test('a first result says it is one and that the full measurement follows', () => {
  const report = fixtureReport('healthy-mlp');
  report.preview = { batchSize: 4, steps: 1, fullBatchSize: 256, fullSteps: 2 };
  assert.match(
    body(report),
    /First result: one step on a batch of 4\. The full measurement \(batch 256, 2 steps\) is still running/,
  );
  assert.doesNotMatch(body(fixtureReport('healthy-mlp')), /First result/);
});
