// Patterns of the fourth held-out batch of public Keras projects (calibration/real-projects/keras-labels.json,
// batch 4), each on a fixture of the same shape written for the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../src/analysis/index';
import { factories } from './helpers';

const cases: { name: string; code: string; layers: string }[] = [
  {
    name: 'a star import of a script by its file name (it does not parse) leaves Keras names global',
    code: `from keras import layers\nfrom 4.1-data import *\nnet = Sequential()\nnet.add(layers.Bidirectional(layers.GRU(8), input_shape=(None, 3)))\nnet.add(layers.Dense(1))\n`,
    layers: 'bidirectional dense',
  },
  {
    name: 'a star import of a module this analysis cannot read may bring Keras names',
    code: `from keras import layers\nfrom helpers import *\nnet = Sequential([layers.LSTM(4), layers.Dense(2)])\n`,
    layers: 'lstm dense',
  },
];

for (const c of cases) {
  test(c.name, () => {
    const result = analyze(c.code, 'script.py');
    assert.equal(result.models.length, 1, JSON.stringify(result.problems));
    assert.equal(factories(result.models[0]), c.layers);
  });
}

test('without a star import, an unbound lowercase Keras name in a Keras file stays unknown', () => {
  // Unbound class names read as Keras's in any Keras file (a forgotten import, heldout5-patterns);
  // a lowercase function (`concatenate`) does so only under a star import or without Keras imports.
  const code = (imports: string) =>
    `from keras import layers, Input, Model\n${imports}\na = Input((4,))\nb = Input((4,))\nnet = Model([a, b], layers.Dense(1)(concatenate([a, b])))\n`;
  const layersOf = (imports: string) =>
    analyze(code(imports), 'script.py').models.map((m) => m.layers.map((l) => l.factory).join(' '));
  assert.deepEqual(layersOf('from helpers import load'), ['dense']);
  assert.deepEqual(layersOf('from helpers import *'), ['concatenate dense']);
});

test("Keras 2's CuDNNLSTM and CuDNNGRU are an LSTM and a GRU (recurrent rules judge them)", () => {
  const result = analyze(
    `from keras.models import Sequential\nfrom keras.layers import Dense, CuDNNLSTM, CuDNNGRU, Bidirectional\nm = Sequential([Bidirectional(CuDNNLSTM(16, return_sequences=True), input_shape=(50, 4)), CuDNNGRU(8), Dense(1)])\n`,
    'script.py',
  );
  const [model] = result.models;
  assert.deepEqual(
    model.layers.map((l) => [l.factory, l.inner?.factory]),
    [
      ['bidirectional', 'lstm'],
      ['gru', undefined],
      ['dense', undefined],
    ],
  );
  assert.deepEqual(model.layers[0].inner?.config.props.units?.value, { kind: 'number', value: 16 });
});
