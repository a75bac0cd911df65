/** tf.keras's Input takes an int shape as one dimension: `Input(shape=(28 * 28))` (no comma) is (784,). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inferShapes } from '../../../src/analysis/shapes';
import { onlyPyModel } from './helpers';

test('Input(shape=(16 * 4)) is a 64-wide input, so the first dense layer has fan-in 64', () => {
  const model = onlyPyModel(`import tensorflow.keras as keras
from tensorflow.keras import layers
inputs = keras.Input(shape=(16 * 4))
hidden = layers.Dense(32, activation='relu')(inputs)
model = keras.Model(inputs, layers.Dense(10, activation='softmax')(hidden))`);
  assert.deepEqual(model.inputs[0]?.shape, {
    kind: 'array',
    items: [{ kind: 'number', value: 64 }],
  });
  assert.equal(inferShapes(model).layers[0]?.fanIn, 64);
});

test('a tuple shape is unchanged and an unknown one stays unknown', () => {
  const model = onlyPyModel(`from tensorflow import keras
size = load_size()
a = keras.Input(shape=(5,))
b = keras.Input(shape=size)
model = keras.Model([a, b], keras.layers.concatenate([keras.layers.Dense(2)(a), keras.layers.Dense(2)(b)]))`);
  assert.deepEqual(model.inputs[0]?.shape, {
    kind: 'array',
    items: [{ kind: 'number', value: 5 }],
  });
  assert.equal(model.inputs[1]?.shape.kind, 'unknown');
});
