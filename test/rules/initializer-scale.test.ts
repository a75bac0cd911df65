import { rule } from '../../src/rules/initializer-scale';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

/** Keras: initializer objects (RandomNormal(stddev=...)) are judged with Keras's defaults and replaced by the string form. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: "Keras RandomNormal(stddev=0.15) near He's scale on a shallow model",
      filePath: 'model.py',
      code: `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation='relu', kernel_initializer=keras.initializers.RandomNormal(stddev=0.15)),
    layers.Dense(1),
])
`,
    },
    {
      name: 'Keras: a first layer on an open input has no fan-in, so stddev 0.01 is not judged',
      filePath: 'model.py',
      code: `from keras import Model, layers, initializers


class Regressor(Model):
    def __init__(self):
        super().__init__()
        self.head = layers.Dense(1, kernel_initializer=initializers.RandomNormal(stddev=0.01))

    def call(self, x):
        return self.head(x)
`,
    },
  ],
  invalid: [
    {
      name: "Keras RandomNormal(stddev=1.0) in a loop: replaced by 'he_normal' inside the multi-line call",
      filePath: 'model.py',
      code: `import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(64,))])
for _ in range(6):
    model.add(layers.Dense(64, activation='relu',
                           kernel_initializer=keras.initializers.RandomNormal(stddev=1.0)))
model.add(layers.Dense(1))
`,
      errors: [{ messageId: 'stddevLarge', line: 7, column: 47 }],
      output: `import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(64,))])
for _ in range(6):
    model.add(layers.Dense(64, activation='relu',
                           kernel_initializer='he_normal'))
model.add(layers.Dense(1))
`,
    },
    {
      name: "Keras subclassed model on an open input: the second and third Dense's fan-in is the first's units (hints, unestimated)",
      filePath: 'model.py',
      code: `from keras import Model, layers, initializers


class Forecaster(Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(40, activation='relu', kernel_initializer=initializers.RandomNormal(stddev=0.01))
        self.drop = layers.Dropout(0.2)
        self.mid = layers.Dense(40, activation='relu', kernel_initializer=initializers.RandomNormal(stddev=0.01))
        self.out = layers.Dense(1, kernel_initializer=initializers.RandomNormal(stddev=0.01))

    def call(self, x):
        return self.out(self.mid(self.drop(self.hidden(x))))
`,
      errors: [
        {
          messageId: 'stddevSmall',
          line: 9,
          column: 75,
          hint: true,
          message:
            "random_normal stddev 0.01 is 0.0447x He's 0.224: the gradient estimate does not cover this model",
        },
        { messageId: 'stddevSmall', line: 10, column: 55, hint: true },
      ],
      output: `from keras import Model, layers, initializers


class Forecaster(Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(40, activation='relu', kernel_initializer=initializers.RandomNormal(stddev=0.01))
        self.drop = layers.Dropout(0.2)
        self.mid = layers.Dense(40, activation='relu', kernel_initializer='he_normal')
        self.out = layers.Dense(1, kernel_initializer='glorot_normal')

    def call(self, x):
        return self.out(self.mid(self.drop(self.hidden(x))))
`,
    },
    {
      name: 'Keras Dense after an LSTM of open length: its fan-in is the LSTM units',
      filePath: 'model.py',
      code: `import keras
from keras import layers, initializers

model = keras.Sequential()
model.add(layers.LSTM(32))
model.add(layers.Dense(1, activation='relu', kernel_initializer=initializers.RandomNormal(stddev=0.005)))
`,
      errors: [{ messageId: 'stddevSmall', line: 6, column: 65, hint: true }],
      output: `import keras
from keras import layers, initializers

model = keras.Sequential()
model.add(layers.LSTM(32))
model.add(layers.Dense(1, activation='relu', kernel_initializer='he_normal'))
`,
    },
    {
      name: 'Keras zeros kernel on a hidden layer',
      filePath: 'model.py',
      code: `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation='relu', kernel_initializer='zeros'),
    layers.Dense(1),
])
`,
      errors: [{ messageId: 'zeros', line: 6, column: 60 }],
      output: `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation='relu', kernel_initializer='he_normal'),
    layers.Dense(1),
])
`,
    },
  ],
};

testRule(rule, {
  valid: [
    {
      name: 'random initializers at sensible scales for their fan-in',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({
  layers: [
    tf.layers.dense({inputShape: [784], units: 100, activation: 'relu', kernelInitializer: tf.initializers.randomNormal({stddev: 0.05})}),
    tf.layers.dense({units: 64, activation: 'relu', kernelInitializer: 'truncatedNormal'}),
    tf.layers.dense({units: 64, activation: 'relu', kernelInitializer: tf.initializers.randomUniform({minval: -0.3, maxval: 0.3})}),
    tf.layers.dense({units: 64, activation: 'relu', kernelInitializer: tf.initializers.varianceScaling({scale: 2})}),
    tf.layers.dense({units: 10, activation: 'softmax', kernelInitializer: 'zeros'}),
  ],
});`,
    },
    {
      name: "tfjs's own defaults: stddev 0 means 0.05, an absent scale means 1",
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [784], units: 32, kernelInitializer: tf.initializers.randomNormal({stddev: 0})}));
model.add(tf.layers.dense({units: 32, kernelInitializer: tf.initializers.varianceScaling({mode: 'fanAvg'})}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'values the extractor could not resolve are not judged',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(stddev: number, cfg: any, init: any) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [8], units: 32, kernelInitializer: tf.initializers.randomNormal({stddev})}));
  model.add(tf.layers.dense({units: 32, kernelInitializer: tf.initializers.randomNormal(cfg)}));
  model.add(tf.layers.dense({units: 32, kernelInitializer: init}));
  model.add(tf.layers.dense({units: 32, kernelInitializer: tf.initializers.constant({value: stddev})}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
    },
    {
      name: 'an unknown spread after the initializer may override it',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(opts: tf.layers.DenseLayerArgs) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [4], units: 8, kernelInitializer: 'ones', ...opts}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
    },
    {
      name: 'He, Glorot and orthogonal initializers are never too large or small',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.lstm({inputShape: [20, 4], units: 16, kernelInitializer: 'orthogonal', returnSequences: true}));
model.add(tf.layers.lstm({units: 16, kernelInitializer: 'glorotUniform'}));
model.add(tf.layers.dense({units: 1, kernelInitializer: 'heNormal'}));`,
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: 'stddev 1 against the He scale of a 256-wide input: He preferred for ReLU, Glorot offered',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [256], units: 64, activation: 'relu', kernelInitializer: tf.initializers.randomNormal({mean: 0, stddev: 1})}));
model.add(tf.layers.dense({units: 1}));`,
      errors: [{ messageId: 'stddevLarge', line: 3, column: 97, endLine: 3, endColumn: 147 }],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [256], units: 64, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1}));`,
      fixes: [
        [
          `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [256], units: 64, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1}));`,
          `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [256], units: 64, activation: 'relu', kernelInitializer: 'glorotNormal'}));
model.add(tf.layers.dense({units: 1}));`,
        ],
      ],
    },
    {
      name: "the string 'randomNormal' (stddev 0.05) is too wide for a 4096 fan-in; tiny uniform on tanh",
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4096], units: 64, activation: 'tanh', kernelInitializer: 'randomNormal'}));
model.add(tf.layers.dense({units: 64, activation: 'tanh', kernelInitializer: tf.initializers.randomUniform({minval: -0.0001, maxval: 0.0001})}));
model.add(tf.layers.dense({units: 1}));`,
      errors: [
        { messageId: 'stddevLarge', line: 3, column: 98, endLine: 3, endColumn: 112 },
        { messageId: 'stddevSmall', line: 4, column: 78, endLine: 4, endColumn: 142 },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4096], units: 64, activation: 'tanh', kernelInitializer: 'glorotNormal'}));
model.add(tf.layers.dense({units: 64, activation: 'tanh', kernelInitializer: 'glorotNormal'}));
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'unknown fan-in falls back to absolute thresholds; selu prefers leCunNormal',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(features: number, width: number) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [features], units: width, activation: 'selu', kernelInitializer: tf.initializers.truncatedNormal({stddev: 2})}));
  model.add(tf.layers.dense({units: 1, kernelInitializer: tf.initializers.randomNormal({stddev: 0.0005})}));
  return model;
}`,
      errors: [
        {
          messageId: 'stddevLargeNoFan',
          line: 4,
          column: 107,
          endLine: 4,
          endColumn: 151,
          hint: true,
        },
        {
          messageId: 'stddevSmallNoFan',
          line: 5,
          column: 59,
          endLine: 5,
          endColumn: 105,
          hint: true,
        },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
export function build(features: number, width: number) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [features], units: width, activation: 'selu', kernelInitializer: 'leCunNormal'}));
  model.add(tf.layers.dense({units: 1, kernelInitializer: 'glorotNormal'}));
  return model;
}`,
    },
    {
      name: 'varianceScaling far from 1, constant kernels, zeros on a hidden layer',
      filePath: 'model.js',
      code: `const tf = require('@tensorflow/tfjs');
const model = tf.sequential();
model.add(tf.layers.conv2d({inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.varianceScaling({scale: 10})}));
model.add(tf.layers.conv2d({filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.varianceScaling({scale: 0.01, distribution: 'uniform'})}));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'ones'}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: tf.initializers.constant({value: 0.5})}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'zeros'}));
model.add(tf.layers.dense({units: 1, kernelInitializer: 'zeros'}));`,
      errors: [
        { messageId: 'scaleLarge', line: 3, column: 118, endLine: 3, endColumn: 162, hint: true },
        { messageId: 'scaleSmall', line: 4, column: 95, endLine: 4, endColumn: 166, hint: true },
        { messageId: 'constant', line: 6, column: 77, endLine: 6, endColumn: 83, hint: true },
        { messageId: 'constant', line: 7, column: 77, endLine: 7, endColumn: 115, hint: true },
        { messageId: 'zeros', line: 8, column: 77, endLine: 8, endColumn: 84 },
      ],
      output: `const tf = require('@tensorflow/tfjs');
const model = tf.sequential();
model.add(tf.layers.conv2d({inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.conv2d({filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 8, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1, kernelInitializer: 'zeros'}));`,
    },
    {
      name: 'named imports, a serialized varianceScaling config, and a separable depthwise kernel',
      code: `import {initializers, layers, sequential} from '@tensorflow/tfjs';
const model = sequential();
model.add(layers.separableConv2d({inputShape: [16, 16, 3], filters: 8, kernelSize: 3, activation: 'relu', depthwiseInitializer: initializers.randomNormal({stddev: 2})}));
model.add(layers.flatten());
model.add(layers.dense({units: 8, kernelInitializer: {className: 'VarianceScaling', config: {scale: 10}}}));
model.add(layers.dense({units: 1}));`,
      errors: [
        {
          messageId: 'stddevLargeNoFan',
          line: 3,
          column: 129,
          endLine: 3,
          endColumn: 167,
          hint: true,
        },
        { messageId: 'scaleLarge', line: 5, column: 54, endLine: 5, endColumn: 105, hint: true },
      ],
      output: `import {initializers, layers, sequential} from '@tensorflow/tfjs';
const model = sequential();
model.add(layers.separableConv2d({inputShape: [16, 16, 3], filters: 8, kernelSize: 3, activation: 'relu', depthwiseInitializer: 'heNormal'}));
model.add(layers.flatten());
model.add(layers.dense({units: 8, kernelInitializer: 'glorotNormal'}));
model.add(layers.dense({units: 1}));`,
    },
    {
      name: 'functional model: fan-in from the input shape; the serialized form is replaced too',
      code: `import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [512]});
const hidden = tf.layers.dense({units: 64, activation: 'elu', kernelInitializer: tf.initializers.randomUniform({minval: -1, maxval: 1})}).apply(input) as tf.SymbolicTensor;
const output = tf.layers.dense({units: 1, activation: 'sigmoid', kernelInitializer: {className: 'RandomNormal', config: {stddev: 0.0001}}}).apply(hidden) as tf.SymbolicTensor;
export const model = tf.model({inputs: input, outputs: output});`,
      errors: [
        { messageId: 'stddevLarge', line: 3, column: 82, endLine: 3, endColumn: 136 },
        { messageId: 'stddevSmall', line: 4, column: 85, endLine: 4, endColumn: 138 },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [512]});
const hidden = tf.layers.dense({units: 64, activation: 'elu', kernelInitializer: 'heNormal'}).apply(input) as tf.SymbolicTensor;
const output = tf.layers.dense({units: 1, activation: 'sigmoid', kernelInitializer: 'glorotNormal'}).apply(hidden) as tf.SymbolicTensor;
export const model = tf.model({inputs: input, outputs: output});`,
    },
    {
      name: 'a scale that saturates the sigmoid output (no gradient anywhere) is a warning, not an uncovered model',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [32], units: 32, activation: 'elu'}));
for (let i = 0; i < 10; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'elu', kernelInitializer: tf.initializers.randomNormal({stddev: 0.63})}));
}
model.add(tf.layers.dense({units: 1, activation: 'sigmoid'}));
model.compile({optimizer: 'adam', loss: 'meanSquaredError'});`,
      errors: [{ messageId: 'stddevLarge', line: 5, column: 79, endLine: 5, endColumn: 123 }],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [32], units: 32, activation: 'elu'}));
for (let i = 0; i < 10; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'elu', kernelInitializer: 'heNormal'}));
}
model.add(tf.layers.dense({units: 1, activation: 'sigmoid'}));
model.compile({optimizer: 'adam', loss: 'meanSquaredError'});`,
    },
    {
      name: 'an activation the extractor could not resolve: both fixes offered, none preferred',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(act: any) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [100], units: 32, activation: act, kernelInitializer: tf.initializers.randomNormal({stddev: 3})}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
      errors: [
        { messageId: 'stddevLarge', line: 4, column: 96, endLine: 4, endColumn: 137, hint: true },
      ],
      output: null,
      fixes: [
        [
          `import * as tf from '@tensorflow/tfjs';
export function build(act: any) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [100], units: 32, activation: act, kernelInitializer: 'heNormal'}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
          `import * as tf from '@tensorflow/tfjs';
export function build(act: any) {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [100], units: 32, activation: act, kernelInitializer: 'glorotNormal'}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}`,
        ],
      ],
    },
    ...keras.invalid,
  ],
});
