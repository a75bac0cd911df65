/** maxUpdateRatio, the third verdict threshold: judge, request validation, CLI flag, engine report, report view. */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { UsageError } from '../../src/cli/io';
import { parseProbeArgs } from '../../src/cli/commands/probe';
import { probeModel } from '../../src/probe/engine';
import { ProbeError, type ProbeRequest } from '../../src/probe/types';
import { validateRequest } from '../../src/probe/validate';
import { judge, type VerdictLayer } from '../../src/probe/verdict';
import { renderReportBody } from '../../src/report/body';
import { call, sequential, type LayerSpec, irRequest } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';
import { fixtureReport } from '../report/helpers';

/** Gradient norms equal, so only the update-to-weight ratio can make the verdict exploding. */
function layers(updateRatios: [number, number]): VerdictLayer[] {
  return updateRatios.map((ratio, i) => ({
    name: i === 0 ? 'hidden' : 'out',
    line: i + 3,
    gradNorm: 1,
    nonFinite: 0,
    perStep: [1],
    updateToWeightRatio: ratio,
  }));
}

const base = { vanishingRatio: 1e-3, explodingRatio: 70 };

describe('judge with maxUpdateRatio', () => {
  test('a ratio above the default 1 explodes; raising maxUpdateRatio above it makes it healthy', () => {
    const net = layers([1.5, 0.2]);
    const byDefault = judge(net, [1], base);
    assert.equal(byDefault.verdict, 'exploding', byDefault.reason);
    assert.match(byDefault.reason, /hidden \(line 3\) by 1\.5 × their norm/);
    assert.match(byDefault.reason, /exploding above 1\)/);
    assert.deepEqual(
      byDefault.layers.map((l) => l.verdict),
      ['exploding', 'healthy'],
    );
    // An explicit 1 is the same as leaving it out.
    assert.deepEqual(judge(net, [1], { ...base, maxUpdateRatio: 1 }), byDefault);

    const lenient = judge(net, [1], { ...base, maxUpdateRatio: 2 });
    assert.equal(lenient.verdict, 'healthy', lenient.reason);
    assert.deepEqual(
      lenient.layers.map((l) => l.verdict),
      ['healthy', 'healthy'],
    );
  });

  test('a ratio below 1 is healthy by default; lowering maxUpdateRatio under it makes it exploding', () => {
    const net = layers([0.3, 0.05]);
    assert.equal(judge(net, [1], base).verdict, 'healthy');
    const strict = judge(net, [1], { ...base, maxUpdateRatio: 0.1 });
    assert.equal(strict.verdict, 'exploding', strict.reason);
    assert.match(strict.reason, /hidden \(line 3\) by 0\.3 × their norm/);
    assert.match(strict.reason, /exploding above 0\.1\)/);
    assert.deepEqual(
      strict.layers.map((l) => l.verdict),
      ['exploding', 'healthy'],
    );
  });

  test('the reason names the layer with the largest ratio above the threshold', () => {
    const strict = judge(layers([0.3, 0.6]), [1], { ...base, maxUpdateRatio: 0.1 });
    assert.match(strict.reason, /out \(line 4\) by 0\.6 × their norm/);
  });
});

const request = (model: ModelGraph, thresholds: ProbeRequest['thresholds']) =>
  irRequest(model, { seed: 11, thresholds });

const tiny = sequential('tiny', [
  { factory: 'dense', config: { units: 4, inputShape: [3] } },
  { factory: 'dense', config: { units: 1 } },
]);

describe('request validation', () => {
  test('maxUpdateRatio may be left out, and must be a positive finite number when given', () => {
    assert.doesNotThrow(() => validateRequest(request(tiny, base)));
    assert.doesNotThrow(() => validateRequest(request(tiny, { ...base, maxUpdateRatio: 0.5 })));
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '2']) {
      assert.throws(
        () => validateRequest(request(tiny, { ...base, maxUpdateRatio: bad as unknown as number })),
        (error: unknown) =>
          error instanceof ProbeError &&
          error.code === 'bad-input' &&
          /thresholds\.maxUpdateRatio must be a positive number/.test(error.message),
        `rejects ${String(bad)}`,
      );
    }
  });
});

describe('probe --max-update-ratio', () => {
  test('is parsed into the request thresholds, default 1', () => {
    assert.deepEqual(parseProbeArgs(['model.js'], '/tmp').request.thresholds, {
      vanishingRatio: 1e-3,
      explodingRatio: 70,
      maxUpdateRatio: 1,
    });
    const options = parseProbeArgs(['model.js', '--max-update-ratio', '0.25'], '/tmp');
    assert.equal(options.request.thresholds.maxUpdateRatio, 0.25);
    assert.equal(
      parseProbeArgs(['model.js', '--max-update-ratio=1e3'], '/tmp').request.thresholds
        .maxUpdateRatio,
      1000,
    );
  });

  test('rejects values that are not positive numbers with a usage error', () => {
    for (const bad of ['0', '-2', 'abc', 'Infinity']) {
      assert.throws(
        // The = form: parseArgs refuses "-2" as a separate argument (it looks like an option).
        () => parseProbeArgs(['model.js', `--max-update-ratio=${bad}`], '/tmp'),
        (error: unknown) =>
          error instanceof UsageError &&
          error.message === `--max-update-ratio must be a positive number, got "${bad}"`,
      );
    }
    assert.throws(() => parseProbeArgs(['model.js', '--max-update-ratio'], '/tmp'), UsageError);
  });
});

describe('engine: a real backward pass', () => {
  let tf: Tf;
  let backend: string;
  before(async () => ({ tf, backend } = await loadTf()));

  // Oversized initial weights in a deep relu regression net: huge steps everywhere.
  const oversized = (): ModelGraph => {
    const init = call('initializers.randomNormal', { mean: 0, stddev: 3 });
    const specs: LayerSpec[] = [];
    for (let i = 0; i < 6; i++) {
      specs.push({
        factory: 'dense',
        config: {
          units: 32,
          activation: 'relu',
          kernelInitializer: init,
          ...(i === 0 ? { inputShape: [16] } : {}),
        },
      });
    }
    specs.push({ factory: 'dense', config: { units: 4, activation: 'linear' } });
    return sequential('net', specs, {
      loss: 'meanSquaredError',
      optimizer: 'sgd',
      learningRate: 0.01,
    });
  };

  test('the report carries the effective maxUpdateRatio, also when the request left it out', async () => {
    const report = await probeModel(tf, request(tiny, base), backend);
    assert.equal(report.thresholds.maxUpdateRatio, 1);
    const custom = await probeModel(tf, request(tiny, { ...base, maxUpdateRatio: 3 }), backend);
    assert.deepEqual(custom.thresholds, { ...base, maxUpdateRatio: 3 });
  });

  test('the measured update ratio decides the verdict against maxUpdateRatio', async () => {
    const byDefault = await probeModel(tf, request(oversized(), base), backend);
    assert.equal(byDefault.verdict, 'exploding', byDefault.verdictReason);
    assert.match(byDefault.verdictReason, /The first SGD step changes the weights/);
    const largest = Math.max(...byDefault.layers.map((l) => l.updateToWeightRatio ?? 0));
    assert.ok(largest > 1, `largest update-to-weight ratio ${largest}`);

    // Just above the largest measured ratio, the update-ratio rule no longer fires.
    const lenient = await probeModel(
      tf,
      request(oversized(), { ...base, maxUpdateRatio: largest * 1.01 }),
      backend,
    );
    assert.doesNotMatch(lenient.verdictReason, /The first SGD step changes the weights/);
    assert.ok(
      lenient.layers.every(
        (l) => l.verdict !== 'exploding' || (l.ratioToOutput ?? 0) > base.explodingRatio,
      ),
    );
  });
});

describe('report view', () => {
  test('the thresholds line shows the update-ratio threshold, 1 for reports saved before it existed', () => {
    const old = fixtureReport('healthy-mlp');
    assert.equal(old.thresholds.maxUpdateRatio, undefined);
    assert.match(
      renderReportBody(old, { interactive: false }),
      /vanishing &lt; 0\.001 · exploding &gt; 70 · update\/weight &gt; 1</,
    );
    const custom = { ...old, thresholds: { ...old.thresholds, maxUpdateRatio: 0.5 } };
    assert.match(renderReportBody(custom, { interactive: false }), /update\/weight &gt; 0\.5</);
  });
});
