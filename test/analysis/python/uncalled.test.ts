// Functions nothing in the file calls run on their own with their defaults (another file or a notebook
// calls them); those that can reach no Keras value are not run, since they could record nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../src/analysis/index';
import { config, factories, named, runPy } from './helpers';

/** `helper` (Python source) before a builder: the builder must still be read, with no problem. */
function assertBuilderReadAfter(helper: string): void {
  const result = analyze(
    `from tensorflow import keras
${helper}def build():
    return keras.Sequential([keras.layers.Dense(8, input_shape=(4,)), keras.layers.Dense(1)])
`,
    'model.py',
  );
  assert.deepEqual(result.problems, []);
  assert.equal(factories(named(result.models, 'build')), 'dense dense');
}

test('an uncalled number-crunching helper does not spend the budget the builders after it need', () => {
  assertBuilderReadAfter(`def fib(n=26):
    return fib(n - 1) + fib(n - 2) if n > 1 else n
`);
});

test("a helper whose docstring and comments name the module's model is still no builder", () => {
  // Words in comments and plain strings name no value: the helper is not run, its budget not spent.
  assertBuilderReadAfter(`model = keras.Sequential([keras.layers.Dense(2, input_shape=(2,))])
def fib(n=26):
    """A number, not the model."""
    # the model is built elsewhere
    label = 'model'
    return fib(n - 1) + fib(n - 2) if n > 1 else n
`);
});

test('a helper that names the model inside an f-string field still runs', () => {
  // An f-string's fields are code: `{model.fit(...)}` trains the module's model.
  const { models } = runPy(`from tensorflow import keras
model = keras.Sequential([keras.layers.Dense(2, input_shape=(2,))])
model.compile(optimizer='adam', loss='mse')
def report(x, y):
    print(f"history: {model.fit(x, y, epochs=2)}")
`);
  assert.ok(
    models.some((m) => m.training.trained),
    'the f-string field trains the model',
  );
});

test('an uncalled training function that reaches the builder only through another helper still trains it', () => {
  const { models } = runPy(`from tensorflow import keras
def build():
    return keras.Sequential([keras.layers.Dense(8, input_shape=(4,)), keras.layers.Dense(1)])
def prepare():
    net = build()
    net.compile(optimizer='adam', loss='mse')
    return net
def train(x, y):
    net = prepare()
    net.fit(x, y, epochs=3)
`);
  assert.ok(models.length > 0);
  assert.ok(
    models.some((m) => m.training.trained),
    'the model built through prepare() is trained by train()',
  );
});

test('an uncalled setup function without Keras names still sets the module names a builder reads', () => {
  const { models } = runPy(`from keras.models import Sequential
from keras.layers import Dense
UNITS = None
def setup():
    global UNITS
    UNITS = 32
def build():
    return Sequential([Dense(UNITS, input_shape=(4,)), Dense(1)])
`);
  assert.equal(config(named(models, 'build').layers[0]).units, 32);
});

test('an uncalled function whose default is a model still trains it, though the name is rebound', () => {
  const { models } = runPy(`from tensorflow import keras
base = keras.Sequential([keras.layers.Dense(8, input_shape=(4,)), keras.layers.Dense(1)])
def finish(net=base, epochs=2):
    net.compile(optimizer='sgd', loss='mse')
    net.fit(None, None, epochs=epochs)
base = None
`);
  assert.ok(named(models, 'base').training.trained);
});

test('an uncalled helper on numpy alone does not spend the budget the builders after it need', () => {
  // numpy's calls give arrays and record nothing: such a helper cannot build and is not run.
  assertBuilderReadAfter(`import numpy as np
def smooth(n=26):
    return np.maximum(smooth(n - 1), smooth(n - 2)) if n > 1 else np.zeros(3)
`);
});

test('an uncalled numpy function that reaches a builder through functools.partial still runs', () => {
  const { models } = runPy(`import functools
import numpy as np
from tensorflow import keras
def build(units=8):
    return keras.Sequential([keras.layers.Dense(units, input_shape=(4,)), keras.layers.Dense(1)])
def train():
    make = functools.partial(build, 16)
    net = make()
    net.compile(optimizer='adam', loss='mse')
    net.fit(np.zeros((4, 4)), np.zeros(4), epochs=2)
`);
  assert.ok(
    models.some((m) => m.training.trained),
    'the model made through partial is trained',
  );
});

test('a block helper that an uncalled builder calls waits for it, not spending the budget alone', () => {
  // Alone, with its default depth, the helper would make 2,000 x 2,000 layers and stop the run;
  // the builder calls it with a depth of 2, and the helper then needs no run of its own.
  const result = analyze(
    `from tensorflow import keras
def stack(x, depth=2000):
    for _ in range(depth):
        for _ in range(depth):
            x = keras.layers.Dense(4, activation='relu')(x)
    return x
def build():
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, keras.layers.Dense(1)(stack(inputs, 1)))
`,
    'model.py',
  );
  assert.deepEqual(result.problems, []);
  assert.equal(factories(named(result.models, 'build')), 'dense dense');
});

test('a helper that builds a model of its own still runs alone, before the builder that calls it', () => {
  const { models } = runPy(`from tensorflow import keras
def encoder(units=8):
    return keras.Sequential([keras.layers.Dense(units, input_shape=(4,))])
def autoencoder():
    enc = encoder(16)
    return keras.Sequential([enc, keras.layers.Dense(4)])
`);
  // Its own build (8 units) and the builder's (16) are two variants of the encoder.
  const units = models.filter((m) => m.name === 'encoder').map((m) => config(m.layers[0]).units);
  assert.deepEqual(units, [8, 16]);
});
