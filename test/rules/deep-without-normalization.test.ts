import { rule } from '../../src/rules/deep-without-normalization';
import { testRule, type InvalidCase, type ValidCase } from './rule-tester';

/**
 * These deep ReLU stacks are healthy by the estimate, so their findings are info hints; a hintRatio of 2 (every
 * ratio counts) lets them test positions and fixes. The thresholds have their own cases.
 */
const LEGACY = { hintRatio: 2 };

/** Keras: BatchNormalization() goes in as a list item, a model.add line, or in functional code a line x = layers.BatchNormalization()(x); a class imported by name is added to the import. */
const keras: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'Keras: BatchNormalization after each layer in the loop',
      filePath: 'model.py',
      code: `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, BatchNormalization

model = Sequential()
model.add(Dense(64, activation='sigmoid', input_shape=(32,)))
for _ in range(8):
    model.add(Dense(64, activation='sigmoid'))
    model.add(BatchNormalization())
model.add(Dense(1))
`,
    },
  ],
  invalid: [
    {
      name: 'Keras functional loop: a BatchNormalization line after each hidden Dense line',
      filePath: 'model.py',
      code: `import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation='sigmoid')(inputs)
for _ in range(10):
    x = layers.Dense(64, activation='sigmoid')(x)  # hidden
outputs = layers.Dense(1)(x)
model = keras.Model(inputs=inputs, outputs=outputs)
`,
      errors: [{ messageId: 'missing', line: 9, column: 9 }],
      output: `import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation='sigmoid')(inputs)
x = layers.BatchNormalization()(x)
for _ in range(10):
    x = layers.Dense(64, activation='sigmoid')(x)  # hidden
    x = layers.BatchNormalization()(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs=inputs, outputs=outputs)
`,
    },
    {
      name: 'Keras Sequential list with a comment: new items after each hidden one, and the class imported',
      filePath: 'model.py',
      code: `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense

model = Sequential([
    Dense(64, activation='sigmoid', input_shape=(32,)),  # first
    Dense(64, activation='sigmoid'),
    Dense(64, activation='sigmoid'),
    Dense(64, activation='sigmoid'),
    Dense(64, activation='sigmoid'),
    Dense(64, activation='sigmoid'),
    Dense(64, activation='sigmoid'),
    Dense(64, activation='sigmoid'),
    Dense(1)
])
`,
      errors: [{ messageId: 'missing', line: 4, column: 9 }],
      output: `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, BatchNormalization

model = Sequential([
    Dense(64, activation='sigmoid', input_shape=(32,)),  # first
    BatchNormalization(),
    Dense(64, activation='sigmoid'),
    BatchNormalization(),
    Dense(64, activation='sigmoid'),
    BatchNormalization(),
    Dense(64, activation='sigmoid'),
    BatchNormalization(),
    Dense(64, activation='sigmoid'),
    BatchNormalization(),
    Dense(64, activation='sigmoid'),
    BatchNormalization(),
    Dense(64, activation='sigmoid'),
    BatchNormalization(),
    Dense(64, activation='sigmoid'),
    BatchNormalization(),
    Dense(1)
])
`,
    },
  ],
};

testRule(rule, {
  valid: [
    {
      name: 'Keras U-Net: 10 convolutions deep, not estimated, but its concatenate skips give the first layers a short path',
      filePath: 'unet.py',
      code: `from keras.layers import Input, Conv2D, MaxPooling2D, UpSampling2D, concatenate
from keras.models import Model
i = Input((64, 64, 1))
c1 = Conv2D(8, 3, activation='relu', padding='same', kernel_initializer='he_normal')(i)
c1 = Conv2D(8, 3, activation='relu', padding='same', kernel_initializer='he_normal')(c1)
c2 = Conv2D(16, 3, activation='relu', padding='same', kernel_initializer='he_normal')(MaxPooling2D()(c1))
c2 = Conv2D(16, 3, activation='relu', padding='same', kernel_initializer='he_normal')(c2)
c3 = Conv2D(32, 3, activation='relu', padding='same', kernel_initializer='he_normal')(MaxPooling2D()(c2))
c3 = Conv2D(32, 3, activation='relu', padding='same', kernel_initializer='he_normal')(c3)
u2 = Conv2D(16, 2, activation='relu', padding='same', kernel_initializer='he_normal')(UpSampling2D()(c3))
c4 = Conv2D(16, 3, activation='relu', padding='same', kernel_initializer='he_normal')(concatenate([c2, u2]))
u1 = Conv2D(8, 2, activation='relu', padding='same', kernel_initializer='he_normal')(UpSampling2D()(c4))
c5 = Conv2D(8, 3, activation='relu', padding='same', kernel_initializer='he_normal')(concatenate([c1, u1]))
model = Model(inputs=i, outputs=Conv2D(1, 1, activation='sigmoid')(c5))`,
    },
    {
      name: 'the same 12 layers with relu and He (defaults): the estimate keeps layer 0 near 1x, no finding',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
for (let i = 0; i < 10; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
}
model.add(tf.layers.dense({units: 1}));
`,
    },
    {
      name: 'deep model with batch normalization after each hidden layer',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}));
for (let i = 0; i < 8; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'relu'}));
  model.add(tf.layers.batchNormalization());
}
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'one layerNormalization anywhere is enough',
      code: `import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [16]});
let x = tf.layers.layerNormalization().apply(input) as tf.SymbolicTensor;
for (let i = 0; i < 9; i++) x = tf.layers.dense({units: 16, activation: 'relu'}).apply(x) as tf.SymbolicTensor;
const model = tf.model({inputs: input, outputs: x});`,
    },
    {
      name: 'depth 7 < minDepth 8',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}));
for (let i = 0; i < 5; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'relu'}));
}
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'minDepth option',
      options: { minDepth: 20 },
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
for (let i = 0; i < 12; i++) {
  model.add(tf.layers.dense({inputShape: [16], units: 16, activation: 'relu'}));
}`,
    },
    ...keras.valid,
  ],
  invalid: [
    {
      name: '12 sigmoid layers (defaults): the estimate puts layer 0 below vanishingRatio 1e-3, a warning',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'sigmoid'}));
for (let i = 0; i < 10; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'sigmoid'}));
}
model.add(tf.layers.dense({units: 1}));
`,
      errors: [{ messageId: 'missing', line: 2, column: 15, endLine: 2, endColumn: 28 }],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'sigmoid'}));
model.add(tf.layers.batchNormalization());
for (let i = 0; i < 10; i++) {
  model.add(tf.layers.dense({units: 32, activation: 'sigmoid'}));
  model.add(tf.layers.batchNormalization());
}
model.add(tf.layers.dense({units: 1}));
`,
    },
    {
      name: 'layers array, one line per layer: one batchNormalization after each hidden layer',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({
  layers: [
    tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}), // input
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.dropout({rate: 0.1}),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.dense({units: 1})
  ],
});`,
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 2, column: 15, endLine: 2, endColumn: 28, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({
  layers: [
    tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}), // input
    tf.layers.batchNormalization(),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.batchNormalization(),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.batchNormalization(),
    tf.layers.dropout({rate: 0.1}),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.batchNormalization(),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.batchNormalization(),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.batchNormalization(),
    tf.layers.dense({units: 32, activation: 'relu'}),
    tf.layers.batchNormalization(),
    tf.layers.dense({units: 1})
  ],
});`,
    },
    {
      name: "model.add statements and a loop body, with the file's own binding (L) and no semicolons",
      filePath: 'model.js',
      code: `import * as tfjs from '@tensorflow/tfjs'
const L = tfjs.layers
export function build() {
  const model = tfjs.sequential()
  model.add(L.conv2d({inputShape: [32, 32, 3], filters: 8, kernelSize: 3, activation: 'relu'}))
  for (let i = 0; i < 6; i++) {
    model.add(L.conv2d({filters: 8, kernelSize: 3, padding: 'same', activation: 'relu'})) // block
  }
  model.add(L.flatten())
  model.add(L.dense({units: 10, activation: 'softmax'}))
  return model
}`,
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 4, column: 17, endLine: 4, endColumn: 32, hint: true },
      ],
      output: `import * as tfjs from '@tensorflow/tfjs'
const L = tfjs.layers
export function build() {
  const model = tfjs.sequential()
  model.add(L.conv2d({inputShape: [32, 32, 3], filters: 8, kernelSize: 3, activation: 'relu'}))
  model.add(L.batchNormalization())
  for (let i = 0; i < 6; i++) {
    model.add(L.conv2d({filters: 8, kernelSize: 3, padding: 'same', activation: 'relu'})) // block
    model.add(L.batchNormalization())
  }
  model.add(L.flatten())
  model.add(L.dense({units: 10, activation: 'softmax'}))
  return model
}`,
    },
    {
      name: 'a one-line layers array and statements sharing a line',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({layers: [tf.layers.dense({inputShape: [4], units: 8}), tf.layers.dense({units: 8})]});
model.add(tf.layers.dense({units: 8})); model.add(tf.layers.dense({units: 8}));
model.add(tf.layers.dense({units: 8}));
model.add(tf.layers.dense({units: 8}));
model.add(tf.layers.dense({units: 8}));
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 2, column: 15, endLine: 2, endColumn: 28, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({layers: [tf.layers.dense({inputShape: [4], units: 8}), tf.layers.batchNormalization(), tf.layers.dense({units: 8}), tf.layers.batchNormalization()]});
model.add(tf.layers.dense({units: 8})); model.add(tf.layers.batchNormalization()); model.add(tf.layers.dense({units: 8}));
model.add(tf.layers.batchNormalization());
model.add(tf.layers.dense({units: 8}));
model.add(tf.layers.batchNormalization());
model.add(tf.layers.dense({units: 8}));
model.add(tf.layers.batchNormalization());
model.add(tf.layers.dense({units: 8}));
model.add(tf.layers.batchNormalization());
model.add(tf.layers.dense({units: 1}));`,
    },
    {
      name: 'Prettier-style multi-line add calls with a trailing comma, inside a forEach callback',
      code: `import * as tf from '@tensorflow/tfjs';
export function build(sizes: number[]) {
  const model = tf.sequential();
  [64, 64, 64, 64, 64, 64, 64, 64].forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        ...(i === 0 ? { inputShape: [16] } : {}),
      }),
    );
  });
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}`,
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 3, column: 17, endLine: 3, endColumn: 30, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
export function build(sizes: number[]) {
  const model = tf.sequential();
  [64, 64, 64, 64, 64, 64, 64, 64].forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        ...(i === 0 ? { inputShape: [16] } : {}),
      }),
    );
    model.add(tf.layers.batchNormalization());
  });
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}`,
    },
    {
      name: 'a layers array filled with push before tf.sequential({layers})',
      code: `import * as tf from '@tensorflow/tfjs';
const layers: tf.layers.Layer[] = [];
layers.push(tf.layers.dense({inputShape: [4], units: 8}));
for (let i = 0; i < 8; i++) {
  layers.push(tf.layers.dense({units: 8}));
}
layers.push(tf.layers.dense({units: 1}));
export const model = tf.sequential({layers});`,
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 8, column: 22, endLine: 8, endColumn: 35, hint: true },
      ],
      output: `import * as tf from '@tensorflow/tfjs';
const layers: tf.layers.Layer[] = [];
layers.push(tf.layers.dense({inputShape: [4], units: 8}));
layers.push(tf.layers.batchNormalization());
for (let i = 0; i < 8; i++) {
  layers.push(tf.layers.dense({units: 8}));
  layers.push(tf.layers.batchNormalization());
}
layers.push(tf.layers.dense({units: 1}));
export const model = tf.sequential({layers});`,
    },
    {
      name: 'a loop that also adds the output layer: no safe insertion, no fix',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8}));
for (let i = 0; i < 8; i++) {
  model.add(tf.layers.dense({units: 8}));
}`,
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 2, column: 15, endLine: 2, endColumn: 28, hint: true },
      ],
      output: null,
    },
    {
      name: 'a brace-less loop body: no fix (an insertion would land outside the loop)',
      code: `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [4], units: 8}));
for (let i = 0; i < 8; i++) model.add(tf.layers.dense({units: 8}));
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 2, column: 15, endLine: 2, endColumn: 28, hint: true },
      ],
      output: null,
    },
    {
      name: 'a brace-less if body on its own line: the path that adds it is a variant, no fix',
      code: `import * as tf from '@tensorflow/tfjs'
export function build(wide: boolean) {
  const model = tf.sequential()
  model.add(tf.layers.dense({inputShape: [4], units: 8}))
  for (let i = 0; i < 7; i++) {
    model.add(tf.layers.dense({units: 8}))
  }
  if (wide)
    model.add(tf.layers.dense({units: 8}))
  model.add(tf.layers.dense({units: 1}))
  return model
}`,
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 3, column: 17, endLine: 3, endColumn: 30, hint: true },
      ],
      output: null,
    },
    {
      name: 'CRLF line endings are kept',
      code: [
        "import * as tf from '@tensorflow/tfjs';",
        'const model = tf.sequential();',
        "model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu'}));",
        'for (let i = 0; i < 7; i++) {',
        "  model.add(tf.layers.dense({units: 8, activation: 'relu'}));",
        '}',
        'model.add(tf.layers.dense({units: 1}));',
      ].join('\r\n'),
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 2, column: 15, endLine: 2, endColumn: 28, hint: true },
      ],
      output: [
        "import * as tf from '@tensorflow/tfjs';",
        'const model = tf.sequential();',
        "model.add(tf.layers.dense({inputShape: [4], units: 8, activation: 'relu'}));",
        'model.add(tf.layers.batchNormalization());',
        'for (let i = 0; i < 7; i++) {',
        "  model.add(tf.layers.dense({units: 8, activation: 'relu'}));",
        '  model.add(tf.layers.batchNormalization());',
        '}',
        'model.add(tf.layers.dense({units: 1}));',
      ].join('\r\n'),
    },
    {
      name: 'layers created into variables first: no fix',
      code: `import * as tf from '@tensorflow/tfjs';
const first = tf.layers.dense({inputShape: [4], units: 8});
const model = tf.sequential();
model.add(first);
for (let i = 0; i < 8; i++) {
  model.add(tf.layers.dense({units: 8}));
}
model.add(tf.layers.dense({units: 1}));`,
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 3, column: 15, endLine: 3, endColumn: 28, hint: true },
      ],
      output: null,
    },
    {
      name: 'functional models are reported without a fix',
      code: `import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [16]});
let x: tf.SymbolicTensor = input;
for (let i = 0; i < 9; i++) {
  x = tf.layers.dense({units: 16, activation: 'relu'}).apply(x) as tf.SymbolicTensor;
}
export const model = tf.model({inputs: input, outputs: x});`,
      options: LEGACY,
      errors: [
        { messageId: 'missing', line: 7, column: 22, endLine: 7, endColumn: 30, hint: true },
      ],
      output: null,
    },
    ...keras.invalid,
  ],
});
