/** Model code as other people write it: tfjs without an import, classes, config arrays, React state, loaded bases. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../src/analysis/index';
import type { ModelGraph } from '../../src/analysis/ir';
import { config, onlyModel, run, summary } from './helpers';

const TF = "import * as tf from '@tensorflow/tfjs';\n";
const factories = (m: ModelGraph) => m.layers.map((l) => l.factory);

test('a <script>-tag page: tf is never bound, the file is tfjs and fixes can insert tf calls', () => {
  const result = run(
    `const model = tf.sequential();
model.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
document.querySelector('#go').onclick = () => model.fit(xs, ys, { epochs: 5 });`,
    'page.js',
  );
  assert.equal(result.importsTfjs, true);
  assert.deepEqual(result.access, { tf: 'tf', layers: 'tf.layers' });
  assert.deepEqual(factories(result.models[0]), ['dense', 'dense']);
  assert.equal(result.models[0].training.learningRate, 0.01);
});

test('tf handed in as a parameter, or read from window/globalThis/self, is tfjs', () => {
  const plugin = onlyModel(
    `export function register(tf, units = 16) {
  const input = tf.input({ shape: [10] });
  const output = tf.layers.dense({ units }).apply(input);
  return tf.model({ inputs: input, outputs: output });
}`,
    'plugin.js',
  );
  assert.equal(plugin.name, 'register');
  assert.deepEqual(config(plugin.layers[0]).units, 16);
  for (const global of ['window', 'globalThis', 'self']) {
    const model = onlyModel(
      `const tf = ${global}.tf;\nconst net = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] })] });`,
      'worker.js',
    );
    assert.deepEqual(factories(model), ['dense'], global);
  }
});

test('every import form reaches tfjs', () => {
  const forms = [
    "import { default as tf } from '@tensorflow/tfjs';",
    "import tf from '@tensorflow/tfjs';",
    "const tf = await import('@tensorflow/tfjs');",
    "const tf = require('@tensorflow/tfjs-node');",
  ];
  for (const form of forms) {
    const model = onlyModel(
      `${form}\nconst m = tf.sequential();\nm.add(tf.layers.dense({ units: 2, inputShape: [3] }));`,
      'form.mjs',
    );
    assert.deepEqual(factories(model), ['dense'], form);
  }
  const destructured = onlyModel(
    `const { layers, sequential } = require('@tensorflow/tfjs');\nconst m = sequential();\nm.add(layers.dense({ units: 2, inputShape: [3] }));`,
    'cjs.js',
  );
  assert.deepEqual(factories(destructured), ['dense']);
});

test('a file with its own tf is not tfjs', () => {
  for (const source of [
    "const tf = require('./tf-idf');\nconst scores = tf.train(docs);\nconst m = tf.model(scores);",
    'const tf = { layers: { dense: (x) => x }, sequential: () => [] };\nconst net = tf.sequential();\nnet.push(tf.layers.dense(1));',
  ]) {
    const result = analyze(source, 'search.js');
    assert.equal(result.importsTfjs, false, source);
    assert.deepEqual(result.models, []);
  }
});

test('a class keeps its sizes in fields and its model on this.model, trained through it', () => {
  const result = run(`${TF}export class CharModel {
  vocabSize = 40;
  constructor(sampleLen, lstmSizes = [128, 64]) {
    this.sampleLen = sampleLen;
    this.lstmSizes = lstmSizes;
  }
  build() {
    this.model = tf.sequential();
    this.lstmSizes.forEach((units, i) => {
      this.model.add(tf.layers.lstm({ units, returnSequences: i < this.lstmSizes.length - 1,
        inputShape: i === 0 ? [this.sampleLen, this.vocabSize] : undefined }));
    });
    this.model.add(tf.layers.dense({ units: this.vocabSize, activation: 'softmax' }));
  }
  async train(xs, ys) {
    this.model.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'categoricalCrossentropy' });
    await this.model.fit(xs, ys, { epochs: 2 });
  }
}`);
  const [model] = result.models;
  assert.deepEqual(
    model.layers.map((l) => summary(l, ['units', 'returnSequences'])),
    [
      'lstm(units=128,returnSequences=true)',
      'lstm(units=64,returnSequences=false)',
      'dense(units=40)',
    ],
  );
  // The constructor's parameter is unknown: it stays visible by name, never `undefined`.
  assert.deepEqual(config(model.layers[0]).inputShape, ['?sampleLen', 40]);
  assert.equal(model.training.trained, true);
  assert.equal(model.training.learningRate, 0.01);
});

test('config arrays applied through tf.layers[spec.type](spec) and computed factory names', () => {
  const { models } = run(`${TF}const specs = [
  { type: 'dense', units: 32, activation: 'relu', inputShape: [8] },
  { type: 'dropout', rate: 0.2 },
  { type: 'dense', units: 1 },
];
export const fromSpecs = () => tf.sequential({ layers: specs.map((s) => tf.layers[s.type](s)) });
export function fromNames(names = ['dense', 'batchNormalization', 'dense']) {
  const model = tf.sequential();
  names.forEach((name, i) => model.add(tf.layers[name](name === 'dense' ? { units: 4 * (i + 1), inputShape: i === 0 ? [3] : undefined } : {})));
  return model;
}`);
  assert.deepEqual(
    models.map((m) => [m.name, m.layers.map((l) => summary(l, ['units', 'rate']))]),
    [
      ['fromSpecs', ['dense(units=32)', 'dropout(rate=0.2)', 'dense(units=1)']],
      ['fromNames', ['dense(units=4)', 'batchNormalization()', 'dense(units=12)']],
    ],
  );
});

test('React state gives the initial value, and a loop over it expands', () => {
  const model = onlyModel(
    `${TF}export function Trainer() {
  const [units, setUnits] = useState(64);
  const [depth] = React.useState(() => 3);
  const rate = useRef(0.001);
  const build = () => {
    const m = tf.sequential();
    for (let i = 0; i < depth; i++) m.add(tf.layers.dense({ units, activation: 'relu', inputShape: i === 0 ? [2] : undefined }));
    m.compile({ optimizer: tf.train.adam(rate.current), loss: 'meanSquaredError' });
    return m;
  };
  return build;
}`,
    'Trainer.jsx',
  );
  assert.deepEqual(
    model.layers.map((l) => [summary(l, ['units']), l.repeat?.count]),
    [
      ['dense(units=64)', 3],
      ['dense(units=64)', 3],
      ['dense(units=64)', 3],
    ],
  );
  assert.equal(model.training.learningRate, 0.001);
});

test('training in a helper of the same file marks the model passed in as trained', () => {
  const { models } = run(`${TF}function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 10, inputShape: [4], activation: 'softmax' }));
  return model;
}
async function trainModel(model, data, epochs = 5) {
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  await model.fit(data.xs, data.ys, { epochs });
}
export async function run(data) {
  const model = createModel();
  await trainModel(model, data);
  return model;
}`);
  assert.equal(models.length, 1);
  assert.equal(models[0].training.trained, true);
  assert.equal(models[0].training.optimizer?.kind, 'sgd');
  assert.equal(models[0].training.learningRate, 0.1);
  assert.equal(models[0].training.loss?.name, 'categoricalCrossentropy');
});

test('transfer learning: a truncated loaded base and a new head on it', () => {
  const { models } = run(`${TF}async function loadTruncated() {
  const base = await tf.loadLayersModel('https://example.com/mobilenet/model.json');
  const layer = base.getLayer('conv_pw_13_relu');
  return tf.model({ inputs: base.inputs, outputs: layer.output });
}
export async function buildClassifier(numClasses) {
  const truncated = await loadTruncated();
  const head = tf.sequential({ layers: [
    tf.layers.flatten({ inputShape: truncated.outputs[0].shape.slice(1) }),
    tf.layers.dense({ units: 100, activation: 'relu' }),
    tf.layers.dense({ units: numClasses, activation: 'softmax' }),
  ] });
  const model = tf.model({ inputs: truncated.inputs, outputs: head.apply(truncated.outputs[0]) });
  return model;
}
export async function stacked() {
  const base = await tf.io.loadGraphModel('file://base/model.json');
  const model = tf.sequential();
  model.add(base);
  model.add(tf.layers.dense({ units: 3 }));
  return model;
}`);
  const byName = (name: string) => models.find((m) => m.name === name)!;
  const truncated = byName('loadTruncated');
  assert.deepEqual(
    truncated.bases?.map((b) => [b.loader, b.url, b.truncatedAt]),
    [
      [
        'loadLayersModel',
        { kind: 'string', value: 'https://example.com/mobilenet/model.json' },
        'conv_pw_13_relu',
      ],
    ],
  );
  assert.deepEqual(
    truncated.inputs.map((i) => i.base),
    [0],
  );
  const classifier = byName('buildClassifier');
  assert.deepEqual(factories(classifier), ['flatten', 'dense', 'dense']);
  assert.deepEqual(
    classifier.inputs.map((i) => i.base),
    [0],
  );
  assert.equal(classifier.bases?.[0].truncatedAt, 'conv_pw_13_relu');
  const head = byName('head');
  assert.deepEqual(config(head.layers[0]).inputShape, '?truncated.outputs[0].shape.slice(1)');
  const stack = byName('stacked');
  assert.deepEqual(
    stack.layers.map((l) => [l.factory, l.base]),
    [
      ['loadedModel', 0],
      ['dense', undefined],
    ],
  );
  assert.equal(stack.bases?.[0].loader, 'loadGraphModel');
});
