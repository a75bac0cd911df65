/**
 * The monitor on real tfjs training (cpu backend): it catches the exploding run's first non-finite
 * step and names the layer, judges a healthy classifier healthy and a deep sigmoid stack vanishing,
 * covers fit, fitDataset and a custom loop, and never changes what training computes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { gradientMonitor, judge, parseLog } from '../../src/monitor';
import type { StepRecord } from '../../src/monitor/records';
import {
  classificationData,
  cpu,
  explodingRegressor,
  healthyClassifier,
  regressionData,
} from './models';

before(cpu);

const tempDir = mkdtempSync(join(tmpdir(), 'gl-monitor-'));

test('SGD at rate 3: the first non-finite gradient is caught at step 3 in the output layer, between samples', async () => {
  const model = explodingRegressor();
  const { x, y } = regressionData();
  const losses: number[] = [];
  const logFile = join(tempDir, 'explode.jsonl');
  const monitor = gradientMonitor(model, { logFile, sampleEvery: 10 });
  await model.fit(x, y, {
    batchSize: 32,
    epochs: 1,
    shuffle: false,
    verbose: 0,
    callbacks: [
      monitor,
      { onBatchEnd: async (_b: number, logs?: tf.Logs) => void losses.push(logs?.loss as number) },
    ],
  });
  // The run itself, as measured without any monitor: finite, finite, finite, Infinity, NaN...
  assert.ok(losses.slice(0, 3).every(Number.isFinite), `losses ${losses}`);
  assert.equal(losses[3], Infinity);
  assert.ok(Number.isNaN(losses[4]));

  const records = parseLog(readFileSync(logFile, 'utf8')).records;
  const steps = records.filter((r): r is StepRecord => r.type === 'step');
  assert.deepEqual(
    steps.map((s) => [s.step, s.trigger]),
    [
      [0, 'sample'],
      [3, 'non-finite'],
    ],
  );
  const verdict = judge(records);
  assert.equal(verdict.verdict, 'non-finite');
  assert.equal(verdict.firstBadStep, 3);
  const first = verdict.evidence.find((e) => e.kind === 'non-finite-gradient');
  assert.equal(first?.layer?.name, model.layers[2].name);
  assert.equal(first?.layer?.index, 2);
  assert.equal(first?.weight, `${model.layers[2].name}/kernel`);
  // Step 2's gradients were huge but finite: the float32 sum of squares overflowed, the norm did not.
  assert.match(verdict.reason, /step 3 \(epoch 0, batch 3\)/);
});

test('a healthy classifier under Adam is judged healthy, with every layer named as in the code', async () => {
  const model = healthyClassifier();
  const { x, y } = classificationData();
  const lines: string[] = [];
  const monitor = gradientMonitor(model, { sampleEvery: 4, verbose: (line) => lines.push(line) });
  const history = await model.fit(x, y, {
    batchSize: 32,
    epochs: 4,
    shuffle: false,
    verbose: 0,
    callbacks: [monitor],
  });
  const losses = history.history.loss as number[];
  assert.ok(losses[losses.length - 1] < losses[0] / 2, `loss fell: ${losses}`);
  const records = monitor.records();
  const verdict = judge(records);
  assert.equal(verdict.verdict, 'healthy', verdict.reason);
  const steps = records.filter((r): r is StepRecord => r.type === 'step');
  assert.equal(steps.length, 12); // 48 steps, every 4th
  assert.deepEqual(
    steps[0].layers.map((l) => [l.index, l.name, l.className]),
    [
      [0, 'hidden1', 'Dense'],
      [1, 'hidden2', 'Dense'],
      [2, 'probs', 'Dense'],
    ],
  );
  assert.ok(steps.every((s) => typeof s.loss === 'number' && s.loss > 0));
  assert.equal(lines.length, 4);
  assert.match(
    lines[3],
    /^gradient-lens monitor: epoch 3 · loss [\d.e-]+ · acc [\d.e-]+ · gradients healthy$/,
  );
});

test("per-weight norms agree with tf.variableGrads on the same batch, and updates are the weights' change", async () => {
  const model = healthyClassifier();
  const { x, y } = classificationData(32);
  const startWeights = model.getWeights().map((w) => w.clone());
  const monitor = gradientMonitor(model, { sampleEvery: 1 });
  await model.fit(x, y, {
    batchSize: 32,
    epochs: 1,
    shuffle: false,
    verbose: 0,
    callbacks: [monitor],
  });
  const step = monitor.records().find((r): r is StepRecord => r.type === 'step');
  assert.ok(step);
  // Reference gradient on the initial weights, computed directly with the same loss.
  const reference = healthyClassifier();
  reference.setWeights(startWeights);
  const { grads } = tf.variableGrads(
    () =>
      tf.mean(
        tf.metrics.categoricalCrossentropy(y, reference.predict(x) as tf.Tensor),
      ) as tf.Scalar,
  );
  const referenceGrads = reference.trainableWeights.map((w) =>
    Math.sqrt(tf.sum(tf.square(grads[(w.read() as tf.Variable).name])).dataSync()[0]),
  );
  const after = model.getWeights();
  model.layers.forEach((layer, i) => {
    layer.trainableWeights.forEach((w, j) => {
      const recorded = step.layers[i].weights[j];
      assert.equal(recorded.name, w.name);
      const k = i * 2 + j;
      const g = referenceGrads[k];
      assert.ok(
        Math.abs((recorded.grad as number) - g) <= 1e-3 * g,
        `${w.name} grad ${recorded.grad} vs ${g}`,
      );
      const change = Math.sqrt(tf.sum(tf.square(tf.sub(after[k], startWeights[k]))).dataSync()[0]);
      assert.ok(
        Math.abs((recorded.stepUpdate as number) - change) <= 1e-4 * change,
        `${w.name} step update`,
      );
      assert.ok(
        Math.abs((recorded.update as number) - change) <= 1e-4 * change,
        `${w.name} update since attach`,
      );
      const norm = Math.sqrt(tf.sum(tf.square(after[k])).dataSync()[0]);
      assert.ok(
        Math.abs((recorded.weight as number) - norm) <= 1e-4 * norm,
        `${w.name} weight norm`,
      );
    });
  });
});
