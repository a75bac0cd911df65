import { rule } from '../../src/rules/deep-without-residual';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

/** Keras: functional models with Add() skip connections; the finding points at keras.Model. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras residual loop: Add()([x, y]) merges an earlier tensor',
      filePath: 'model.py',
      code: `import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation='relu')(inputs)
for _ in range(12):
    y = layers.Dense(64, activation='relu')(x)
    x = layers.Add()([x, y])
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
`,
    },
    {
      name: 'Keras 15 tanh layers on glorot_uniform stay healthy in the estimate',
      filePath: 'model.py',
      code: `import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = inputs
for _ in range(14):
    x = layers.Dense(64, activation='tanh')(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
`,
    },
  ],
  invalid: [
    {
      name: 'Keras 15 sigmoid layers without a skip connection',
      filePath: 'model.py',
      code: `import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = inputs
for _ in range(14):
    x = layers.Dense(64, activation='sigmoid')(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
`,
      errors: [{ messageId: 'missing', line: 9, column: 9 }],
      output: null,
    },
  ],
};

testRule(rule, {
  valid: [
    {
      name: 'the same 12 layers with relu and He (defaults): the estimate keeps layer 0 near 1x, no finding',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
for (let i = 0; i < 10; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
}
model.add(tf.layers.dense({units: 1}));
`,
    },
    {
      name: 'deep residual network: tf.layers.add merges the block input back in',
      code: `import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [32]});
let x = tf.layers.dense({units: 32, activation: 'relu'}).apply(input) as tf.SymbolicTensor;
for (let i = 0; i < 6; i++) {
  const y = tf.layers.dense({units: 32, activation: 'relu'}).apply(x) as tf.SymbolicTensor;
  const z = tf.layers.dense({units: 32}).apply(y) as tf.SymbolicTensor;
  x = tf.layers.add().apply([x, z]) as tf.SymbolicTensor;
}
const output = tf.layers.dense({units: 1}).apply(x) as tf.SymbolicTensor;
export const model = tf.model({inputs: input, outputs: output});`,
    },
    {
      name: 'dense connectivity: concatenate with an earlier tensor',
      code: `import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [16]});
let x: tf.SymbolicTensor = input;
for (let i = 0; i < 12; i++) {
  const y = tf.layers.dense({units: 8, activation: 'relu'}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.concatenate().apply([x, y]) as tf.SymbolicTensor;
}
export const model = tf.model({inputs: input, outputs: x});`,
    },
    {
      name: 'a sequential model of depth 11 (< minDepth 12)',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [8], units: 8, activation: 'relu'}));
for (let i = 0; i < 9; i++) model.add(tf.layers.dense({units: 8, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'minDepth option',
      options: { minDepth: 30 },
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [8], units: 8, activation: 'relu'}));
for (let i = 0; i < 20; i++) model.add(tf.layers.dense({units: 8, activation: 'relu'}));`,
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: '12 sigmoid layers (defaults): the estimate puts layer 0 below vanishingRatio 1e-3, a warning',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'sigmoid'}));
for (let i = 0; i < 10; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'sigmoid'}));
}
model.add(tf.layers.dense({units: 1}));
`,
      errors: [{ messageId: 'missing', line: 2, column: 15, endLine: 2, endColumn: 28 }],
      output: null,
    },
    {
      name: 'a 12-layer sequential model',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [8], units: 8, activation: 'relu'}));
for (let i = 0; i < 10; i++) {
  model.add(tf.layers.dense({units: 8, activation: 'relu'}));
}
model.add(tf.layers.dense({units: 1}));`,
      errors: [
        { messageId: 'missing', line: 2, column: 15, endLine: 2, endColumn: 28, hint: true },
      ],
      output: null,
    },
    {
      name: 'a deep functional chain in JS, and a layers array in another model',
      filePath: 'model.js',
      code: `const tf = require('@tensorflow/tfjs');
const input = tf.input({shape: [16]});
let x = input;
for (let i = 0; i < 13; i++) {
  x = tf.layers.dense({units: 16, activation: 'relu'}).apply(x);
}
const chain = tf.model({inputs: input, outputs: x});
const stack = tf.sequential({
  layers: [
    tf.layers.conv1d({inputShape: [64, 1], filters: 4, kernelSize: 3, activation: 'relu'}),
    tf.layers.conv1d({filters: 4, kernelSize: 3, activation: 'relu'}),
    tf.layers.conv1d({filters: 4, kernelSize: 3, activation: 'relu'}),
    tf.layers.conv1d({filters: 4, kernelSize: 3, activation: 'relu'}),
    tf.layers.conv1d({filters: 4, kernelSize: 3, activation: 'relu'}),
    tf.layers.conv1d({filters: 4, kernelSize: 3, activation: 'relu'}),
    tf.layers.conv1d({filters: 4, kernelSize: 3, activation: 'relu'}),
    tf.layers.conv1d({filters: 4, kernelSize: 3, activation: 'relu'}),
    tf.layers.conv1d({filters: 4, kernelSize: 3, activation: 'relu'}),
    tf.layers.conv1d({filters: 4, kernelSize: 3, activation: 'relu'}),
    tf.layers.flatten(),
    tf.layers.dense({units: 8, activation: 'relu'}),
    tf.layers.dense({units: 1}),
  ],
});
module.exports = {chain, stack};`,
      errors: [
        { messageId: 'missing', line: 7, column: 15, endLine: 7, endColumn: 23, hint: true },
        { messageId: 'missing', line: 8, column: 15, endLine: 8, endColumn: 28, hint: true },
      ],
      output: null,
    },
    {
      name: 'two equally deep towers concatenated at the end are not a shortcut',
      code: `import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [16]});
let a: tf.SymbolicTensor = input;
let b: tf.SymbolicTensor = input;
for (let i = 0; i < 12; i++) {
  a = tf.layers.dense({units: 8, activation: 'relu'}).apply(a) as tf.SymbolicTensor;
  b = tf.layers.dense({units: 8, activation: 'tanh'}).apply(b) as tf.SymbolicTensor;
}
const merged = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
export const model = tf.model({inputs: input, outputs: merged});`,
      errors: [
        { messageId: 'unknown', line: 10, column: 22, endLine: 10, endColumn: 30, hint: true },
      ],
      output: null,
    },
    ...keras.invalid,
  ],
});
