/**
 * The fixes of the initialisation/activation/depth rules, measured: each bad model is probed with a real
 * tfjs backward pass, the rule's preferred fixes are applied to the source, and the fixed source (re-analyzed
 * from text) is probed again. The first layer's gradient norm relative to the output layer's must move from
 * vanishing/exploding to a healthy range.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { analyze } from '../../src/analysis';
import { probeModel } from '../../src/probe/engine';
import type { ProbeReport } from '../../src/probe/types';
import { rule as deepWithoutNormalization } from '../../src/rules/deep-without-normalization';
import { rule as initializerMismatch } from '../../src/rules/initializer-mismatch';
import { rule as initializerScale } from '../../src/rules/initializer-scale';
import { rule as missingInitializer } from '../../src/rules/missing-initializer';
import { rule as saturatingActivation } from '../../src/rules/saturating-activation';
import type { Rule, TextEdit } from '../../src/rules/types';
import { loadTf, type Tf } from '../fixtures/probe/tf';
import { applyEdits, runRule } from './rule-tester';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

async function probe(source: string): Promise<ProbeReport> {
  const analysis = analyze(source, 'model.ts');
  assert.deepEqual(analysis.problems, []);
  assert.equal(analysis.models.length, 1);
  return probeModel(
    tf,
    {
      target: { kind: 'ir', model: analysis.models[0]!, filePath: 'model.ts' },
      values: {},
      batchSize: 32,
      steps: 1,
      seed: 7,
      thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
      maxParams: 5e7,
    },
    backend,
  );
}

function fixed(rule: Rule, source: string): string {
  const findings = runRule(rule, source);
  assert.ok(findings.length > 0, `${rule.id} must report the bad model`);
  const edits: TextEdit[] = findings.flatMap((f) => f.fixes.find((x) => x.preferred)?.edits ?? []);
  assert.ok(edits.length > 0, `${rule.id} must offer a preferred fix`);
  const result = applyEdits(source, edits);
  assert.deepEqual(runRule(rule, result), [], 'the fixed source is clean');
  return result;
}

function firstGradNorm(report: ProbeReport): number {
  const first = report.layers.find((l) => l.gradNorm !== null);
  assert.ok(first?.gradNorm !== null && first?.gradNorm !== undefined);
  return first.gradNorm;
}

/** First weighted layer's gradient norm over the output layer's. */
function firstRatio(report: ProbeReport): number {
  const first = report.layers.find((l) => l.gradNorm !== null);
  assert.ok(first?.ratioToOutput !== null && first?.ratioToOutput !== undefined);
  return first.ratioToOutput;
}

function mlp(
  width: number,
  hidden: number,
  layerConfig: string,
  outputs = "units: 4, activation: 'softmax'",
): string {
  return `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [${width}], units: ${width}, ${layerConfig}}));
for (let i = 0; i < ${hidden - 1}; i++) {
  model.add(tf.layers.dense({units: ${width}, ${layerConfig}}));
}
model.add(tf.layers.dense({${outputs}}));
model.compile({optimizer: 'sgd', loss: 'categoricalCrossentropy'});
`;
}

describe('fixes measured with a real backward pass', () => {
  test('saturating-activation: a 10-layer sigmoid MLP stops vanishing after the fix', async (t) => {
    const bad = mlp(64, 10, "activation: 'sigmoid'");
    const before = await probe(bad);
    const after = await probe(fixed(saturatingActivation, bad));
    const [b, a] = [firstRatio(before), firstRatio(after)];
    t.diagnostic(
      `  sigmoid x10 first/output gradient ratio ${b.toExponential(2)} -> ${a.toExponential(2)}`,
    );
    assert.equal(before.verdict, 'vanishing');
    assert.ok(b < 1e-3);
    assert.ok(a > 1e-2 && a < 1e2, `after the fix: ${a}`);
    assert.notEqual(after.verdict, 'vanishing');
  });

  test('missing-initializer and initializer-mismatch: a 20-layer ReLU stack on Glorot/LeCun gets He', async (t) => {
    // With fan-in = fan-out, glorotNormal and leCunNormal have the same variance (1/fanIn): half of He's.
    for (const [rule, init] of [
      [missingInitializer, ''],
      [initializerMismatch, ", kernelInitializer: 'leCunNormal'"],
    ] as const) {
      const bad = mlp(64, 20, `activation: 'relu'${init}`);
      const before = await probe(bad);
      const after = await probe(fixed(rule, bad));
      const [b, a] = [firstRatio(before), firstRatio(after)];
      t.diagnostic(
        `  ${rule.id}: relu x20 first/output gradient ratio ${b.toExponential(2)} -> ${a.toExponential(2)}`,
      );
      assert.ok(b < 2e-3, `before the fix: ${b}`);
      assert.ok(
        a > b * 100,
        `He initialization should lift the first layer's gradient 100x: ${b} -> ${a}`,
      );
      assert.equal(after.verdict, 'healthy');
    }
  });

  test('initializer-scale: randomNormal stddev 1 on a 128-wide ReLU stack stops exploding', async (t) => {
    const bad = mlp(
      128,
      8,
      "activation: 'relu', kernelInitializer: tf.initializers.randomNormal({stddev: 1})",
      "units: 4, activation: 'linear'",
    ).replace('categoricalCrossentropy', 'meanSquaredError');
    const before = await probe(bad);
    const after = await probe(fixed(initializerScale, bad));
    // The forward signal grows ~sqrt(128 / 2) = 8x per layer, so every gradient is huge, the output
    // layer's too: the ratio to the output hides it, the absolute norms and the update size do not.
    const [b, a] = [firstGradNorm(before), firstGradNorm(after)];
    t.diagnostic(
      `  relu stddev 1 first-layer gradient norm ${b.toExponential(2)} -> ${a.toExponential(2)}`,
    );
    assert.equal(before.verdict, 'exploding');
    assert.ok(b > 1e6, `before the fix: ${b}`);
    assert.ok(a < 1e2, `after the fix: ${a}`);
    assert.equal(after.verdict, 'healthy');
  });

  test('deep-without-normalization: batchNormalization lifts a 16-layer sigmoid stack', async (t) => {
    const bad = mlp(32, 16, "activation: 'sigmoid'");
    const before = await probe(bad);
    const after = await probe(fixed(deepWithoutNormalization, bad));
    const [b, a] = [firstRatio(before), firstRatio(after)];
    t.diagnostic(
      `  sigmoid x16 first/output gradient ratio ${b.toExponential(2)} -> ${a.toExponential(2)} with batchNormalization`,
    );
    assert.ok(after.layers.some((l) => /BatchNormalization/.test(l.className)));
    assert.ok(
      a > b * 100,
      `batch normalization should lift the first layer's gradient by 100x or more: ${b} -> ${a}`,
    );
  });
});
