import { rule } from '../../src/rules/saturating-output-loss';
import { HEALTHY_RECURRENT_MODEL } from './healthy-recurrent';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

const header = "import * as tf from '@tensorflow/tfjs';\n";
const sigmoidModel = `const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, inputShape: [4], activation: 'relu' }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
`;

const multiOutput = `from keras import Input, Model, layers

x = Input(shape=(16,))
h = layers.Dense(32, activation='relu')(x)
score = layers.Dense(1, activation='sigmoid', name='score')(h)
group = layers.Dense(4, activation='softmax', name='group')(h)
model = Model(inputs=x, outputs=[score, group])
`;

/** Keras: loss names in Keras's spelling, positional compile arguments. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras sigmoid output with binary_crossentropy',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([layers.Dense(1, activation='sigmoid', input_shape=(8,))])
model.compile(optimizer='adam', loss='binary_crossentropy')
`,
    },
    {
      name: 'Keras multi-output model: each output has a cross-entropy of its own in the loss list',
      filePath: 'model.py',
      code: `${multiOutput}model.compile(optimizer='rmsprop', loss=['binary_crossentropy', 'categorical_crossentropy'])\n`,
    },
    {
      name: 'Keras loss dict: the squared error goes to an output without a saturating activation',
      filePath: 'model.py',
      code: `${multiOutput}extra = layers.Dense(1, name='extra')(h)\nboth = Model(x, [score, extra])\nboth.compile(optimizer='rmsprop', loss={'score': 'binary_crossentropy', 'extra': 'mse'})\n`,
    },
  ],
  invalid: [
    {
      name: "Keras loss list: only the sigmoid output's squared error is reported, and only that element is replaced",
      filePath: 'model.py',
      code: `${multiOutput}model.compile(optimizer='rmsprop', loss=['mean_squared_error', 'categorical_crossentropy'])\n`,
      errors: [{ messageId: 'regressionLossUnsized', line: 8, column: 42, hint: true }],
      output: `${multiOutput}model.compile(optimizer='rmsprop', loss=['binary_crossentropy', 'categorical_crossentropy'])\n`,
    },
    {
      name: "Keras loss dict keyed by output name: the softmax output's 'mae' is reported",
      filePath: 'model.py',
      code: `${multiOutput}model.compile(optimizer='rmsprop', loss={'score': 'binary_crossentropy', 'group': 'mae'})\n`,
      errors: [{ messageId: 'regressionLossUnsized', line: 8, column: 83, hint: true }],
      output: `${multiOutput}model.compile(optimizer='rmsprop', loss={'score': 'binary_crossentropy', 'group': 'categorical_crossentropy'})\n`,
    },
    {
      name: "Keras sigmoid output under 'mse' as a keyword argument: an info hint (not saturated, Adam)",
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([
    layers.Dense(32, activation='relu', input_shape=(8,)),
    layers.Dense(1, activation='sigmoid'),
])
model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])
`,
      errors: [{ messageId: 'regressionLoss', line: 7, column: 38, hint: true }],
      output: `from keras import Sequential, layers

model = Sequential([
    layers.Dense(32, activation='relu', input_shape=(8,)),
    layers.Dense(1, activation='sigmoid'),
])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
`,
    },
    {
      name: 'Keras softmax output under a positional loss (an info hint under Adam): the argument is replaced, not given a key',
      filePath: 'model.py',
      code: `import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Dense(32, activation='relu', input_shape=(8,)),
    tf.keras.layers.Dense(10, activation='softmax'),
])
model.compile('adam', "mean_squared_error", ['accuracy'])
`,
      errors: [{ messageId: 'regressionLoss', line: 7, column: 23, hint: true }],
      output: `import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Dense(32, activation='relu', input_shape=(8,)),
    tf.keras.layers.Dense(10, activation='softmax'),
])
model.compile('adam', 'categorical_crossentropy', ['accuracy'])
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
      name: 'sigmoid output with binaryCrossentropy',
      code: `${header}${sigmoidModel}model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
`,
    },
    {
      name: 'linear regression output with meanSquaredError',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, inputShape: [4], activation: 'sigmoid' }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
`,
    },
    {
      name: 'softmax output with categoricalCrossentropy through tf.losses',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 10, inputShape: [4], activation: 'softmax' }));
model.compile({ optimizer: 'adam', loss: tf.losses.softmaxCrossEntropy });
`,
    },
    {
      name: 'unknown loss (a parameter) is not flagged',
      code: `${header}export function build(loss: string) {
  ${sigmoidModel.replace(/\n(?=.)/g, '\n  ')}  model.compile({ optimizer: 'adam', loss });
  return model;
}
`,
    },
    {
      name: 'a user function that happens to be called mse is not the tfjs loss',
      code: `${header}function mse(yTrue: tf.Tensor, yPred: tf.Tensor) {
  return tf.losses.logLoss(yTrue, yPred);
}
${sigmoidModel}model.compile({ optimizer: 'adam', loss: mse });
`,
    },
    {
      name: 'a model never compiled',
      code: `${header}${sigmoidModel}`,
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: "sigmoid output with 'meanSquaredError'",
      code: `${header}${sigmoidModel}model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
`,
      errors: [
        { messageId: 'regressionLoss', line: 5, column: 42, endLine: 5, endColumn: 60, hint: true },
      ],
      output: `${header}${sigmoidModel}model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
`,
    },
    {
      name: 'a sigmoid output whose kernel starts it saturated (logits spread about 50): a warning',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, inputShape: [16], activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 10 }) }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
`,
      errors: [{ messageId: 'regressionLoss', line: 5, column: 42, endLine: 5, endColumn: 60 }],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, inputShape: [16], activation: 'relu', kernelInitializer: 'heNormal' }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 10 }) }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
`,
    },
    {
      name: 'a softmax output over tanh features at stddev 3: a warning',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, inputShape: [16], activation: 'tanh' }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ stddev: 3 }) }));
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
`,
      errors: [{ messageId: 'regressionLoss', line: 5, column: 41, endLine: 5, endColumn: 59 }],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, inputShape: [16], activation: 'tanh' }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ stddev: 3 }) }));
model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
`,
    },
    {
      name: 'a softmax output under plain sgd at the default init: a warning (its MSE gradient starts at 2/K^2)',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, inputShape: [16], activation: 'relu' }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
`,
      errors: [{ messageId: 'plainSoftmax', line: 5, column: 53, endLine: 5, endColumn: 71 }],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, inputShape: [16], activation: 'relu' }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
`,
    },
    {
      name: 'the same softmax under adam, and a sigmoid at spread 15: info hints stating the spread',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, inputShape: [16], activation: 'relu' }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
const binary = tf.sequential();
binary.add(tf.layers.dense({ units: 32, inputShape: [16], activation: 'relu', kernelInitializer: 'heNormal' }));
binary.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 3 }) }));
binary.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
`,
      errors: [
        { messageId: 'regressionLoss', line: 5, column: 42, endLine: 5, endColumn: 60, hint: true },
        { messageId: 'regressionLoss', line: 9, column: 43, endLine: 9, endColumn: 61, hint: true },
      ],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, inputShape: [16], activation: 'relu' }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
const binary = tf.sequential();
binary.add(tf.layers.dense({ units: 32, inputShape: [16], activation: 'relu', kernelInitializer: 'heNormal' }));
binary.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 3 }) }));
binary.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
`,
    },
    {
      name: "alias 'mae' in a JS file with double quotes",
      filePath: 'model.js',
      code: `const tf = require("@tensorflow/tfjs");
const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [4], activation: "sigmoid" }));
model.compile({ optimizer: "sgd", loss: "mae" });
`,
      errors: [
        { messageId: 'regressionLoss', line: 4, column: 41, endLine: 4, endColumn: 46, hint: true },
      ],
      output: `const tf = require("@tensorflow/tfjs");
const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [4], activation: "sigmoid" }));
model.compile({ optimizer: "sgd", loss: "binaryCrossentropy" });
`,
    },
    {
      name: 'softmax layer after the dense, tf.losses.meanSquaredError; the sparse variant is the alternative',
      code: `${header}const model = tf.sequential({
  layers: [tf.layers.dense({ units: 3, inputShape: [4] }), tf.layers.softmax()],
});
model.compile({ optimizer: 'adam', loss: tf.losses.meanSquaredError });
`,
      errors: [
        { messageId: 'regressionLoss', line: 5, column: 42, endLine: 5, endColumn: 68, hint: true },
      ],
      output: `${header}const model = tf.sequential({
  layers: [tf.layers.dense({ units: 3, inputShape: [4] }), tf.layers.softmax()],
});
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
`,
      fixes: [
        [
          `${header}const model = tf.sequential({
  layers: [tf.layers.dense({ units: 3, inputShape: [4] }), tf.layers.softmax()],
});
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
`,
          `${header}const model = tf.sequential({
  layers: [tf.layers.dense({ units: 3, inputShape: [4] }), tf.layers.softmax()],
});
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
`,
        ],
      ],
    },
    {
      name: 'functional model ending in an activation layer; loss from a shared constant is replaced at compile',
      code: `${header}const LOSS = 'MSE';
const input = tf.input({ shape: [4] });
const logits = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
const probs = tf.layers.activation({ activation: 'softmax' }).apply(logits) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: probs });
model.compile({ optimizer: 'adam', loss: LOSS });
`,
      errors: [
        { messageId: 'regressionLoss', line: 7, column: 42, endLine: 7, endColumn: 46, hint: true },
      ],
      output: `${header}const LOSS = 'MSE';
const input = tf.input({ shape: [4] });
const logits = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
const probs = tf.layers.activation({ activation: 'softmax' }).apply(logits) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: probs });
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
`,
    },
    {
      name: 'dropout after the sigmoid output does not hide it',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [4], activation: 'sigmoid' }));
model.add(tf.layers.dropout({ rate: 0.2 }));
model.compile({ optimizer: 'adam', loss: 'mse' });
`,
      errors: [
        {
          messageId: 'regressionLossUnsized',
          line: 5,
          column: 42,
          endLine: 5,
          endColumn: 47,
          hint: true,
        },
      ],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [4], activation: 'sigmoid' }));
model.add(tf.layers.dropout({ rate: 0.2 }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
`,
    },
    {
      name: 'shorthand { loss } from a constant: the key is kept',
      code: `${header}const loss = 'meanSquaredError';
${sigmoidModel}model.compile({ optimizer: 'adam', loss });
`,
      errors: [
        { messageId: 'regressionLoss', line: 6, column: 36, endLine: 6, endColumn: 40, hint: true },
      ],
      output: `${header}const loss = 'meanSquaredError';
${sigmoidModel}model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
`,
    },
    {
      name: 'loss passed in as a parameter: suggestions only',
      code: `${header}export function build(loss: string) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss });
  return model;
}
build('mse');
`,
      errors: [
        { messageId: 'regressionLoss', line: 5, column: 38, endLine: 5, endColumn: 42, hint: true },
      ],
      output: null,
      fixes: [
        [
          `${header}export function build(loss: string) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
build('mse');
`,
          `${header}export function build(loss: string) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  return model;
}
build('mse');
`,
        ],
      ],
    },
    ...keras.invalid,
  ],
});
