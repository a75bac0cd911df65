/** Verdicts on real backward passes: deep sigmoid vanishes, relu/He is healthy, large init and NaN explode. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { probeModel } from '../../src/probe/engine';
import type { ProbeRequest } from '../../src/probe/types';
import { judge } from '../../src/probe/verdict';
import {
  call,
  js,
  sequential,
  type LayerSpec,
  type TrainingSpec,
  irRequest,
} from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

const request = (model: ModelGraph, extra: Partial<ProbeRequest> = {}) =>
  irRequest(model, { batchSize: 32, seed: 11, ...extra });

function mlp(
  depth: number,
  activation: string,
  extra: Record<string, unknown> = {},
  training?: TrainingSpec,
): ModelGraph {
  const layers: LayerSpec[] = [];
  for (let i = 0; i < depth; i++) {
    layers.push({
      factory: 'dense',
      config: { units: 32, activation, ...(i === 0 ? { inputShape: [16] } : {}), ...extra },
    });
  }
  const regression = training?.loss === 'meanSquaredError';
  layers.push({
    factory: 'dense',
    config: { units: 4, activation: regression ? 'linear' : 'softmax' },
  });
  return sequential(
    'net',
    layers,
    training ?? { loss: 'categoricalCrossentropy', optimizer: 'sgd', learningRate: 0.01 },
  );
}

test('a deep sigmoid MLP is vanishing, with the first layer named in the reason', async () => {
  const report = await probeModel(tf, request(mlp(10, 'sigmoid')), backend);
  assert.equal(report.verdict, 'vanishing');
  assert.match(report.verdictReason, /first hidden layer L0_dense \(line 3\)/);
  assert.equal(report.layers[0]!.verdict, 'vanishing');
  assert.ok(report.layers[0]!.ratioToOutput! < 1e-3);
  assert.equal(report.layers[report.layers.length - 1]!.ratioToOutput, 1);
  assert.equal(report.layers[0]!.deadFraction, null);
  assert.ok(report.layers[0]!.saturatedFraction !== null);
});

test('a relu MLP with He initialization is healthy', async () => {
  const report = await probeModel(
    tf,
    request(mlp(4, 'relu', { kernelInitializer: 'heNormal' })),
    backend,
  );
  assert.equal(report.verdict, 'healthy', report.verdictReason);
  assert.ok(report.layers.every((l) => l.verdict === 'healthy'));
  assert.ok(report.layers[0]!.deadFraction !== null && report.layers[0]!.deadFraction < 0.5);
  assert.equal(report.layers[0]!.saturatedFraction, null);
});

const regression: TrainingSpec = { loss: 'meanSquaredError', optimizer: 'sgd', learningRate: 0.01 };

test('a deep relu net with randomNormal stddev 3 is exploding in one step', async () => {
  const init = call('initializers.randomNormal', { mean: 0, stddev: 3 });
  const model = mlp(6, 'relu', { kernelInitializer: init }, regression);
  const report = await probeModel(tf, request(model, { batchSize: 8 }), backend);
  assert.equal(report.verdict, 'exploding', report.verdictReason);
  assert.match(report.verdictReason, /The first SGD step changes the weights/);
  assert.ok(report.layers.some((l) => l.verdict === 'exploding'));
});

test('the same net with He initialization is healthy under the same loss and learning rate', async () => {
  const model = mlp(6, 'relu', { kernelInitializer: 'heNormal' }, regression);
  const report = await probeModel(tf, request(model, { batchSize: 8 }), backend);
  assert.equal(report.verdict, 'healthy', report.verdictReason);
});

test('NaN weights make the model exploding, with non-finite values counted', async () => {
  const nan = call('initializers.constant', { value: Number.NaN });
  const model = mlp(2, 'relu');
  model.layers[1]!.config.props['kernelInitializer'] = {
    value: js(nan),
    span: null,
    valueSpan: null,
    inherited: false,
  };
  const report = await probeModel(tf, request(model), backend);
  assert.equal(report.verdict, 'exploding');
  assert.ok(report.layers[1]!.nonFinite > 0);
  assert.match(report.verdictReason, /NaN or infinite/);
});

test('a huge learning rate over several steps explodes, visible step by step', async () => {
  const model = mlp(
    3,
    'relu',
    { kernelInitializer: 'heNormal' },
    {
      loss: 'meanSquaredError',
      optimizer: 'sgd',
      learningRate: 50,
    },
  );
  const report = await probeModel(tf, request(model, { steps: 6 }), backend);
  assert.equal(report.verdict, 'exploding', report.verdictReason);
  assert.equal(report.lossPerStep.length, 6);
  assert.equal(report.layers[0]!.gradNormPerStep?.length, 6);
  assert.equal(report.learningRate, 50);
});

test('judge: thresholds are options and the output layer is the last weighted layer', () => {
  const layer = (name: string, gradNorm: number | null) => ({
    name,
    line: null,
    gradNorm,
    nonFinite: 0,
    perStep: gradNorm === null ? [] : [gradNorm],
  });
  const layers = [layer('a', 0.01), layer('b', 0.5), layer('pool', null), layer('out', 1)];
  assert.equal(judge(layers, [1], { vanishingRatio: 1e-3, explodingRatio: 70 }).verdict, 'healthy');
  const strict = judge(layers, [1], { vanishingRatio: 0.1, explodingRatio: 70 });
  assert.equal(strict.verdict, 'vanishing');
  assert.deepEqual(
    strict.layers.map((l) => l.ratioToOutput),
    [0.01, 0.5, null, 1],
  );
  assert.equal(
    judge([layer('a', 100), layer('out', 1)], [1], { vanishingRatio: 1e-3, explodingRatio: 70 })
      .verdict,
    'exploding',
  );
  assert.equal(
    judge(layers, [Number.NaN], { vanishingRatio: 1e-3, explodingRatio: 70 }).verdict,
    'exploding',
  );
  assert.equal(
    judge([layer('a', 0), layer('out', 0)], [1], { vanishingRatio: 1e-3, explodingRatio: 70 })
      .verdict,
    'vanishing',
  );
});

test('activation statistics: dead relu units, saturated sigmoid units, and an observed output layer', async () => {
  const model = sequential(
    'stats',
    [
      {
        factory: 'dense',
        config: {
          units: 8,
          activation: 'relu',
          inputShape: [4],
          biasInitializer: call('initializers.constant', { value: -100 }),
        },
      },
      { factory: 'dense', config: { units: 6, activation: 'relu', kernelInitializer: 'heNormal' } },
      {
        factory: 'dense',
        config: {
          units: 3,
          activation: 'sigmoid',
          biasInitializer: call('initializers.constant', { value: 20 }),
        },
      },
    ],
    { loss: 'binaryCrossentropy', optimizer: 'adam' },
  );
  const report = await probeModel(tf, request(model), backend);
  assert.equal(
    report.layers[0]!.deadFraction,
    1,
    'a bias of -100 kills every unit for every example',
  );
  // Every unit of layer 0 is zero, so layer 1 sees only its zero bias: all its units are zero too.
  assert.equal(report.layers[1]!.deadFraction, 1);
  assert.equal(report.layers[2]!.saturatedFraction, 1, 'sigmoid(20) > 0.99 everywhere');
  assert.equal(report.layers[2]!.deadFraction, null);
});

test('a model whose only observed layer is its output still gets activation statistics', async () => {
  const model = sequential(
    'single',
    [{ factory: 'dense', config: { units: 3, activation: 'sigmoid', inputShape: [4] } }],
    {
      loss: 'binaryCrossentropy',
      optimizer: 'sgd',
    },
  );
  const report = await probeModel(tf, request(model), backend);
  assert.equal(report.layers[0]!.saturatedFraction, 0);
  assert.equal(report.verdict, 'healthy');
  assert.match(report.verdictReason, /Only one layer has weights/);
});
