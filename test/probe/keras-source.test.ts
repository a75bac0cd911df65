/**
 * End to end from Python: Keras code -> the Python front end's IR -> the probe, which builds it with Keras's
 * defaults and Keras's optimizer, and states each translation.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyze } from '../../src/analysis';
import { probeModel } from '../../src/probe/engine';
import { irRequest } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

const SOURCE = `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.LSTM(16, return_sequences=True, input_shape=(12, 4)),
    layers.GRU(8),
    layers.Dense(32, activation='relu', kernel_initializer='he_normal'),
    layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adagrad(clipnorm=1.0), loss='mse')
`;

test('a Keras model from Python source is probed with Keras defaults, each stated', async () => {
  const [model] = analyze(SOURCE, 'model.py').models;
  assert.ok(model, 'the front end finds the model');
  assert.equal(model.framework, 'keras');
  const report = await probeModel(tf, irRequest(model, { steps: 2 }), backend);
  assert.equal(report.learningRate, 0.001);
  assert.deepEqual(
    report.layers.map((l) => l.className),
    ['LSTM', 'GRU', 'Dense', 'Dense'],
  );
  for (const sentence of [
    "Keras's default kernel initializer glorot_uniform is written out for layers 0, 1, 3 (tfjs's default is glorotNormal).",
    "Keras's LSTM default unit_forget_bias=True is written out for layer 0: the forget gate's bias starts at 1 (tfjs's default starts it at 0).",
    "Keras's default recurrent_activation 'sigmoid' is written out for layers 0, 1 (tfjs's default is hardSigmoid).",
    "tfjs cannot build a GRU with reset_after=True (Keras's default); layer 1 is probed with reset_after=False, whose gradients differ only in where the reset gate applies.",
    "Keras's he_normal in layer 2 is built as tfjs varianceScaling with scale 2.585 (2 / 0.8796²), so its spread matches Keras's truncated normal; tfjs's own is 0.88x narrower.",
    "No learning rate is given: using Keras's default for adagrad, 0.001.",
    "Keras's clipnorm=1 is applied to the gradients of each optimizer step (tfjs optimizers do not clip); the gradients reported are before clipping.",
  ]) {
    assert.ok(
      report.assumptions.includes(sentence),
      `missing: ${sentence}\n${report.assumptions.join('\n')}`,
    );
  }
  for (const layer of report.layers) assert.ok(Number.isFinite(layer.gradNorm), layer.name);
});

test('a Keras layer tfjs lacks is named as the Keras class, with its line', async () => {
  const source = `import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(8),
    layers.GroupNormalization(groups=2),
    layers.Dense(1),
])
`;
  const [model] = analyze(source, 'model.py').models;
  assert.ok(model);
  await assert.rejects(probeModel(tf, irRequest(model), backend), {
    name: 'ProbeError',
    message:
      'layer 2 (GroupNormalization, line 6): tfjs has no GroupNormalization layer, so the probe cannot build this model',
  });
});

test('a stateful LSTM whose batchInputShape fixes the batch is probed with that batch, and says so', async () => {
  const source = `from keras.models import Sequential
from keras.layers import LSTM, Dense
model = Sequential()
model.add(LSTM(8, batch_input_shape=(2, 5, 3), stateful=True))
model.add(Dense(4, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer='adam')
`;
  const [model] = analyze(source, 'stateful.py').models;
  assert.ok(model, 'the front end finds the model');
  const report = await probeModel(tf, irRequest(model, { batchSize: 32 }), backend);
  assert.equal(report.batchSize, 2);
  assert.ok(
    report.assumptions.includes(
      'The model fixes its batch at 2 (batchInputShape, as a stateful RNN needs): batches of 2, not 32.',
    ),
    report.assumptions.join('\n'),
  );
  assert.ok(report.assumptions.some((a) => a.startsWith('Inputs: a batch of 2 examples')));
  for (const layer of report.layers) assert.ok(Number.isFinite(layer.gradNorm), layer.name);
});

test("Keras's string regularizers are built with Keras's factor 0.01; an activity regularizer is left out, and said so", async () => {
  const source = `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Dense(32, activation='relu', input_shape=(10,), kernel_regularizer='l1'),
    layers.Dense(16, activation='relu', kernel_regularizer='l2', activity_regularizer='l1_l2'),
    layers.Dense(1, activation='sigmoid', bias_regularizer='l1_l2'),
])
model.compile(optimizer='adam', loss='binary_crossentropy')
`;
  const [model] = analyze(source, 'model.py').models;
  assert.ok(model);
  const kernel = model.layers[0]!.config.props['kernelRegularizer']!.value;
  assert.equal(kernel.kind, 'call');
  assert.equal(kernel.kind === 'call' && kernel.path, 'regularizers.l1');
  const report = await probeModel(tf, irRequest(model, { steps: 1 }), backend);
  assert.deepEqual(
    report.layers.map((l) => l.className),
    ['Dense', 'Dense', 'Dense'],
  );
  assert.ok(
    report.assumptions.includes(
      "tfjs cannot apply an activity regularizer; layer 1 is probed without it, so its penalty on the layer's outputs is not in the measured gradients.",
    ),
    report.assumptions.join('\n'),
  );
});
