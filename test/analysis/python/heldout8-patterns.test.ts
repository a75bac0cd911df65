// Patterns of the eighth held-out batch of public Keras projects (calibration/real-projects/keras-labels.json,
// batch 8), each on a fixture of the same shape written for the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factories, layersOf, named, onlyPyModel, runPy } from './helpers';

test('one branch per input of an unknown list is built once, as a loop over it runs once', () => {
  const model = onlyPyModel(`from keras.layers import Input, Flatten, Dense, Dropout, concatenate
from keras.models import Model

def branchy(shapes, classes):
    inputs = [Input(s) for s in shapes.values()]
    flat = [Flatten()(t) for t in inputs]
    flat = [Dense(16, activation='relu')(t) for t in flat]
    merged = concatenate([t for t in flat])
    out = Dense(classes, activation='softmax')(Dropout(0.5)(merged))
    return Model(inputs, out)
`);
  assert.equal(factories(model), 'flatten dense concatenate dropout dense');
});

test('a comprehension over an unknown list that builds nothing stays unknown data', () => {
  const result = runPy(`from tensorflow import keras

def build(rows):
    names = [r.strip() for r in rows]
    return keras.Sequential([keras.layers.Dense(len(names), input_shape=(3,)), keras.layers.Dense(1)])
`);
  assert.deepEqual(
    result.models.map((m) => factories(m)),
    ['dense dense'],
  );
  // `names` stays unknown, so its length is no number: nothing was built from the rows.
  assert.deepEqual(layersOf(named(result.models, 'build')).slice(0, 1), [
    'dense(units="?len(names)")',
  ]);
});

test("a class attribute read through self sets the loop's count", () => {
  const model = onlyPyModel(`from keras.layers import Dense, Input
from keras.models import Model

class Holder:
    pass

class Tower(Holder):
    sizes = [64, 32, 16]

    def make(self):
        x = inp = Input((8,))
        for n in self.sizes:
            x = Dense(n, activation='relu')(x)
        self.model = Model(inp, Dense(1)(x))
`);
  assert.equal(factories(model), 'dense dense dense dense');
  assert.deepEqual(layersOf(model).slice(0, 3), [
    'dense(units=64,activation="relu")',
    'dense(units=32,activation="relu")',
    'dense(units=16,activation="relu")',
  ]);
});

test("a subclass's class attribute overrides its base's", () => {
  const model = onlyPyModel(`from keras.layers import Dense, Input
from keras.models import Model

class Small:
    widths = [4]

class Big(Small):
    widths = [4, 4]

    def make(self):
        x = inp = Input((2,))
        for n in self.widths:
            x = Dense(n)(x)
        self.model = Model(inp, x)
`);
  assert.equal(factories(model), 'dense dense');
});

test('zip of two unknown lists is unknown: the layers it makes are built once, not once per list', () => {
  const model = onlyPyModel(`import tensorflow as tf

class Stack(tf.keras.Model):
    def __init__(self, units, acts):
        super().__init__()
        self.hidden = [tf.keras.layers.Dense(u, activation=a) for u, a in zip(units, acts)]

    def call(self, x):
        for layer in self.hidden:
            x = layer(x)
        return x
`);
  assert.equal(factories(model), 'dense');
});

test('zip of a known list with an unknown one gives as many pairs as the known list', () => {
  const model = onlyPyModel(`import tensorflow as tf

def tower(acts):
    model = tf.keras.Sequential()
    for units, act in zip([32, 16, 8], acts):
        model.add(tf.keras.layers.Dense(units, activation=act))
    return model
`);
  assert.equal(factories(model), 'dense dense dense');
});

test('custom layers inside a Sequential nested in another Sequential are traced in place', () => {
  const result = runPy(`import tensorflow as tf
from tensorflow.keras import layers, Sequential

class Stage(layers.Layer):
    def __init__(self, filters=8, repeats=1, name='stage'):
        super().__init__(name=name)
        self.convs = Sequential([layers.Conv2D(filters, 3, padding='same') for _ in range(repeats)])
        self.pool = layers.MaxPool2D(2)

    def call(self, x):
        return self.pool(self.convs(x))

class Tiny(tf.keras.Model):
    def __init__(self, stages):
        super().__init__()
        self.stages = Sequential([Stage(**s) for s in stages])
        self.flat = layers.Flatten()
        self.head = Sequential([self.stages, self.flat, layers.Dense(3)])

    def call(self, x):
        return self.head(x)
`);
  assert.equal(factories(named(result.models, 'Tiny')), 'conv2d maxPooling2d flatten dense');
  assert.equal(factories(named(result.models, 'head')), 'conv2d maxPooling2d flatten dense');
});

test("Keras's Convolution1D alias is a 1D convolution", () => {
  const model = onlyPyModel(`from keras import Model, layers

class Probe(Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Convolution1D(filters=4, kernel_size=1, activation='relu')
        self.out = layers.Dense(1)

    def call(self, x):
        return self.out(self.conv(x))
`);
  assert.equal(factories(model), 'conv1d dense');
  assert.deepEqual(layersOf(model).slice(0, 1), ['conv1d(filters=4,activation="relu")']);
});

test('a class attribute read on the class itself is its value', () => {
  const model = onlyPyModel(`from tensorflow import keras

class Settings:
    hidden = (12, 6)

def build():
    net = keras.Sequential([keras.Input((3,))])
    for width in Settings.hidden:
        net.add(keras.layers.Dense(width, activation='tanh'))
    return net
`);
  assert.deepEqual(layersOf(model), [
    'inputLayer()',
    'dense(units=12,activation="tanh")',
    'dense(units=6,activation="tanh")',
  ]);
});
