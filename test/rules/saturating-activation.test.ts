import { rule } from '../../src/rules/saturating-activation';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

/** Thresholds above any estimate, so every saturating layer is material: these cases test positions and fixes, not the threshold. */
const LEGACY = { vanishingRatio: 10, hintRatio: 10 };

/** Keras: activation names (hard_sigmoid) and Activation layers are read and rewritten in Keras's spelling; the fix adds kernel_initializer='he_normal'. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras: one tanh hidden layer between relu and a sigmoid output',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([
    layers.Dense(64, activation='relu', input_shape=(8,)),
    layers.Dense(64, activation='tanh'),
    layers.Dense(1, activation='sigmoid'),
])
`,
    },
  ],
  invalid: [
    {
      name: 'Keras deep sigmoid stack: relu with he_normal, in the loop body and before it',
      filePath: 'model.py',
      code: `import tensorflow as tf
from tensorflow.keras import layers

model = tf.keras.Sequential()
model.add(layers.Dense(256, activation='sigmoid', input_shape=(100,)))
for _ in range(9):
    model.add(layers.Dense(256, activation='sigmoid'))
model.add(layers.Dense(10, activation='softmax'))
model.compile(optimizer='sgd', loss='categorical_crossentropy')
`,
      errors: [
        { messageId: 'saturating', line: 5, column: 40 },
        { messageId: 'saturating', line: 7, column: 44 },
      ],
      output: `import tensorflow as tf
from tensorflow.keras import layers

model = tf.keras.Sequential()
model.add(layers.Dense(256, activation='relu', input_shape=(100,), kernel_initializer='he_normal'))
for _ in range(9):
    model.add(layers.Dense(256, activation='relu', kernel_initializer='he_normal'))
model.add(layers.Dense(10, activation='softmax'))
model.compile(optimizer='sgd', loss='categorical_crossentropy')
`,
    },
    {
      name: 'Keras Activation layers (tanh, hard_sigmoid): the activation argument is replaced; glorot_normal becomes he_normal',
      filePath: 'model.py',
      code: `from keras.models import Sequential
from keras.layers import Dense, Activation

model = Sequential()
model.add(Dense(128, input_shape=(50,)))
model.add(Activation('tanh'))
for _ in range(10):
    model.add(Dense(128, kernel_initializer='glorot_normal'))
    model.add(Activation('hard_sigmoid'))
model.add(Dense(1))
`,
      errors: [
        { messageId: 'saturating', line: 6, column: 22 },
        { messageId: 'saturating', line: 9, column: 26 },
      ],
      output: `from keras.models import Sequential
from keras.layers import Dense, Activation

model = Sequential()
model.add(Dense(128, input_shape=(50,), kernel_initializer='he_normal'))
model.add(Activation('relu'))
for _ in range(10):
    model.add(Dense(128, kernel_initializer='he_normal'))
    model.add(Activation('relu'))
model.add(Dense(1))
`,
    },
  ],
};

testRule(rule, {
  valid: [
    {
      name: 'healthy deep ReLU model with He initialization',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({
  layers: [
    tf.layers.dense({inputShape: [32], units: 64, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 64, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 64, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 64, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 1, activation: 'sigmoid'}),
  ],
});`,
    },
    {
      name: 'two tanh hidden layers: the estimate keeps layer 0 near the output (above hintRatio 0.1)',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'tanh'}));
model.add(tf.layers.dense({units: 8, activation: 'tanh'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'stacked LSTMs keep their own tanh',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.lstm({inputShape: [20, 8], units: 32, returnSequences: true}));
model.add(tf.layers.lstm({units: 32, returnSequences: true, activation: 'tanh'}));
model.add(tf.layers.gru({units: 32, returnSequences: true}));
model.add(tf.layers.lstm({units: 32}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'an activation the extractor could not resolve is not flagged',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(act: string) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [4], units: 8, activation: act as any}));
  model.add(tf.layers.dense({units: 8, activation: act as any}));
  model.add(tf.layers.dense({units: 8, activation: act as any}));
  model.add(tf.layers.dense({units: 8, activation: act as any}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
    },
    {
      name: 'an unknown spread after the activation may override it',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(opts: tf.layers.DenseLayerArgs) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'sigmoid', ...opts}));
  model.add(tf.layers.dense({units: 8, activation: 'sigmoid', ...opts}));
  model.add(tf.layers.dense({units: 8, activation: 'sigmoid', ...opts}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
    },
    {
      name: 'hintRatio is an option: four tanh hidden layers are silent under a lower bar',
      options: { hintRatio: 0.01 },
      code: `const tf = require('@tensorflow/tfjs');
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'tanh'}));
model.add(tf.layers.dense({units: 8, activation: 'tanh'}));
model.add(tf.layers.dense({units: 8, activation: 'tanh'}));
model.add(tf.layers.dense({units: 8, activation: 'tanh'}));
model.add(tf.layers.dense({units: 1}));`,
      filePath: 'model.js',
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: 'nine sigmoid hidden layers (defaults): the estimate puts layer 0 far below vanishingRatio 1e-3',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'sigmoid'}));
for (let i = 0; i < 8; i++) model.add(tf.layers.dense({units: 32, activation: 'sigmoid'}));
model.add(tf.layers.dense({units: 1}));`,
      errors: [
        { messageId: 'saturating', line: 3, column: 69, endLine: 3, endColumn: 78 },
        { messageId: 'saturating', line: 4, column: 79, endLine: 4, endColumn: 88 },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
for (let i = 0; i < 8; i++) model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'two sigmoid hidden layers (defaults): between vanishingRatio and hintRatio, an info hint',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'sigmoid'}));
model.add(tf.layers.dense({units: 8, activation: 'sigmoid'}));
model.add(tf.layers.dense({units: 1, activation: 'sigmoid'}));`,
      errors: [
        { messageId: 'saturating', line: 3, column: 67, endLine: 3, endColumn: 76, hint: true },
        { messageId: 'saturating', line: 4, column: 50, endLine: 4, endColumn: 59, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1, activation: 'sigmoid'}));`,
    },
    {
      name: 'layers array: each hidden sigmoid becomes relu with heNormal',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({
  layers: [
    tf.layers.dense({inputShape: [16], units: 32, activation: 'sigmoid'}),
    tf.layers.dense({units: 32, activation: 'sigmoid'}),
    tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 1, activation: 'sigmoid'}),
  ],
});`,
      options: LEGACY,
      errors: [
        { messageId: 'saturating', line: 4, column: 63, endLine: 4, endColumn: 72 },
        { messageId: 'saturating', line: 5, column: 45, endLine: 5, endColumn: 54 },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({
  layers: [
    tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 1, activation: 'sigmoid'}),
  ],
});`,
    },
    {
      name: 'model.add in JS with double quotes: a Glorot uniform kernel becomes He uniform',
      filePath: 'model.js',
      code: `const tf = require("@tensorflow/tfjs");
const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [8], units: 16, activation: "tanh", kernelInitializer: "glorotUniform" }));
model.add(tf.layers.dense({ units: 16, activation: "relu" }));
model.add(tf.layers.dense({ units: 16, activation: "relu" }));
model.add(tf.layers.dense({ units: 3, activation: "softmax" }));`,
      options: LEGACY,
      errors: [{ messageId: 'saturating', line: 3, column: 69, endLine: 3, endColumn: 75 }],
      output: `const tf = require("@tensorflow/tfjs");
const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [8], units: 16, activation: "relu", kernelInitializer: "heUniform" }));
model.add(tf.layers.dense({ units: 16, activation: "relu" }));
model.add(tf.layers.dense({ units: 16, activation: "relu" }));
model.add(tf.layers.dense({ units: 3, activation: "softmax" }));`,
    },
    {
      name: 'activation layer after a linear dense layer; a seeded Glorot call is renamed in place',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [8], units: 16, kernelInitializer: tf.initializers.glorotNormal({seed: 7})}));
model.add(tf.layers.activation({activation: 'hardSigmoid'}));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [{ messageId: 'saturating', line: 4, column: 45, endLine: 4, endColumn: 58 }],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [8], units: 16, kernelInitializer: tf.initializers.heNormal({seed: 7})}));
model.add(tf.layers.activation({activation: 'relu'}));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'a loop-repeated layer is reported once',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [8], units: 16, activation: 'relu'}));
for (let i = 0; i < 4; i++) {
  model.add(tf.layers.dense({units: 16, activation: 'softsign'}));
}
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [{ messageId: 'saturating', line: 5, column: 53, endLine: 5, endColumn: 63 }],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [8], units: 16, activation: 'relu'}));
for (let i = 0; i < 4; i++) {
  model.add(tf.layers.dense({units: 16, activation: 'relu', kernelInitializer: 'heNormal'}));
}
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'an inherited activation is overridden in the layer, not in the shared object',
      code: `import * as tf from '@tensorflow/tfjs';
const hidden = {units: 16, activation: 'tanh'} as const;
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [8], units: 16, activation: 'relu'}));
model.add(tf.layers.dense({...hidden}));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [{ messageId: 'saturating', line: 5, column: 11, endLine: 5, endColumn: 26 }],
      output: `import * as tf from '@tensorflow/tfjs';
const hidden = {units: 16, activation: 'tanh'} as const;
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [8], units: 16, activation: 'relu'}));
model.add(tf.layers.dense({...hidden, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'functional model',
      code: `import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [10]});
let x = tf.layers.dense({units: 32, activation: 'relu'}).apply(input) as tf.SymbolicTensor;
x = tf.layers.dense({units: 32, activation: 'sigmoid'}).apply(x) as tf.SymbolicTensor;
x = tf.layers.dense({units: 32, activation: 'relu'}).apply(x) as tf.SymbolicTensor;
const output = tf.layers.dense({units: 2, activation: 'softmax'}).apply(x) as tf.SymbolicTensor;
const model = tf.model({inputs: input, outputs: output});`,
      options: LEGACY,
      errors: [{ messageId: 'saturating', line: 4, column: 45, endLine: 4, endColumn: 54 }],
      output: `import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [10]});
let x = tf.layers.dense({units: 32, activation: 'relu'}).apply(input) as tf.SymbolicTensor;
x = tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}).apply(x) as tf.SymbolicTensor;
x = tf.layers.dense({units: 32, activation: 'relu'}).apply(x) as tf.SymbolicTensor;
const output = tf.layers.dense({units: 2, activation: 'softmax'}).apply(x) as tf.SymbolicTensor;
const model = tf.model({inputs: input, outputs: output});`,
    },
    {
      name: 'conv stack: an unresolved kernel initializer is left alone, only the activation changes',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(init: tf.initializers.Initializer) {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'tanh', kernelInitializer: init}));
  model.add(tf.layers.conv2d({filters: 8, kernelSize: 3, activation: 'relu'}));
  model.add(tf.layers.conv2d({filters: 8, kernelSize: 3, activation: 'relu'}));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  return model;
}`,
      options: LEGACY,
      errors: [{ messageId: 'saturatingBound', line: 4, column: 95, endLine: 4, endColumn: 101 }],
      output: `import * as tf from '@tensorflow/tfjs';
export function build(init: tf.initializers.Initializer) {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init}));
  model.add(tf.layers.conv2d({filters: 8, kernelSize: 3, activation: 'relu'}));
  model.add(tf.layers.conv2d({filters: 8, kernelSize: 3, activation: 'relu'}));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  return model;
}`,
    },
    {
      name: 'an activation written after an unknown spread is settled',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(opts: tf.layers.DenseLayerArgs) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu'}));
  model.add(tf.layers.dense({...opts, activation: 'tanh'}));
  model.add(tf.layers.dense({units: 8, activation: 'relu'}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
      options: LEGACY,
      errors: [{ messageId: 'saturatingBound', line: 5, column: 51, endLine: 5, endColumn: 57 }],
      output: `import * as tf from '@tensorflow/tfjs';
export function build(opts: tf.layers.DenseLayerArgs) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu'}));
  model.add(tf.layers.dense({...opts, activation: 'relu'}));
  model.add(tf.layers.dense({units: 8, activation: 'relu'}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
    },
    {
      name: 'the kernel config is a variable: the activation layer is still fixed',
      code: `import * as tf from '@tensorflow/tfjs';
const first = {inputShape: [8], units: 16};
const model = tf.sequential();
model.add(tf.layers.dense(first));
model.add(tf.layers.activation({activation: 'tanh'}));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [{ messageId: 'saturating', line: 5, column: 45, endLine: 5, endColumn: 51 }],
      output: `import * as tf from '@tensorflow/tfjs';
const first = {inputShape: [8], units: 16};
const model = tf.sequential();
model.add(tf.layers.dense(first));
model.add(tf.layers.activation({activation: 'relu'}));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'a helper that also builds the output layer: the fix is offered, not applied automatically',
      code: `import * as tf from '@tensorflow/tfjs';
function block(units: number) {
  return tf.layers.dense({units, activation: 'sigmoid'});
}
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu'}));
model.add(block(8));
model.add(block(8));
model.add(block(8));
model.add(block(1));`,
      options: LEGACY,
      errors: [{ messageId: 'saturating', line: 3, column: 46, endLine: 3, endColumn: 55 }],
      output: null,
      fixes: [
        [
          `import * as tf from '@tensorflow/tfjs';
function block(units: number) {
  return tf.layers.dense({units, activation: 'relu', kernelInitializer: 'heNormal'});
}
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu'}));
model.add(block(8));
model.add(block(8));
model.add(block(8));
model.add(block(1));`,
        ],
      ],
    },
    {
      name: 'config held in a variable: reported, but no fix can be written',
      code: `import * as tf from '@tensorflow/tfjs';
const cfg = {units: 16, activation: 'sigmoid'} as const;
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [8], units: 16, activation: 'relu'}));
model.add(tf.layers.dense(cfg));
model.add(tf.layers.dense({units: 16, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [{ messageId: 'saturating', line: 5, column: 11, endLine: 5, endColumn: 26 }],
      output: null,
    },
    ...keras.invalid,
  ],
});
