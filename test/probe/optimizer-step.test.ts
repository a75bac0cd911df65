/**
 * The probe's update-to-weight ratio is the real first step of the model's own optimizer: ||ΔW|| / ||W|| per
 * layer after one step, checked against values computed by hand on a tiny model written as a user would.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { analyze } from '../../src/analysis';
import { probeModel } from '../../src/probe/engine';
import type { ProbeReport } from '../../src/probe/types';
import { irRequest } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
before(async () => ({ tf } = await loadTf()));

/** Two dense layers with all-ones kernels and zero biases, so every weight norm is known by hand. */
function source(optimizer: string): string {
  return [
    "import * as tf from '@tensorflow/tfjs';",
    'const model = tf.sequential();',
    "model.add(tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones', biasInitializer: 'zeros' }));",
    "model.add(tf.layers.dense({ units: 1, kernelInitializer: 'ones', biasInitializer: 'zeros' }));",
    `model.compile({ optimizer: ${optimizer}, loss: 'meanSquaredError' });`,
  ].join('\n');
}

async function probe(optimizer: string): Promise<ProbeReport> {
  const model = analyze(source(optimizer), 'tiny.ts').models[0]!;
  return probeModel(tf, irRequest(model, { seed: 3, steps: 1 }), tf.getBackend());
}

const close = (actual: number | null, expected: number, what: string) =>
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= 1e-4 * expected,
    `${what}: ${actual} vs ${expected}`,
  );

describe("the update-to-weight ratio is the first step of the model's optimizer", () => {
  test('adam(0.01): every weight with a gradient moves by the rate, so the ratio is 0.01·sqrt(n) / ||W||', async () => {
    const report = await probe('tf.train.adam(0.01)');
    const [hidden, output] = report.layers;
    // Step 1 of Adam: m̂ = g, v̂ = g², ΔW = -0.01·g / (|g| + 1e-7), i.e. 0.01 per weight whose gradient is not 0.
    // Hidden: 3x2 ones kernel + 2 zero biases = 8 weights, ||W|| = sqrt(6); output: 2x1 ones + 1 bias, sqrt(2).
    close(hidden!.updateToWeightRatio, (0.01 * Math.sqrt(8)) / Math.sqrt(6), 'hidden');
    close(output!.updateToWeightRatio, (0.01 * Math.sqrt(3)) / Math.sqrt(2), 'output');
    // Not the plain step: learning rate x gradient norm / weight norm is another number here.
    const plain = (0.01 * hidden!.gradNorm!) / Math.sqrt(6);
    assert.ok(Math.abs(plain - hidden!.updateToWeightRatio!) > 1e-3 * plain, `plain ${plain}`);
    assert.deepEqual(report.update, { optimizer: 'Adam', plain: false });
  });

  test('sgd(0.1): the first step is learning rate x gradient, so the ratio is 0.1·||g|| / ||W||', async () => {
    const report = await probe('tf.train.sgd(0.1)');
    const [hidden, output] = report.layers;
    close(hidden!.updateToWeightRatio, (0.1 * hidden!.gradNorm!) / Math.sqrt(6), 'hidden');
    close(output!.updateToWeightRatio, (0.1 * output!.gradNorm!) / Math.sqrt(2), 'output');
    assert.deepEqual(report.update, { optimizer: 'SGD', plain: false });
  });

  test('an optimizer the probe does not know: the plain sgd step, labelled as such', async () => {
    const report = await probe('makeOptimizer()');
    const [hidden] = report.layers;
    assert.deepEqual(report.update, { optimizer: 'SGD', plain: true });
    close(hidden!.updateToWeightRatio, (0.01 * hidden!.gradNorm!) / Math.sqrt(6), 'hidden');
    assert.match(report.assumptions.join(' '), /`makeOptimizer\(\)` is not known: using sgd/);
  });

  test('adam(3): the first step rewrites the weights, and the verdict names the Adam step', async () => {
    const report = await probe('tf.train.adam(3)');
    close(report.layers[1]!.updateToWeightRatio, (3 * Math.sqrt(3)) / Math.sqrt(2), 'output');
    // The reason names the layer with the largest ratio: the output layer's 3·sqrt(3)/sqrt(2) = 3.67.
    assert.equal(report.verdict, 'exploding');
    assert.match(
      report.verdictReason,
      /^The first Adam step changes the weights of L1_dense \(line 4\) by 3\.67 × their norm \(\|\|ΔW\|\| \/ \|\|W\|\|; exploding above 1\)/,
    );
  });
});
