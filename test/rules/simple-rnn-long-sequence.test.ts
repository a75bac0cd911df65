import { rule } from '../../src/rules/simple-rnn-long-sequence';
import { HEALTHY_RECURRENT_MODEL } from './healthy-recurrent';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

const header = "import * as tf from '@tensorflow/tfjs';\n";

/** Keras: SimpleRNN becomes LSTM or GRU, named as the file reaches Keras's layers (added to a by-name import when needed). */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras SimpleRNN over 3 steps',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([layers.SimpleRNN(32, input_shape=(3, 4)), layers.Dense(1)])
`,
    },
  ],
  invalid: [
    {
      name: 'Keras layers.SimpleRNN over 200 steps: renamed in place',
      filePath: 'model.py',
      code: `from keras import Sequential, layers

model = Sequential([layers.SimpleRNN(32, input_shape=(200, 4)), layers.Dense(1)])
`,
      errors: [{ messageId: 'longSequence', line: 3, column: 28 }],
      output: `from keras import Sequential, layers

model = Sequential([layers.LSTM(32, input_shape=(200, 4)), layers.Dense(1)])
`,
    },
    {
      name: 'Keras identity-initialised relu SimpleRNN (IRNN) over 500 steps: no mean-field claim, a hint',
      filePath: 'model.py',
      code: `from tensorflow import keras
from tensorflow.keras import initializers, layers

pixels = keras.Sequential([
    layers.SimpleRNN(64, activation='relu',
                     kernel_initializer=initializers.RandomNormal(stddev=0.001),
                     recurrent_initializer=initializers.Identity(gain=1.0),
                     input_shape=(500, 1)),
    layers.Dense(10, activation='softmax'),
])
`,
      errors: [
        {
          messageId: 'longSequenceUnsized',
          line: 5,
          column: 12,
          hint: true,
          message: 'SimpleRNN over 500 time steps (at least 25)',
        },
      ],
      output: `from tensorflow import keras
from tensorflow.keras import initializers, layers

pixels = keras.Sequential([
    layers.LSTM(64, activation='relu',
                     kernel_initializer=initializers.RandomNormal(stddev=0.001),
                     recurrent_initializer=initializers.Identity(gain=1.0),
                     input_shape=(500, 1)),
    layers.Dense(10, activation='softmax'),
])
`,
    },
    {
      name: 'Keras SimpleRNN imported by name: LSTM is added to the import',
      filePath: 'model.py',
      code: `from keras.models import Sequential
from keras.layers import Dense, SimpleRNN

model = Sequential()
model.add(SimpleRNN(32, input_shape=(200, 4)))
model.add(Dense(1))
`,
      errors: [{ messageId: 'longSequence', line: 5, column: 11 }],
      output: `from keras.models import Sequential
from keras.layers import Dense, SimpleRNN, LSTM

model = Sequential()
model.add(LSTM(32, input_shape=(200, 4)))
model.add(Dense(1))
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
      name: 'short sequence: over 5 steps the estimate keeps step 1 within 0.1x-10x of the last',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [5, 8] }));
`,
    },
    {
      name: 'long sequence through an lstm and a gru',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [200, 3], returnSequences: true }));
model.add(tf.layers.gru({ units: 8 }));
`,
    },
    {
      name: 'variable-length sequence (null steps) is not a known length',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 8, inputShape: [null, 3] }));
`,
    },
    {
      name: 'length from a parameter the call sites disagree on stays unknown',
      code: `${header}export function build(steps: number) {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ units: 8, inputShape: [steps, 3] }));
  return model;
}
build(10);
build(100);
`,
    },
    {
      name: 'vanishingRatio and hintRatio are options: 10 steps (estimate about 0.05x) under lower bars',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [10, 8] }));
`,
      options: { vanishingRatio: 1e-6, hintRatio: 0.01 },
    },
    {
      name: 'the same unknown kernel below maxSteps is not reported',
      options: { maxSteps: 26 },
      code: `${header}export function build(init: string) {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ units: 8, inputShape: [25, 3], recurrentInitializer: init }));
  return model;
}
`,
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: 'the kernel is not known (a parameter): from maxSteps the length alone gives an info hint',
      code: `${header}export function build(init: string) {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ units: 8, inputShape: [25, 3], recurrentInitializer: init }));
  return model;
}
`,
      errors: [
        {
          messageId: 'longSequenceUnsized',
          line: 4,
          column: 23,
          endLine: 4,
          endColumn: 32,
          hint: true,
        },
      ],
      output: `${header}export function build(init: string) {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 8, inputShape: [25, 3], recurrentInitializer: init }));
  return model;
}
`,
    },
    {
      name: '10 steps of 32 tanh units: the estimate puts step 1 at about 0.05x, an info hint',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 32, inputShape: [10, 8] }));
`,
      errors: [
        { messageId: 'longSequence', line: 3, column: 21, endLine: 3, endColumn: 30, hint: true },
      ],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 32, inputShape: [10, 8] }));
`,
    },
    {
      name: 'inputShape at exactly maxSteps; lstm preferred, gru offered',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.simpleRNN({ units: 8, inputShape: [30, 3] }));
`,
      errors: [{ messageId: 'longSequence', line: 3, column: 21, endLine: 3, endColumn: 30 }],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [30, 3] }));
`,
      fixes: [
        [
          `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [30, 3] }));
`,
          `${header}const model = tf.sequential();
model.add(tf.layers.gru({ units: 8, inputShape: [30, 3] }));
`,
        ],
      ],
    },
    {
      name: 'batchInputShape, and a second simpleRNN fed the first one’s sequence',
      code: `${header}const model = tf.sequential({
  layers: [
    tf.layers.simpleRNN({ units: 8, batchInputShape: [16, 64, 3], returnSequences: true }),
    tf.layers.simpleRNN({ units: 8 }),
    tf.layers.dense({ units: 1 }),
  ],
});
`,
      errors: [
        { messageId: 'longSequence', line: 4, column: 15, endLine: 4, endColumn: 24 },
        { messageId: 'longSequence', line: 5, column: 15, endLine: 5, endColumn: 24 },
      ],
      output: `${header}const model = tf.sequential({
  layers: [
    tf.layers.lstm({ units: 8, batchInputShape: [16, 64, 3], returnSequences: true }),
    tf.layers.lstm({ units: 8 }),
    tf.layers.dense({ units: 1 }),
  ],
});
`,
    },
    {
      name: 'JS, functional: the length comes from tf.input',
      filePath: 'model.js',
      code: `const tf = require('@tensorflow/tfjs');
const input = tf.input({ shape: [120, 8] });
const state = tf.layers.simpleRNN({ units: 32 }).apply(input);
const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(state) });
`,
      errors: [{ messageId: 'longSequence', line: 3, column: 25, endLine: 3, endColumn: 34 }],
      output: `const tf = require('@tensorflow/tfjs');
const input = tf.input({ shape: [120, 8] });
const state = tf.layers.lstm({ units: 32 }).apply(input);
const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(state) });
`,
    },
    {
      name: 'after an embedding with inputLength, inside bidirectional',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.embedding({ inputDim: 1000, outputDim: 16, inputLength: 80 }));
model.add(tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 8 }) }));
`,
      errors: [{ messageId: 'longSequence', line: 4, column: 54, endLine: 4, endColumn: 63 }],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.embedding({ inputDim: 1000, outputDim: 16, inputLength: 80 }));
model.add(tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8 }) }));
`,
    },
    {
      name: 'length through a constant and a layers alias',
      code: `${header}const L = tf.layers;
const STEPS = 4 * 25;
const model = tf.sequential();
model.add(L.simpleRNN({ units: 8, inputShape: [STEPS, 3] }));
`,
      errors: [{ messageId: 'longSequence', line: 5, column: 13, endLine: 5, endColumn: 22 }],
      output: `${header}const L = tf.layers;
const STEPS = 4 * 25;
const model = tf.sequential();
model.add(L.lstm({ units: 8, inputShape: [STEPS, 3] }));
`,
    },
    {
      name: 'a bare destructured factory: reported at the callee, no fix (lstm may not be in scope)',
      code: `${header}const { simpleRNN, dense } = tf.layers;
const model = tf.sequential({ layers: [simpleRNN({ units: 8, inputShape: [40, 3] }), dense({ units: 1 })] });
`,
      errors: [{ messageId: 'longSequence', line: 3, column: 40, endLine: 3, endColumn: 49 }],
      output: null,
    },
    ...keras.invalid,
  ],
});
