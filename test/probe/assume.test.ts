/** Role defaults: open values filled by the role they play, on IR shaped like real builders. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../src/analysis';
import type { ModelGraph } from '../../src/analysis/ir';
import { ROLE_DEFAULTS } from '../../src/probe/assume';
import { resolveUnknowns } from '../../src/probe/resolve';
import { functional, js, sequential, unknown } from '../fixtures/probe/ir';

function assumed(model: ModelGraph, values: Record<string, string> = {}) {
  const result = resolveUnknowns(model, values, { assume: true });
  assert.deepEqual(result.missing, []);
  return {
    model: result.model,
    values: Object.fromEntries(result.assumed.map((a) => [a.name, a.value])),
    roles: Object.fromEntries(result.assumed.map((a) => [a.name, a.role])),
  };
}

const prop = (model: ModelGraph, layer: number, key: string) =>
  model.layers[layer]!.config.props[key]?.value;

test('a tabular classifier: input width, hidden width and classes from the loss', () => {
  const model = sequential(
    'trainModel',
    [
      {
        factory: 'dense',
        config: { units: unknown('hiddenSize'), inputShape: [unknown('xTrain.shape[1]')] },
      },
      { factory: 'dense', config: { units: unknown('labels.length'), activation: 'softmax' } },
    ],
    { loss: 'categoricalCrossentropy', optimizer: 'adam' },
  );
  const { values, roles, model: filled } = assumed(model);
  assert.deepEqual(values, { 'xTrain.shape[1]': 32, hiddenSize: 64, 'labels.length': 10 });
  assert.match(roles['labels.length']!, /number of classes/);
  assert.deepEqual(prop(filled, 0, 'inputShape'), js([32]));
  // The original IR keeps its unknowns (other consumers read it).
  assert.equal(prop(model, 0, 'units')?.kind, 'unknown');
});

test('output units follow the loss: binary 1, regression 1, categorical 10', () => {
  const build = (loss: string) =>
    sequential(
      'm',
      [
        { factory: 'dense', config: { units: 8, inputShape: [4] } },
        { factory: 'dense', config: { units: unknown('outputs') } },
      ],
      { loss, optimizer: 'sgd' },
    );
  assert.equal(assumed(build('binaryCrossentropy')).values['outputs'], 1);
  assert.equal(assumed(build('meanSquaredError')).values['outputs'], 1);
  assert.equal(assumed(build('sparseCategoricalCrossentropy')).values['outputs'], 10);
});

test('an image input with constants from another file: the smallest side every layer fits', () => {
  const layers = (convs: number, pools: number) => [
    {
      factory: 'conv2d',
      config: {
        filters: 8,
        kernelSize: 3,
        inputShape: [unknown('IMAGE_H'), unknown('IMAGE_W'), 1],
      },
    },
    ...Array.from({ length: pools }, () => [
      { factory: 'maxPooling2d', config: { poolSize: 2, strides: 2 } },
      { factory: 'conv2d', config: { filters: 8, kernelSize: 3 } },
    ]).flat(),
    ...Array.from({ length: convs - 1 - pools }, () => ({
      factory: 'conv2d',
      config: { filters: 8, kernelSize: 3 },
    })),
    { factory: 'flatten' },
    { factory: 'dense', config: { units: 10, activation: 'softmax' } },
  ];
  // Three 3x3 convolutions keep a pixel from 8 on; with two 2x2 poolings between them 8 and 16 do not.
  assert.equal(assumed(sequential('small', layers(3, 0))).values['IMAGE_H'], 8);
  const pooled = assumed(sequential('pooled', layers(3, 2)));
  assert.deepEqual([pooled.values['IMAGE_H'], pooled.values['IMAGE_W']], [28, 28]);
  assert.match(pooled.roles['IMAGE_W']!, /image width of the first layer \(conv2d/);
});

test('a whole open input shape takes the shape of the layer family it feeds', () => {
  const first = (factory: string, config: Record<string, unknown> = {}) =>
    assumed(
      sequential('m', [
        { factory, config: { ...config, inputShape: unknown('inputShape') } },
        { factory: 'dense', config: { units: 1 } },
      ]),
    ).values['inputShape'];
  assert.deepEqual(first('dense', { units: 4 }), [32]);
  assert.deepEqual(first('lstm', { units: 4 }), [20, 8]);
  assert.deepEqual(first('conv2d', { filters: 4, kernelSize: 3 }), [8, 8, 3]);
  // No input shape at all: the `input` name, as --set input=... supplies it.
  const bare = assumed(sequential('m', [{ factory: 'dense', config: { units: 1 } }]));
  assert.deepEqual(bare.values, { input: [32] });
});

test('recurrent stacks: time steps, features, units, and returnSequences from the next layer', () => {
  const model = sequential(
    'buildGRUModel',
    [
      {
        factory: 'lstm',
        config: {
          units: unknown('lstmLayerSizes[i]'),
          returnSequences: unknown('i < lstmLayerSizes.length - 1'),
          inputShape: [unknown('numTimeSteps'), unknown('numFeatures')],
        },
      },
      { factory: 'gru', config: { units: 16, returnSequences: unknown('returnAll') } },
      { factory: 'dense', config: { units: 1 } },
    ],
    { loss: 'meanAbsoluteError', optimizer: 'rmsprop' },
  );
  const { values } = assumed(model);
  assert.deepEqual(values, {
    'lstmLayerSizes[i]': 32,
    'i < lstmLayerSizes.length - 1': true,
    numTimeSteps: 20,
    numFeatures: 8,
    returnAll: false,
  });
});

test('embeddings: vocabulary, width and sequence length; one expression gets one value', () => {
  const model = sequential(
    'buildModel',
    [
      {
        factory: 'embedding',
        config: {
          inputDim: unknown('vocabularySize'),
          outputDim: unknown('embeddingSize'),
          inputLength: unknown('maxLen'),
        },
      },
      {
        factory: 'bidirectional',
        inner: { factory: 'lstm', config: { units: unknown('maxLen') } },
      },
      {
        factory: 'timeDistributed',
        inner: { factory: 'dense', config: { units: unknown('numLabels') } },
      },
      { factory: 'flatten' },
      { factory: 'dense', config: { units: unknown('numLabels'), activation: 'softmax' } },
    ],
    { loss: 'categoricalCrossentropy', optimizer: 'adam' },
  );
  const { values, model: filled } = assumed(model);
  assert.deepEqual(values, { vocabularySize: 1000, embeddingSize: 32, maxLen: 20, numLabels: 10 });
  assert.deepEqual(filled.layers[1]!.inner!.config.props['units']!.value, js(20));
  assert.deepEqual(filled.layers[2]!.inner!.config.props['units']!.value, js(10));
});

test('optional properties go to tfjs defaults; names and trainable are never listed', () => {
  const model = sequential('m', [
    {
      factory: 'dense',
      config: {
        units: 4,
        inputShape: [3],
        activation: unknown('args.activation'),
        kernelInitializer: { className: unknown('initName') },
        name: unknown('`dense_${i}`'),
        trainable: unknown('!frozen'),
      },
    },
    { factory: 'reshape', config: { targetShape: [unknown('rows'), 2] } },
    { factory: 'dropout', config: { rate: unknown('params.dropout') } },
  ]);
  const { values, roles, model: filled } = assumed(model);
  assert.deepEqual(values, {
    'args.activation': null,
    initName: null,
    rows: -1,
    'params.dropout': 0.2,
  });
  assert.match(roles['args.activation']!, /left to tfjs's default/);
  for (const key of ['activation', 'kernelInitializer', 'name', 'trainable'])
    assert.equal(prop(filled, 0, key), undefined, key);
});

test('a config that cannot be read gets the keys its factory needs', () => {
  const model = sequential('m', [
    { factory: 'dense' },
    { factory: 'dense', config: { units: 1, activation: 'sigmoid' } },
  ]);
  model.layers[0]!.config = { props: {}, objectSpan: null, opaque: true, text: 'hiddenConfig' };
  const { values, model: filled } = assumed(model);
  assert.deepEqual(values, { hiddenConfig: { units: 64, inputShape: [32] } });
  assert.deepEqual(prop(filled, 0, 'units'), js(64));
});

test('a config read in part: a required key missing from it is named after the spread', () => {
  const model = sequential('m', [
    { factory: 'conv2d', config: { activation: 'relu', inputShape: [16, 16, 1] } },
    { factory: 'flatten' },
    { factory: 'dense', config: { units: 1 } },
  ]);
  model.layers[0]!.config.opaque = true;
  model.layers[0]!.config.text = "{ ...convDefaults, activation: 'relu' }";
  const { values } = assumed(model);
  assert.deepEqual(values, { 'convDefaults.filters': 32, 'convDefaults.kernelSize': 3 });
});

test('functional: inputs by the layer they feed; an initial state gets the recurrent units', () => {
  const model = functional(
    'decoder',
    {
      inputs: [
        { id: 'tokens', shape: [null, unknown('numTokens')] },
        { id: 'h', shape: unknown('') },
        { id: 'c', shape: unknown('') },
      ],
      layers: [
        { factory: 'lstm', config: { units: unknown('latentDim'), returnSequences: true } },
        { factory: 'dense', config: { units: unknown('numTokens'), activation: 'softmax' } },
      ],
      nodes: [
        ['out', 0, ['tokens', 'h', 'c']],
        ['probs', 1, ['out']],
      ],
      outputs: ['probs'],
    },
    { loss: 'categoricalCrossentropy', optimizer: 'rmsprop' },
  );
  const { values, roles } = assumed(model, { latentDim: '48' });
  assert.deepEqual(values, { numTokens: 10, latentDim: 48, input2: [48], input3: [48] });
  assert.match(roles['input2']!, /initial state of lstm layer 0/);
});

test('values from the code: the tensors passed to fit give the input width and the outputs', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
import { NUM_FEATURES } from './constants';
export async function train(rows, labels, numClasses) {
  const xs = tf.tensor2d(rows, [rows.length, 7]);
  const ys = tf.tensor2d([[0, 1, 0], [1, 0, 0]]);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [NUM_FEATURES] }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await model.fit(xs, ys, { epochs: 5 });
  return model;
}`;
  const [model] = analyze(source, 'train.js').models;
  assert.deepEqual(model!.training.fitCalls[0]!.yShape, js([2, 3]));
  // Without assume too: these values are in the code, not guesses (--no-assume accepts them).
  const result = resolveUnknowns(model!, {});
  assert.deepEqual(result.missing, []);
  assert.deepEqual(
    result.assumed.map((a) => [a.name, a.value, a.source]),
    [
      ['NUM_FEATURES', 7, 'code'],
      ['numClasses', 3, 'code'],
    ],
  );
  assert.match(result.assumed[0]!.role, /from the data passed to model\.fit \(line 10\)/);
  // A size the code writes next to the data resolves as code, not as an open value.
  const inline = analyze(source.replace('[NUM_FEATURES]', '[xs.shape[1]]'), 'train.js').models[0]!;
  assert.deepEqual(inline.layers[0]!.config.props['inputShape']!.value, js([7]));
});

test('an open learning rate is listed with tfjs default for the optimizer, or the value set', () => {
  const model = sequential(
    'm',
    [{ factory: 'dense', config: { units: 3, inputShape: [4], activation: 'softmax' } }],
    {
      loss: 'categoricalCrossentropy',
      optimizer: 'adam',
      learningRate: { unknown: 'params.learningRate' },
    },
  );
  assert.deepEqual(assumed(model).values, { 'params.learningRate': 0.001 });
  const set = resolveUnknowns(model, { 'params.learningRate': '0.05' }, { assume: true });
  assert.deepEqual(
    set.assumed.map((a) => [a.name, a.value, a.source]),
    [['params.learningRate', 0.05, 'set']],
  );
  assert.equal(set.model.training.learningRate, 0.05);
  // A training choice, not part of the model: never required.
  assert.deepEqual(resolveUnknowns(model, {}).missing, []);
});

test('without assume nothing is filled: every open value is missing (what --no-assume lists)', () => {
  const model = sequential('m', [
    { factory: 'dense', config: { units: unknown('hiddenSize'), activation: unknown('act') } },
  ]);
  const result = resolveUnknowns(model, {});
  assert.deepEqual(result.missing, ['hiddenSize', 'act', 'input']);
  assert.deepEqual(result.assumed, []);
});

test('docs/probe-assumptions.md has a row for every role default with its value', () => {
  const page = readFileSync(join(__dirname, '..', '..', 'docs', 'probe-assumptions.md'), 'utf8');
  for (const [key, { value }] of Object.entries(ROLE_DEFAULTS)) {
    assert.match(page, new RegExp(`^\\| ${key} +\\|[^|]+\\| +${value} +\\|`, 'm'), key);
  }
});
