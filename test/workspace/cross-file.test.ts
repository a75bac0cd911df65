import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LayerNode, ModelGraph, Value } from '../../src/analysis/ir';
import { memoryProject } from './memory-host';

const TF = `import * as tf from '@tensorflow/tfjs';\n`;

function plain(value: Value | undefined): unknown {
  if (!value) return undefined;
  switch (value.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return value.value;
    case 'array':
      return value.items.map(plain);
    case 'unknown':
      return `?${value.text}`;
    default:
      return value.kind;
  }
}

function config(layer: LayerNode): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(layer.config.props).map(([key, prop]) => [key, plain(prop.value)]),
  );
}

function layers(model: ModelGraph): string[] {
  return model.layers.map((l) => `${l.factory} ${JSON.stringify(config(l))}`);
}

const MODEL_JS = `${TF}import { IMAGE_H, IMAGE_W } from './data.js';
export function createModel(h, classes) {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [h, IMAGE_W, 1] }));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax' }));
  return model;
}
`;

const DATA_JS = `export const IMAGE_H = 28;
export const IMAGE_W = IMAGE_H;
export const IMAGE_SIZE = IMAGE_H * IMAGE_W;
export const NUM_CLASSES = 10;
`;

test('constants imported from a data module resolve, including ones computed from other constants', () => {
  const { ws, path } = memoryProject({
    'data.js': DATA_JS,
    'mlp.js': `${TF}import { IMAGE_SIZE, NUM_CLASSES } from './data.js';
const model = tf.sequential();
model.add(tf.layers.dense({ units: 128, inputShape: [IMAGE_SIZE], activation: 'relu' }));
model.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }));
`,
  });
  const [model] = ws.analyzeFile(path('mlp.js')).models;
  assert.deepEqual(layers(model), [
    'dense {"units":128,"inputShape":[784],"activation":"relu"}',
    'dense {"units":10,"activation":"softmax"}',
  ]);
  assert.deepEqual(model.unknowns, []);
});

test('a config module (default export and named object) reaches layers and the learning rate', () => {
  const { ws, path } = memoryProject({
    'config.js': `export const training = { learningRate: 0.01, epochs: 5 };
export default { hiddenUnits: [64, 32], activation: 'relu' };
`,
    'model.js': `${TF}import settings, { training } from './config.js';
import * as cfg from './config.js';
const model = tf.sequential();
model.add(tf.layers.dense({ units: settings.hiddenUnits[0], inputShape: [8], activation: cfg.default.activation }));
model.add(tf.layers.dense({ units: settings.hiddenUnits[1] }));
model.compile({ optimizer: tf.train.adam(training.learningRate), loss: 'meanSquaredError' });
`,
  });
  const [model] = ws.analyzeFile(path('model.js')).models;
  assert.deepEqual(layers(model), [
    'dense {"units":64,"inputShape":[8],"activation":"relu"}',
    'dense {"units":32}',
  ]);
  assert.equal(model.training.learningRate, 0.01);
});

test("a builder called from another file gets that call's arguments and is reported where its layers are", () => {
  const { ws, path } = memoryProject({
    'data.js': DATA_JS,
    'model.js': MODEL_JS,
    'config.js': `export default { lr: 0.001 };\n`,
    'train.js': `${TF}import { createModel } from './model.js';
import { IMAGE_H, NUM_CLASSES } from './data.js';
import cfg from './config.js';
export async function train(xs, ys) {
  const model = createModel(IMAGE_H, NUM_CLASSES);
  model.compile({ optimizer: tf.train.adam(cfg.lr), loss: 'categoricalCrossentropy' });
  await model.fit(xs, ys, { epochs: 3 });
}
`,
  });
  const result = ws.analyzeFile(path('model.js'));
  assert.equal(result.models.length, 1);
  const [model] = result.models;
  assert.equal(model.name, 'createModel');
  assert.deepEqual(layers(model), [
    'flatten {"inputShape":[28,28,1]}',
    'dense {"units":10,"activation":"softmax"}',
  ]);
  // Layers are in model.js (no file mark); the training is in train.js, the rate in config.js.
  assert.equal(model.layers[0].callSpan.file, undefined);
  assert.equal(model.training.trained, true);
  assert.equal(model.training.optimizer?.kind, 'adam');
  assert.equal(model.training.learningRate, 0.001);
  assert.equal(model.training.loss?.name, 'categoricalCrossentropy');
  assert.equal(model.training.fitCalls[0].span.file, path('train.js'));
  assert.equal(model.training.fitCalls[0].span.line, 8);
  assert.equal(model.training.optimizer?.learningRateSpan?.file, path('config.js'));
  // train.js builds no model of its own: the one it trains is model.js's.
  assert.deepEqual(ws.analyzeFile(path('train.js')).models, []);
});

test('training done in a function of a third file marks the model trained', () => {
  const { ws, path } = memoryProject({
    'data.js': DATA_JS,
    'model.js': MODEL_JS,
    'training.js': `${TF}export async function trainModel(model, xs, ys) {
  model.compile({ optimizer: tf.train.rmsprop(0.002), loss: 'categoricalCrossentropy' });
  await model.fit(xs, ys, { epochs: 1 });
}
`,
    'main.js': `import { createModel } from './model.js';
import { trainModel } from './training.js';
async function run(xs, ys) {
  const model = createModel(28, 10);
  await trainModel(model, xs, ys);
}
document.getElementById('train').addEventListener('click', () => run());
`,
  });
  const [model] = ws.analyzeFile(path('model.js')).models;
  assert.equal(model.training.trained, true);
  assert.equal(model.training.optimizer?.kind, 'rmsprop');
  assert.equal(model.training.learningRate, 0.002);
  assert.equal(model.training.fitCalls[0].span.file, path('training.js'));
});

test('two calls of one builder with different arguments are two models, named by their arguments', () => {
  const { ws, path } = memoryProject({
    'data.js': DATA_JS,
    'model.js': MODEL_JS,
    'train.js': `import { createModel } from './model.js';
export const small = createModel(28, 10);
export const large = createModel(56, 100);
`,
  });
  const models = ws.analyzeFile(path('model.js')).models;
  assert.deepEqual(
    models.map((m) => [m.name, config(m.layers[0]).inputShape, config(m.layers[1]).units]),
    [
      ['createModel(28, 10)', [28, 28, 1], 10],
      ['createModel(56, 100)', [56, 28, 1], 100],
    ],
  );
});

test('calls with equal arguments from other files are one model', () => {
  const { ws, path } = memoryProject({
    'data.js': DATA_JS,
    'model.js': MODEL_JS,
    'a.js': `import { createModel } from './model.js';\nexport const m = createModel(28, 10);\n`,
    'b.js': `import { createModel } from './model.js';\nexport const m = createModel(28, 10);\n`,
  });
  const models = ws.analyzeFile(path('model.js')).models;
  assert.deepEqual(
    models.map((m) => m.name),
    ['createModel'],
  );
});

test('a builder nobody calls keeps its parameters unknown, by name', () => {
  const { ws, path } = memoryProject({ 'data.js': DATA_JS, 'model.js': MODEL_JS });
  const [model] = ws.analyzeFile(path('model.js')).models;
  assert.deepEqual(model.unknowns.sort(), ['classes', 'h']);
});

test('an import whose file is missing stays unknown with its name, never a crash', () => {
  const { ws, path } = memoryProject({
    'model.js': `${TF}import { IMAGE_H, IMAGE_W } from './data.js';
const model = tf.sequential();
model.add(tf.layers.dense({ units: IMAGE_H, inputShape: [IMAGE_W] }));
`,
  });
  const result = ws.analyzeFile(path('model.js'));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.models[0].unknowns, ['IMAGE_H', 'IMAGE_W']);
  assert.deepEqual(layers(result.models[0]), [
    'dense {"units":"?IMAGE_H","inputShape":["?IMAGE_W"]}',
  ]);
});

test('a name the imported file does not export is unknown, not undefined', () => {
  const { ws, path } = memoryProject({
    'data.js': DATA_JS,
    'model.js': `${TF}import { HIDDEN } from './data.js';
const model = tf.sequential();
model.add(tf.layers.dense({ units: HIDDEN, inputShape: [4] }));
`,
  });
  assert.deepEqual(ws.analyzeFile(path('model.js')).models[0].unknowns, ['HIDDEN']);
});

test('a model class whose tf.Sequential base is imported is built in its own file', () => {
  const { ws, path } = memoryProject({
    'src/nets/base.ts': `import { Sequential } from '@tensorflow/tfjs';
export abstract class Net extends Sequential {
  constructor(opts) {
    super();
    this.stack(opts);
  }
  protected abstract stack(opts): void;
}
`,
    'src/nets/tiny.ts': `import { layers } from '@tensorflow/tfjs';
import { Net } from './base';
export class Tiny extends Net {
  protected stack(opts) {
    this.add(layers.dense({ units: opts.units, inputShape: [4] }));
    this.add(layers.dropout({ rate: 0.2 }));
    this.add(layers.dense({ units: 2 }));
  }
}
`,
  });
  const models = ws.analyzeFile(path('src/nets/tiny.ts')).models;
  assert.deepEqual(
    models.map((m) => `${m.name}: ${m.layers.map((l) => l.factory).join(' ')}`),
    ['Tiny: dense dropout dense'],
  );
  assert.deepEqual(ws.analyzeFile(path('src/nets/base.ts')).models, []);
});
