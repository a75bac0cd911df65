/**
 * The reference document's Keras snippets (test/fixtures/keras/reference/, each with its imports
 * written out) give the models they describe; the bare snippets, as the document prints them, too.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../../src/analysis/index';
import { layersOf, pySummary } from './helpers';

const dir = join(__dirname, '../../fixtures/keras/reference');

interface Case {
  file: string;
  layers: string[];
  kind?: 'sequential' | 'functional';
  optimizer?: string;
  learningRate?: number | null;
  clipping?: string[];
  loss?: string;
  keys?: string[];
}

const cases: Case[] = [
  {
    file: 'proper-network-design.py',
    layers: [
      'conv2d(filters=32,activation="relu",kernelInitializer="heNormal")',
      'batchNormalization()',
      'maxPooling2d()',
      'conv2d(filters=64,activation="relu",kernelInitializer="heNormal")',
      'batchNormalization()',
      'maxPooling2d()',
      'conv2d(filters=128,activation="relu",kernelInitializer="heNormal")',
      'batchNormalization()',
      'flatten()',
      'dense(units=128,activation="relu",kernelInitializer="heNormal")',
      'dropout()',
      'dense(units=10,activation="softmax")',
    ],
    kind: 'sequential',
    optimizer: 'adam',
    learningRate: 0.001,
    clipping: ['optimizer-clipnorm'],
    loss: 'categoricalCrossentropy',
    keys: ['units', 'filters', 'activation', 'kernelInitializer'],
  },
  {
    file: 'activation-functions.py',
    layers: [
      'dense(units=128,activation="relu")',
      'dense(units=128,activation="leakyReLU")',
      'dense(units=128,activation="swish")',
    ],
  },
  {
    file: 'weight-initialization.py',
    layers: [
      'dense(units=128,activation="tanh",kernelInitializer="glorotUniform")',
      'dense(units=128,activation="relu",kernelInitializer="heNormal")',
    ],
    keys: ['units', 'activation', 'kernelInitializer'],
  },
  {
    file: 'residual-connection.py',
    layers: [
      'conv2d(filters=64,activation="relu")',
      'conv2d(filters=64,activation="relu")',
      'add()',
    ],
    kind: 'functional',
  },
  {
    file: 'batch-normalization.py',
    layers: ['dense(units=128)', 'batchNormalization()', 'activation(activation="relu")'],
  },
  {
    file: 'clipping-by-value.py',
    layers: ['lstm(units=128)', 'dense(units=1)'],
    optimizer: 'adam',
    learningRate: 0.001,
    clipping: ['optimizer-clipvalue'],
    loss: 'meanSquaredError',
  },
  {
    file: 'clipping-by-norm.py',
    layers: ['lstm(units=128)', 'dense(units=1)'],
    optimizer: 'adam',
    learningRate: 0.001,
    clipping: ['optimizer-clipnorm'],
  },
  {
    file: 'weight-regularization.py',
    layers: [
      'dense(units=128,activation="relu",kernelRegularizer="call:regularizers.l2")',
      'dense(units=128,activation="relu",kernelConstraint="call:constraints.maxNorm")',
    ],
    keys: ['units', 'activation', 'kernelRegularizer', 'kernelConstraint'],
  },
  {
    file: 'gated-and-layer-norm.py',
    layers: [
      'lstm(units=128)',
      'dense(units=128)',
      'layerNormalization()',
      'activation(activation="relu")',
    ],
  },
  {
    file: 'advanced-optimizers.py',
    layers: ['dense(units=64,activation="relu")', 'dense(units=1)'],
    optimizer: 'rmsprop',
    learningRate: 0.001,
    clipping: [],
  },
];

for (const c of cases) {
  test(`reference snippet ${c.file}`, () => {
    const source = readFileSync(join(dir, c.file), 'utf8');
    const result = analyze(source, c.file);
    assert.deepEqual(result.problems, []);
    assert.equal(result.models.length, 1);
    const model = result.models[0];
    assert.deepEqual(
      c.keys ? model.layers.map((l) => pySummary(l, c.keys)) : layersOf(model),
      c.layers,
    );
    if (c.kind) assert.equal(model.kind, c.kind);
    const t = model.training;
    if (c.optimizer) assert.equal(t.optimizer?.kind, c.optimizer);
    if (c.learningRate !== undefined) assert.equal(t.learningRate, c.learningRate);
    if (c.clipping)
      assert.deepEqual(
        t.clipping.evidence.map((e) => e.kind),
        c.clipping,
      );
    if (c.loss) assert.equal(t.loss?.name, c.loss);
  });
}

test('reference snippet gradient-monitor.py: callbacks, no model, no problem', () => {
  const result = analyze(
    readFileSync(join(dir, 'gradient-monitor.py'), 'utf8'),
    'gradient-monitor.py',
  );
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.models, []);
});

test('bare snippets as the document prints them (no imports, no model definition)', () => {
  const batchNorm = `# Batch normalization\nmodel.add(Dense(128))\nmodel.add(BatchNormalization())\nmodel.add(Activation('relu'))\n`;
  const result = analyze(batchNorm, 'snippet.py');
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.models.map((m) => [m.name, m.anchor.line, layersOf(m)]),
    [['model', 2, ['dense(units=128)', 'batchNormalization()', 'activation(activation="relu")']]],
  );
  const leaky = analyze(
    `model.add(Dense(128, activation=tf.keras.layers.LeakyReLU(alpha=0.1)))\n`,
    'snippet.py',
  );
  assert.deepEqual(leaky.models.flatMap(layersOf), ['dense(units=128,activation="leakyReLU")']);
});
