import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryProject } from './memory-host';

const TF = `import * as tf from '@tensorflow/tfjs';\n`;

function project(overrides: Record<string, string> = {}) {
  return memoryProject({
    'data.js': `export const HIDDEN = 32;\n`,
    'model.js': `${TF}import { HIDDEN } from './data.js';
export function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: HIDDEN, inputShape: [4] }));
  return model;
}
`,
    'train.js': `${TF}import { createModel } from './model.js';
const model = createModel();
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
model.fit(tf.zeros([1, 4]), tf.zeros([1, 32]));
`,
    'other.js': `${TF}const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 2, inputShape: [2] }));\n`,
    ...overrides,
  });
}

function units(result: ReturnType<ReturnType<typeof project>['ws']['analyzeFile']>): unknown {
  const value = result.models[0]?.layers[0]?.config.props.units?.value;
  return value?.kind === 'number' ? value.value : value;
}

test('each file is parsed once; a repeated analysis is served from the cache', () => {
  const { ws, path } = project();
  for (const file of ['data.js', 'model.js', 'train.js', 'other.js']) ws.analyzeFile(path(file));
  const { parses, analyses } = ws.stats;
  assert.equal(parses, 4); // data.js too (it never mentions tfjs): once, as model.js's import
  for (const file of ['data.js', 'model.js', 'train.js', 'other.js']) ws.analyzeFile(path(file));
  assert.deepEqual(ws.stats, { parses, analyses });
});

test('an edit re-analyses that file and the files that read it, nothing else', () => {
  const { ws, path } = project();
  for (const file of ['model.js', 'train.js', 'other.js']) ws.analyzeFile(path(file));
  assert.deepEqual(ws.dependents(path('data.js')), [path('model.js'), path('train.js')]);
  assert.deepEqual(ws.dependents(path('other.js')), []);

  ws.update(path('data.js'), `export const HIDDEN = 64;\n`);
  const before = { ...ws.stats };
  assert.equal(units(ws.analyzeFile(path('model.js'))), 64);
  ws.analyzeFile(path('train.js'));
  ws.analyzeFile(path('other.js'));
  // train.js builds nothing itself: its own analysis stays valid; its lint reads model.js's models.
  assert.equal(ws.stats.analyses - before.analyses, 1, 'model.js only');
  assert.equal(ws.stats.parses - before.parses, 1, 'only data.js is parsed again');
  assert.deepEqual(ws.linkedFiles(path('train.js')), [path('model.js')]);
});

test("a file that builds nothing keeps its analysis when the builder changes; the builder's model is new", () => {
  const { ws, path } = project();
  for (const file of ['model.js', 'train.js']) ws.analyzeFile(path(file));
  assert.deepEqual(ws.dependents(path('model.js')), [path('train.js')]);
  const model = ws.analyzeFile(path('model.js')).models[0];
  assert.equal(
    model.training.trained,
    true,
    'trained by train.js, which still runs as its importer',
  );
  ws.update(
    path('model.js'),
    ws.analyzeFile(path('model.js')) &&
      `${TF}import { HIDDEN } from './data.js';
export function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: HIDDEN * 2, inputShape: [4] }));
  return model;
}
`,
  );
  const before = { ...ws.stats };
  ws.analyzeFile(path('train.js'));
  assert.equal(ws.stats.analyses, before.analyses, 'train.js served from the cache');
  const [edited] = ws.analyzeFile(path('model.js')).models;
  assert.equal(units({ ...ws.analyzeFile(path('model.js')) }), 64);
  assert.equal(edited.training.trained, true);
  assert.equal(edited.training.compile?.span.file, path('train.js'));
});

test('the same text again changes nothing', () => {
  const { ws, path } = project();
  ws.analyzeFile(path('model.js'));
  const before = { ...ws.stats };
  ws.update(path('data.js'), `export const HIDDEN = 32;\n`);
  ws.analyzeFile(path('model.js'));
  assert.deepEqual(ws.stats, before);
});

test('a file that starts importing the builder re-analyses the builder file', () => {
  const { ws, path } = project();
  ws.analyzeFile(path('model.js'));
  ws.update(
    path('other.js'),
    `${TF}import { createModel } from './model.js';\nconst m = createModel();\nm.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });\n`,
  );
  const [model] = ws.analyzeFile(path('model.js')).models;
  assert.ok(
    model.training.compile?.span.file === path('other.js') ||
      model.training.compile?.span.file === path('train.js'),
  );
  assert.ok(ws.linkedFiles(path('model.js')).includes(path('other.js')));
});

test('a deleted import target degrades to unknown; restoring it resolves again', () => {
  const { ws, path } = project();
  assert.equal(units(ws.analyzeFile(path('model.js'))), 32);
  ws.update(path('data.js'), undefined);
  const gone = ws.analyzeFile(path('model.js'));
  assert.deepEqual(gone.models[0].unknowns, ['HIDDEN']);
  ws.update(path('data.js'), `export const HIDDEN = 16;\n`);
  assert.equal(units(ws.analyzeFile(path('model.js'))), 16);
});

test('a syntax error in an imported file leaves its names unknown and the importer analysed', () => {
  const { ws, path } = project();
  ws.update(path('data.js'), `export const HIDDEN = ;\n`);
  const result = ws.analyzeFile(path('model.js'));
  assert.deepEqual(result.problems, []);
  assert.equal(result.models.length, 1);
  assert.deepEqual(result.models[0].unknowns, ['HIDDEN']);
});

test('typing in files (edit after edit, through syntax errors) gives what a fresh workspace gives', () => {
  const edited = project();
  const model = edited.path('model.js');
  const data = edited.path('data.js');
  const original = `${TF}import { HIDDEN } from './data.js';
export function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: HIDDEN, inputShape: [4] }));
  return model;
}
`;
  // Each step is the whole text after one keystroke or paste, as the editor sends it.
  const steps = [
    original.replace('inputShape: [4]', 'inputShape: [4'),
    original.replace('inputShape: [4]', 'inputShape: [48]'),
    original.replace(
      '  return model;',
      "  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));\n  return model;",
    ),
    original.replace('  return model;', '  model.add(tf.layers.dense({ units: 3, activation: '),
    original.replace('units: HIDDEN', 'units: HIDDEN * 2'),
    `// a comment first\n${original.replace('units: HIDDEN', 'units: HIDDEN * 2')}`,
  ];
  const files = ['model.js', 'train.js', 'data.js'];
  let dataText: string | undefined;
  for (const [i, text] of steps.entries()) {
    edited.ws.update(model, text);
    // Every other step edits the imported file too.
    if (i % 2 === 1) edited.ws.update(data, (dataText = `export const HIDDEN = ${16 * i};\n`));
    // The same texts read from the host: parsed from scratch.
    const fresh = project({
      'model.js': text,
      ...(dataText !== undefined ? { 'data.js': dataText } : {}),
    });
    for (const file of files) {
      const mine = edited.ws.analyzeFile(edited.path(file));
      assert.deepEqual(mine, fresh.ws.analyzeFile(fresh.path(file)), `${file}, step ${i}`);
    }
  }
  assert.equal(edited.ws.analyzeFile(model).models[0].layers.length, 1);
});

test('a branch calling an imported helper becomes a decision when that helper starts building', () => {
  const app = `${TF}import { addHead } from './blocks.js';
export function build(kind) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 8, inputShape: [4] }));
  if (kind === 'big') {
    addHead(model);
  }
  return model;
}
`;
  const idle = `export function addHead(model) {\n  console.log(model.name);\n}\n`;
  const building = `${TF}export function addHead(model) {\n  model.add(tf.layers.dense({ units: 2 }));\n}\n`;
  const edited = project({ 'app.js': app, 'blocks.js': idle });
  edited.ws.analyzeFile(edited.path('app.js'));
  edited.ws.update(edited.path('blocks.js'), building);
  // app.js's tree is the same one as before the edit; what is worth a decision in it is not.
  const fresh = project({ 'app.js': app, 'blocks.js': building });
  const mine = edited.ws.analyzeFile(edited.path('app.js'));
  assert.deepEqual(mine, fresh.ws.analyzeFile(fresh.path('app.js')));
  assert.ok(
    mine.models.some((m) => m.layers.length === 2),
    'the big variant has the head',
  );
});
