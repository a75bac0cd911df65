import { rule } from '../../src/rules/high-learning-rate';
import { HEALTHY_RECURRENT_MODEL } from './healthy-recurrent';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

/**
 * These small models take a large step calmly (their weights are large next to the rate), so a bar of 0.02 for
 * the update-to-weight ratio lets them test positions and fixes. The threshold has its own cases.
 */
const LEGACY = { maxUpdateRatio: 0.02 };

const header = "import * as tf from '@tensorflow/tfjs';\n";
const dense = 'tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] })';
const wide =
  "tf.sequential({ layers: [tf.layers.dense({ units: 256, inputShape: [784], activation: 'relu' }), tf.layers.dense({ units: 10 })] })";

/** Keras: optimizer classes and their default rates (Keras's Adagrad and Adadelta default to 0.001); a rate from a constant is overridden at the call. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras Adagrad at 0.01',
      filePath: 'model.py',
      code: `from keras import Sequential, layers, optimizers

model = Sequential([layers.Dense(64, activation='relu', input_shape=(10,)), layers.Dense(1)])
model.compile(optimizer=optimizers.Adagrad(learning_rate=0.01), loss='mse')
model.fit(x, y)
`,
    },
    {
      name: "Keras string optimizer: Keras's default rate",
      filePath: 'model.py',
      code: `from keras import Sequential, layers, optimizers

model = Sequential([layers.Dense(64, activation='relu', input_shape=(10,)), layers.Dense(1)])
model.compile(optimizer='adam', loss='mse')
model.fit(x, y)
`,
    },
  ],
  invalid: [
    {
      name: "Keras Adam(learning_rate=0.5): the keyword's value is replaced",
      filePath: 'model.py',
      code: `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Dense(64, activation='relu', input_shape=(10,)),
    layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.5), loss='mse')
model.fit(x, y)
`,
      errors: [{ messageId: 'adaptive', line: 8, column: 61 }],
      output: `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Dense(64, activation='relu', input_shape=(10,)),
    layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss='mse')
model.fit(x, y)
`,
    },
    {
      name: 'Keras rate from a constant, positional: overridden at the call',
      filePath: 'model.py',
      code: `from keras import Sequential, layers, optimizers

LR = 0.5
model = Sequential([layers.Dense(64, activation='relu', input_shape=(10,)), layers.Dense(1)])
model.compile(optimizer=optimizers.RMSprop(LR, rho=0.9), loss='mse')
`,
      errors: [{ messageId: 'adaptive', line: 5, column: 44 }],
      output: `from keras import Sequential, layers, optimizers

LR = 0.5
model = Sequential([layers.Dense(64, activation='relu', input_shape=(10,)), layers.Dense(1)])
model.compile(optimizer=optimizers.RMSprop(0.001, rho=0.9), loss='mse')
`,
    },
    {
      name: "Keras rate from a constant by keyword: the keyword's value is overridden",
      filePath: 'model.py',
      code: `from keras import Sequential, layers, optimizers

LR = 0.5
model = Sequential([layers.Dense(64, activation='relu', input_shape=(10,)), layers.Dense(1)])
model.compile(optimizer=optimizers.Adam(learning_rate=LR), loss='mse')
`,
      errors: [{ messageId: 'adaptive', line: 5, column: 55 }],
      output: `from keras import Sequential, layers, optimizers

LR = 0.5
model = Sequential([layers.Dense(64, activation='relu', input_shape=(10,)), layers.Dense(1)])
model.compile(optimizer=optimizers.Adam(learning_rate=0.001), loss='mse')
`,
    },
    {
      name: 'Keras SGD(learning_rate=LR, momentum=MOM) from constants: the momentum is read, a hint at the call',
      filePath: 'model.py',
      code: `from keras import Sequential, layers, optimizers

LR = 0.5
MOM = 0.9
model = Sequential([layers.Dense(256, activation='relu', input_shape=(784,)), layers.Dense(10)])
model.compile(optimizer=optimizers.SGD(learning_rate=LR, momentum=MOM), loss='mse')
`,
      errors: [{ messageId: 'momentum', line: 6, column: 54, hint: true }],
      output: `from keras import Sequential, layers, optimizers

LR = 0.5
MOM = 0.9
model = Sequential([layers.Dense(256, activation='relu', input_shape=(784,)), layers.Dense(10)])
model.compile(optimizer=optimizers.SGD(learning_rate=0.01, momentum=MOM), loss='mse')
`,
    },
  ],
};

testRule(rule, {
  valid: [
    {
      // The probe measures the first Adam step of these at 0.26x (dense) and below 1x (conv): healthy.
      name: 'adam(0.01) on a 784-256 dense model and on a small conv net: the first step is well within the weights',
      code: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
const conv = tf.sequential({ layers: [
  tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
  tf.layers.flatten(),
  tf.layers.dense({ units: 128, activation: 'relu' }),
  tf.layers.dense({ units: 10, activation: 'softmax' }),
] });
conv.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
`,
    },
    {
      // Adagrad divides the first gradient by sqrt(0.1 + g^2): with gradients this small the step is about 3x the
      // plain one, 0.2x the weights as the probe measures it, not the rate per weight (2.6x) the bound would say.
      name: 'adagrad(0.1) on the 784-256 model: its first step is proportional to the small gradients',
      code: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.adagrad(0.1), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'healthy deep recurrent model, clipped and well set up',
      code: HEALTHY_RECURRENT_MODEL,
    },
    {
      name: 'conventional rates for every optimizer',
      code: `${header}const a = ${dense};
a.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
const b = ${dense};
b.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
const c = ${dense};
c.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'meanSquaredError' });
const d = ${dense};
d.compile({ optimizer: tf.train.adadelta(1.0), loss: 'meanSquaredError' });
const e = ${dense};
e.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'meanSquaredError' });
`,
    },
    {
      name: "momentum(0.1, 0.9) on the wide model: even the steady step (0.77x) is within the bar; rmsprop's momentum is not heavy-ball",
      code: `${header}const a = ${wide};
a.compile({ optimizer: tf.train.momentum(0.1, 0.9), loss: 'meanSquaredError' });
const b = ${wide};
b.compile({ optimizer: tf.train.rmsprop(0.001, 0.9, 0.99), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'string optimizers use the tfjs default rate',
      code: `${header}const model = ${dense};
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
model.fit(xs, ys);
`,
    },
    {
      name: 'tfjs default rate when the argument is omitted',
      code: `${header}const model = ${dense};
model.compile({ optimizer: tf.train.adam(), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'unknown learning rate (a parameter) is not flagged',
      code: `${header}export function build(lr: number) {
  const model = ${dense};
  model.compile({ optimizer: tf.train.rmsprop(lr), loss: 'meanSquaredError' });
  return model;
}
`,
    },
    {
      name: 'maxUpdateRatio is an option: adam(0.3) on the wide model is accepted under a bar of 10',
      code: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.adam(0.3), loss: 'meanSquaredError' });
`,
      options: { maxUpdateRatio: 10 },
    },
    {
      name: 'adam(0.01) on the wide model (defaults): a step of about 0.26x the typical weight',
      code: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
`,
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: 'adam at 0.1 in compile',
      code: `${header}const model = ${dense};
model.compile({ optimizer: tf.train.adam(0.1), loss: 'meanSquaredError' });
`,
      options: LEGACY,
      errors: [{ messageId: 'adaptive', line: 3, column: 42, endLine: 3, endColumn: 45 }],
      output: `${header}const model = ${dense};
model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'shared constant: overridden at the call argument, the constant stays',
      code: `${header}const LEARNING_RATE = 0.05;
const model = ${dense};
model.compile({ optimizer: tf.train.adamax(LEARNING_RATE), loss: 'meanSquaredError' });
`,
      options: LEGACY,
      errors: [{ messageId: 'adaptive', line: 4, column: 44, endLine: 4, endColumn: 57 }],
      output: `${header}const LEARNING_RATE = 0.05;
const model = ${dense};
model.compile({ optimizer: tf.train.adamax(0.002), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'optimizer variable with momentum, extra arguments kept',
      code: `${header}const model = ${dense};
const optimizer = tf.train.momentum(0.5, 0.9);
model.compile({ optimizer, loss: 'meanSquaredError' });
`,
      options: LEGACY,
      errors: [{ messageId: 'plain', line: 3, column: 37, endLine: 3, endColumn: 40 }],
      output: `${header}const model = ${dense};
const optimizer = tf.train.momentum(0.01, 0.9);
model.compile({ optimizer, loss: 'meanSquaredError' });
`,
    },
    {
      name: 'custom loop with an arithmetic rate',
      code: `${header}const BASE = 0.05;
const model = ${dense};
const sgd = tf.train.sgd(BASE * 10);
for (let i = 0; i < 10; i++) sgd.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor));
`,
      options: LEGACY,
      errors: [{ messageId: 'plain', line: 4, column: 26, endLine: 4, endColumn: 35 }],
      output: `${header}const BASE = 0.05;
const model = ${dense};
const sgd = tf.train.sgd(0.01);
for (let i = 0; i < 10; i++) sgd.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor));
`,
    },
    {
      name: 'JS, adagrad and adadelta above their thresholds, double quotes',
      filePath: 'train.js',
      code: `const tf = require("@tensorflow/tfjs");
const a = ${dense};
a.compile({ optimizer: tf.train.adagrad(0.5), loss: "meanSquaredError" });
const b = ${dense};
b.compile({ optimizer: tf.train.adadelta(5), loss: "meanSquaredError" });
`,
      options: LEGACY,
      errors: [
        { messageId: 'adaptive', line: 3, column: 41, endLine: 3, endColumn: 44 },
        { messageId: 'unsized', line: 5, column: 42, endLine: 5, endColumn: 43, hint: true },
      ],
      output: `const tf = require("@tensorflow/tfjs");
const a = ${dense};
a.compile({ optimizer: tf.train.adagrad(0.01), loss: "meanSquaredError" });
const b = ${dense};
b.compile({ optimizer: tf.train.adadelta(1), loss: "meanSquaredError" });
`,
    },
    {
      name: 'adam(0.3) on a 784-256 model (defaults): each step moves weights about 8x their typical size 0.039',
      code: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.adam(0.3), loss: 'meanSquaredError' });
`,
      errors: [{ messageId: 'adaptive', line: 3, column: 42, endLine: 3, endColumn: 45 }],
      output: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'sgd(10) on the same model (defaults): the estimated first step rewrites the output layer',
      code: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.sgd(10), loss: 'meanSquaredError' });
`,
      errors: [{ messageId: 'plain', line: 3, column: 41, endLine: 3, endColumn: 43 }],
      output: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'momentum(0.5, 0.9): the first step is within the bar, the steady step (rate / (1 - 0.9)) is not: a hint',
      code: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.momentum(0.5, 0.9), loss: 'meanSquaredError' });
`,
      errors: [
        { messageId: 'momentum', line: 3, column: 46, endLine: 3, endColumn: 49, hint: true },
      ],
      output: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'meanSquaredError' });
`,
    },
    {
      name: "Nesterov's first step is (1 + momentum) x the plain one: momentum(1, 0.9, true) warns where momentum(1, 0.9) hints",
      code: `${header}const a = ${wide};
a.compile({ optimizer: tf.train.momentum(1, 0.9, true), loss: 'meanSquaredError' });
const b = ${wide};
b.compile({ optimizer: tf.train.momentum(1, 0.9), loss: 'meanSquaredError' });
`,
      errors: [
        { messageId: 'plain', line: 3, column: 42, endLine: 3, endColumn: 43 },
        { messageId: 'momentum', line: 5, column: 42, endLine: 5, endColumn: 43, hint: true },
      ],
      output: `${header}const a = ${wide};
a.compile({ optimizer: tf.train.momentum(0.01, 0.9, true), loss: 'meanSquaredError' });
const b = ${wide};
b.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'rate through a parameter every call site agrees on: only a suggestion at the argument',
      code: `${header}function makeModel(lr: number) {
  const model = ${dense};
  model.compile({ optimizer: tf.train.adam(lr), loss: 'meanSquaredError' });
  return model;
}
makeModel(0.1);
`,
      options: LEGACY,
      errors: [{ messageId: 'adaptive', line: 4, column: 44, endLine: 4, endColumn: 46 }],
      output: null,
      fixes: [
        [
          `${header}function makeModel(lr: number) {
  const model = ${dense};
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  return model;
}
makeModel(0.1);
`,
        ],
      ],
    },
    {
      name: "adagrad(2) on the 784-256 model: the gradient-proportional step (about 4x the output layer's weights) is reported",
      code: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.adagrad(2), loss: 'meanSquaredError' });
`,
      errors: [{ messageId: 'scaled', line: 3, column: 45, endLine: 3, endColumn: 46 }],
      output: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.adagrad(0.01), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'a larger initial accumulator shrinks the first adagrad step: adagrad(2, 10) is within the weights',
      code: `${header}const model = ${wide};
model.compile({ optimizer: tf.train.adagrad(2, 10), loss: 'meanSquaredError' });
`,
      errors: [],
      output: null,
    },
    ...keras.invalid,
  ],
});
