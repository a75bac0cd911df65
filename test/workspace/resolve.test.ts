import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { memoryProject } from './memory-host';

const TF = `import * as tf from '@tensorflow/tfjs';\n`;

function units(model: ModelGraph): unknown[] {
  return model.layers.map((l) => {
    const value = l.config.props.units?.value;
    return value?.kind === 'number'
      ? value.value
      : value?.kind === 'unknown'
        ? `?${value.text}`
        : null;
  });
}

const BUILDER = `export function buildModel(hidden) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: hidden, inputShape: [4], activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}
`;

test('re-exports through an index file: export * and export { x as y } from', () => {
  const { ws, path } = memoryProject({
    'models/dense.js': `${TF}${BUILDER}`,
    'models/index.js': `export * from './dense.js';\nexport { buildModel as makeDense } from './dense.js';\n`,
    'app.js': `import { buildModel, makeDense } from './models';\nbuildModel(16);\nmakeDense(16);\n`,
  });
  const [model] = ws.analyzeFile(path('models/dense.js')).models;
  assert.deepEqual(units(model), [16, 1]);
});

test('a TypeScript project: .js specifiers name .ts files, extensionless ones too', () => {
  const { ws, path } = memoryProject({
    'src/sizes.ts': `export const HIDDEN: number = 48;\nexport enum Classes { Count = 3 }\n`,
    'src/model.ts': `${TF}import { HIDDEN } from './sizes.js';
import { Classes } from './sizes';
import type { LayersModel } from '@tensorflow/tfjs';
export function buildModel(): LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: HIDDEN, inputShape: [4] }));
  model.add(tf.layers.dense({ units: Classes.Count, activation: 'softmax' }));
  return model;
}
`,
  });
  const [model] = ws.analyzeFile(path('src/model.ts')).models;
  assert.deepEqual(units(model), [48, 3]);
});

test('CommonJS: module.exports, exports.x and require with destructuring', () => {
  const { ws, path } = memoryProject({
    'constants.js': `exports.HIDDEN = 24;\nexports.LEARNING_RATE = 0.05;\n`,
    'model.js': `const tf = require('@tensorflow/tfjs');
const { HIDDEN } = require('./constants');
function buildModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: HIDDEN, inputShape: [4] }));
  return model;
}
module.exports = { buildModel };
`,
    'train.js': `const tf = require('@tensorflow/tfjs');
const { buildModel } = require('./model');
const constants = require('./constants.js');
async function main(xs, ys) {
  const model = buildModel();
  model.compile({ optimizer: tf.train.sgd(constants.LEARNING_RATE), loss: 'meanSquaredError' });
  await model.fit(xs, ys);
}
main();
`,
  });
  const [model] = ws.analyzeFile(path('model.js')).models;
  assert.deepEqual(units(model), [24]);
  assert.equal(model.training.trained, true);
  assert.equal(model.training.learningRate, 0.05);
});

test('an import cycle is followed once and never loops', () => {
  const { ws, path } = memoryProject({
    'a.js': `${TF}import { WIDTH } from './b.js';
export const DEPTH = 2;
const model = tf.sequential();
model.add(tf.layers.dense({ units: WIDTH, inputShape: [4] }));
`,
    'b.js': `import { DEPTH } from './a.js';\nexport const WIDTH = 12;\nexport const BOTH = DEPTH * WIDTH;\n`,
  });
  const result = ws.analyzeFile(path('a.js'));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(units(result.models[0]), [12]);
  assert.deepEqual(ws.analyzeFile(path('b.js')).models, []);
});

test('imports reaching outside the root or into node_modules are never read', () => {
  const { ws, path, reads } = memoryProject({
    'app/model.js': `${TF}import { WIDTH } from '../../outside/sizes.js';
import { DEPTH } from './node_modules/sizes/index.js';
import { RATE } from 'some-package';
const model = tf.sequential();
model.add(tf.layers.dense({ units: WIDTH, inputShape: [DEPTH] }));
model.compile({ optimizer: tf.train.adam(RATE), loss: 'meanSquaredError' });
`,
    'app/node_modules/sizes/index.js': `export const DEPTH = 3;\n`,
  });
  const [model] = ws.analyzeFile(path('app/model.js')).models;
  assert.deepEqual(units(model), ['?WIDTH']);
  assert.ok(model.unknowns.includes('DEPTH'));
  assert.ok(
    !reads.some((file) => file.includes('node_modules') || file.includes('outside')),
    String(reads),
  );
});

test('a file above the size bound is not parsed: its imports stay unknown', () => {
  const huge = `export const WIDTH = 8;\n${'// padding\n'.repeat(20_000)}`;
  const { ws, path } = memoryProject(
    {
      'sizes.js': huge,
      'model.js': `${TF}import { WIDTH } from './sizes.js';
const model = tf.sequential();
model.add(tf.layers.dense({ units: WIDTH, inputShape: [4] }));
`,
    },
    { maxFileSize: 100_000 },
  );
  const [model] = ws.analyzeFile(path('model.js')).models;
  assert.deepEqual(units(model), ['?WIDTH']);
  assert.equal(ws.stats.parses, 1);
});

test('the number of files followed is bounded', () => {
  // A chain of 80 re-exporting files: analysis stops following at the bound and stays correct.
  const files: Record<string, string> = {};
  for (let i = 0; i < 80; i++) files[`chain/f${i}.js`] = `export * from './f${i + 1}.js';\n`;
  files['chain/f80.js'] = `export const WIDTH = 5;\n`;
  files['model.js'] = `${TF}import { WIDTH } from './chain/f0.js';
const model = tf.sequential();
model.add(tf.layers.dense({ units: WIDTH, inputShape: [4] }));
`;
  const { ws, path } = memoryProject(files);
  const result = ws.analyzeFile(path('model.js'));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(units(result.models[0]), ['?WIDTH']);
  assert.ok(ws.stats.parses <= 50, `parsed ${ws.stats.parses} files`);
});

const HELPER_LIBRARY = `${TF}export class Trainer {
  constructor(options) {
    const input = tf.input({ shape: [3] });
    let x = input;
    for (const layer of options.hidden) x = layer.apply(x);
    const out = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(x);
    this.model = tf.model({ inputs: input, outputs: out });
  }
}
`;

test('a monorepo package imported by its name through a tsconfig path alias: the caller reaches its model', () => {
  const { ws, path } = memoryProject({
    // the comment and the trailing comma are what tsconfig files allow
    'tsconfig.base.json': `{
  // one alias per package
  "compilerOptions": { "baseUrl": ".", "paths": { "@acme/trainers": ["libs/trainers/src/index.ts"], "@acme/util/*": ["libs/util/*"], }, },
}`,
    'libs/trainers/src/index.ts': `export * from './trainer';\n`,
    'libs/trainers/src/trainer.ts': HELPER_LIBRARY,
    'apps/demo/src/main.ts': `import { layers } from '@tensorflow/tfjs';
import { Trainer } from '@acme/trainers';
import { HIDDEN } from '@acme/util/sizes';
new Trainer({ hidden: [layers.dense({ units: HIDDEN }), layers.dense({ units: 12 })] });
`,
    'libs/util/sizes.ts': `export const HIDDEN = 24;\n`,
  });
  const [model] = ws.analyzeFile(path('libs/trainers/src/trainer.ts')).models;
  // without the alias the caller is never found: one dense layer of its own
  assert.deepEqual(
    model.layers.map((l) => l.factory),
    ['dense', 'dense', 'dense'],
  );
  assert.deepEqual(units(model), [24, 12, 1]);
});

test('a package name no alias maps is not a workspace file, even where a folder of that name exists', () => {
  const { ws, path } = memoryProject({
    'tsconfig.json': `{ "compilerOptions": { "paths": { "@acme/other": ["libs/other/index.ts"] } } }`,
    'trainers/index.ts': `export * from './trainer';\n`,
    'trainers/trainer.ts': HELPER_LIBRARY,
    'main.ts': `import { layers } from '@tensorflow/tfjs';
import { Trainer } from 'trainers';
new Trainer({ hidden: [layers.dense({ units: 8 })] });
`,
  });
  const [model] = ws.analyzeFile(path('trainers/trainer.ts')).models;
  assert.deepEqual(
    model.layers.map((l) => l.factory),
    ['dense'],
  );
});
