// Patterns of the seventh held-out batch of public Keras projects (calibration/real-projects/keras-labels.json,
// batch 7), each on a fixture of the same shape written for the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factories, layersOf, onlyPyModel, runPy } from './helpers';

test('getattr on the layers module with a config string is that layer class', () => {
  const model = onlyPyModel(`import tensorflow as tf
import tensorflow.keras.layers as kl

def make_net(width=8, blocks=3, act_name='ELU', pool_name='AveragePooling2D'):
    act = getattr(kl, act_name)
    pool = getattr(kl, pool_name)
    net = tf.keras.models.Sequential()
    net.add(kl.Conv2D(width, 3, padding='same', input_shape=(64, 64, 1)))
    net.add(act())
    net.add(pool(pool_size=2))
    for i in range(1, blocks):
        net.add(kl.Conv2D(width * 2 ** i, 3, padding='same'))
        net.add(act())
        net.add(pool(pool_size=2))
    net.add(kl.Flatten())
    net.add(kl.Dense(1, activation='sigmoid'))
    return net
`);
  assert.equal(
    factories(model),
    'conv2d elu averagePooling2d conv2d elu averagePooling2d conv2d elu averagePooling2d flatten dense',
  );
  assert.deepEqual(layersOf(model).slice(0, 1), ['conv2d(filters=8)']);
});

test('getattr with a name only known at run time stays unknown, with no layer guessed', () => {
  const result = runPy(`import tensorflow as tf
from tensorflow.keras import layers

def head(kind):
    cls = getattr(layers, kind)
    return tf.keras.Sequential([layers.Dense(4, input_shape=(3,)), cls(), layers.Dense(1)])
`);
  assert.deepEqual(
    result.models.map((m) => factories(m)),
    ['dense dense'],
  );
});

test('a plain class whose method builds a model, made and called in another file, is run', () => {
  const result = runPy(`from keras.models import Sequential
from keras.layers import Dense
from keras.optimizers import Adam


class QNetwork:

    def __init__(self, settings):
        self.params = settings['net']
        self.hidden = self.params['hidden']
        self.n_out = self.params['actions']

    def describe(self):
        return 'q-network'

    def build_model(self):
        model = Sequential()
        model.add(Dense(self.hidden, input_dim=6, activation='relu'))
        model.add(Dense(self.n_out, activation='linear'))
        model.compile(loss='mse', optimizer=Adam(lr=0.001))
        return model
`);
  assert.deepEqual(
    result.models.map((m) => `${m.name}: ${factories(m)}`),
    ['model: dense dense'],
  );
});

test('a plain class made in the file keeps only the builds its real calls make', () => {
  const result = runPy(`from keras.models import Sequential
from keras.layers import Dense


class Factory:
    def small(self):
        net = Sequential()
        net.add(Dense(4, input_dim=2))
        return net

    def large(self):
        big = Sequential()
        big.add(Dense(64, input_dim=2))
        big.add(Dense(64))
        return big


used = Factory().small()
`);
  assert.deepEqual(
    result.models.map((m) => `${m.name}: ${factories(m)}`),
    ['net: dense'],
  );
});
