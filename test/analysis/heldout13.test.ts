/**
 * Shapes met on held-out batch 13 (calibration/real-projects/labels.json): React refs, methods
 * guarded by the model they set, the layer list of a loaded model, loaders with a constant specifier.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelRows, run } from './helpers';

test('a model kept in a React ref (head.current = tf.sequential()) is known by the ref', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
import { useEffect, useRef } from 'react';
export function Trainer() {
  const classifierRef = useRef(null);
  useEffect(() => {
    classifierRef.current = tf.sequential();
    classifierRef.current.add(tf.layers.dense({ units: 64, inputShape: [256], activation: 'relu' }));
    classifierRef.current.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  }, []);
  return null;
}
`;
  assert.deepEqual(modelRows(source, 'src/Trainer.tsx'), [
    { name: 'classifierRef', kind: 'sequential', layers: 'dense dense', trained: false },
  ]);
});

test('a method that returns early once this.net is set still builds every path of its builder', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
function makeNet(width, withHead) {
  const net = tf.sequential();
  if (width > 32) net.add(tf.layers.dense({ units: width, inputShape: [8] }));
  net.add(tf.layers.dense({ units: 16, inputShape: [8] }));
  if (withHead) net.add(tf.layers.dense({ units: 1 }));
  return net;
}
export class Learner {
  async prepare({ width, withHead = true }) {
    if (this.net) return;
    this.net = makeNet(width, withHead);
    this.net.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  }
}
`;
  const rows = run(source, 'learner.js').models.map(
    (m) => `${m.variant?.id}: ${m.layers.map((l) => l.factory).join(' ')}`,
  );
  assert.equal(rows.length, 4, rows.join('\n'));
  assert.ok(rows.some((r) => r.endsWith(': dense dense dense')));
  assert.ok(rows.some((r) => r.endsWith(': dense')));
});

test('the layers of a loaded model given to a sequential model are its loadedModel row', () => {
  const source = `const tf = require('@tensorflow/tfjs-node');
async function whole(url) {
  const base = await tf.loadLayersModel(url);
  base.layers.pop();
  for (const layer of base.layers) layer.trainable = false;
  const model = tf.sequential({ layers: base.layers });
  model.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
  return model;
}
async function spread(url) {
  const base = await tf.loadLayersModel(url);
  return tf.sequential({ layers: [...base.layers.slice(0, -2), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
}
async function copied(url) {
  const base = await tf.loadLayersModel(url);
  const model = tf.sequential();
  for (let i = 0; i < base.layers.length - 1; i++) model.add(base.layers[i]);
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}
module.exports = { whole, spread, copied };
`;
  const models = run(source, 'transfer.js').models;
  assert.deepEqual(
    models.map((m) => `${m.name}: ${m.layers.map((l) => l.factory).join(' ')}`),
    ['whole: loadedModel dense', 'spread: loadedModel flatten dense', 'copied: loadedModel dense'],
  );
  for (const m of models)
    assert.deepEqual(
      m.bases?.map((b) => b.loader),
      ['loadLayersModel'],
    );
});

test('the length of a loaded model’s layer list is unknown, not 1', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
export async function freeze(url) {
  const base = await tf.loadLayersModel(url);
  const head = tf.sequential();
  if (base.layers.length > 10) head.add(tf.layers.dropout({ rate: 0.2, inputShape: [8] }));
  head.add(tf.layers.dense({ units: 2, inputShape: [8] }));
  return head;
}
`;
  const rows = run(source, 'freeze.ts').models.map((m) => m.layers.map((l) => l.factory).join(' '));
  assert.deepEqual(rows.sort(), ['dense', 'dropout dense']);
});

test('map and reduce over sizes the file never pins down build their layers on a loop path', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
export function tower(sizes) {
  return tf.sequential({ layers: sizes.map((units) => tf.layers.dense({ units, activation: 'relu' })) });
}
export function chain(sizes) {
  const input = tf.input({ shape: [16] });
  const out = sizes.reduce((h, units) => tf.layers.dense({ units }).apply(h), input);
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(out) });
}
export function stacked(sizes) {
  const input = tf.input({ shape: [12, 3] });
  const cells = sizes.map((units) => tf.layers.gruCell({ units }));
  const seq = tf.layers.rnn({ cell: cells, returnSequences: false }).apply(input);
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(seq) });
}
export function labels(names) {
  return names.map((n) => n.toUpperCase());
}
`;
  const models = run(source, 'towers.js').models;
  assert.deepEqual(
    models.map(
      (m) => `${m.name}: ${m.layers.map((l) => l.factory + (l.conditional ? '?' : '')).join(' ')}`,
    ),
    ['tower: dense?', 'chain: dense? dense', 'stacked: rnn dense'],
  );
  const cell = models[2].layers[0].config.props.cell?.value;
  assert.equal(cell?.kind, 'array');
  assert.deepEqual(
    cell?.kind === 'array' ? cell.items.map((c) => (c.kind === 'call' ? c.path : c.kind)) : [],
    ['layers.gruCell'],
  );
});

test('the first n layers of a loaded model added one by one are one loadedModel row', () => {
  const source = `const tf = require('@tensorflow/tfjs-node');
async function main(url) {
  const backbone = await tf.loadLayersModel(url);
  const model = tf.sequential();
  for (let i = 0; i <= 40; i++) {
    const layer = backbone.layers[i];
    layer.trainable = false;
    model.add(layer);
  }
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  return model;
}
module.exports = { main };
`;
  assert.deepEqual(modelRows(source, 'train.js'), [
    { name: 'main', kind: 'sequential', layers: 'loadedModel flatten dense', trained: false },
  ]);
});
