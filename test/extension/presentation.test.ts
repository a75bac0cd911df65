import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  findingsLensTitle,
  formatNorm,
  hoverLines,
  inlineHints,
  statusText,
  validateUnknownValue,
  verdictLensTitle,
  withSourceLayerNames,
} from '../../src/extension/presentation';
import type { LayerProbe, ProbeReport } from '../../src/probe/types';

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
});

test('CodeLens titles', () => {
  assert.equal(findingsLensTitle(0), '$(check) no gradient risks found');
  assert.equal(findingsLensTitle(1), '$(warning) 1 finding');
  assert.equal(findingsLensTitle(9), '$(warning) 9 findings');
  assert.equal(
    verdictLensTitle(report([], 'exploding')),
    '$(flame) measured: exploding (wasm (bundled tfjs 4.22.0), batch 32)',
  );
});

test('inline hints: one per source line; a loop line shows the range over its layers', () => {
  const hints = inlineHints(
    report([
      layer(0, 5, 1e-7, 'vanishing'),
      layer(1, 6, 2e-3, 'healthy'),
      layer(2, 6, 4e-2, 'healthy'),
      layer(3, null, 0.5, 'healthy'),
      layer(4, 9, null, 'healthy'),
    ]),
  );
  assert.deepEqual([...hints.keys()], [5, 6]);
  assert.equal(hints.get(5), '∇ 1e-7 (2e-7× output) ⚠ vanishing');
  assert.equal(hints.get(6), '∇ 2e-3 … 0.04 over 2 layers ✓ healthy');
});

test('hover lines: estimate, measurement, findings, or a hint to probe', () => {
  assert.deepEqual(
    hoverLines({
      factory: 'dense',
      index: 0,
      estimate: { ratio: 2e-6 },
      measured: [layer(0, 5, 1e-7, 'vanishing')],
      findings: [{ ruleId: 'saturating-activation', message: 'sigmoid saturates' }],
    }),
    [
      '**Gradient Lens** · layer 0 (`dense`)',
      "Static estimate: gradient norm ≈ 2e-6× the output layer's",
      'Last probe: ∇ 1e-7 (2e-7× output), vanishing, 25% saturated',
      '⚠ sigmoid saturates (saturating-activation)',
    ],
  );
  const unprobed = hoverLines({
    factory: 'lstm',
    index: 1,
    estimate: { ratio: null, note: 'recurrent' },
    measured: [],
    findings: [],
  });
  assert.deepEqual(unprobed.slice(1), [
    'Static estimate: not available (recurrent)',
    'Not probed yet: use "Probe gradients" above the model.',
  ]);
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
