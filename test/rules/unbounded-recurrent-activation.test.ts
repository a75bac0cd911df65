import { rule } from '../../src/rules/unbounded-recurrent-activation';
import { HEALTHY_RECURRENT_MODEL } from './healthy-recurrent';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

const header = "import * as tf from '@tensorflow/tfjs';\n";

/** Keras: LSTM and GRU gates default to sigmoid (tfjs: hardSigmoid), so the gate fix writes sigmoid; names in Keras's spelling. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras defaults, and hard_sigmoid gates written out',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([
    layers.LSTM(64, input_shape=(50, 4)),
    layers.GRU(32, recurrent_activation='hard_sigmoid'),
    layers.Dense(1),
])
`,
    },
  ],
  invalid: [
    {
      name: 'Keras SimpleRNN with relu on the default orthogonal kernel: an info hint',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([
    layers.SimpleRNN(64, activation='relu', input_shape=(50, 4)),
    layers.Dense(1),
])
`,
      errors: [{ messageId: 'unbounded', line: 4, column: 37, hint: true }],
      output: `from keras import Sequential, layers

model = Sequential([
    layers.SimpleRNN(64, activation='tanh', input_shape=(50, 4)),
    layers.Dense(1),
])
`,
    },
    {
      name: 'Keras relu SimpleRNN whose recurrent initializer is not known: a hint that says so',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

def build(recurrent):
    return Sequential([
        layers.SimpleRNN(32, activation='relu', recurrent_initializer=recurrent,
                         input_shape=(200, 2)),
        layers.Dense(1),
    ])
`,
      errors: [
        {
          messageId: 'unboundedUnsized',
          line: 5,
          column: 41,
          hint: true,
          message: "unbounded 'relu' recurrence, kernel radius not known",
        },
      ],
      output: `from keras import Sequential, layers

def build(recurrent):
    return Sequential([
        layers.SimpleRNN(32, activation='tanh', recurrent_initializer=recurrent,
                         input_shape=(200, 2)),
        layers.Dense(1),
    ])
`,
    },
    {
      name: "Keras recurrent_activation relu: Keras's default sigmoid is the fix",
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([
    layers.LSTM(64, input_shape=(50, 4), recurrent_activation='relu'),
    layers.Dense(1),
])
`,
      errors: [{ messageId: 'unboundedGate', line: 4, column: 63, hint: true }],
      output: `from keras import Sequential, layers

model = Sequential([
    layers.LSTM(64, input_shape=(50, 4), recurrent_activation='sigmoid'),
    layers.Dense(1),
])
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
      name: 'tfjs defaults (tanh, hardSigmoid gates)',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], returnSequences: true }));
model.add(tf.layers.gru({ units: 8, returnSequences: true }));
model.add(tf.layers.simpleRNN({ units: 8 }));
`,
    },
    {
      name: 'bounded activations and gates written out',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 8, inputShape: [10, 3], activation: 'softsign', returnSequences: true }));
model.add(tf.layers.lstm({ units: 8, activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: true }));
model.add(tf.layers.gru({ units: 8, activation: 'relu6', recurrentActivation: 'hardSigmoid' }));
`,
    },
    {
      name: 'relu on dense layers is not this rule’s business',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3] }));
model.add(tf.layers.dense({ units: 8, activation: 'relu' }));
`,
    },
    {
      name: 'unknown activation (a parameter) is not flagged',
      code: `${header}export function build(activation: string) {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ units: 8, inputShape: [10, 3], activation }));
  return model;
}
`,
    },
    {
      name: 'a relu activation layer after a recurrent layer acts on its output, not its state',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 8, inputShape: [10, 3] }));
model.add(tf.layers.activation({ activation: 'relu' }));
`,
    },
    {
      name: 'a later unknown spread may override the value: not judged',
      code: `${header}export function build(opts: any) {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], activation: 'relu', unitForgetBias: false, recurrentInitializer: 'zeros', ...opts }));
  return model;
}
`,
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: 'the same relu recurrence over 50 steps: the estimate grows the gradient past 70x, a warning',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [50, 8], activation: 'relu', recurrentInitializer: tf.initializers.randomNormal({ stddev: 0.3 }) }));
`,
      errors: [{ messageId: 'unbounded', line: 3, column: 77, endLine: 3, endColumn: 83 }],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [50, 8], activation: 'tanh', recurrentInitializer: tf.initializers.randomNormal({ stddev: 0.3 }) }));
`,
    },
    {
      name: 'relu with a radius-1.7 kernel over 20 steps: the estimate grows the gradient about 33x, below 70x: an info hint',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [20, 8], activation: 'relu', recurrentInitializer: tf.initializers.randomNormal({ stddev: 0.3 }) }));
`,
      errors: [
        { messageId: 'unbounded', line: 3, column: 77, endLine: 3, endColumn: 83, hint: true },
      ],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [20, 8], activation: 'tanh', recurrentInitializer: tf.initializers.randomNormal({ stddev: 0.3 }) }));
`,
    },
    {
      name: 'simpleRNN with relu',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 8, inputShape: [10, 3], activation: 'relu' }));
`,
      errors: [
        { messageId: 'unbounded', line: 3, column: 76, endLine: 3, endColumn: 82, hint: true },
      ],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 8, inputShape: [10, 3], activation: 'tanh' }));
`,
    },
    {
      name: 'lstm with linear activation and relu gates: two findings',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], activation: 'linear', recurrentActivation: 'relu' }));
`,
      errors: [
        { messageId: 'unbounded', line: 3, column: 71, endLine: 3, endColumn: 79, hint: true },
        {
          messageId: 'unboundedGate',
          line: 3,
          column: 102,
          endLine: 3,
          endColumn: 108,
          hint: true,
        },
      ],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], activation: 'tanh', recurrentActivation: 'hardSigmoid' }));
`,
    },
    {
      name: 'JS, double quotes, functional gru inside bidirectional',
      filePath: 'model.js',
      code: `const tf = require("@tensorflow/tfjs");
const input = tf.input({ shape: [30, 4] });
const encoded = tf.layers
  .bidirectional({ layer: tf.layers.gru({ units: 16, activation: "elu" }), mergeMode: "concat" })
  .apply(input);
const model = tf.model({ inputs: input, outputs: encoded });
`,
      errors: [
        { messageId: 'unbounded', line: 4, column: 66, endLine: 4, endColumn: 71, hint: true },
      ],
      output: `const tf = require("@tensorflow/tfjs");
const input = tf.input({ shape: [30, 4] });
const encoded = tf.layers
  .bidirectional({ layer: tf.layers.gru({ units: 16, activation: "tanh" }), mergeMode: "concat" })
  .apply(input);
const model = tf.model({ inputs: input, outputs: encoded });
`,
    },
    {
      name: 'activation from a shared constant: overridden in the layer, the constant stays',
      code: `${header}const recurrent = { units: 8, activation: 'selu' };
const model = tf.sequential();
model.add(tf.layers.simpleRNN({ ...recurrent, inputShape: [10, 3] }));
`,
      errors: [
        { messageId: 'unbounded', line: 4, column: 11, endLine: 4, endColumn: 30, hint: true },
      ],
      output: `${header}const recurrent = { units: 8, activation: 'selu' };
const model = tf.sequential();
model.add(tf.layers.simpleRNN({ ...recurrent, inputShape: [10, 3], activation: 'tanh' }));
`,
    },
    {
      name: 'config in a variable: reported at the layer, no fix',
      code: `${header}const config = { units: 8, inputShape: [10, 3], activation: 'relu' };
const model = tf.sequential();
model.add(tf.layers.simpleRNN(config));
`,
      errors: [
        { messageId: 'unbounded', line: 4, column: 11, endLine: 4, endColumn: 30, hint: true },
      ],
      output: null,
    },
    {
      name: 'activation through a parameter all call sites agree on: a suggestion, not an automatic fix',
      code: `${header}function build(act: string) {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ units: 8, inputShape: [10, 3], activation: act }));
  return model;
}
build('relu');
`,
      errors: [
        { messageId: 'unbounded', line: 4, column: 78, endLine: 4, endColumn: 81, hint: true },
      ],
      output: null,
      fixes: [
        [
          `${header}function build(act: string) {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ units: 8, inputShape: [10, 3], activation: 'tanh' }));
  return model;
}
build('relu');
`,
        ],
      ],
    },
    {
      name: 'shorthand { activation } from a constant: the key is kept',
      code: `${header}const activation = 'relu';
const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 8, inputShape: [10, 3], activation }));
`,
      errors: [
        { messageId: 'unbounded', line: 4, column: 64, endLine: 4, endColumn: 74, hint: true },
      ],
      output: `${header}const activation = 'relu';
const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 8, inputShape: [10, 3], activation: 'tanh' }));
`,
    },
    ...keras.invalid,
  ],
});
