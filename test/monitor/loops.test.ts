/**
 * fitDataset, custom loops (optimizer.minimize and applyGradients), the vanishing verdict on a deep
 * sigmoid stack, and the guarantee that watching changes nothing: the same weights after N steps
 * with and without the monitor, from the same initial weights and batches.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { gradientMonitor, judge, monitorOptimizer } from '../../src/monitor';
import type { StepRecord } from '../../src/monitor/records';
import { classificationData, cpu, deepSigmoid, healthyClassifier, weightsOf } from './models';

before(cpu);

const stepsOf = (records: ReturnType<ReturnType<typeof gradientMonitor>['records']>) =>
  records.filter((r): r is StepRecord => r.type === 'step');

test('fitDataset: records every sampled step with epoch and batch, and the optimizer is restored after', async () => {
  const model = healthyClassifier();
  const { x, y } = classificationData(320);
  const dataset = tf.data
    .zip({ xs: tf.data.array(tf.unstack(x)), ys: tf.data.array(tf.unstack(y)) })
    .batch(32);
  const own = model.optimizer.applyGradients;
  const monitor = gradientMonitor(model, { sampleEvery: 5 });
  await model.fitDataset(dataset, { epochs: 2, verbose: 0, callbacks: [monitor] });
  const steps = stepsOf(monitor.records());
  assert.deepEqual(
    steps.map((s) => [s.step, s.epoch, s.batch]),
    [
      [0, 0, 0],
      [5, 0, 5],
      [10, 1, 0],
      [15, 1, 5],
    ],
  );
  assert.equal(judge(monitor.records()).verdict, 'healthy');
  assert.equal(model.optimizer.applyGradients, own);
  assert.equal(monitor.records().at(-1)?.type, 'end');
});

test('custom loop with optimizer.minimize: losses from endStep, layers named as in the model', async () => {
  const model = healthyClassifier();
  const { x, y } = classificationData(64);
  const optimizer = tf.train.adam(0.01);
  const monitor = monitorOptimizer(optimizer, model, { sampleEvery: 2 });
  for (let i = 0; i < 6; i++) {
    const loss = optimizer.minimize(
      () =>
        tf.mean(tf.metrics.categoricalCrossentropy(y, model.predict(x) as tf.Tensor)) as tf.Scalar,
      true,
    );
    monitor.endStep(loss);
    loss?.dispose();
  }
  monitor.close();
  const steps = stepsOf(monitor.records());
  assert.deepEqual(
    steps.map((s) => s.step),
    [0, 2, 4],
  );
  assert.ok(steps.every((s) => typeof s.loss === 'number' && s.loss > 0));
  assert.deepEqual(
    steps[0].layers.map((l) => l.name),
    ['hidden1', 'hidden2', 'probs'],
  );
  assert.equal(judge(monitor.records()).verdict, 'healthy');
});

test('custom loop with applyGradients and raw variables (no model)', () => {
  const w = tf.variable(tf.randomNormal([4, 1], 0, 1, 'float32', 3), true, 'regression/w');
  const optimizer = tf.train.sgd(0.1);
  const monitor = monitorOptimizer(optimizer, null, { sampleEvery: 1 });
  const x = tf.randomNormal([16, 4], 0, 1, 'float32', 4);
  const target = tf.randomNormal([16, 1], 0, 1, 'float32', 5);
  for (let i = 0; i < 3; i++) {
    const { value, grads } = tf.variableGrads(
      () => tf.mean(tf.square(tf.sub(tf.matMul(x, w), target))) as tf.Scalar,
    );
    optimizer.applyGradients(grads);
    monitor.endStep(value.dataSync()[0]);
    tf.dispose([value, grads]);
  }
  monitor.close();
  const steps = stepsOf(monitor.records());
  assert.equal(steps.length, 3);
  assert.deepEqual(
    steps[0].layers.map((l) => [l.name, l.className, l.weights[0].name]),
    [['regression', 'Variable', 'regression/w']],
  );
  assert.ok((steps[2].loss as number) < (steps[0].loss as number));
});

test("ten sigmoid layers: the first layer's gradient vanishes against the output's", async () => {
  const model = deepSigmoid();
  const x = tf.randomNormal([128, 16], 0, 1, 'float32', 8);
  const y = tf.randomNormal([128, 1], 0, 1, 'float32', 9);
  const monitor = gradientMonitor(model, { sampleEvery: 1 });
  await model.fit(x, y, {
    batchSize: 32,
    epochs: 2,
    shuffle: false,
    verbose: 0,
    callbacks: [monitor],
  });
  const verdict = judge(monitor.records());
  assert.equal(verdict.verdict, 'vanishing', verdict.reason);
  const evidence = verdict.evidence.find((e) => e.kind === 'ratio-low');
  assert.equal(evidence?.layer?.index, 0);
  assert.ok((evidence?.value ?? 1) < 1e-3);
});

test('watching never changes training: identical weights after 24 steps with and without the monitor', async () => {
  const { x, y } = classificationData(256);
  const train = async (watch: boolean) => {
    const model = healthyClassifier();
    const callbacks = watch ? [gradientMonitor(model, { sampleEvery: 1 })] : [];
    await model.fit(x, y, { batchSize: 32, epochs: 3, shuffle: false, verbose: 0, callbacks });
    return weightsOf(model);
  };
  const plain = await train(false);
  const watched = await train(true);
  assert.equal(watched.length, plain.length);
  watched.forEach((w, i) => assert.deepEqual(w, plain[i], `weight ${i} differs`));
  assert.ok(plain[0].some((v) => v !== 0 && Number.isFinite(v)) && plain[0].length > 0);
});

test('an explicit tf option is used as given, and something that is not tfjs is refused', () => {
  const model = healthyClassifier();
  assert.doesNotThrow(() => gradientMonitor(model, { tf }));
  assert.throws(
    () => gradientMonitor(model, { tf: { tidy: () => 0 } }),
    /the "tf" option is not tfjs \(it has no clone/,
  );
  assert.throws(
    () => gradientMonitor(model, { sampleEvery: 0 }),
    /sampleEvery must be a positive integer/,
  );
  assert.throws(() => gradientMonitor({}), /must be a tfjs LayersModel/);
});

const bundle = join(__dirname, '../../dist/monitor.js');
test(
  'dist/monitor.js runs with the tfjs the script loaded and bundles no tfjs of its own',
  { skip: !existsSync(bundle) && 'run npm run build first' },
  async () => {
    const built = require(bundle) as typeof import('../../src/monitor');
    const model = healthyClassifier();
    const { x, y } = classificationData(64);
    const monitor = built.gradientMonitor(model, { sampleEvery: 1 });
    await model.fit(x, y, {
      batchSize: 32,
      epochs: 1,
      shuffle: false,
      verbose: 0,
      callbacks: [monitor],
    });
    assert.equal(stepsOf(monitor.records()).length, 2);
    const { readFileSync } = await import('node:fs');
    assert.doesNotMatch(readFileSync(bundle, 'utf8'), /registerKernel|tfjs-core\/dist/);
  },
);

test('listed after tf.callbacks.earlyStopping (as tfjs needs built-ins first), the monitor and the built-in callback both work', async () => {
  const { x, y } = classificationData(128);
  for (const order of ['monitor second'] as const) {
    const model = healthyClassifier();
    const monitor = gradientMonitor(model, { sampleEvery: 2 });
    const stopper = tf.callbacks.earlyStopping({ monitor: 'loss', patience: 0, minDelta: 10 });
    const callbacks = [stopper, monitor];
    const history = await model.fit(x, y, {
      batchSize: 32,
      epochs: 5,
      shuffle: false,
      verbose: 0,
      callbacks,
    });
    assert.equal(history.epoch.length, 2, `${order}: early stopping stopped after epoch 2`);
    const steps = stepsOf(monitor.records());
    assert.deepEqual(
      steps.map((s) => s.step),
      [0, 2, 4, 6],
      order,
    );
    assert.ok(
      steps.every((s) => typeof s.loss === 'number' && s.loss > 0),
      order,
    );
  }
});
