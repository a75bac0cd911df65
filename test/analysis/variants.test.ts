/** One model per path through a builder: how real projects branch on a model type. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../src/analysis/index';
import type { ModelGraph } from '../../src/analysis/ir';
import { run, summary } from './helpers';

const TF = "import * as tf from '@tensorflow/tfjs';\n";
const factories = (m: ModelGraph) => m.layers.map((l) => l.factory);
const table = (models: ModelGraph[]) =>
  models.map((m) => [m.name, m.variant?.id ?? null, factories(m)]);

test('a builder chosen by a UI value: each builder is its own model, with no condition on its layers', () => {
  const { models } = run(`${TF}function convNet() {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}
function denseNet() {
  return tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10 })] });
}
function pickModel(kind) {
  let model;
  if (kind === 'conv') model = convNet();
  else if (kind === 'dense') model = denseNet();
  else throw new Error('unknown model ' + kind);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
document.getElementById('train').addEventListener('click', async () => {
  const model = pickModel(document.getElementById('kind').value);
  await model.fit(xs, ys, { epochs: 3 });
});`);
  assert.deepEqual(table(models), [
    ['convNet', null, ['conv2d', 'flatten', 'dense']],
    ['denseNet', null, ['flatten', 'dense']],
  ]);
  for (const model of models) {
    assert.ok(
      model.layers.every((l) => l.conditional === undefined),
      model.name,
    );
    assert.equal(model.training.trained, true, model.name);
    assert.equal(model.training.optimizer?.kind, 'adam', model.name);
  }
});

test('a switch over the model type with returns: one variant per case, the throwing default none', () => {
  const { models } = run(`${TF}export function buildModel(modelType, steps, features) {
  const model = tf.sequential();
  switch (modelType) {
    case 'mlp':
      model.add(tf.layers.flatten({ inputShape: [steps, features] }));
      model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
      break;
    case 'gru':
      model.add(tf.layers.gru({ units: 32, inputShape: [steps, features] }));
      break;
    default:
      throw new Error('unsupported: ' + modelType);
  }
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}`);
  assert.deepEqual(table(models), [
    ['buildModel', 'mlp', ['flatten', 'dense', 'dense']],
    ['buildModel', 'gru', ['gru', 'dense']],
  ]);
  assert.deepEqual(
    models.map((m) => m.variant?.label),
    ["modelType = 'mlp'", "modelType = 'gru'"],
  );
});

test('a call site that passes the type picks its variant: only that one exists', () => {
  const { models } = run(`${TF}function build(kind) {
  const model = tf.sequential();
  if (kind === 'lstm') model.add(tf.layers.lstm({ units: 16, inputShape: [10, 4] }));
  else model.add(tf.layers.simpleRNN({ units: 16, inputShape: [10, 4] }));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}
const model = build('lstm');
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });`);
  assert.deepEqual(table(models), [['build', null, ['lstm', 'dense']]]);
});

test('branches that build nothing different do not multiply models', () => {
  const { models } = run(`${TF}export function build(verbose, units) {
  const model = tf.sequential();
  if (verbose) console.log('building with', units);
  model.add(tf.layers.dense({ units: 8, inputShape: [4] }));
  if (verbose) { console.log('layer added'); }
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}`);
  assert.deepEqual(table(models), [['build', null, ['dense', 'dense']]]);
});

test('a literal assigned on one branch is a different model; equal results merge', () => {
  const { models } = run(`${TF}export function build(big, debug) {
  let units = 16;
  if (big) units = 256;
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, inputShape: [4], activation: 'relu' }));
  if (debug) model.summary();
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}`);
  assert.deepEqual(
    models.map((m) => [m.variant?.id, summary(m.layers[0])]),
    [
      ['big', 'dense(units=256,activation="relu")'],
      ['no-big', 'dense(units=16,activation="relu")'],
    ],
  );
});

test('a functional graph threaded through a branch: each variant has its own edges', () => {
  const { models } = run(`${TF}export function build(useNorm) {
  const input = tf.input({ shape: [16] });
  let x = tf.layers.dense({ units: 32, activation: 'relu' }).apply(input);
  if (useNorm) x = tf.layers.batchNormalization().apply(x);
  const output = tf.layers.dense({ units: 1 }).apply(x);
  return tf.model({ inputs: input, outputs: output });
}`);
  assert.deepEqual(table(models), [
    ['build', 'useNorm', ['dense', 'batchNormalization', 'dense']],
    ['build', 'no-useNorm', ['dense', 'dense']],
  ]);
  assert.equal(models[1].edges.length, 2);
  assert.equal(models[0].edges.length, 3);
});

test('an early return per model type; nested type checks stay consistent on one path', () => {
  const { models } = run(`${TF}export function build(type) {
  if (type === 'tiny') {
    return tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
  }
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 64, inputShape: [3], activation: 'relu' }));
  if (type === 'deep') {
    model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
    model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
  }
  if (type === 'tiny') model.add(tf.layers.dropout({ rate: 0.5 }));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}`);
  assert.deepEqual(
    models.map((m) => [m.variant?.id ?? null, factories(m)]),
    [
      [null, ['dense']],
      ['deep', ['dense', 'dense', 'dense', 'dense']],
      ['not-deep', ['dense', 'dense']],
    ],
  );
});

test('more paths than the bound: the first ones are followed and the result says so', () => {
  const flags = Array.from({ length: 6 }, (_, i) => `f${i}`);
  const source = `${TF}export function build(${flags.join(', ')}) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [2] }));
${flags.map((f, i) => `  if (${f}) model.add(tf.layers.dense({ units: ${i + 1} }));`).join('\n')}
  return model;
}`;
  const result = analyze(source, 'many.ts');
  assert.equal(result.models.length, 16);
  assert.equal(new Set(result.models.map((m) => m.variant?.id)).size, 16);
  assert.match(result.problems[0]?.message ?? '', /more than 16 paths through build/);
  assert.equal(result.problems[0]?.kind, 'incomplete');
});

test('a helper that adds to the caller model on one branch gives the caller two variants', () => {
  const { models } = run(`${TF}function block(model, withNorm) {
  model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
  if (withNorm) model.add(tf.layers.batchNormalization());
}
export function build(withNorm) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, inputShape: [8], activation: 'relu' }));
  block(model, withNorm);
  block(model, withNorm);
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}`);
  // The same flag on both calls: two paths, not four.
  assert.deepEqual(
    models.map((m) => [m.variant?.id, factories(m)]),
    [
      [
        'withNorm',
        ['dense', 'dense', 'batchNormalization', 'dense', 'batchNormalization', 'dense'],
      ],
      ['no-withNorm', ['dense', 'dense', 'dense', 'dense']],
    ],
  );
});

test('a type compared against enum members and config constants names the variants by value', () => {
  const { models } = run(`${TF}enum Arch { Conv = 'conv', Recurrent = 'rnn' }
const KINDS = { DENSE: 'dense' };
export function build(arch: Arch | string) {
  const model = tf.sequential();
  if (arch === Arch.Conv) model.add(tf.layers.conv1d({ filters: 8, kernelSize: 3, inputShape: [16, 1] }));
  else if (Arch.Recurrent === arch) model.add(tf.layers.gru({ units: 8, inputShape: [16, 1] }));
  else if (arch === KINDS.DENSE) model.add(tf.layers.flatten({ inputShape: [16, 1] }));
  else throw new Error(String(arch));
  switch (arch) {
    case Arch.Conv: model.add(tf.layers.flatten()); break;
    default: break;
  }
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}`);
  assert.deepEqual(
    models.map((m) => [m.variant?.id, m.variant?.label, factories(m)]),
    [
      ['conv', 'arch = Arch.Conv', ['conv1d', 'flatten', 'dense']],
      ['rnn', 'arch = Arch.Recurrent', ['gru', 'dense']],
      ['dense', 'arch = KINDS.DENSE', ['flatten', 'dense']],
    ],
  );
});
