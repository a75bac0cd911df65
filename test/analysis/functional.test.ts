import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyModel, summary, textOf } from './helpers';

const TF = `import * as tf from '@tensorflow/tfjs';\n`;

test('functional: apply chain, residual add, tf.model', () => {
  const source = `${TF}const input = tf.input({ shape: [32] });
const h1 = tf.layers.dense({ units: 32, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
const h2 = tf.layers.dense({ units: 32 }).apply(h1) as tf.SymbolicTensor;
const sum = tf.layers.add().apply([h1, h2]) as tf.SymbolicTensor;
const output = tf.layers.dense({ units: 1 }).apply(sum) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: output });`;
  const model = onlyModel(source);
  assert.equal(model.kind, 'functional');
  assert.equal(model.name, 'model');
  assert.deepEqual(
    model.layers.map((l) => summary(l)),
    ['dense(units=32,activation="relu")', 'dense(units=32)', 'add()', 'dense(units=1)'],
  );
  assert.deepEqual(
    model.inputs.map((i) => [i.id, i.variable, textOf(source, i.span)]),
    [['input0', 'input', 'tf.input({ shape: [32] })']],
  );
  assert.deepEqual(model.inputs[0].shape, {
    kind: 'array',
    items: [{ kind: 'number', value: 32 }],
  });
  assert.deepEqual(
    model.nodes.map((n) => [n.id, n.layer, n.inputs]),
    [
      ['node0', 0, ['input0']],
      ['node1', 1, ['node0']],
      ['node2', 2, ['node0', 'node1']],
      ['node3', 3, ['node2']],
    ],
  );
  assert.deepEqual(model.outputs, ['node3']);
  assert.deepEqual(model.edges, [
    { from: 'input0', to: 'node0' },
    { from: 'node0', to: 'node1' },
    { from: 'node0', to: 'node2' },
    { from: 'node1', to: 'node2' },
    { from: 'node2', to: 'node3' },
  ]);
  assert.equal(textOf(source, model.nodes[2].span), 'tf.layers.add().apply([h1, h2])');
});

test('functional: a shared layer applied twice is one layer with two nodes', () => {
  const model = onlyModel(`${TF}const a = tf.input({ shape: [8] });
const b = tf.input({ shape: [8] });
const shared = tf.layers.dense({ units: 4, activation: 'tanh' });
const merged = tf.layers.concatenate().apply([shared.apply(a), shared.apply(b)]);
const model = tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 1 }).apply(merged) });`);
  assert.deepEqual(
    model.layers.map((l) => l.factory),
    ['dense', 'concatenate', 'dense'],
  );
  assert.deepEqual(model.layers[0].variable, 'shared');
  assert.deepEqual(
    model.nodes.map((n) => [n.layer, n.inputs]),
    [
      [0, ['input0']],
      [0, ['input1']],
      [1, ['node0', 'node1']],
      [2, ['node2']],
    ],
  );
});

test('functional: residual blocks from a helper in a loop, layers only reachable from outputs', () => {
  const model =
    onlyModel(`${TF}function residual(x: tf.SymbolicTensor, units: number): tf.SymbolicTensor {
  const y = tf.layers.dense({ units, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  return tf.layers.add().apply([x, y]) as tf.SymbolicTensor;
}
const unused = tf.layers.dense({ units: 99 });
const inp = tf.input({ shape: [16] });
let x = inp;
for (let i = 0; i < 3; i++) x = residual(x, 16);
export const model = tf.model({ inputs: inp, outputs: x });`);
  assert.deepEqual(
    model.layers.map((l) => l.factory),
    ['dense', 'add', 'dense', 'add', 'dense', 'add'],
  );
  assert.deepEqual(
    model.layers.map((l) => l.repeat?.iteration),
    [0, 0, 1, 1, 2, 2],
  );
  assert.equal(model.nodes.filter((n) => model.layers[n.layer].factory === 'add').length, 3);
});

test('functional: reduce over a layer list, named imports', () => {
  const model = onlyModel(`import { input, layers, model as makeModel } from '@tensorflow/tfjs';
const stack = [layers.dense({ units: 8 }), layers.dense({ units: 4 }), layers.dense({ units: 2 })];
const x = input({ shape: [10] });
const y = stack.reduce((t, layer) => layer.apply(t), x);
const net = makeModel({ inputs: x, outputs: y });`);
  assert.equal(model.name, 'net');
  assert.deepEqual(
    model.layers.map((l) => summary(l)),
    ['dense(units=8)', 'dense(units=4)', 'dense(units=2)'],
  );
  assert.deepEqual(
    model.edges.map((e) => `${e.from}>${e.to}`),
    ['input0>node0', 'node0>node1', 'node1>node2'],
  );
});

test('functional: unknown input shape is listed in unknowns', () => {
  const model = onlyModel(`${TF}export function build(features: number) {
  const inp = tf.input({ shape: [features] });
  return tf.model({ inputs: inp, outputs: tf.layers.dense({ units: 1 }).apply(inp) as tf.SymbolicTensor });
}`);
  assert.equal(model.name, 'build');
  assert.deepEqual(model.unknowns, ['features']);
});

test('functional: seq2seq with returnState and initialState', () => {
  const model = onlyModel(`${TF}const LATENT = 32;
const encoderInputs = tf.input({ shape: [null, 20], name: 'encoderInputs' });
const encoder = tf.layers.lstm({ units: LATENT, returnState: true });
const [, stateH, stateC] = encoder.apply(encoderInputs) as tf.SymbolicTensor[];
const decoderInputs = tf.input({ shape: [null, 30] });
const decoderLstm = tf.layers.lstm({ units: LATENT, returnSequences: true, returnState: true });
const [decoderOutputs] = decoderLstm.apply(decoderInputs, { initialState: [stateH, stateC] }) as tf.SymbolicTensor[];
const decoderDense = tf.layers.dense({ units: 30, activation: 'softmax' });
const model = tf.model({ inputs: [encoderInputs, decoderInputs], outputs: decoderDense.apply(decoderOutputs) as tf.SymbolicTensor });
model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy' });`);
  assert.deepEqual(
    model.layers.map((l) => summary(l)),
    ['lstm(units=32)', 'lstm(units=32)', 'dense(units=30,activation="softmax")'],
  );
  assert.deepEqual(
    model.inputs.map((i) => i.id),
    ['input0', 'input1'],
  );
  assert.deepEqual(
    model.nodes.map((n) => [n.id, n.inputs]),
    [
      ['node0', ['input0']],
      ['node1', ['input1', 'node0', 'node0']],
      ['node2', ['node1']],
    ],
  );
  assert.deepEqual(
    model.edges.map((e) => `${e.from}>${e.to}`),
    ['input0>node0', 'input1>node1', 'node0>node1', 'node1>node2'],
  );
  assert.deepEqual(model.inputs[0].shape, {
    kind: 'array',
    items: [{ kind: 'null' }, { kind: 'number', value: 20 }],
  });
});
