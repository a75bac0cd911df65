import assert from 'node:assert/strict';
import { test } from 'node:test';
import { config, onlyModel, run, summary } from './helpers';

interface Case {
  name: string;
  code: string;
  file?: string;
  layers: string[];
  modelName?: string;
  unknowns?: string[];
}

const TF = `import * as tf from '@tensorflow/tfjs';\n`;

const cases: Case[] = [
  {
    name: 'tf.sequential({layers: [...]}) with constants',
    code: `${TF}const UNITS = 32;\nconst model = tf.sequential({ layers: [tf.layers.dense({ units: UNITS * 2, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: UNITS, activation: 'softmax' })] });`,
    layers: ['dense(units=64,activation="relu")', 'dense(units=32,activation="softmax")'],
    modelName: 'model',
  },
  {
    name: 'model.add in straight code, named imports',
    code: `import { sequential, layers } from '@tensorflow/tfjs-node';\nconst net = sequential();\nnet.add(layers.dense({ units: 8, inputShape: [2] }));\nnet.add(layers.dense({ units: 1, activation: 'sigmoid' }));`,
    layers: ['dense(units=8)', 'dense(units=1,activation="sigmoid")'],
    modelName: 'net',
  },
  {
    name: 'default import and layers alias',
    code: `import tf from '@tensorflow/tfjs-node-gpu';\nconst L = tf.layers;\nconst m = tf.sequential();\nm.add(L.lstm({ units: 16, inputShape: [10, 3] }));\nm.add(L.dense({ units: 1 }));`,
    layers: ['lstm(units=16)', 'dense(units=1)'],
  },
  {
    name: 'destructured require from tfjs-layers',
    file: 'model.js',
    code: `const { layers, sequential } = require('@tensorflow/tfjs-layers');\nconst model = sequential();\nmodel.add(layers.conv2d({ filters: 8, kernelSize: 3, inputShape: [28, 28, 1] }));\nmodel.add(layers.flatten());`,
    layers: ['conv2d(filters=8)', 'flatten()'],
  },
  {
    name: 'for loop with computable bound and template string names',
    code: `${TF}const DEPTH = 4;\nconst model = tf.sequential();\nfor (let i = 0; i < DEPTH; i++) {\n  model.add(tf.layers.dense({ units: 64 >> i, activation: 'tanh', name: \`hidden_\${i}\` }));\n}`,
    layers: [
      'dense(units=64,activation="tanh")',
      'dense(units=32,activation="tanh")',
      'dense(units=16,activation="tanh")',
      'dense(units=8,activation="tanh")',
    ],
  },
  {
    name: 'layers in an array, spread, with a shared config spread',
    code: `${TF}const base = { activation: 'relu', kernelInitializer: 'heNormal' };\nconst hidden = [tf.layers.dense({ ...base, units: 10, inputShape: [3] }), tf.layers.dense({ ...base, units: 5 })];\nconst out = tf.layers.dense({ units: 1 });\nconst model = tf.sequential({ layers: [...hidden, out] });`,
    layers: [
      'dense(units=10,activation="relu")',
      'dense(units=5,activation="relu")',
      'dense(units=1)',
    ],
  },
  {
    name: 'map over an array of widths',
    code: `${TF}const widths = [128, 64, 32];\nconst model = tf.sequential({ layers: widths.map((units, i) => tf.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [20] } : {}) })) });`,
    layers: [
      'dense(units=128,activation="relu")',
      'dense(units=64,activation="relu")',
      'dense(units=32,activation="relu")',
    ],
  },
  {
    name: 'Array.from with a length',
    code: `${TF}const model = tf.sequential({ layers: Array.from({ length: 3 }, () => tf.layers.dense({ units: 4, activation: 'sigmoid', inputShape: [4] })) });`,
    layers: [
      'dense(units=4,activation="sigmoid")',
      'dense(units=4,activation="sigmoid")',
      'dense(units=4,activation="sigmoid")',
    ],
  },
  {
    name: 'decidable if picks one branch',
    code: `${TF}const USE_RNN = false;\nconst model = tf.sequential();\nif (USE_RNN) { model.add(tf.layers.simpleRNN({ units: 8, inputShape: [5, 2] })); } else { model.add(tf.layers.dense({ units: 8, inputShape: [2] })); }`,
    layers: ['dense(units=8)'],
  },
  {
    name: 'decidable switch on layer type',
    code: `${TF}function make(kind) {\n  switch (kind) {\n    case 'lstm': return tf.layers.lstm({ units: 32, inputShape: [10, 4] });\n    case 'gru': return tf.layers.gru({ units: 32, inputShape: [10, 4] });\n    default: return tf.layers.simpleRNN({ units: 32, inputShape: [10, 4] });\n  }\n}\nconst model = tf.sequential();\nmodel.add(make('gru'));\nmodel.add(tf.layers.dense({ units: 1 }));`,
    layers: ['gru(units=32)', 'dense(units=1)'],
  },
  {
    name: 'helper returning an array of layers, TS annotations and as-casts',
    code: `${TF}function block(units: number, act: string): tf.layers.Layer[] {\n  return [tf.layers.dense({ units, activation: act as any }), tf.layers.batchNormalization()];\n}\nconst model = tf.sequential() as tf.Sequential;\nfor (const l of block(16, 'relu')) model.add(l);\nmodel.add(tf.layers.dense({ units: 2, activation: 'softmax' }));`,
    layers: [
      'dense(units=16,activation="relu")',
      'batchNormalization()',
      'dense(units=2,activation="softmax")',
    ],
  },
  {
    name: 'const destructuring of a settings object',
    code: `${TF}const settings = { hidden: 24, act: 'elu', depth: 2 };\nconst { hidden, act, depth = 9 } = settings;\nconst model = tf.sequential();\nfor (let i = 0; i < depth; i++) model.add(tf.layers.dense({ units: hidden, activation: act }));`,
    layers: ['dense(units=24,activation="elu")', 'dense(units=24,activation="elu")'],
  },
  {
    name: 'class method builds the model with this-fields',
    code: `${TF}export class Net {\n  private units = 12;\n  build() {\n    const model = tf.sequential();\n    model.add(tf.layers.dense({ units: this.units, inputShape: [3] }));\n    return model;\n  }\n}\nconst net = new Net();\nconst m = net.build();`,
    layers: ['dense(units=12)'],
    modelName: 'Net.build',
  },
  {
    name: 'exported arrow builder never called: parameters stay unknown',
    code: `${TF}export const createModel = (inputSize: number, hidden = 32) => {\n  const model = tf.sequential();\n  model.add(tf.layers.dense({ units: hidden, inputShape: [inputSize] }));\n  model.add(tf.layers.dense({ units: 1 }));\n  return model;\n};`,
    layers: ['dense(units=32)', 'dense(units=1)'],
    modelName: 'createModel',
    unknowns: ['inputSize'],
  },
  {
    name: 'optional chaining and non-null assertions',
    code: `${TF}const cfg: { sizes?: number[] } = { sizes: [6] };\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: cfg?.sizes![0] ?? 1, inputShape: [2] }));`,
    layers: ['dense(units=6)'],
  },
  {
    name: 'wrappers keep the wrapped layer as inner',
    code: `${TF}const model = tf.sequential();\nmodel.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8, returnSequences: true }) as tf.RNN, inputShape: [5, 3] }));\nmodel.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }));`,
    layers: ['bidirectional()', 'timeDistributed()'],
  },
  {
    name: 'activation, normalization, dropout, pooling and embedding layers',
    code: `${TF}const model = tf.sequential();\nmodel.add(tf.layers.embedding({ inputDim: 1000, outputDim: 16, inputLength: 20 }));\nmodel.add(tf.layers.conv1d({ filters: 8, kernelSize: 3 }));\nmodel.add(tf.layers.leakyReLU());\nmodel.add(tf.layers.layerNormalization());\nmodel.add(tf.layers.maxPooling1d({ poolSize: 2 }));\nmodel.add(tf.layers.dropout({ rate: 0.2 }));\nmodel.add(tf.layers.globalAveragePooling1d());\nmodel.add(tf.layers.activation({ activation: 'sigmoid' }));`,
    layers: [
      'embedding()',
      'conv1d(filters=8)',
      'leakyReLU()',
      'layerNormalization()',
      'maxPooling1d()',
      'dropout()',
      'globalAveragePooling1d()',
      'activation(activation="sigmoid")',
    ],
  },
  {
    name: 'JSX file',
    file: 'App.jsx',
    code: `import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [3] })] });\nexport const App = () => <div className="x">{model.name}</div>;`,
    layers: ['dense(units=3)'],
  },
  {
    name: 'TSX file with generics',
    file: 'View.tsx',
    code: `import * as tf from '@tensorflow/tfjs';\nfunction id<T,>(x: T): T { return x; }\nconst model = id(tf.sequential());\nmodel.add(tf.layers.dense({ units: 7, inputShape: [1] }));\nexport const View = (): JSX.Element => <span>{7}</span>;`,
    layers: ['dense(units=7)'],
  },
];

for (const c of cases) {
  test(`sequential: ${c.name}`, () => {
    const model = onlyModel(c.code, c.file);
    assert.equal(model.kind, 'sequential');
    assert.deepEqual(
      model.layers.map((l) => summary(l)),
      c.layers,
    );
    model.layers.forEach((layer, i) => assert.equal(layer.index, i));
    if (c.modelName) assert.equal(model.name, c.modelName);
    if (c.unknowns) assert.deepEqual(model.unknowns, c.unknowns);
  });
}

test('loop layers carry repeat with iteration and count', () => {
  const model = onlyModel(
    `${TF}const model = tf.sequential();\nfor (let i = 0; i < 3; i++) model.add(tf.layers.dense({ units: 4 }));`,
  );
  assert.deepEqual(
    model.layers.map((l) => l.repeat),
    [
      { iteration: 0, count: 3 },
      { iteration: 1, count: 3 },
      { iteration: 2, count: 3 },
    ],
  );
  // every iteration points at the same call in source
  assert.equal(new Set(model.layers.map((l) => l.callSpan.start)).size, 1);
});

test('an undecidable if gives one model per branch, named by the condition', () => {
  const { models } = run(
    `${TF}export function build(useNorm: boolean) {\n  const model = tf.sequential();\n  model.add(tf.layers.dense({ units: 4, inputShape: [2] }));\n  if (useNorm) model.add(tf.layers.batchNormalization());\n  else model.add(tf.layers.dropout({ rate: 0.5 }));\n  return model;\n}`,
  );
  assert.deepEqual(
    models.map((m) => [m.variant?.id, m.variant?.label, m.layers.map((l) => l.factory)]),
    [
      ['useNorm', 'useNorm', ['dense', 'batchNormalization']],
      ['no-useNorm', 'not useNorm', ['dense', 'dropout']],
    ],
  );
  assert.ok(models.every((m) => m.layers.every((l) => l.conditional === undefined)));
  assert.deepEqual(models[1].variant?.path, [{ condition: 'useNorm', branch: 'else' }]);
});

test('an undecidable switch gives one model per case', () => {
  const { models } = run(
    `${TF}export function build(kind: string) {\n  const model = tf.sequential();\n  switch (kind) {\n    case 'a': model.add(tf.layers.lstm({ units: 4 })); break;\n    default: model.add(tf.layers.gru({ units: 4 }));\n  }\n  return model;\n}`,
  );
  assert.deepEqual(
    models.map((m) => [m.variant?.id, m.variant?.label, m.layers.map((l) => l.factory)]),
    [
      ['a', "kind = 'a'", ['lstm']],
      ['default', 'kind: default', ['gru']],
    ],
  );
});

test('loop with an unknown bound runs once, conditional, without repeat', () => {
  const model = onlyModel(
    `${TF}export function build(depth: number) {\n  const model = tf.sequential();\n  for (let i = 0; i < depth; i++) model.add(tf.layers.dense({ units: 8 }));\n  return model;\n}`,
  );
  assert.equal(model.layers.length, 1);
  assert.equal(model.layers[0].repeat, undefined);
  assert.equal(model.layers[0].conditional?.branch, 'loop body');
});

test('parameters resolve from call sites when all agree, else unknown with the expression text', () => {
  const agree = onlyModel(
    `${TF}function build(n) { const model = tf.sequential(); model.add(tf.layers.dense({ units: n })); return model; }\nconst a = build(16);\nconst b = build(16);`,
  );
  assert.deepEqual(
    agree.layers.map((l) => summary(l)),
    ['dense(units=16)'],
  );
  const differ = onlyModel(
    `${TF}function build(n) { const model = tf.sequential(); model.add(tf.layers.dense({ units: n, activation: 'relu' })); return model; }\nconst a = build(16);\nconst b = build(32);`,
  );
  assert.deepEqual(
    differ.layers.map((l) => summary(l)),
    ['dense(units="?n",activation="relu")'],
  );
  assert.deepEqual(differ.unknowns, ['n']);
});

test('a layer stored in a variable records the variable name', () => {
  const model = onlyModel(
    `${TF}const hidden = tf.layers.dense({ units: 5 });\nconst model = tf.sequential();\nmodel.add(hidden);`,
  );
  assert.equal(model.layers[0].variable, 'hidden');
});

test('a file with two models keeps them apart', () => {
  const result = run(
    `${TF}const enc = tf.sequential();\nenc.add(tf.layers.dense({ units: 4, inputShape: [8] }));\nconst dec = tf.sequential();\ndec.add(tf.layers.dense({ units: 8, inputShape: [4] }));\ndec.add(tf.layers.dense({ units: 8 }));`,
  );
  assert.deepEqual(
    result.models.map((m) => [m.name, m.layers.length]),
    [
      ['enc', 1],
      ['dec', 2],
    ],
  );
});

test('custom layer classes are listed as unresolved, not dropped silently; a nested sequential model is its layers', () => {
  const result = run(
    `${TF}class Scale extends tf.layers.Layer {}\nconst inner = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 4, inputShape: [2] }));\nmodel.add(new Scale());\nmodel.add(inner);`,
  );
  const model = result.models.find((m) => m.name === 'model');
  assert.deepEqual(
    model?.layers.map((l) => l.factory),
    ['dense', 'dense'],
  );
  assert.deepEqual(model?.unknowns, ['new Scale()']);
});

test('class with parameter properties, a TS enum and a factory picked by a ternary', () => {
  const source = `${TF}enum Kind { Lstm = 'lstm', Gru = 'gru' }
export default class Forecaster {
  model: tf.Sequential;
  constructor(private readonly steps: number, private readonly kind: Kind = Kind.Lstm) {
    this.model = tf.sequential();
    this.build();
  }
  private build(): void {
    const rnn = this.kind === Kind.Lstm ? tf.layers.lstm : tf.layers.gru;
    this.model.add(rnn({ units: 24, inputShape: [this.steps, 3] }));
    this.model.add(tf.layers.dense({ units: 1 }));
  }
  async train(xs: tf.Tensor, ys: tf.Tensor) {
    this.model.compile({ optimizer: tf.train.adam(3e-4), loss: 'meanSquaredError' });
    await this.model.fit(xs, ys, { epochs: 3 });
  }
}
const forecaster = new Forecaster(50);`;
  const model = onlyModel(source);
  assert.deepEqual(
    model.layers.map((l) => summary(l, ['units', 'inputShape'])),
    ['lstm(units=24,inputShape=[50,3])', 'dense(units=1)'],
  );
  assert.equal(model.training.learningRate, 3e-4);
  assert.equal(model.training.trained, true);
});

test('an undecidable ternary between two layers gives two models; while loops expand', () => {
  const { models } = run(`${TF}let i = 0;
const m = tf.sequential();
while (i < 2) { m.add(tf.layers.dense({ units: 8 * (i + 1), inputShape: i === 0 ? [4] : undefined })); i++; }
const useLstm = Math.random() > 0.5;
m.add(useLstm ? tf.layers.lstm({ units: 3 }) : tf.layers.gru({ units: 3 }));`);
  assert.deepEqual(
    models.map((m) => [m.variant?.id, m.layers.map((l) => [summary(l), l.repeat?.count])]),
    [
      [
        'useLstm',
        [
          ['dense(units=8)', 2],
          ['dense(units=16)', 2],
          ['lstm(units=3)', undefined],
        ],
      ],
      [
        'no-useLstm',
        [
          ['dense(units=8)', 2],
          ['dense(units=16)', 2],
          ['gru(units=3)', undefined],
        ],
      ],
    ],
  );
});

test('a wrapper carries the wrapped layer as inner and as a call value in its config', () => {
  const model = onlyModel(
    `${TF}const model = tf.sequential();\nmodel.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8 }) as tf.RNN, inputShape: [5, 3], mergeMode: 'sum' }));`,
  );
  const [wrapper] = model.layers;
  assert.equal(wrapper.inner?.factory, 'lstm');
  assert.deepEqual(wrapper.inner?.config.props.units.value, { kind: 'number', value: 8 });
  assert.equal(wrapper.inner?.index, 0);
  const layerValue = wrapper.config.props.layer.value;
  assert.equal(layerValue.kind, 'call');
  assert.equal(layerValue.kind === 'call' && layerValue.path, 'layers.lstm');
  assert.deepEqual(config(wrapper).layer, 'call:layers.lstm');
  assert.equal(config(wrapper).mergeMode, 'sum');
});

test('builders exported through module.exports or export default keep a useful name', () => {
  const cjs = onlyModel(
    `const tf = require('@tensorflow/tfjs');\nmodule.exports.createNet = function (units) {\n  const net = tf.sequential();\n  net.add(tf.layers.dense({ units, inputShape: [3] }));\n  return net;\n};`,
    'net.js',
  );
  assert.equal(cjs.name, 'createNet');
  assert.deepEqual(cjs.unknowns, ['units']);
  const esm = onlyModel(
    `${TF}export default (width = 8) => tf.sequential({ layers: [tf.layers.dense({ units: width, inputShape: [2] })] });`,
  );
  assert.equal(esm.name, 'default');
  assert.deepEqual(esm.layers[0].config.props.units.value, { kind: 'number', value: 8 });
});

test('a loop that may break on an undecidable condition marks the later iterations conditional', () => {
  const model = onlyModel(`${TF}export function build(limit: number) {
  const model = tf.sequential();
  for (let i = 0; i < 3; i++) {
    model.add(tf.layers.dense({ units: 4 }));
    if (i >= limit) break;
  }
  return model;
}`);
  assert.deepEqual(
    model.layers.map((l) => [l.repeat?.count, l.conditional?.branch]),
    [
      [3, undefined],
      [3, 'if the loop did not stop earlier'],
      [3, 'if the loop did not stop earlier'],
    ],
  );
});

test('an early return inside a helper is a path of its own; the caller loop stays whole', () => {
  const { models } = run(`${TF}export function build(kind: string) {
  const pick = (k: string) => { if (k === 'wide') return 64; return 8; };
  const model = tf.sequential();
  for (let i = 0; i < 2; i++) model.add(tf.layers.dense({ units: pick(kind) }));
  return model;
}`);
  assert.deepEqual(
    models.map((m) => [m.variant?.id, m.layers.map((l) => [summary(l), l.conditional])]),
    [
      [
        'wide',
        [
          ['dense(units=64)', undefined],
          ['dense(units=64)', undefined],
        ],
      ],
      [
        'not-wide',
        [
          ['dense(units=8)', undefined],
          ['dense(units=8)', undefined],
        ],
      ],
    ],
  );
});

test('helpers returning from undecidable branches: every live combination of their paths is a model', () => {
  const { models } =
    run(`${TF}function width(kind: string) { if (kind === 'wide') return 64; return 8; }
function recurrent(kind: string) {
  switch (kind) {
    case 'lstm': return tf.layers.lstm({ units: 4 });
    case 'gru': return tf.layers.gru({ units: 4 });
    default: throw new Error('unknown kind ' + kind);
  }
}
export function build(kind: string) {
  const model = tf.sequential();
  model.add(recurrent(kind));
  model.add(tf.layers.dense({ units: width(kind) }));
  return model;
}`);
  // The throwing default builds nothing, so it is no variant.
  assert.deepEqual(
    models.map((m) => [m.variant?.id, m.layers.map((l) => summary(l))]),
    [
      ['lstm+wide', ['lstm(units=4)', 'dense(units=64)']],
      ['lstm+not-wide', ['lstm(units=4)', 'dense(units=8)']],
      ['gru+wide', ['gru(units=4)', 'dense(units=64)']],
      ['gru+not-wide', ['gru(units=4)', 'dense(units=8)']],
    ],
  );
});

test('tfjs loaded with a dynamic import', () => {
  const model = onlyModel(
    `export async function build() {\n  const tf = await import('@tensorflow/tfjs');\n  const model = tf.sequential();\n  model.add(tf.layers.dense({ units: 5, inputShape: [2] }));\n  return model;\n}`,
    'lazy.js',
  );
  assert.deepEqual(
    model.layers.map((l) => summary(l)),
    ['dense(units=5)'],
  );
  assert.equal(model.name, 'build');
});

test('short size loops are followed exactly; long loops that build nothing leave their variables unknown', () => {
  const model = onlyModel(`${TF}let size = 8;
for (let i = 0; i < 3; i++) size *= 2;
let total = 0;
for (let step = 0; step < 1000; step++) total += step;
const model = tf.sequential();
model.add(tf.layers.dense({ units: size, inputShape: [total] }));`);
  assert.deepEqual(config(model.layers[0]), { units: 64, inputShape: ['?total'] });
  assert.deepEqual(model.unknowns, ['total']);
});

test('a parameter normalised with Array.isArray stays unknown when no call site gives it', () => {
  const model = onlyModel(`${TF}export function createModel(sizes) {
  if (!Array.isArray(sizes)) sizes = [sizes];
  const model = tf.sequential();
  for (let i = 0; i < sizes.length; ++i) model.add(tf.layers.lstm({ units: sizes[i] }));
  return model;
}`);
  assert.equal(model.layers.length, 1);
  assert.equal(model.layers[0].repeat, undefined);
  assert.equal(model.layers[0].conditional?.branch, 'loop body');
  assert.deepEqual(model.unknowns, ['sizes[i]']);
});
