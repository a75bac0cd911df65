import { rule } from '../../src/rules/non-orthogonal-recurrent-init';
import { HEALTHY_RECURRENT_MODEL } from './healthy-recurrent';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

const header = "import * as tf from '@tensorflow/tfjs';\n";

/** Keras: the recurrent kernel defaults to orthogonal, as in tfjs; initializer objects and names in Keras's spelling. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras Orthogonal(gain=1.0) object',
      filePath: 'model.py',
      code: `from keras import Sequential, initializers, layers

model = Sequential([
    layers.LSTM(32, input_shape=(100, 4), recurrent_initializer=initializers.Orthogonal(gain=1.0)),
    layers.Dense(1),
])
`,
    },
  ],
  invalid: [
    {
      name: 'Keras RandomNormal(stddev=0.5) recurrent kernel on a SimpleRNN over 100 steps',
      filePath: 'model.py',
      code: `from keras import Sequential, initializers, layers

model = Sequential([
    layers.SimpleRNN(32, input_shape=(100, 4),
                     recurrent_initializer=initializers.RandomNormal(stddev=0.5)),
    layers.Dense(1),
])
`,
      errors: [{ messageId: 'nonOrthogonal', line: 5, column: 44 }],
      output: `from keras import Sequential, initializers, layers

model = Sequential([
    layers.SimpleRNN(32, input_shape=(100, 4),
                     recurrent_initializer='orthogonal'),
    layers.Dense(1),
])
`,
    },
    {
      name: 'Keras glorot_uniform recurrent kernel on a GRU: radius 0.71, an info hint',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([layers.GRU(32, input_shape=(30, 4), recurrent_initializer="glorot_uniform"), layers.Dense(1)])
`,
      errors: [{ messageId: 'nonOrthogonal', line: 3, column: 79, hint: true }],
      output: `from keras import Sequential, layers

model = Sequential([layers.GRU(32, input_shape=(30, 4), recurrent_initializer="orthogonal"), layers.Dense(1)])
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
      name: 'tfjs default (orthogonal) on every recurrent layer',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], returnSequences: true }));
model.add(tf.layers.gru({ units: 8, returnSequences: true }));
model.add(tf.layers.simpleRNN({ units: 8 }));
`,
    },
    {
      name: 'orthogonal and identity written out, as string, class name and call',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], recurrentInitializer: 'orthogonal', returnSequences: true }));
model.add(tf.layers.gru({ units: 8, recurrentInitializer: 'Orthogonal', returnSequences: true }));
model.add(tf.layers.simpleRNN({ units: 8, activation: 'relu', recurrentInitializer: tf.initializers.identity({ gain: 1 }) }));
`,
    },
    {
      name: 'dense kernels are not recurrent kernels',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.dense({ units: 8, inputShape: [3], kernelInitializer: 'glorotUniform' }));
`,
    },
    {
      name: 'unknown initializer (a parameter) is not flagged',
      code: `${header}export function build(init: string) {
  return tf.sequential({ layers: [tf.layers.gru({ units: 8, inputShape: [10, 3], recurrentInitializer: init })] });
}
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
      name: 'the same kernel over 5 steps stays below 70x: an info hint',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [5, 8], recurrentInitializer: tf.initializers.randomNormal({ stddev: 0.5 }) }));
`,
      errors: [
        { messageId: 'nonOrthogonal', line: 3, column: 86, endLine: 3, endColumn: 131, hint: true },
      ],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [5, 8], recurrentInitializer: 'orthogonal' }));
`,
    },
    {
      name: 'stddev 0.5 over 32 units (radius about 2.5) through 30 steps: the estimate grows the gradient past 70x, a warning',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [30, 8], recurrentInitializer: tf.initializers.randomNormal({ stddev: 0.5 }) }));
`,
      errors: [{ messageId: 'nonOrthogonal', line: 3, column: 87, endLine: 3, endColumn: 132 }],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [30, 8], recurrentInitializer: 'orthogonal' }));
`,
    },
    {
      name: 'glorotUniform string on an lstm',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], recurrentInitializer: 'glorotUniform' }));
`,
      errors: [
        { messageId: 'nonOrthogonal', line: 3, column: 81, endLine: 3, endColumn: 96, hint: true },
      ],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], recurrentInitializer: 'orthogonal' }));
`,
    },
    {
      name: 'tf.initializers call on a simpleRNN: the whole call is replaced',
      code: `${header}const model = tf.sequential();
model.add(
  tf.layers.simpleRNN({
    units: 8,
    inputShape: [10, 3],
    recurrentInitializer: tf.initializers.randomNormal({ stddev: 0.5 }),
  }),
);
`,
      errors: [
        { messageId: 'nonOrthogonal', line: 7, column: 27, endLine: 7, endColumn: 72, hint: true },
      ],
      output: `${header}const model = tf.sequential();
model.add(
  tf.layers.simpleRNN({
    units: 8,
    inputShape: [10, 3],
    recurrentInitializer: 'orthogonal',
  }),
);
`,
    },
    {
      name: 'JS, functional gru in bidirectional, double quotes',
      filePath: 'model.js',
      code: `const tf = require("@tensorflow/tfjs");
const input = tf.input({ shape: [30, 4] });
const cell = tf.layers.gru({ units: 16, recurrentInitializer: "heNormal" });
const output = tf.layers.bidirectional({ layer: cell }).apply(input);
const model = tf.model({ inputs: input, outputs: output });
`,
      errors: [
        { messageId: 'nonOrthogonal', line: 3, column: 63, endLine: 3, endColumn: 73, hint: true },
      ],
      output: `const tf = require("@tensorflow/tfjs");
const input = tf.input({ shape: [30, 4] });
const cell = tf.layers.gru({ units: 16, recurrentInitializer: "orthogonal" });
const output = tf.layers.bidirectional({ layer: cell }).apply(input);
const model = tf.model({ inputs: input, outputs: output });
`,
    },
    {
      name: 'from a shared object: overridden in the layer’s own literal',
      code: `${header}const rnn = { units: 8, recurrentInitializer: 'zeros' };
const model = tf.sequential({
  layers: [tf.layers.lstm({ ...rnn, inputShape: [10, 3] }), tf.layers.dense({ units: 1 })],
});
`,
      errors: [
        { messageId: 'nonOrthogonal', line: 4, column: 12, endLine: 4, endColumn: 26, hint: true },
      ],
      output: `${header}const rnn = { units: 8, recurrentInitializer: 'zeros' };
const model = tf.sequential({
  layers: [tf.layers.lstm({ ...rnn, inputShape: [10, 3], recurrentInitializer: 'orthogonal' }), tf.layers.dense({ units: 1 })],
});
`,
    },
    ...keras.invalid,
  ],
});
