import { rule } from '../../src/rules/initializer-mismatch';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

/**
 * The small models of these cases are healthy by the estimate, so their findings are info hints; a bar of 0 for
 * the hint's gain (every mismatch is hinted) lets them test positions and fixes. Thresholds have their own cases.
 */
const LEGACY = { hintGain: 0 };

/** Keras: initializer names, classes (HeNormal(seed=1)) and function aliases (he_uniform()) are read and rewritten in Keras's spelling. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras: glorot_uniform on tanh, he_normal on relu',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([
    layers.Dense(64, activation='tanh', kernel_initializer='glorot_uniform', input_shape=(8,)),
    layers.Dense(64, activation='relu', kernel_initializer='he_normal'),
    layers.Dense(1),
])
`,
    },
  ],
  invalid: [
    {
      name: 'Keras initializer class renamed in place, keeping its seed',
      filePath: 'model.py',
      code: `import tensorflow as tf

model = tf.keras.Sequential()
model.add(tf.keras.Input(shape=(16,)))
for _ in range(30):
    model.add(tf.keras.layers.Dense(
        64, activation='relu',
        kernel_initializer=tf.keras.initializers.GlorotNormal(seed=1)))
model.add(tf.keras.layers.Dense(1))
`,
      errors: [{ messageId: 'glorotOnRelu', line: 8, column: 28 }],
      output: `import tensorflow as tf

model = tf.keras.Sequential()
model.add(tf.keras.Input(shape=(16,)))
for _ in range(30):
    model.add(tf.keras.layers.Dense(
        64, activation='relu',
        kernel_initializer=tf.keras.initializers.HeNormal(seed=1)))
model.add(tf.keras.layers.Dense(1))
`,
    },
    {
      name: 'Keras initializer function alias renamed in place',
      filePath: 'model.py',
      code: `from keras import Sequential, initializers, layers

model = Sequential([layers.Input(shape=(16,))])
for _ in range(30):
    model.add(layers.Dense(64, activation='relu', kernel_initializer=initializers.glorot_uniform()))
model.add(layers.Dense(1))
`,
      errors: [{ messageId: 'glorotOnRelu', line: 5, column: 70 }],
      output: `from keras import Sequential, initializers, layers

model = Sequential([layers.Input(shape=(16,))])
for _ in range(30):
    model.add(layers.Dense(64, activation='relu', kernel_initializer=initializers.he_uniform()))
model.add(layers.Dense(1))
`,
    },
    {
      name: 'Keras lecun_uniform on 30 relu layers, activation given positionally',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([layers.Input(shape=(16,))])
for _ in range(30):
    model.add(layers.Dense(64, 'relu', kernel_initializer='lecun_uniform'))
model.add(layers.Dense(1))
`,
      errors: [{ messageId: 'glorotOnRelu', line: 5, column: 59 }],
      output: `from keras import Sequential, layers

model = Sequential([layers.Input(shape=(16,))])
for _ in range(30):
    model.add(layers.Dense(64, 'relu', kernel_initializer='he_uniform'))
model.add(layers.Dense(1))
`,
    },
    {
      name: 'Keras he_uniform on tanh layers: info hints',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([
    layers.Dense(64, activation='tanh', kernel_initializer='he_uniform', input_shape=(8,)),
    layers.Dense(64, activation='tanh', kernel_initializer='he_uniform'),
    layers.Dense(64, activation='tanh', kernel_initializer='he_uniform'),
    layers.Dense(1),
])
`,
      errors: [
        { messageId: 'heOnSaturating', line: 4, column: 60, hint: true },
        { messageId: 'heOnSaturating', line: 5, column: 60, hint: true },
        { messageId: 'heOnSaturating', line: 6, column: 60, hint: true },
      ],
      output: `from keras import Sequential, layers

model = Sequential([
    layers.Dense(64, activation='tanh', kernel_initializer='glorot_uniform', input_shape=(8,)),
    layers.Dense(64, activation='tanh', kernel_initializer='glorot_uniform'),
    layers.Dense(64, activation='tanh', kernel_initializer='glorot_uniform'),
    layers.Dense(1),
])
`,
    },
  ],
};

testRule(rule, {
  valid: [
    {
      name: 'one relu layer with explicit Glorot (defaults): He changes the ratio by less than hintGain 1.25',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'glorotNormal'}));
model.add(tf.layers.dense({units: 1}));
`,
    },
    {
      name: 'healthy deep model: He on ReLU, Glorot on tanh, LeCun on selu',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({
  layers: [
    tf.layers.dense({inputShape: [32], units: 64, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 64, activation: 'elu', kernelInitializer: 'heUniform'}),
    tf.layers.dense({units: 64, activation: 'tanh', kernelInitializer: 'glorotUniform'}),
    tf.layers.dense({units: 64, activation: 'selu', kernelInitializer: tf.initializers.leCunNormal({seed: 3})}),
    tf.layers.dense({units: 10, activation: 'softmax', kernelInitializer: 'glorotNormal'}),
  ],
});`,
    },
    {
      name: 'Glorot on ReLU in a shallow model: He would move the estimate by less than hintGain',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu', kernelInitializer: 'glorotUniform'}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'glorotUniform'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'Glorot on a ReLU output layer is not hidden',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1, activation: 'relu', kernelInitializer: 'glorotNormal'}));`,
    },
    {
      name: 'unresolved initializer or activation is never judged',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(init: any, act: any) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'tanh', kernelInitializer: init}));
  model.add(tf.layers.dense({units: 8, activation: act, kernelInitializer: 'heNormal'}));
  model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: init}));
  model.add(tf.layers.dense({units: 8, activation: 'selu', kernelInitializer: init}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
    },
    {
      name: 'varianceScaling equal to He on ReLU layers',
      code: `import * as tf from '@tensorflow/tfjs';
const he = tf.initializers.varianceScaling({scale: 2, mode: 'fanIn', distribution: 'normal'});
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu', kernelInitializer: he}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: he}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: he}));
model.add(tf.layers.dense({units: 1}));`,
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: '8 relu layers with explicit Glorot (defaults): He moves layer 0 from 0.2x to 0.29x, an info hint',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'glorotNormal'}));
for (let i = 0; i < 6; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'glorotNormal'}));
}
model.add(tf.layers.dense({units: 1}));
`,
      errors: [
        { messageId: 'glorotOnRelu', line: 3, column: 96, endLine: 3, endColumn: 110, hint: true },
        { messageId: 'glorotOnRelu', line: 5, column: 80, endLine: 5, endColumn: 94, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
for (let i = 0; i < 6; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
}
model.add(tf.layers.dense({units: 1}));
`,
    },
    {
      name: 'the same model with vanishingRatio 0.25: below it, and He lifts it above, a warning',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'glorotNormal'}));
for (let i = 0; i < 6; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'glorotNormal'}));
}
model.add(tf.layers.dense({units: 1}));
`,
      options: { vanishingRatio: 0.25 },
      errors: [
        { messageId: 'glorotOnRelu', line: 3, column: 96, endLine: 3, endColumn: 110 },
        { messageId: 'glorotOnRelu', line: 5, column: 80, endLine: 5, endColumn: 94 },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
for (let i = 0; i < 6; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
}
model.add(tf.layers.dense({units: 1}));
`,
    },
    {
      name: 'He on sigmoid and tanh becomes Glorot of the same distribution',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'sigmoid', kernelInitializer: 'heUniform'}));
model.add(tf.layers.dense({units: 1, activation: 'tanh', kernelInitializer: tf.initializers.heNormal({seed: 42})}));`,
      options: LEGACY,
      errors: [
        {
          messageId: 'heOnSaturating',
          line: 3,
          column: 97,
          endLine: 3,
          endColumn: 108,
          hint: true,
        },
        {
          messageId: 'heOnSaturating',
          line: 4,
          column: 77,
          endLine: 4,
          endColumn: 113,
          hint: true,
        },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'sigmoid', kernelInitializer: 'glorotUniform'}));
model.add(tf.layers.dense({units: 1, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({seed: 42})}));`,
    },
    {
      name: 'Glorot and LeCun on hidden ReLU layers of a deep model become He',
      filePath: 'model.js',
      code: `const tf = require('@tensorflow/tfjs');
function build() {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({inputShape: [32, 32, 3], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'glorotUniform'}),
      tf.layers.conv2d({filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'leCunNormal'}),
      tf.layers.conv2d({filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}),
      tf.layers.flatten(),
      tf.layers.dense({units: 10, activation: 'softmax'}),
    ],
  });
}
module.exports = {build};`,
      options: LEGACY,
      errors: [
        { messageId: 'glorotOnRelu', line: 5, column: 117, endLine: 5, endColumn: 132, hint: true },
        { messageId: 'glorotOnRelu', line: 6, column: 92, endLine: 6, endColumn: 105, hint: true },
      ],
      output: `const tf = require('@tensorflow/tfjs');
function build() {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({inputShape: [32, 32, 3], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'heUniform'}),
      tf.layers.conv2d({filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}),
      tf.layers.conv2d({filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}),
      tf.layers.flatten(),
      tf.layers.dense({units: 10, activation: 'softmax'}),
    ],
  });
}
module.exports = {build};`,
    },
    {
      name: 'selu with anything but LeCun; a uniform one becomes leCunUniform',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'selu', kernelInitializer: 'glorotUniform'}));
model.add(tf.layers.dense({units: 8, activation: 'selu', kernelInitializer: 'orthogonal'}));
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [
        { messageId: 'seluNotLeCun', line: 3, column: 94, endLine: 3, endColumn: 109, hint: true },
        { messageId: 'seluNotLeCun', line: 4, column: 77, endLine: 4, endColumn: 89, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'selu', kernelInitializer: 'leCunUniform'}));
model.add(tf.layers.dense({units: 8, activation: 'selu', kernelInitializer: 'leCunNormal'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'a shared initializer from a spread is overridden in the layer; ReLU from an activation layer',
      code: `import * as tf from '@tensorflow/tfjs';
const base = {units: 16, kernelInitializer: 'glorotNormal'} as const;
const input = tf.input({shape: [8]});
let x: tf.SymbolicTensor = input;
for (let i = 0; i < 4; i++) {
  x = tf.layers.dense({...base}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
}
const out = tf.layers.dense({units: 1}).apply(x) as tf.SymbolicTensor;
const model = tf.model({inputs: input, outputs: out});`,
      options: LEGACY,
      errors: [
        { messageId: 'glorotOnRelu', line: 6, column: 7, endLine: 6, endColumn: 22, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const base = {units: 16, kernelInitializer: 'glorotNormal'} as const;
const input = tf.input({shape: [8]});
let x: tf.SymbolicTensor = input;
for (let i = 0; i < 4; i++) {
  x = tf.layers.dense({...base, kernelInitializer: 'heNormal'}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
}
const out = tf.layers.dense({units: 1}).apply(x) as tf.SymbolicTensor;
const model = tf.model({inputs: input, outputs: out});`,
    },
    {
      name: 'varianceScaling equal to Glorot on a ReLU layer becomes heNormal',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.varianceScaling({scale: 1, mode: 'fanAvg'})}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [
        { messageId: 'glorotOnRelu', line: 3, column: 94, endLine: 3, endColumn: 153, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    ...keras.invalid,
  ],
});
