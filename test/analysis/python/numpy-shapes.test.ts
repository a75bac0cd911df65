/** numpy arrays whose shapes the code states give the sizes read from them (`x.shape[1]`). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyPyModel } from './helpers';

const widths = (source: string) =>
  onlyPyModel(source).layers.map((l) => {
    const units = l.config.props.units?.value;
    const shape = l.config.props.inputShape?.value;
    return {
      units: units?.kind === 'number' ? units.value : units?.kind,
      input:
        shape?.kind === 'array'
          ? shape.items.map((i) => (i.kind === 'number' ? i.value : i.kind))
          : shape?.kind,
    };
  });

test('np.array of a nested literal and np.zeros give their shapes', () => {
  assert.deepEqual(
    widths(`import numpy as np
from tensorflow import keras
features = np.array([[1, 0, 2], [0, 1, 1], [3, 1, 0], [1, 1, 1]])
targets = np.zeros((4, 2))
net = keras.Sequential([
    keras.layers.Dense(5, input_shape=(features.shape[1],)),
    keras.layers.Dense(targets.shape[-1]),
])`),
    [
      { units: 5, input: [3] },
      { units: 2, input: undefined },
    ],
  );
});

test('np.random draws with a size, and rand with dimensions, give their shapes', () => {
  assert.deepEqual(
    widths(`import numpy
from tensorflow import keras
noise = numpy.random.normal(0, 1, size=(16, 7))
steps = numpy.random.rand(16, 9, 2)
net = keras.Sequential([
    keras.layers.LSTM(4, input_shape=steps.shape[1:]),
    keras.layers.Dense(noise.shape[1]),
])`),
    [
      { units: 4, input: [9, 2] },
      { units: 7, input: undefined },
    ],
  );
});

test('a ragged literal or an array from data stays open', () => {
  const [layer] = widths(`import numpy as np
from tensorflow import keras
rows = np.array([[1, 2], [3]])
net = keras.Sequential([keras.layers.Dense(rows.shape[1], input_shape=(4,))])`);
  assert.equal(layer?.units, 'unknown');
});
