// Patterns of the tenth held-out batch of public Keras projects (calibration/real-projects/keras-labels.json,
// batch 10), each on a fixture of the same shape written for the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factories, layersOf, named, onlyPyModel, runPy } from './helpers';

test("a subclassed decoder's second call parameter is an input its layers merge with", () => {
  const model = onlyPyModel(`import tensorflow as tf

class Speller(tf.keras.Model):
    def __init__(self, vocab, dim, units):
        super().__init__()
        self.emb = tf.keras.layers.Embedding(vocab, dim)
        self.rnn = tf.keras.layers.GRU(units, return_sequences=True)
        self.out = tf.keras.layers.Dense(vocab)

    def call(self, tokens, summary):
        h = self.emb(tokens)
        s = tf.repeat(tf.expand_dims(summary, axis=1), repeats=h.shape[1], axis=1)
        h = tf.concat([h, s], axis=-1)
        return self.out(self.rnn(h))
`);
  assert.equal(factories(model), 'embedding concatenate gru dense');
  assert.equal(model.inputs.length, 2);
});

test('a mask, the training flag and parameters with defaults are no inputs of call', () => {
  const model = onlyPyModel(`import tensorflow as tf

class Scorer(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.proj = tf.keras.layers.Dense(8)
        self.drop = tf.keras.layers.Dropout(0.1)

    def call(self, x, mask, training, scale=2.0):
        logits = self.drop(self.proj(x), training=training)
        logits += mask * -1e9
        return logits * scale
`);
  assert.equal(factories(model), 'dense dropout');
  assert.equal(model.inputs.length, 1);
});

test('a model-building function handed to a tuner inside an uncalled function is a model', () => {
  const result = runPy(`import keras
import keras_tuner

def search(x, y):
    def make(hp):
        net = keras.Sequential()
        net.add(keras.layers.Input(shape=(8,)))
        for i in range(hp.Int("depth", min_value=1, max_value=3)):
            net.add(keras.layers.Dense(hp.Int(f"w{i}", 8, 64), activation="relu"))
        net.add(keras.layers.Dense(1))
        net.compile(optimizer="adam", loss="mse")
        return net

    tuner = keras_tuner.RandomSearch(hypermodel=make, objective="val_loss", max_trials=3)
    tuner.search(x, y, epochs=2)

def main(fast):
    if fast:
        print("skip")
    else:
        search(None, None)

main(True)
`);
  assert.equal(factories(named(result.models, 'net')), 'inputLayer dense dense');
});

test('a handed-over builder that the file calls too is not built again', () => {
  const result = runPy(`from tensorflow import keras

def make():
    return keras.Sequential([keras.layers.Dense(4, input_shape=(2,)), keras.layers.Dense(1)])

def evaluate(factory):
    return factory()

model = evaluate(make)
`);
  assert.deepEqual(
    result.models.map((m) => factories(m)),
    ['dense dense'],
  );
});

test("a custom layer on Keras 1's keras.engine.topology.Layer is a layer of the Sequential", () => {
  const model = onlyPyModel(`from keras.models import Sequential
from keras.layers import Dense, Flatten
from keras.engine.topology import Layer
from keras import backend as K

class Blur(Layer):
    def build(self, input_shape):
        self.w = self.add_weight(name='w', shape=(3,), initializer='ones')
        super(Blur, self).build(input_shape)

    def call(self, x):
        return K.bias_add(x, self.w)

def get_model(shape):
    model = Sequential()
    model.add(Blur(input_shape=shape))
    model.add(Flatten())
    model.add(Dense(2))
    return model
`);
  assert.equal(factories(model), 'blur flatten dense');
});

test('a model subclass of keras.engine.training.Model is a model', () => {
  const model = onlyPyModel(`from keras.engine.training import Model
from keras import layers

class Tiny(Model):
    def __init__(self):
        super(Tiny, self).__init__()
        self.a = layers.Dense(4)
        self.b = layers.Dense(1)

    def call(self, x):
        return self.b(self.a(x))
`);
  assert.equal(factories(model), 'dense dense');
});

test("a keras-tuner build(hp) builds with the hyperparameters' defaults", () => {
  const model = onlyPyModel(`import keras
import keras_tuner as kt

def build_model(hp):
    model = keras.Sequential()
    model.add(keras.layers.Flatten())
    for i in range(hp.Int("num_layers", 2, 4)):
        model.add(keras.layers.Dense(hp.Int(f"units_{i}", min_value=32, max_value=512, step=32),
                                     activation=hp.Choice("activation", ["relu", "tanh"])))
    if hp.Boolean("dropout"):
        model.add(keras.layers.Dropout(rate=0.25))
    model.add(keras.layers.Dense(hp.Choice("out", values=[10, 20], default=20)))
    lr = hp.Float("lr", min_value=1e-4, max_value=1e-2, sampling="log")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    return model

tuner = kt.RandomSearch(build_model, objective="val_loss", max_trials=5)
`);
  assert.deepEqual(layersOf(model), [
    'flatten()',
    'dense(units=32,activation="relu")',
    'dense(units=32,activation="relu")',
    'dense(units=20)',
  ]);
  assert.equal(model.training.learningRate, 1e-4);
});

test('a capitalised method without a name string first is no hyperparameter', () => {
  const model = onlyPyModel(`from tensorflow import keras

def build(cfg):
    model = keras.Sequential()
    for _ in range(cfg.Int(3)):
        model.add(keras.layers.Dense(8))
    model.add(keras.layers.Dense(1))
    return model
`);
  // cfg.Int(3) stays unknown: the loop over it runs once, as over any unknown count.
  assert.equal(factories(model), 'dense dense');
});
