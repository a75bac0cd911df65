/**
 * Keras's leaky_relu activation, which tfjs has no activation of: `Activation(LeakyReLU)` is built as tfjs's
 * LeakyReLU layer, `Dense(..., activation=LeakyReLU(...))` / `activation='leaky_relu'` as the layer with a
 * linear activation whose output goes through leaky ReLU with Keras's slope 0.2; the report says so.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyze } from '../../src/analysis';
import { buildFromIr } from '../../src/probe/build';
import { probeModel } from '../../src/probe/engine';
import { irRequest } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

const CRITIC = `from keras.models import Sequential
from keras.layers import Activation, Conv2D, Dense, Flatten, LeakyReLU

critic = Sequential()
critic.add(Conv2D(6, (3, 3), strides=(2, 2), padding='same', input_shape=(10, 10, 2)))
critic.add(Activation(LeakyReLU))
critic.add(Flatten())
critic.add(Dense(12, activation=LeakyReLU(alpha=0.3)))
critic.add(Dense(5, activation='leaky_relu'))
critic.add(Dense(1, activation='sigmoid'))
critic.compile(optimizer='adam', loss='binary_crossentropy')
`;

const critic = () => analyze(CRITIC, 'critic.py').models[0]!;

test('a leaky dense layer computes leakyRelu(x W + b, 0.2)', () => {
  const built = buildFromIr(tf, critic(), { seed: 3, maxParams: 1e6 });
  try {
    const dense = built.layers.find((l) => l.node.index === 4)!.layer;
    const x = tf.randomNormal([7, 12], 0, 1, 'float32', 5);
    const [kernel, bias] = dense.getWeights();
    const expected = tf.leakyRelu(tf.add(tf.matMul(x, kernel!), bias!), 0.2);
    const actual = dense.apply(x) as ReturnType<Tf['tensor']>;
    assert.ok(actual.min().dataSync()[0]! < 0, 'negative inputs leak through');
    assert.ok(tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]! < 1e-5);
    assert.equal(built.layers[1]!.layer.getClassName(), 'LeakyReLU');
  } finally {
    built.model.dispose();
  }
});

test('a model of leaky_relu activations is measured in one click and the report says how', async () => {
  const report = await probeModel(tf, irRequest(critic(), { steps: 1 }), backend);
  assert.equal(report.verdict, 'healthy');
  assert.ok(
    report.assumptions.includes(
      "Leaky ReLU activation of layers 1 (line 6), 3 (line 8), 4 (line 9): tfjs has no leaky_relu activation, so it is applied after the layer with slope 0.2 (Keras's default for the activation).",
    ),
    report.assumptions.join('\n'),
  );
});
