import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { formatProbeTable, sci } from '../../src/cli/formatters/probe-table';
import { selectModel } from '../../src/probe/select';
import type { LayerProbe, ProbeReport } from '../../src/probe/types';

/** Only what selection reads: the name and the definition's lines. */
function model(name: string, line: number, endLine: number): ModelGraph {
  return { name, span: { start: 0, end: 0, line, column: 1, endLine, endColumn: 1 } } as ModelGraph;
}

describe('selectModel', () => {
  const outer = model('buildAll', 1, 40);
  const inner = model('encoder', 10, 20);
  const other = model('decoder', 45, 60);
  const twin = model('encoder', 70, 80);

  test('the only model needs no choice; several do', () => {
    assert.deepEqual(selectModel([other], {}), { ok: true, model: other });
    const ambiguous = selectModel([outer, other], {});
    assert.equal(ambiguous.ok, false);
    assert.equal(!ambiguous.ok && ambiguous.reason, 'ambiguous');
    assert.match(
      !ambiguous.ok ? ambiguous.message : '',
      /buildAll \(line 1\), decoder \(line 45\)/,
    );
    const none = selectModel([], {});
    assert.equal(!none.ok && none.reason, 'none');
  });

  test('a line picks the innermost definition around it', () => {
    const atInner = selectModel([outer, inner, other], { line: 15 });
    assert.ok(atInner.ok && atInner.model === inner);
    const atOuter = selectModel([outer, inner, other], { line: 30 });
    assert.ok(atOuter.ok && atOuter.model === outer);
    const boundary = selectModel([outer, inner, other], { line: 60 });
    assert.ok(boundary.ok && boundary.model === other);
    const outside = selectModel([outer, inner, other], { line: 42 });
    assert.equal(!outside.ok && outside.reason, 'not-found');
  });

  test('a name picks the model; a shared name needs a line too', () => {
    const byName = selectModel([outer, other], { name: 'decoder' });
    assert.ok(byName.ok && byName.model === other);
    const shared = selectModel([inner, twin], { name: 'encoder' });
    assert.equal(!shared.ok && shared.reason, 'ambiguous');
    assert.match(!shared.ok ? shared.message : '', /2 models are named "encoder"; add --line N/);
    const both = selectModel([inner, twin], { name: 'encoder', line: 75 });
    assert.ok(both.ok && both.model === twin);
    const missing = selectModel([inner, other], { name: 'nope' });
    assert.equal(!missing.ok && missing.reason, 'not-found');
  });
});

describe('probe table', () => {
  test('sci writes compact scientific notation', () => {
    assert.equal(sci(7.66e-8), '7.7e-8');
    assert.equal(sci(0.15), '1.5e-1');
    assert.equal(sci(1), '1.0e0');
    assert.equal(sci(320), '3.2e2');
    assert.equal(sci(0), '0');
    assert.equal(sci(null), '-');
    assert.equal(sci(NaN), 'NaN');
    assert.equal(sci(-Infinity), '-Inf');
  });

  const layer = (index: number, overrides: Partial<LayerProbe>): LayerProbe => ({
    index,
    name: `L${index}_dense`,
    className: 'Dense',
    line: 10 + index,
    activation: 'tanh',
    params: 1056,
    gradNorm: 1e-3,
    ratioToOutput: 1e-2,
    updateToWeightRatio: null,
    weights: [],
    saturatedFraction: 0.125,
    deadFraction: null,
    nonFinite: 0,
    estimate: 2e-2,
    verdict: 'healthy',
    ...overrides,
  });
  const report: ProbeReport = {
    model: { name: 'net', line: 3, source: 'src/net.ts' },
    backend: 'wasm (bundled tfjs 4.22.0)',
    batchSize: 8,
    steps: 2,
    loss: 0.5,
    lossPerStep: [0.5, 0.25],
    learningRate: 0.01,
    layers: [
      layer(0, { gradNormPerStep: [1e-3, 4e-3], nonFinite: 3, verdict: 'exploding' }),
      layer(1, {
        activation: 'relu',
        saturatedFraction: null,
        deadFraction: 0.004,
        params: 1234567,
        gradNormPerStep: [1, 1],
      }),
      layer(2, {
        activation: null,
        line: null,
        gradNorm: 0.1,
        ratioToOutput: 1,
        saturatedFraction: null,
        estimate: null,
      }),
    ],
    verdict: 'exploding',
    verdictReason: '3 gradient values are NaN or infinite.',
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
    assumptions: ['Inputs drawn from N(0, 1).'],
    timings: { loadMs: 120, buildMs: 30, probeMs: 250 },
  };

  test('rows line up under their titles and say what each layer measured', () => {
    const lines = formatProbeTable(report).split('\n');
    assert.equal(lines[0], 'Model net (src/net.ts:3)');
    assert.equal(
      lines[1],
      'Backend wasm (bundled tfjs 4.22.0), batch 8, 2 steps, loss 5.0e-1 -> 2.5e-1',
    );
    const header = lines.find((line) => line.startsWith('#'))!;
    const rows = lines.filter((line) => /^\d+\s+L\d_dense/.test(line));
    assert.equal(rows.length, 3);
    const [first, second, last] = rows;
    // Right-aligned columns: every row's cell ends where the title ends.
    for (const title of [
      'params',
      'grad norm',
      'ratio to output',
      'sat/dead',
      'estimate',
      'last/first step',
    ]) {
      const end = header.indexOf(title) + title.length;
      for (const row of rows)
        assert.notEqual(row[end - 1], ' ', `"${title}" cell ends at its title in: ${row}`);
    }
    assert.match(first, / 13% sat .* x4\.0e0 +exploding \(3 non-finite\)$/);
    assert.match(second, /1,234,567 .* 0\.4% dead /);
    assert.match(last, /^2 +L2_dense +- +Dense +- /);
    assert.ok(lines.includes('Verdict: EXPLODING - 3 gradient values are NaN or infinite.'));
    assert.ok(lines.includes('  - Inputs drawn from N(0, 1).'));
  });

  test('a one-step report has no per-step column', () => {
    const output = formatProbeTable({ ...report, steps: 1, lossPerStep: [0.5] });
    assert.doesNotMatch(output, /last\/first step/);
    assert.match(output, /1 step, loss 5\.0e-1\n/);
  });
});
