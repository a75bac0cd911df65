/**
 * The probe's per-layer gradient norms against an independent computation: each model is also built directly
 * with tfjs (not through the probe), given the probe's initial weights with setWeights, and differentiated with
 * tf.variableGrads on a hand-written loss; norms are summed in double precision here.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { LayersModel, Scalar, SymbolicTensor, Tensor, Variable } from '@tensorflow/tfjs';
import type { ModelGraph } from '../../src/analysis/ir';
import { buildFromIr } from '../../src/probe/build';
import { makeBatch } from '../../src/probe/data';
import { probeModel } from '../../src/probe/engine';
import type { ProbeReport, ProbeRequest } from '../../src/probe/types';
import { functional, sequential, type LayerSpec, irRequest } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

const SEED = 7;
const BATCH = 16;

const request = (model: ModelGraph, extra: Partial<ProbeRequest> = {}) =>
  irRequest(model, { batchSize: BATCH, seed: SEED, ...extra });

type LossFn = (y: Tensor, p: Tensor) => Scalar;
const mse: LossFn = (y, p) => tf.mean(tf.square(tf.sub(y, p)));
const crossEntropy: LossFn = (y, p) =>
  tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), -1))) as Scalar;

/** Per-layer gradient norms of `direct` (weights copied from the probe's own build), layers without weights skipped. */
function referenceNorms(
  ir: ModelGraph,
  direct: LayersModel,
  lossName: string,
  loss: LossFn,
): number[] {
  const built = buildFromIr(tf, ir, { seed: SEED, maxParams: 5e7 });
  direct.setWeights(built.model.getWeights());
  built.model.dispose();
  const batch = makeBatch(tf, direct, lossName, BATCH, SEED);
  const variables = direct.trainableWeights.map((w) => w.read() as Variable);
  const { value, grads } = tf.variableGrads(() => {
    const out = direct.apply(batch.xs.length === 1 ? batch.xs[0]! : batch.xs, {
      training: true,
    }) as Tensor;
    return loss(batch.ys[0]!, out);
  }, variables);
  const norms = direct.layers
    .filter((layer) => layer.trainableWeights.length > 0)
    .map((layer) => {
      let sumSquares = 0;
      for (const w of layer.trainableWeights) {
        for (const g of grads[(w.read() as Variable).name]!.dataSync()) sumSquares += g * g;
      }
      return Math.sqrt(sumSquares);
    });
  tf.dispose([value, ...Object.values(grads), ...batch.xs, ...batch.ys]);
  direct.dispose();
  return norms;
}

function assertMatches(report: ProbeReport, expected: number[]): void {
  const measured = report.layers.flatMap((l) => (l.gradNorm === null ? [] : [l.gradNorm]));
  assert.equal(measured.length, expected.length, 'one measured norm per weighted layer');
  measured.forEach((m, i) => {
    const rel = Math.abs(m - expected[i]!) / expected[i]!;
    assert.ok(expected[i]! > 0, `reference norm of weighted layer ${i} is positive`);
    assert.ok(
      rel < 1e-4,
      `weighted layer ${i}: probe ${m} vs direct ${expected[i]} (relative ${rel})`,
    );
  });
}

const dense = (
  units: number,
  activation: string,
  extra: Record<string, unknown> = {},
): LayerSpec => ({
  factory: 'dense',
  config: { units, activation, ...extra },
});

for (const activation of ['sigmoid', 'relu', 'tanh']) {
  test(`dense ${activation} MLP: gradient norms match a direct tfjs computation`, async () => {
    const ir = sequential('mlp', [
      dense(12, activation, { inputShape: [6] }),
      dense(12, activation),
      dense(12, activation),
      dense(3, 'linear'),
    ]);
    const report = await probeModel(tf, request(ir), backend);
    const direct = tf.sequential({
      layers: [
        tf.layers.dense({ units: 12, activation: activation as 'relu', inputShape: [6] }),
        tf.layers.dense({ units: 12, activation: activation as 'relu' }),
        tf.layers.dense({ units: 12, activation: activation as 'relu' }),
        tf.layers.dense({ units: 3 }),
      ],
    });
    assertMatches(report, referenceNorms(ir, direct, 'meanSquaredError', mse));
    assert.equal(report.layers.length, 4);
    assert.deepEqual(
      report.layers.map((l) => l.line),
      [3, 4, 5, 6],
    );
    assert.equal(report.layers[3]!.ratioToOutput, 1);
    assert.equal(report.layers[0]!.weights[0]!.name.startsWith('L0_dense/kernel'), true);
  });
}

test('conv2d net with softmax and categorical cross-entropy matches a direct computation', async () => {
  const ir = sequential(
    'convnet',
    [
      {
        factory: 'conv2d',
        config: { filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] },
      },
      { factory: 'maxPooling2d', config: { poolSize: 2 } },
      { factory: 'flatten' },
      dense(5, 'softmax'),
    ],
    { loss: 'categoricalCrossentropy', optimizer: 'adam' },
  );
  const report = await probeModel(tf, request(ir), backend);
  // tfjs 4.22's wasm backend lacks Conv2DBackpropFilter: the probe supplies it and stays on the same backend.
  assert.equal(report.backend, backend);
  if (backend === 'wasm') {
    assert.ok(report.assumptions.some((a) => a.includes('as a wasm convolution')));
  }
  // The reference runs on cpu, whose filter gradient is tfjs's own kernel.
  await tf.setBackend('cpu');
  const direct = tf.sequential({
    layers: [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 5, activation: 'softmax' }),
    ],
  });
  try {
    assertMatches(report, referenceNorms(ir, direct, 'categoricalCrossentropy', crossEntropy));
  } finally {
    await tf.setBackend(backend);
  }
  assert.equal(report.layers[1]!.gradNorm, null, 'pooling has no weights');
  assert.equal(report.layers[0]!.params, 4 * 9 + 4);
});

test('LSTM matches a direct computation (kernel, recurrent kernel and bias)', async () => {
  const ir = sequential('rnn', [
    { factory: 'lstm', config: { units: 6, inputShape: [5, 3] } },
    dense(2, 'linear'),
  ]);
  const report = await probeModel(tf, request(ir), backend);
  const direct = tf.sequential({
    layers: [tf.layers.lstm({ units: 6, inputShape: [5, 3] }), tf.layers.dense({ units: 2 })],
  });
  assertMatches(report, referenceNorms(ir, direct, 'meanSquaredError', mse));
  assert.equal(report.layers[0]!.weights.length, 3);
  assert.equal(
    report.layers[0]!.saturatedFraction,
    null,
    'recurrent outputs are not judged for saturation',
  );
});

test('functional residual model with a shared layer matches a direct computation', async () => {
  const ir = functional('residual', {
    inputs: [{ id: 'x', shape: [8] }],
    layers: [dense(8, 'tanh'), { factory: 'add' }, dense(2, 'linear')],
    nodes: [
      ['h1', 0, ['x']],
      ['h2', 0, ['h1']],
      ['sum', 1, ['h1', 'h2']],
      ['out', 2, ['sum']],
    ],
    outputs: ['out'],
  });
  const report = await probeModel(tf, request(ir), backend);
  const x = tf.input({ shape: [8] });
  const shared = tf.layers.dense({ units: 8, activation: 'tanh' });
  const h1 = shared.apply(x) as SymbolicTensor;
  const h2 = shared.apply(h1) as SymbolicTensor;
  const sum = tf.layers.add().apply([h1, h2]) as SymbolicTensor;
  const out = tf.layers.dense({ units: 2 }).apply(sum) as SymbolicTensor;
  const direct = tf.model({ inputs: x, outputs: out });
  assertMatches(report, referenceNorms(ir, direct, 'meanSquaredError', mse));
  assert.equal(report.layers.length, 3);
  assert.equal(
    report.layers[0]!.saturatedFraction !== null,
    true,
    'tanh layer has a saturation fraction',
  );
});

test('the same seed builds the same weights; a different seed different ones', () => {
  const ir = sequential('mlp', [dense(4, 'relu', { inputShape: [3] }), dense(1, 'linear')]);
  const weights = (seed: number): number[] => {
    const built = buildFromIr(tf, ir, { seed, maxParams: 1e6 });
    const values = built.model.getWeights().flatMap((w) => [...w.dataSync()]);
    built.model.dispose();
    return values;
  };
  assert.deepEqual(weights(3), weights(3));
  assert.notDeepEqual(weights(3), weights(4));
});

test('probing leaves no tensors behind', async () => {
  const ir = sequential('mlp', [dense(8, 'relu', { inputShape: [4] }), dense(2, 'softmax')], {
    loss: 'categoricalCrossentropy',
    optimizer: 'adam',
    learningRate: 0.01,
  });
  await probeModel(tf, request(ir, { steps: 2 }), backend);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await probeModel(tf, request(ir, { steps: 3 }), backend);
  assert.equal(tf.memory().numTensors, before);
});

test('steps > 1: each step applies the compiled optimizer; per-step norms and losses match a direct loop', async () => {
  const ir = sequential(
    'mlp',
    [dense(10, 'tanh', { inputShape: [5] }), dense(10, 'tanh'), dense(2, 'linear')],
    { loss: 'meanSquaredError', optimizer: 'sgd', learningRate: 0.3 },
  );
  const steps = 4;
  const report = await probeModel(tf, request(ir, { steps }), backend);

  const built = buildFromIr(tf, ir, { seed: SEED, maxParams: 5e7 });
  const direct = tf.sequential({
    layers: [
      tf.layers.dense({ units: 10, activation: 'tanh', inputShape: [5] }),
      tf.layers.dense({ units: 10, activation: 'tanh' }),
      tf.layers.dense({ units: 2 }),
    ],
  });
  direct.setWeights(built.model.getWeights());
  built.model.dispose();
  const batch = makeBatch(tf, direct, 'meanSquaredError', BATCH, SEED);
  const variables = direct.trainableWeights.map((w) => w.read() as Variable);
  const optimizer = tf.train.sgd(0.3);
  const losses: number[] = [];
  const perLayer: number[][] = direct.layers.map(() => []);
  for (let step = 0; step < steps; step++) {
    const { value, grads } = tf.variableGrads(
      () => mse(batch.ys[0]!, direct.apply(batch.xs[0]!, { training: true }) as Tensor),
      variables,
    );
    losses.push(value.dataSync()[0]!);
    direct.layers.forEach((layer, i) => {
      let sum = 0;
      for (const w of layer.trainableWeights) {
        for (const g of grads[(w.read() as Variable).name]!.dataSync()) sum += g * g;
      }
      perLayer[i]!.push(Math.sqrt(sum));
    });
    optimizer.applyGradients(grads);
    tf.dispose([value, ...Object.values(grads)]);
  }
  tf.dispose([...batch.xs, ...batch.ys]);
  direct.dispose();
  optimizer.dispose();

  const close = (a: number, b: number, what: string): void =>
    assert.ok(Math.abs(a - b) <= 1e-4 * Math.abs(b), `${what}: probe ${a} vs direct ${b}`);
  assert.ok(losses[steps - 1]! < losses[0]!, 'the direct loop does descend');
  report.lossPerStep.forEach((l, s) => close(l, losses[s]!, `loss at step ${s + 1}`));
  report.layers.forEach((layer, i) =>
    layer.gradNormPerStep!.forEach((g, s) =>
      close(g, perLayer[i]![s]!, `layer ${i} step ${s + 1}`),
    ),
  );
});
