/**
 * Where a Keras Sequential's input shape is written when not on its first layer: inside the wrapped
 * layer of a first Bidirectional, or on a later layer (Keras ignores it there; it states the data).
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

const SOURCE = `from keras.models import Sequential
from keras.layers import Dense, GRU, Dropout, Bidirectional

def wrapped(units, drop, n_in, steps=5):
    net = Sequential()
    net.add(Bidirectional(GRU(units, input_shape=(steps, n_in))))
    net.add(Dropout(drop))
    net.add(Dense(1))
    net.compile(loss='mae', optimizer='adam')
    return net

def stated_late(width, n_in, steps=4):
    net = Sequential()
    net.add(Dense(width))
    net.add(GRU(6, input_shape=(steps, n_in)))
    net.add(Dense(1))
    net.compile(loss='mae', optimizer='adam')
    return net
`;

for (const [line, steps] of [
  [5, 5],
  [13, 4],
] as const) {
  test(`the input shape written at the model of line ${line} is the probe's input`, async () => {
    const model = analyze(SOURCE, 'nets.py').models.find((m) => m.anchor.line === line);
    assert.ok(model, `a model at line ${line}`);
    const report = await probeModel(tf, irRequest(model, { steps: 1 }), backend);
    assert.equal(report.verdict, 'healthy');
    const gru = report.layers.find((l) => l.temporal);
    assert.equal(gru?.temporal?.steps, steps);
  });
}

test('a GRU over one time step after a Dense is differentiated (tfjs fails on Unpack of one step)', async () => {
  const source = `from keras.models import Sequential
from keras.layers import Dense, GRU
net = Sequential()
net.add(Dense(6, input_shape=(1, 3)))
net.add(GRU(4))
net.add(Dense(1))
net.compile(loss='mae', optimizer='adam')
`;
  const [model] = analyze(source, 'one_step.py').models;
  assert.ok(model);
  const report = await probeModel(tf, irRequest(model, { steps: 1 }), backend);
  assert.equal(report.verdict, 'healthy');
  assert.ok((report.layers[0]?.gradNorm ?? 0) > 0);
});

const NORMALISED_FIRST = `from keras.models import Sequential
from keras.layers import BatchNormalization, Conv1D, Dense, Flatten, LSTM

def recurrent(shape):
    return Sequential(layers=[
        BatchNormalization(input_shape=shape),
        LSTM(8, return_sequences=True),
        LSTM(4),
        Dense(1, activation='sigmoid'),
    ])

def convolutional(shape):
    return Sequential(layers=[
        BatchNormalization(input_shape=shape),
        Conv1D(4, kernel_size=3),
        Flatten(),
        Dense(1, activation='sigmoid'),
    ])
`;

for (const [line, reader] of [
  [5, 'LSTM'],
  [13, 'Conv1D'],
] as const) {
  test(`an open input_shape on a first BatchNormalization is the sequence its ${reader} reads (line ${line})`, async () => {
    const model = analyze(NORMALISED_FIRST, 'nets.py').models.find((m) => m.anchor.line === line);
    assert.ok(model, `a model at line ${line}`);
    const report = await probeModel(tf, irRequest(model, { steps: 1 }), backend);
    assert.equal(report.verdict, 'healthy', report.verdict);
    const shape = report.assumedValues?.find((v) => v.name === 'shape');
    assert.deepEqual(shape?.value, [20, 8], JSON.stringify(report.assumedValues));
    assert.match(shape?.role ?? '', /^sequence input shape/);
  });
}
