import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  statusText,
  validateUnknownValue,
  withSourceLayerNames,
} from '../../src/extension/presentation';
import type { LayerProbe, ProbeReport } from '../../src/probe/types';
import { formatNorm } from '../../src/report/format';
import { measuredLabel } from '../../src/server/measured';

function layer(
  index: number,
  line: number | null,
  gradNorm: number | null,
  verdict: LayerProbe['verdict'],
): LayerProbe {
  return {
    index,
    name: `L${index}_dense`,
    className: 'Dense',
    line,
    activation: 'sigmoid',
    params: 10,
    gradNorm,
    ratioToOutput: gradNorm === null ? null : gradNorm / 0.5,
    updateToWeightRatio: null,
    weights: [],
    saturatedFraction: 0.25,
    deadFraction: null,
    nonFinite: 0,
    estimate: null,
    verdict,
  };
}

function report(layers: LayerProbe[], verdict: ProbeReport['verdict'] = 'vanishing'): ProbeReport {
  return {
    model: { name: 'model', line: 4, source: 'a.js' },
    backend: 'wasm (bundled tfjs 4.22.0)',
    batchSize: 32,
    steps: 1,
    loss: 1,
    lossPerStep: [1],
    learningRate: 0.001,
    layers,
    verdict,
    verdictReason: 'first layer tiny',
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
    assumptions: [],
    timings: { loadMs: 1, buildMs: 1, probeMs: 1 },
  };
}

test('gradient norms print compactly across orders of magnitude', () => {
  assert.equal(formatNorm(9.56e-7), '9.6e-7');
  assert.equal(formatNorm(0.6081), '0.608');
  assert.equal(formatNorm(1), '1');
  assert.equal(formatNorm(12345), '1.2e4');
  assert.equal(formatNorm(3e-5), '3e-5');
  assert.equal(formatNorm(0), '0');
  assert.equal(formatNorm(null), '–');
  assert.equal(formatNorm(Number.NaN), 'NaN');
  assert.equal(formatNorm(Number.POSITIVE_INFINITY), '∞');
});

test('status text counts risks, or shows a spinner while probing', () => {
  assert.equal(
    statusText({ errors: 1, warnings: 7, infos: 1 }, null),
    '$(pulse) Gradient Lens: 9 risks',
  );
  assert.equal(
    statusText({ errors: 0, warnings: 1, infos: 0 }, null),
    '$(pulse) Gradient Lens: 1 risk',
  );
  assert.equal(
    statusText({ errors: 0, warnings: 0, infos: 0 }, null),
    '$(pulse) Gradient Lens: no risks',
  );
  assert.equal(statusText(null, 'model'), '$(sync~spin) Probing model…');
  assert.equal(
    statusText({ errors: 0, warnings: 2, infos: 0 }, null, "line 3: ';' expected."),
    '$(error) Gradient Lens: does not parse',
  );
});

test('measured hints: one label per source line; a loop line shows the range over its layers', () => {
  assert.equal(measuredLabel([layer(0, 5, 1e-7, 'vanishing')]), '∇ 1e-7 (2e-7×) vanishing');
  assert.equal(
    measuredLabel([layer(1, 6, 2e-3, 'healthy'), layer(2, 6, 4e-2, 'healthy')]),
    '∇ 2e-3 … 0.04 over 2 layers healthy',
  );
  assert.equal(
    measuredLabel([layer(1, 6, 2e-3, 'healthy'), layer(2, 6, 4e-2, 'exploding')]),
    '∇ 2e-3 … 0.04 over 2 layers exploding',
  );
});

test('values typed for unresolved expressions are validated like --set values', () => {
  for (const ok of [
    '64',
    '[28, 28, 1]',
    'relu',
    "'tanh'",
    '{"units": 4}',
    '"x"',
    'true',
    "['relu', 'tanh']",
  ]) {
    assert.equal(validateUnknownValue(ok), null, ok);
  }
  for (const bad of ['', '   ', 'twelve units', '{units: 4', '1 2']) {
    assert.match(validateUnknownValue(bad) ?? '', /value/i, bad);
  }
});

test('source layer names replace the probe names only where the code gives one', () => {
  const named = withSourceLayerNames(
    report([layer(0, 5, 1, 'healthy'), layer(1, 6, 1, 'healthy')]),
    new Map([[1, '<b>x</b>']]),
  );
  assert.deepEqual(
    named.layers.map((l) => l.name),
    ['L0_dense', '<b>x</b>'],
  );
  const original = report([layer(0, 5, 1, 'healthy')]);
  assert.equal(withSourceLayerNames(original, new Map()), original);
});
