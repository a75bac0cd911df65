import { rule } from '../../src/rules/rnn-without-clipping';
import { HEALTHY_RECURRENT_MODEL } from './healthy-recurrent';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRule, testRule, type InvalidCase, type ValidCase } from './rule-tester';

/** The block the fix inserts, written out by hand so the tests do not reuse the generator. */
function block(
  indent: string,
  optimizer: string,
  clipNorm = '1',
  original = 'applyUnclippedGradients',
): string {
  const text = `{
  // tfjs optimizers have no clipnorm: scale every update so the gradients' global norm is at most clipNorm.
  const clipNorm = ${clipNorm};
  const ${original} = ${optimizer}.applyGradients.bind(${optimizer});
  ${optimizer}.applyGradients = (grads) => {
    const named = Array.isArray(grads)
      ? grads
      : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
    if (named.length === 0) return ${original}(grads);
    const clipped = tf.tidy(() => {
      const globalNorm = tf.sqrt(tf.addN(named.map((g) => tf.sum(tf.square(g.tensor)))));
      const scale = tf.div(clipNorm, tf.maximum(globalNorm, clipNorm));
      return named.map((g) => ({ name: g.name, tensor: tf.mul(g.tensor, scale) }));
    });
    ${original}(clipped);
    tf.dispose(clipped.map((g) => g.tensor));
  };
}`;
  return text
    .split('\n')
    .map((line) => indent + line)
    .join('\n');
}

const fitInFunction = (extra = '') => `import * as tf from '@tensorflow/tfjs';

export async function train(xs: tf.Tensor, ys: tf.Tensor) {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ units: 8, inputShape: [10, 3] }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });${extra}
  await model.fit(xs, ys, { epochs: 1 });
  return model;
}
`;

const functionalJs = (extra = '') => `const tf = require("@tensorflow/tfjs");

const input = tf.input({ shape: [50, 8] });
const hidden = tf.layers.lstm({ units: 32 }).apply(input);
const output = tf.layers.dense({ units: 1 }).apply(hidden);
const model = tf.model({ inputs: input, outputs: output });
const optimizer = tf.train.adam(0.001);
model.compile({ optimizer, loss: "meanSquaredError" });${extra}
model.fitDataset(dataset, { epochs: 3 });
`;

const classModel = (extra = '') => `import * as tf from '@tensorflow/tfjs';

export class Forecaster {
  private model: tf.Sequential;

  constructor() {
    this.model = tf.sequential();
    this.model.add(tf.layers.gru({ units: 8, inputShape: [10, 3] }));
    this.model.add(tf.layers.dense({ units: 1 }));
    this.model.compile({ optimizer: 'rmsprop', loss: 'meanSquaredError' });${extra}
  }

  async train(xs: tf.Tensor, ys: tf.Tensor) {
    await this.model.fit(xs, ys);
  }
}
`;

const namedImports = (extra = '') => `import { sequential, layers } from '@tensorflow/tfjs';
const model = sequential();
model.add(layers.lstm({ units: 16, inputShape: [20, 4] }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });${extra}
model.fit(xs, ys);
`;

const destructuredRequire = (
  extra = '',
) => `const { sequential, layers } = require('@tensorflow/tfjs-node');

function train(xs, ys) {
  const model = sequential();
  model.add(layers.simpleRNN({ units: 16, inputShape: [20, 4] }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });${extra}
  return model.fit(xs, ys);
}
module.exports = { train };
`;

const minimizeLoop = (extra = '') => `import * as tf from '@tensorflow/tfjs';

const model = tf.sequential({
  layers: [tf.layers.gru({ units: 16, inputShape: [20, 4] }), tf.layers.dense({ units: 1 })],
});
const optimizer = tf.train.sgd(0.1);${extra}
for (let step = 0; step < 100; step++) {
  optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor));
}
`;

const applyGradientsLoop = (extra = '') => `import * as tf from '@tensorflow/tfjs';

function build() {
  const model = tf.sequential();
  model.add(tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 16 }), inputShape: [20, 4] }));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}

const model = build();
const opt = tf.train.rmsprop(0.001);${extra}

function step(xs: tf.Tensor, ys: tf.Tensor) {
  const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor));
  opt.applyGradients(grads);
}
`;

/** Keras: clipping is an optimizer argument (clipnorm, clipvalue, global_clipnorm), applied in fit and in apply_gradients. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras custom loop clipped with tf.clip_by_global_norm',
      filePath: 'model.py',
      code: `import tensorflow as tf
from tensorflow import keras

model = keras.Sequential([keras.layers.SimpleRNN(16, input_shape=(120, 2)), keras.layers.Dense(1)])
optimizer = keras.optimizers.SGD(learning_rate=0.01)

for x, y in dataset:
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((y - model(x)) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    grads, _ = tf.clip_by_global_norm(grads, 1.0)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
`,
    },
    {
      name: 'Keras optimizer with global_clipnorm',
      filePath: 'model.py',
      code: `from keras import layers, models, optimizers

model = models.Sequential([layers.LSTM(32, input_shape=(300, 1)), layers.Dense(1)])
model.compile(optimizer=optimizers.RMSprop(global_clipnorm=1.0), loss='mse')
model.fit(x, y)
`,
    },
    {
      name: 'Keras optimizer with clipvalue, created before compile',
      filePath: 'model.py',
      code: `from keras import layers, models, optimizers

model = models.Sequential([layers.LSTM(32, input_shape=(300, 1)), layers.Dense(1)])
opt = optimizers.Adam(learning_rate=0.001, clipvalue=1.0)
model.compile(optimizer=opt, loss='mse')
model.fit(x, y)
`,
    },
  ],
  invalid: [
    {
      name: "Keras string optimizer 'adam' becomes the Adam object with clipnorm",
      filePath: 'model.py',
      code: `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.LSTM(64, input_shape=(200, 8)),
    layers.Dense(1),
])
model.compile(optimizer='adam', loss='mse')
model.fit(x_train, y_train, epochs=5)
`,
      errors: [{ messageId: 'unclipped', line: 8, column: 25 }],
      output: `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.LSTM(64, input_shape=(200, 8)),
    layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(clipnorm=1.0), loss='mse')
model.fit(x_train, y_train, epochs=5)
`,
    },
    {
      name: 'Keras multi-line optimizer call with a trailing comma keeps its layout',
      filePath: 'model.py',
      code: `import tensorflow as tf

model = tf.keras.Sequential()
model.add(tf.keras.layers.GRU(32, input_shape=(150, 4)))
model.add(tf.keras.layers.Dense(1))
model.compile(
    optimizer=tf.keras.optimizers.Adam(
        learning_rate=1e-3,
        beta_1=0.9,
    ),
    loss='mse',
)
model.fit(x, y)
`,
      errors: [{ messageId: 'unclipped', line: 7, column: 15 }],
      output: `import tensorflow as tf

model = tf.keras.Sequential()
model.add(tf.keras.layers.GRU(32, input_shape=(150, 4)))
model.add(tf.keras.layers.Dense(1))
model.compile(
    optimizer=tf.keras.optimizers.Adam(
        learning_rate=1e-3,
        beta_1=0.9,
        clipnorm=1.0,
    ),
    loss='mse',
)
model.fit(x, y)
`,
    },
    {
      name: 'Keras custom loop: clipnorm goes on the optimizer it applies gradients with',
      filePath: 'model.py',
      code: `import tensorflow as tf
from tensorflow import keras

model = keras.Sequential([keras.layers.SimpleRNN(16, input_shape=(120, 2)), keras.layers.Dense(1)])
optimizer = keras.optimizers.SGD(learning_rate=0.01)
loss_fn = keras.losses.MeanSquaredError()

for x, y in dataset:
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
`,
      errors: [{ messageId: 'unclipped', line: 12, column: 5 }],
      output: `import tensorflow as tf
from tensorflow import keras

model = keras.Sequential([keras.layers.SimpleRNN(16, input_shape=(120, 2)), keras.layers.Dense(1)])
optimizer = keras.optimizers.SGD(learning_rate=0.01, clipnorm=1.0)
loss_fn = keras.losses.MeanSquaredError()

for x, y in dataset:
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
`,
    },
  ],
};

testRule(rule, {
  valid: [
    {
      name: 'healthy deep recurrent model, clipped and well set up',
      code: HEALTHY_RECURRENT_MODEL,
    },
    {
      name: 'recurrent model compiled but never trained in the file',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3] }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
export default model;
`,
    },
    {
      name: 'trained model without a recurrent layer',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({ units: 8, inputShape: [10] }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
model.fit(xs, ys);
`,
    },
    {
      name: 'fit with the applyGradients override already in place',
      code: fitInFunction(`\n${block('  ', 'model.optimizer')}`),
    },
    {
      name: 'custom loop that clips by value',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 16, inputShape: [20, 4] }));
const optimizer = tf.train.adam(0.01);
function step(xs: tf.Tensor, ys: tf.Tensor) {
  const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor));
  const clipped: tf.NamedTensorMap = {};
  for (const name of Object.keys(grads)) clipped[name] = tf.clipByValue(grads[name], -1, 1);
  optimizer.applyGradients(clipped);
}
`,
    },
    {
      name: 'custom loop whose optimizer has its applyGradients replaced by the user',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 16, inputShape: [20, 4] }));
const optimizer = tf.train.adam(0.01);
const original = optimizer.applyGradients.bind(optimizer);
optimizer.applyGradients = (grads) => original(grads);
for (let i = 0; i < 10; i++) optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor));
`,
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: 'TS: compile with a string optimizer, fit inside a function',
      code: fitInFunction(),
      errors: [
        { messageId: 'unclipped', line: 7, column: 30, endLine: 7, endColumn: 36, hint: true },
      ],
      output: fitInFunction(`\n${block('  ', 'model.optimizer')}`),
    },
    {
      name: 'JS: functional lstm, optimizer variable, fitDataset, double quotes',
      filePath: 'model.js',
      code: functionalJs(),
      errors: [
        { messageId: 'unclipped', line: 8, column: 17, endLine: 8, endColumn: 26, hint: true },
      ],
      output: functionalJs(`\n${block('', 'model.optimizer')}`),
    },
    {
      name: 'optimizer created earlier: the finding points at its name in compile',
      code: `import * as tf from '@tensorflow/tfjs';
const opt = tf.train.adam(0.001);
const model = tf.sequential();
model.add(tf.layers.gru({ units: 8, inputShape: [10, 3] }));
model.compile({ loss: 'meanSquaredError', optimizer: opt });
model.trainOnBatch(xs, ys);
`,
      errors: [
        { messageId: 'unclipped', line: 5, column: 54, endLine: 5, endColumn: 57, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const opt = tf.train.adam(0.001);
const model = tf.sequential();
model.add(tf.layers.gru({ units: 8, inputShape: [10, 3] }));
model.compile({ loss: 'meanSquaredError', optimizer: opt });
${block('', 'model.optimizer')}
model.trainOnBatch(xs, ys);
`,
    },
    {
      name: 'model held in a class field: the override goes through this.model',
      code: classModel(),
      errors: [
        { messageId: 'unclipped', line: 10, column: 37, endLine: 10, endColumn: 46, hint: true },
      ],
      output: classModel(`\n${block('    ', 'this.model.optimizer')}`),
    },
    {
      name: 'clipNorm option',
      code: fitInFunction(),
      options: { clipNorm: 5 },
      errors: [{ messageId: 'unclipped', line: 7, column: 30, hint: true }],
      output: fitInFunction(`\n${block('  ', 'model.optimizer', '5')}`),
    },
    {
      name: 'custom loop with optimizer.minimize: override after the optimizer is created',
      code: minimizeLoop(),
      errors: [
        { messageId: 'unclipped', line: 8, column: 3, endLine: 8, endColumn: 91, hint: true },
      ],
      output: minimizeLoop(`\n${block('', 'optimizer')}`),
    },
    {
      name: 'custom loop with variableGrads + applyGradients, bidirectional simpleRNN from a builder',
      code: applyGradientsLoop(),
      errors: [
        { messageId: 'unclipped', line: 15, column: 3, endLine: 15, endColumn: 28, hint: true },
      ],
      output: applyGradientsLoop(`\n${block('', 'opt')}`),
    },
    {
      name: 'the saved original gets a name the file does not use yet',
      code: fitInFunction('\n  const applyUnclippedGradients = 1;'),
      errors: [{ messageId: 'unclipped', line: 7, column: 30, hint: true }],
      output: fitInFunction(
        `\n${block('  ', 'model.optimizer', '1', 'applyUnclippedGradients2')}\n  const applyUnclippedGradients = 1;`,
      ),
    },
    {
      name: 'named imports only: a namespace import of the same module is added for the clipping code',
      code: namedImports(),
      errors: [
        { messageId: 'unclipped', line: 4, column: 28, endLine: 4, endColumn: 34, hint: true },
      ],
      output: namedImports(`\n${block('', 'model.optimizer')}`).replace(
        "from '@tensorflow/tfjs';\n",
        "from '@tensorflow/tfjs';\nimport * as tf from '@tensorflow/tfjs';\n",
      ),
    },
    {
      name: 'JS, destructured require of tfjs-node: a namespace require is added',
      filePath: 'train.js',
      code: destructuredRequire(),
      errors: [
        { messageId: 'unclipped', line: 6, column: 30, endLine: 6, endColumn: 36, hint: true },
      ],
      output: destructuredRequire(`\n${block('  ', 'model.optimizer')}`).replace(
        "require('@tensorflow/tfjs-node');\n",
        "require('@tensorflow/tfjs-node');\nconst tf = require('@tensorflow/tfjs-node');\n",
      ),
    },
    {
      name: 'only @tensorflow/tfjs-layers: no tidy/sqrt to write the clipping with, so no fix',
      code: `import { layers, sequential } from '@tensorflow/tfjs-layers';
const model = sequential();
model.add(layers.lstm({ units: 16, inputShape: [20, 4] }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
model.fit(xs, ys);
`,
      errors: [
        { messageId: 'unclipped', line: 4, column: 28, endLine: 4, endColumn: 34, hint: true },
      ],
      output: null,
    },
    ...keras.invalid,
  ],
});

test('the message counts its time steps in words that read: 1 time step, 12 time steps, unknown', () => {
  const model = (shape: string) => `from tensorflow import keras
model = keras.Sequential([keras.layers.LSTM(8, input_shape=${shape}), keras.layers.Dense(1)])
model.compile(optimizer='adam', loss='mse')
model.fit(x, y)
`;
  for (const [shape, message] of [
    ['(1, 4)', 'LSTM over 1 time step trained without gradient clipping'],
    ['(12, 4)', 'LSTM over 12 time steps trained without gradient clipping'],
    ['(None, 4)', 'LSTM over an unknown number of time steps trained without gradient clipping'],
  ]) {
    const findings = runRule(rule, model(shape), 'model.py');
    assert.deepEqual(
      findings.map((f) => f.message),
      [message],
      shape,
    );
  }
});
