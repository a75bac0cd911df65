// Patterns of the third held-out batch of public Keras projects (calibration/real-projects/keras-labels.json,
// batch 3), each on a fixture of the same shape written for the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factories, named, onlyPyModel, runPy, wiring } from './helpers';

test('a functional model added to a Sequential joins it in place (a GAN stacking generator and critic)', () => {
  const models = runPy(`from keras.models import Model, Sequential
from keras.layers import Input, Dense, LeakyReLU, Reshape, Flatten
def make_gen(z=8):
    i = Input((z,))
    h = LeakyReLU(0.2)(Dense(16)(i))
    return Model(i, Reshape((4, 4))(h))
def make_critic():
    i = Input((4, 4))
    return Model(i, Dense(1, activation='sigmoid')(Flatten()(i)))
def stack(g, d):
    both = Sequential()
    both.add(g)
    both.add(d)
    both.compile(loss='binary_crossentropy', optimizer='adam')
    return both
pair = stack(make_gen(), make_critic())
`).models;
  assert.equal(factories(named(models, 'both')), 'dense leakyReLU reshape flatten dense');
});

test('a custom Layer subclass under `from keras.layers import *` is one layer named by its class', () => {
  const model = onlyPyModel(`from keras.models import *
from keras.layers import *
from keras import backend as K
class scorer(Layer):
    def build(self, input_shape):
        self.w = self.add_weight(name='w', shape=(input_shape[-1], 1), initializer='normal')
    def call(self, x):
        return x * K.softmax(K.dot(x, self.w), axis=1)
model = Sequential()
model.add(LSTM(4, return_sequences=True, input_shape=(5, 3)))
model.add(scorer())
model.add(Dense(1))
`);
  assert.equal(factories(model), 'lstm scorer dense');
});

const residual = (inputShape: string) => `from keras.models import Model
from keras.layers import Input, Conv2D, Dense, Flatten, add
from keras import backend as K
def _axes():
    global ROWS, CHANNELS
    if K.image_data_format() == 'channels_last':
        ROWS, CHANNELS = 1, 3
    else:
        ROWS, CHANNELS = 2, 1
def _merge(x, y):
    xs = K.int_shape(x)
    ys = K.int_shape(y)
    step = int(round(xs[ROWS] / ys[ROWS]))
    skip = x
    if step > 1 or xs[CHANNELS] != ys[CHANNELS]:
        skip = Conv2D(ys[CHANNELS], (1, 1), strides=(step, step))(x)
    return add([skip, y])
def unit(f, stride):
    params = {'filters': f, 'kernel_size': (3, 3)}
    s = params.setdefault('strides', stride)
    pad = params.setdefault('padding', 'same')
    def apply(x):
        return _merge(x, Conv2D(filters=f, kernel_size=(3, 3), strides=s, padding=pad)(x))
    return apply
def build(shape):
    _axes()
    i = Input(shape=shape)
    x = unit(8, (1, 1))(i)
    x = unit(16, (2, 2))(x)
    x = unit(16, (1, 1))(x)
    return Model(i, Dense(2)(Flatten()(x)))
net = build(${inputShape})
`;

test('K.int_shape picks the projection shortcut per block from the shapes so far (a ResNet builder)', () => {
  const model = onlyPyModel(residual('(16, 16, 8)'));
  // Identity, projection (stride 2 and 8 -> 16 channels), identity: no layer is conditional.
  assert.equal(factories(model), 'conv2d add conv2d conv2d add conv2d add flatten dense');
  assert.ok(model.layers.every((l) => !l.conditional));
  assert.deepEqual(wiring(model).slice(0, 5), [
    'conv2d<-input0',
    'add<-input0+node0',
    'conv2d<-node1',
    'conv2d<-node1',
    'add<-node3+node2',
  ]);
});

test('a shape the code does not state leaves the shortcut on both paths, marked conditional', () => {
  const model = onlyPyModel(residual('SHAPE'));
  assert.equal(
    factories(model),
    'conv2d conv2d add conv2d conv2d add conv2d conv2d add flatten dense',
  );
  assert.deepEqual(
    model.layers.map((l) => Boolean(l.conditional)),
    [false, true, false, false, true, false, false, true, false, false, false],
  );
});

test('x.shape reads the inferred shape; K.image_data_format() follows set_image_data_format', () => {
  const model = onlyPyModel(`import tensorflow as tf
from tensorflow.keras import layers, backend as K
K.set_image_data_format('channels_first')
axis = 1 if K.image_data_format() == 'channels_first' else -1
i = layers.Input((32,))
h = layers.Dense(12)(i)
if h.shape[-1] != 12:
    h = layers.Dense(12)(h)
out = layers.BatchNormalization(axis=axis)(h)
model = tf.keras.Model(i, out)
`);
  assert.equal(factories(model), 'dense batchNormalization');
  assert.deepEqual(model.layers[1].config.props.axis?.value, { kind: 'number', value: 1 });
});

test('a long loop that records nothing (text generation after fit) is left early; loops that build run to their end', () => {
  const result = runPy(`import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense
steps = 40
model = Sequential()
model.add(LSTM(32, input_shape=(steps, 20)))
for i in range(30):
    model.add(Dense(8, activation='relu'))
model.add(Dense(20, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer='rmsprop')
width = 4
for epoch in range(1, 60):
    model.fit(np.zeros((8, steps, 20)), np.zeros((8, 20)), epochs=1)
    for temperature in [0.2, 0.5, 1.0]:
        text = ''
        for i in range(4000):
            probs = model.predict(np.zeros((1, steps, 20)))[0]
            text = text + str(np.argmax(probs))
            width = width + 1
head = Sequential([Dense(width)])
`);
  const model = named(result.models, 'model');
  assert.equal(factories(model), ['lstm', ...Array(30).fill('dense'), 'dense'].join(' '));
  assert.ok(model.training.trained);
  // `width` was changed by the loop left early: its value is not known, not 4 plus some iterations.
  const head = named(result.models, 'head');
  assert.equal(head.layers[0].config.props.units?.value.kind, 'unknown');
});

test('a Model wrapper without call trains the model it holds: its train_step runs at fit, after its own compile', () => {
  const result = runPy(`import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
net = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation='relu'), layers.Dense(3)])
class Trainer(keras.Model):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner
    def compile(self, optimizer, loss):
        super().compile()
        self.optimizer = optimizer
        self.loss_fn = loss
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = self.loss_fn(y, self.inner(x, training=True))
        grads = tape.gradient(loss, self.inner.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.inner.trainable_variables))
        return {'loss': loss}
trainer = Trainer(net)
trainer.compile(optimizer=keras.optimizers.SGD(0.5), loss=keras.losses.MeanSquaredError())
trainer.fit(x_train, y_train, epochs=2)
`);
  const net = named(result.models, 'net');
  assert.equal(factories(net), 'inputLayer dense dense');
  assert.ok(net.training.trained);
  assert.equal(net.training.optimizer?.kind, 'sgd');
  assert.equal(net.training.learningRate, 0.5);
  assert.equal(net.training.loss?.name, 'meanSquaredError');
});
