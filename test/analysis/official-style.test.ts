import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { run, summary } from './helpers';

const fixture = (name: string) => {
  const file = join(__dirname, '../fixtures/analysis', name);
  return { source: readFileSync(file, 'utf8'), file };
};

const byName = (models: ModelGraph[], name: string) => {
  const model = models.find((m) => m.name === name);
  assert.ok(model, `no model named ${name} in ${models.map((m) => m.name).join(', ')}`);
  return model;
};

test('MNIST-style creators chosen by a UI value: both models found, both compiled and trained by train()', () => {
  const { source, file } = fixture('mnist-style.js');
  const { models } = run(source, file);
  assert.deepEqual(
    models.map((m) => m.name),
    ['createDenseModel', 'createConvModel'],
  );
  const conv = byName(models, 'createConvModel');
  assert.deepEqual(
    conv.layers.map((l) => summary(l)),
    [
      'conv2d(filters=16,activation="relu")',
      'maxPooling2d()',
      'conv2d(filters=32,activation="relu")',
      'maxPooling2d()',
      'conv2d(filters=32,activation="relu")',
      'flatten()',
      'dense(units=64,activation="relu")',
      'dense(units=10,activation="softmax")',
    ],
  );
  for (const model of models) {
    assert.equal(model.training.optimizer?.kind, 'rmsprop');
    assert.equal(model.training.learningRate, 0.001);
    assert.equal(model.training.loss?.name, 'categoricalCrossentropy');
    assert.deepEqual(
      model.training.fitCalls.map((f) => f.method),
      ['fit'],
    );
    assert.equal(model.training.clipping.clipped, false);
  }
});

test('sentiment-style builder with an undecidable model type: one variant per branch, each with its own layers', () => {
  const { source, file } = fixture('sentiment-style.ts');
  const { models } = run(source, file);
  assert.deepEqual(
    models.map((m) => [m.name, m.variant?.id, m.variant?.label, m.layers.map((l) => l.factory)]),
    [
      ['buildModel', 'flatten', "modelType = 'flatten'", ['embedding', 'flatten', 'dense']],
      [
        'buildModel',
        'cnn',
        "modelType = 'cnn'",
        ['embedding', 'dropout', 'conv1d', 'globalMaxPool1d', 'dense', 'dense'],
      ],
      ['buildModel', 'simpleRNN', "modelType = 'simpleRNN'", ['embedding', 'simpleRNN', 'dense']],
      ['buildModel', 'lstm', "modelType = 'lstm'", ['embedding', 'lstm', 'dense']],
      [
        'buildModel',
        'bidirectionalLSTM',
        "modelType = 'bidirectionalLSTM'",
        ['embedding', 'bidirectional', 'dense'],
      ],
    ],
  );
  for (const model of models) {
    // Every layer is on its variant's one path: nothing is "only on some paths" any more.
    assert.ok(model.layers.every((l) => l.conditional === undefined));
    // The vocabulary size is a constant at the one call site; the rest come from unknown CLI arguments
    // and are named by the builder's parameters.
    assert.deepEqual(model.layers[0].config.props.inputDim.value, { kind: 'number', value: 10000 });
    assert.deepEqual(model.unknowns, ['embeddingSize', 'maxLen']);
    assert.equal(model.training.loss?.name, 'binaryCrossentropy');
    assert.equal(model.training.trained, true);
  }
  assert.equal(models[4].layers[1].inner?.factory, 'lstm');
  assert.deepEqual(models[1].variant?.path.at(-1), {
    condition: "modelType === 'cnn'",
    branch: 'then',
  });
});

test('jena-style: the model a custom loop trains, with clip-by-global-norm evidence; other builders still listed', () => {
  const { source, file } = fixture('jena-style.js');
  const { models } = run(source, file);
  const rnn = byName(models, 'buildSimpleRNNModel');
  assert.deepEqual(
    rnn.layers.map((l) => summary(l, ['units', 'inputShape'])),
    ['simpleRNN(units=32,inputShape=[240,14])', 'dense(units=1)'],
  );
  assert.deepEqual(rnn.unknowns, []);
  assert.deepEqual(
    rnn.training.customLoops.map((c) => c.method),
    ['variableGrads', 'applyGradients'],
  );
  assert.equal(rnn.training.optimizer?.kind, 'rmsprop');
  assert.equal(rnn.training.clipping.clipped, true);
  assert.ok(rnn.training.clipping.evidence.some((e) => e.kind === 'clipByGlobalNorm'));
  const gru = byName(models, 'buildGRUModel');
  assert.equal(gru.training.trained, false);
  // Only the simpleRNN branch of buildModel runs (its one call site passes 'simpleRNN'), so the GRU
  // builder is analysed on its own, with its parameters unknown.
  assert.deepEqual(gru.unknowns, ['inputShape', 'dropout || 0', 'recurrentDropout || 0']);
});
