/**
 * A model whose graph goes through a tf op on several tensors (`tf.matmul(q, k)` of a hand-written
 * attention): the probe replays it with the op's first operand in its place; the projections that
 * only feed the op's other operands are left out of the replayed model, so no layer is measured as
 * dead for want of the op.
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

test('a model joined by tf.matmul replays and trains a step', async () => {
  const source = `import tensorflow as tf
from tensorflow import keras

def build(d=8):
    x = keras.Input((6, d))
    memory = keras.Input((5, d))
    q = keras.layers.Dense(d)(x)
    k = keras.layers.Dense(d)(memory)
    v = keras.layers.Dense(d)(memory)
    weights = tf.nn.softmax(tf.matmul(q, k, transpose_b=True), axis=-1)
    out = keras.layers.Dense(d)(tf.matmul(weights, v))
    model = keras.Model([x, memory], keras.layers.LayerNormalization()(out + x))
    model.compile(optimizer='adam', loss='mse')
    return model
`;
  const [model] = analyze(source, 'attention.py').models;
  assert.ok(model);
  assert.equal(model.layers.length, 6);
  const report = await probeModel(tf, irRequest(model, { steps: 1 }), backend);
  assert.equal(report.verdict, 'healthy');
  assert.ok((report.layers[0]?.gradNorm ?? 0) > 0, 'the query projection gets a gradient');
  assert.ok(report.layers.every((l) => l.gradNorm === null || l.gradNorm > 0));
});
