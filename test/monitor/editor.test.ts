/**
 * The editor's two pure pieces, in plain Node: mapping a log's layers to the lines of the model that
 * wrote it (the log comes from training that model for real; the lines from analysing its source),
 * and the text edits that add the monitor to a fit / fitDataset call.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyze } from '../../src/analysis';
import { applyEdits } from '../../src/lint/fix';
import { gradientMonitor } from '../../src/monitor';
import type { StartRecord } from '../../src/monitor/records';
import { layerHint, mapLogToSource } from '../../src/extension/monitor-map';
import { monitorInsertion } from '../../src/lint/monitor-insert';
import { cpu } from './models';

before(cpu);

const source = `import * as tf from '@tensorflow/tfjs';

export function buildModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [8] }));
  model.add(tf.layers.dropout({ rate: 0.2 }));
  model.add(tf.layers.dense({ units: 16, activation: 'relu', name: 'features' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

export function buildOther() {
  const other = tf.sequential();
  other.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, inputShape: [28, 28, 1] }));
  other.add(tf.layers.flatten());
  other.add(tf.layers.dense({ units: 10 }));
  return other;
}
`;

/** The same model built for real: the start record its monitor writes. */
async function startRecord(): Promise<StartRecord> {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [8] }));
  model.add(tf.layers.dropout({ rate: 0.2 }));
  model.add(tf.layers.dense({ units: 16, activation: 'relu', name: 'features' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const monitor = gradientMonitor(model);
  await model.fit(tf.zeros([4, 8]), tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3), {
    epochs: 1,
    verbose: 0,
    callbacks: [monitor],
  });
  return monitor.records()[0] as StartRecord;
}

test('a log maps to the model that wrote it: explicit names first, auto-named layers by order and class', async () => {
  const start = await startRecord();
  assert.match(start.model.layers[0].name, /^dense_Dense\d+$/);
  const models = analyze(source, 'model.js').models.map((model) => ({ file: 'model.js', model }));
  assert.equal(models.length, 2);
  const mapping = mapLogToSource(start.model.layers, models);
  assert.ok(mapping);
  assert.equal(mapping.model.name, 'buildModel');
  assert.equal(mapping.matched, 3);
  const lines = Object.fromEntries(
    [...mapping.layers].map(([index, layer]) => [index, layer.callSpan.line]),
  );
  assert.deepEqual(lines, { 0: 5, 1: 6, 2: 7, 3: 8 });
});

test('no model in the workspace matches an unrelated log', async () => {
  const start = await startRecord();
  const other = analyze(source, 'model.js').models.filter((m) => m.name === 'buildOther');
  assert.equal(
    mapLogToSource(
      start.model.layers,
      other.map((model) => ({ file: 'x', model })),
    ),
    null,
  );
});

test('the line hint states the latest norms, and non-finite values plainly', () => {
  assert.equal(
    layerHint({ grad: 0.0123, ratio: 1.5, updateRatio: 0.004, nonFinite: 0 }),
    'training: ∇ 1.2e-2 · 1.5e0× output · Δ/w 4.0e-3',
  );
  assert.equal(
    layerHint({ grad: NaN, ratio: null, updateRatio: null, nonFinite: 65 }),
    'training: 65 non-finite gradient values',
  );
});

const insert = (code: string, marker = '.fit(', file = 'train.js') => {
  const result = monitorInsertion(code, file, code.indexOf(marker) + 2);
  return result ? applyEdits(code, result.edits) : null;
};

test('adds the callback to a fit call without options, with options, and with callbacks already there', () => {
  const head = "const tf = require('@tensorflow/tfjs');\n";
  assert.equal(
    insert(`${head}await model.fit(xs, ys);\n`),
    `${head}const { gradientMonitor } = require('gradient-lens/monitor');\nawait model.fit(xs, ys, { callbacks: [gradientMonitor(model, { logFile: 'runs/monitor.jsonl' })] });\n`,
  );
  assert.equal(
    insert(`${head}await model.fit(xs, ys, { epochs: 5, });\n`),
    `${head}const { gradientMonitor } = require('gradient-lens/monitor');\nawait model.fit(xs, ys, { epochs: 5, callbacks: [gradientMonitor(model, { logFile: 'runs/monitor.jsonl' })], });\n`,
  );
  assert.equal(
    insert(`${head}await model.fit(xs, ys, { callbacks: [tf.callbacks.earlyStopping()] });\n`),
    `${head}const { gradientMonitor } = require('gradient-lens/monitor');\nawait model.fit(xs, ys, { callbacks: [tf.callbacks.earlyStopping(), gradientMonitor(model, { logFile: 'runs/monitor.jsonl' })] });\n`,
  );
  assert.equal(
    insert(`${head}await model.fit(xs, ys, { callbacks: { onEpochEnd: log } });\n`),
    `${head}const { gradientMonitor } = require('gradient-lens/monitor');\nawait model.fit(xs, ys, { callbacks: [gradientMonitor(model, { logFile: 'runs/monitor.jsonl' })].concat({ onEpochEnd: log }) });\n`,
  );
});

test('fitDataset, a member model, options in a variable, and an ES module file', () => {
  const code =
    "import * as tf from '@tensorflow/tfjs';\nimport { load } from './data';\n\nclass Trainer {\n  async train(ds) {\n    await this.model.fitDataset(ds, trainOptions);\n  }\n}\n";
  assert.equal(
    insert(code, '.fitDataset(', 'trainer.ts'),
    "import * as tf from '@tensorflow/tfjs';\nimport { load } from './data';\nimport { gradientMonitor } from 'gradient-lens/monitor';\n\nclass Trainer {\n  async train(ds) {\n    await this.model.fitDataset(ds, { ...trainOptions, callbacks: [gradientMonitor(this.model, { logFile: 'runs/monitor.jsonl' })].concat(trainOptions.callbacks || []) });\n  }\n}\n",
  );
});

test('nothing to offer: already monitored, no fit call there, or code that does not parse', () => {
  const monitored =
    "const { gradientMonitor } = require('gradient-lens/monitor');\nmodel.fit(x, y, { callbacks: [gradientMonitor(model)] });\n";
  assert.equal(insert(monitored), null);
  assert.equal(monitorInsertion('model.predict(x);\n', 'a.js', 3), null);
  assert.equal(insert('model.fit(x, y, {\n'), null);
  assert.equal(insert('model.fit(x);\n'), null); // fit needs x and y before its options
});
