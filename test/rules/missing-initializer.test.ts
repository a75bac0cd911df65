import { rule } from '../../src/rules/missing-initializer';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

/**
 * The small models of these cases are healthy on the Glorot default, so their findings are info hints; a bar of 0
 * for the hint's gain (every candidate is hinted) lets them test positions and fixes. Thresholds have their own cases at the end.
 */
const LEGACY = { hintGain: 0 };

/** Keras: the default kernel is glorot_uniform (variance exactly 2/(fanIn+fanOut), larger than tfjs's truncated glorotNormal), so the same depth weighs differently. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: "Keras: 9 relu layers on glorot_uniform stay at 0.33x; He moves them by less than hintGain (tfjs's default would be 0.11x)",
      filePath: 'model.py',
      code: `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense

model = Sequential()
model.add(Dense(128, activation="relu", input_shape=(32,)))
for i in range(8):
    model.add(
        Dense(
            128,
            activation="relu",
        )
    )
model.add(Dense(10, activation="softmax"))
`,
    },
    {
      name: 'Keras: explicit he_normal, and tanh is not ReLU-family',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([
    layers.Dense(64, activation='relu', kernel_initializer='he_normal', input_shape=(20,)),
    layers.Dense(64, activation='tanh'),
    layers.Dense(1),
])
`,
    },
    {
      name: 'Keras ReLU layers each followed by BatchNormalization: the normalisation divides out the kernel scale',
      filePath: 'model.py',
      code: `from keras.models import Sequential
from keras.layers import Activation, BatchNormalization, Conv2D, Dense, Flatten, MaxPooling2D, Reshape

def build(shape):
    net = Sequential()
    net.add(Reshape(shape, input_shape=shape))
    net.add(Conv2D(32, (3, 3), activation='relu', padding='same'))
    net.add(BatchNormalization())
    net.add(Conv2D(64, (3, 3), padding='same'))
    net.add(Activation('relu'))
    net.add(MaxPooling2D((2, 2)))
    net.add(BatchNormalization())
    net.add(Flatten())
    net.add(Dense(10, activation='softmax'))
    return net
`,
    },
  ],
  invalid: [
    {
      name: 'Keras functional loop: kernel_initializer added after the keyword arguments',
      filePath: 'model.py',
      code: `import keras
from keras import layers

inputs = keras.Input(shape=(64,))
x = inputs
for _ in range(12):
    x = layers.Dense(64, activation='relu')(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
`,
      errors: [{ messageId: 'relu', line: 7, column: 9, hint: true }],
      output: `import keras
from keras import layers

inputs = keras.Input(shape=(64,))
x = inputs
for _ in range(12):
    x = layers.Dense(64, activation='relu', kernel_initializer='he_normal')(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
`,
    },
    {
      name: "Keras 31 relu layers: a warning; the multi-line call keeps its layout and the file's double quotes",
      filePath: 'model.py',
      code: `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense

model = Sequential()
model.add(Dense(128, activation="relu", input_shape=(32,)))
for i in range(30):
    model.add(
        Dense(
            128,
            activation="relu",
        )
    )
model.add(Dense(10, activation="softmax"))
`,
      errors: [
        { messageId: 'relu', line: 5, column: 11 },
        { messageId: 'relu', line: 8, column: 9 },
      ],
      output: `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense

model = Sequential()
model.add(Dense(128, activation="relu", input_shape=(32,), kernel_initializer="he_normal"))
for i in range(30):
    model.add(
        Dense(
            128,
            activation="relu",
            kernel_initializer="he_normal",
        )
    )
model.add(Dense(10, activation="softmax"))
`,
    },
    {
      name: 'Keras elu before BatchNormalization: elu is not scale-free, so the hint stays',
      filePath: 'model.py',
      code: `from keras.models import Sequential
from keras.layers import BatchNormalization, Dense, Reshape

def build(shape):
    net = Sequential()
    net.add(Reshape(shape, input_shape=shape))
    net.add(Dense(64, activation='elu'))
    net.add(BatchNormalization())
    net.add(Dense(1))
    return net
`,
      errors: [{ messageId: 'unsized', line: 7, column: 13, hint: true }],
      output: `from keras.models import Sequential
from keras.layers import BatchNormalization, Dense, Reshape

def build(shape):
    net = Sequential()
    net.add(Reshape(shape, input_shape=shape))
    net.add(Dense(64, activation='elu', kernel_initializer='he_normal'))
    net.add(BatchNormalization())
    net.add(Dense(1))
    return net
`,
    },
    {
      name: 'Keras PReLU layers are named as written (judged as leaky ReLU)',
      filePath: 'model.py',
      code: `from keras.models import Sequential
from keras.layers import Dense, PReLU, Reshape

def build(shape):
    net = Sequential()
    net.add(Reshape(shape, input_shape=shape))
    net.add(Dense(256))
    net.add(PReLU())
    net.add(Dense(1, activation='sigmoid'))
    return net
`,
      errors: [
        {
          messageId: 'unsized',
          line: 7,
          column: 13,
          hint: true,
          message:
            "1 'PReLU' layer on the Glorot default (the gradient estimate does not cover this model)",
        },
      ],
      output: `from keras.models import Sequential
from keras.layers import Dense, PReLU, Reshape

def build(shape):
    net = Sequential()
    net.add(Reshape(shape, input_shape=shape))
    net.add(Dense(256, kernel_initializer='he_normal'))
    net.add(PReLU())
    net.add(Dense(1, activation='sigmoid'))
    return net
`,
    },
    {
      name: 'Keras selu in a list comprehension gets lecun_normal',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([
    layers.Dense(64, activation='selu', input_shape=(20,)),
    *[layers.Dense(64, activation='selu') for _ in range(15)],
    layers.Dense(1),
])
`,
      errors: [
        { messageId: 'selu', line: 4, column: 5, hint: true },
        { messageId: 'selu', line: 5, column: 7, hint: true },
      ],
      output: `from keras import Sequential, layers

model = Sequential([
    layers.Dense(64, activation='selu', input_shape=(20,), kernel_initializer='lecun_normal'),
    *[layers.Dense(64, activation='selu', kernel_initializer='lecun_normal') for _ in range(15)],
    layers.Dense(1),
])
`,
    },
  ],
};

testRule(rule, {
  valid: [
    {
      name: 'one relu layer on Glorot (defaults): He changes the ratio by less than hintGain 1.25, no finding',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));
`,
    },
    {
      name: 'healthy deep ReLU model with explicit He initialization',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({
  layers: [
    tf.layers.dense({inputShape: [32], units: 64, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 64, activation: 'elu', kernelInitializer: 'heUniform'}),
    tf.layers.dense({units: 64, activation: 'relu', kernelInitializer: tf.initializers.heNormal({seed: 1})}),
    tf.layers.dense({units: 64, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.dense({units: 10, activation: 'softmax'}),
  ],
});`,
    },
    {
      name: 'shallow ReLU model: He would move the estimate by less than hintGain',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu'}));
model.add(tf.layers.dense({units: 8, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'the output layer is not hidden, and tanh layers are not ReLU-family',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'tanh'}));
model.add(tf.layers.dense({units: 8, activation: 'tanh'}));
model.add(tf.layers.dense({units: 8, activation: 'tanh'}));
model.add(tf.layers.dense({units: 1, activation: 'relu'}));`,
    },
    {
      name: 'an initializer the extractor could not resolve counts as present',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(init: string) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu', kernelInitializer: init as any}));
  model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: init as any}));
  model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: init as any}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
    },
    {
      name: 'recurrent layers are not checked',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.simpleRNN({inputShape: [10, 4], units: 8, activation: 'relu', returnSequences: true}));
model.add(tf.layers.simpleRNN({units: 8, activation: 'relu', returnSequences: true}));
model.add(tf.layers.simpleRNN({units: 8, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'selu with leCunNormal',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'selu', kernelInitializer: 'leCunNormal'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: '8 relu layers on Glorot (defaults): He moves layer 0 from 0.2x to 0.29x, past hintGain 1.25: an info hint',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}));
for (let i = 0; i < 6; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'relu'}));
}
model.add(tf.layers.dense({units: 1}));
`,
      errors: [
        { messageId: 'relu', line: 3, column: 11, endLine: 3, endColumn: 26, hint: true },
        { messageId: 'relu', line: 5, column: 13, endLine: 5, endColumn: 28, hint: true },
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
      name: 'the same model with vanishingRatio 0.25: 0.2x is below it and He lifts it above, a warning',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}));
for (let i = 0; i < 6; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'relu'}));
}
model.add(tf.layers.dense({units: 1}));
`,
      options: { vanishingRatio: 0.25 },
      errors: [
        { messageId: 'relu', line: 3, column: 11, endLine: 3, endColumn: 26 },
        { messageId: 'relu', line: 5, column: 13, endLine: 5, endColumn: 28 },
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
      name: 'model.add: hidden ReLU layers get heNormal; heUniform is the alternative',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}));
model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 32, activation: 'leakyReLU'}));
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [
        { messageId: 'unsized', line: 3, column: 11, endLine: 3, endColumn: 26, hint: true },
        { messageId: 'unsized', line: 5, column: 11, endLine: 5, endColumn: 26, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 32, activation: 'leakyReLU', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1}));`,
      fixes: [
        [
          `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 32, activation: 'leakyReLU'}));
model.add(tf.layers.dense({units: 1}));`,
          `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'heUniform'}));
model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 32, activation: 'leakyReLU'}));
model.add(tf.layers.dense({units: 1}));`,
        ],
        [
          `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}));
model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 32, activation: 'leakyReLU', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1}));`,
          `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}));
model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 32, activation: 'leakyReLU', kernelInitializer: 'heUniform'}));
model.add(tf.layers.dense({units: 1}));`,
        ],
      ],
    },
    {
      name: 'multi-line layers array in JS, conv layers with a separate activation layer',
      filePath: 'model.js',
      code: `import * as tf from '@tensorflow/tfjs';
export const model = tf.sequential({
  layers: [
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 8,
      kernelSize: 3,
    }),
    tf.layers.reLU(),
    tf.layers.conv2d({filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.conv2d({filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.flatten(),
    tf.layers.dense({units: 10, activation: 'softmax'}),
  ],
});`,
      options: LEGACY,
      errors: [{ messageId: 'relu', line: 4, column: 5, endLine: 4, endColumn: 21, hint: true }],
      output: `import * as tf from '@tensorflow/tfjs';
export const model = tf.sequential({
  layers: [
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 8,
      kernelSize: 3,
      kernelInitializer: 'heNormal',
    }),
    tf.layers.reLU(),
    tf.layers.conv2d({filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.conv2d({filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}),
    tf.layers.flatten(),
    tf.layers.dense({units: 10, activation: 'softmax'}),
  ],
});`,
    },
    {
      name: 'separable convolutions name two kernels: both get heNormal',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.separableConv2d({inputShape: [32, 32, 3], filters: 8, kernelSize: 3, activation: 'relu'}));
model.add(tf.layers.depthwiseConv2d({kernelSize: 3, activation: 'relu', depthwiseInitializer: 'heNormal'}));
model.add(tf.layers.conv2d({filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({units: 2, activation: 'softmax'}));`,
      options: LEGACY,
      errors: [
        { messageId: 'unsized', line: 3, column: 11, endLine: 3, endColumn: 36, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.separableConv2d({inputShape: [32, 32, 3], filters: 8, kernelSize: 3, activation: 'relu', depthwiseInitializer: 'heNormal', pointwiseInitializer: 'heNormal'}));
model.add(tf.layers.depthwiseConv2d({kernelSize: 3, activation: 'relu', depthwiseInitializer: 'heNormal'}));
model.add(tf.layers.conv2d({filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({units: 2, activation: 'softmax'}));`,
    },
    {
      name: 'selu at any depth gets leCunNormal',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'selu'}));
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [{ messageId: 'selu', line: 3, column: 11, endLine: 3, endColumn: 26, hint: true }],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'selu', kernelInitializer: 'leCunNormal'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'functional model with named imports and a loop-free chain',
      code: `import {input, layers, model as makeModel} from '@tensorflow/tfjs';
const inp = input({shape: [10]});
const h1 = layers.dense({units: 16, activation: 'relu', kernelInitializer: 'heNormal'}).apply(inp);
const h2 = layers.dense({units: 16, activation: 'gelu'}).apply(h1);
const h3 = layers.dense({units: 16, activation: 'relu', kernelInitializer: 'heNormal'}).apply(h2);
const out = layers.dense({units: 1}).apply(h3);
export const model = makeModel({inputs: inp, outputs: out as any});`,
      options: LEGACY,
      errors: [{ messageId: 'relu', line: 4, column: 12, endLine: 4, endColumn: 24, hint: true }],
      output: `import {input, layers, model as makeModel} from '@tensorflow/tfjs';
const inp = input({shape: [10]});
const h1 = layers.dense({units: 16, activation: 'relu', kernelInitializer: 'heNormal'}).apply(inp);
const h2 = layers.dense({units: 16, activation: 'gelu', kernelInitializer: 'heNormal'}).apply(h1);
const h3 = layers.dense({units: 16, activation: 'relu', kernelInitializer: 'heNormal'}).apply(h2);
const out = layers.dense({units: 1}).apply(h3);
export const model = makeModel({inputs: inp, outputs: out as any});`,
    },
    {
      name: 'a loop-repeated layer is reported once and fixed once; timeDistributed wraps a dense',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.timeDistributed({inputShape: [5, 4], layer: tf.layers.dense({units: 8, activation: 'relu'})}));
for (let i = 0; i < 3; i++) {
  model.add(tf.layers.dense({units: 8, activation: 'relu'}));
}
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [
        { messageId: 'unsized', line: 3, column: 65, endLine: 3, endColumn: 80, hint: true },
        { messageId: 'unsized', line: 5, column: 13, endLine: 5, endColumn: 28, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.timeDistributed({inputShape: [5, 4], layer: tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'})}));
for (let i = 0; i < 3; i++) {
  model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
}
model.add(tf.layers.dense({units: 1}));`,
    },
    ...keras.invalid,
  ],
});
