import { rule } from '../../src/rules/lstm-forget-bias';
import { HEALTHY_RECURRENT_MODEL } from './healthy-recurrent';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

const header = "import * as tf from '@tensorflow/tfjs';\n";

/** Keras: LSTMs default to unit_forget_bias=True, so only an explicit False is a finding. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras LSTM without unit_forget_bias (Keras turns it on)',
      filePath: 'model.py',
      code: `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.LSTM(64, input_shape=(50, 8)),
    layers.Dense(1),
])
`,
    },
    {
      name: 'Keras unit_forget_bias=True written out',
      filePath: 'model.py',
      code: `from keras.layers import LSTM
from keras.models import Sequential

model = Sequential([LSTM(8, input_shape=(10, 3), unit_forget_bias=True)])
`,
    },
  ],
  invalid: [
    {
      name: 'Keras unit_forget_bias=False is replaced in place',
      filePath: 'model.py',
      code: `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.LSTM(64, input_shape=(50, 8), unit_forget_bias=False),
    layers.Dense(1),
])
`,
      errors: [{ messageId: 'disabled', line: 5, column: 59 }],
      output: `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.LSTM(64, input_shape=(50, 8), unit_forget_bias=True),
    layers.Dense(1),
])
`,
    },
    {
      name: 'Keras multi-line call inside Bidirectional keeps its layout',
      filePath: 'model.py',
      code: `from keras.layers import LSTM, Bidirectional, Dense
from keras.models import Sequential

model = Sequential()
model.add(Bidirectional(LSTM(32,
                             return_sequences=False,
                             unit_forget_bias=False), input_shape=(20, 3)))
model.add(Dense(1))
`,
      errors: [{ messageId: 'disabled', line: 7, column: 47 }],
      output: `from keras.layers import LSTM, Bidirectional, Dense
from keras.models import Sequential

model = Sequential()
model.add(Bidirectional(LSTM(32,
                             return_sequences=False,
                             unit_forget_bias=True), input_shape=(20, 3)))
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
      name: 'unitForgetBias: true',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], unitForgetBias: true }));
`,
    },
    {
      name: 'gru and simpleRNN have no forget gate',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.gru({ units: 8, inputShape: [10, 3], returnSequences: true }));
model.add(tf.layers.simpleRNN({ units: 8 }));
`,
    },
    {
      name: 'no bias at all',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], useBias: false }));
`,
    },
    {
      name: 'unknown unitForgetBias (a parameter) is not flagged',
      code: `${header}export function build(forget: boolean) {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], unitForgetBias: forget }));
  return model;
}
`,
    },
    {
      name: 'config held in a variable the extractor cannot read',
      code: `${header}export function build(config: any) {
  const model = tf.sequential();
  model.add(tf.layers.lstm(config));
  return model;
}
`,
    },
    {
      name: 'bidirectional lstm with the bias set through a shared object',
      code: `${header}const cell = { units: 8, unitForgetBias: true };
const model = tf.sequential();
model.add(tf.layers.bidirectional({ layer: tf.layers.lstm(cell), inputShape: [10, 3] }));
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
      name: 'missing: the property is appended to the literal',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3] }));
`,
      errors: [{ messageId: 'missing', line: 3, column: 11, endLine: 3, endColumn: 25 }],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [10, 3], unitForgetBias: true }));
`,
    },
    {
      name: 'explicit false is replaced in place',
      code: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, unitForgetBias: false, inputShape: [10, 3] }));
`,
      errors: [{ messageId: 'disabled', line: 3, column: 54, endLine: 3, endColumn: 59 }],
      output: `${header}const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, unitForgetBias: true, inputShape: [10, 3] }));
`,
    },
    {
      name: 'false inherited from a shared object: overridden in the layer, not in the shared object',
      code: `${header}const base = { units: 8, unitForgetBias: false };
const model = tf.sequential({
  layers: [
    tf.layers.lstm({
      ...base,
      inputShape: [10, 3],
    }),
  ],
});
`,
      errors: [{ messageId: 'disabled', line: 5, column: 5, endLine: 5, endColumn: 19 }],
      output: `${header}const base = { units: 8, unitForgetBias: false };
const model = tf.sequential({
  layers: [
    tf.layers.lstm({
      ...base,
      inputShape: [10, 3],
      unitForgetBias: true,
    }),
  ],
});
`,
    },
    {
      name: 'JS, functional, wrapped in bidirectional, repeated by a loop (reported once)',
      filePath: 'model.js',
      code: `const tf = require('@tensorflow/tfjs');
const input = tf.input({ shape: [20, 4] });
let x = input;
for (let i = 0; i < 2; i++) {
  x = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8, returnSequences: true }) }).apply(x);
}
const model = tf.model({ inputs: input, outputs: x });
`,
      errors: [{ messageId: 'missing', line: 5, column: 40, endLine: 5, endColumn: 54 }],
      output: `const tf = require('@tensorflow/tfjs');
const input = tf.input({ shape: [20, 4] });
let x = input;
for (let i = 0; i < 2; i++) {
  x = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8, returnSequences: true, unitForgetBias: true }) }).apply(x);
}
const model = tf.model({ inputs: input, outputs: x });
`,
    },
    {
      name: 'no config at all: a config object is written into the call',
      code: `import { layers, sequential } from '@tensorflow/tfjs';
const model = sequential({ layers: [layers.lstm()] });
`,
      errors: [{ messageId: 'missing', line: 2, column: 37, endLine: 2, endColumn: 48 }],
      output: `import { layers, sequential } from '@tensorflow/tfjs';
const model = sequential({ layers: [layers.lstm({unitForgetBias: true})] });
`,
    },
    {
      name: 'false through a parameter: a suggestion, not an automatic fix',
      code: `${header}export const build = (forget: boolean) =>
  tf.sequential({ layers: [tf.layers.lstm({ units: 8, inputShape: [10, 3], unitForgetBias: forget })] });
build(false);
`,
      errors: [{ messageId: 'disabled', line: 3, column: 92, endLine: 3, endColumn: 98 }],
      output: null,
      fixes: [
        [
          `${header}export const build = (forget: boolean) =>
  tf.sequential({ layers: [tf.layers.lstm({ units: 8, inputShape: [10, 3], unitForgetBias: true })] });
build(false);
`,
        ],
      ],
    },
    ...keras.invalid,
  ],
});
