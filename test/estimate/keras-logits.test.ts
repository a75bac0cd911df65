/**
 * Keras's `from_logits=True`: the loss applies the softmax (or sigmoid) to a linear output itself, so the
 * gradient at the logits is that of softmax + cross-entropy. The estimate of such a model is the estimate
 * of the same model with the activation on its output layer and the plain loss.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis';
import { estimateGradients } from '../../src/estimate';

function estimateOf(output: string, loss: string) {
  const source = `import tensorflow as tf
from tensorflow.keras import layers
model = tf.keras.Sequential([
    layers.Dense(64, activation='relu', input_shape=(20,)),
    layers.Dense(64, activation='tanh'),
    ${output},
])
model.compile(optimizer='adam', loss=${loss})`;
  const [model] = analyze(source, 'model.py').models;
  assert.ok(model);
  return estimateGradients(model);
}

const ratios = (e: ReturnType<typeof estimateOf>) => e.layers.map((l) => l.relative);

describe('Keras losses with from_logits=True', () => {
  it('a linear output with CategoricalCrossentropy(from_logits=True) is estimated as softmax + cross-entropy', () => {
    const logits = estimateOf(
      'layers.Dense(10)',
      'tf.keras.losses.CategoricalCrossentropy(from_logits=True)',
    );
    const softmax = estimateOf(
      "layers.Dense(10, activation='softmax')",
      "'categorical_crossentropy'",
    );
    assert.ok(
      ratios(logits).every((r) => r !== null),
      logits.method,
    );
    assert.deepEqual(ratios(logits), ratios(softmax));
    assert.equal(logits.output?.activation, 'softmax');
  });

  it('SparseCategoricalCrossentropy(from_logits=True) likewise; without from_logits it stays uncovered', () => {
    const sparse = estimateOf(
      'layers.Dense(10)',
      'tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)',
    );
    assert.ok(
      ratios(sparse).every((r) => r !== null),
      sparse.method,
    );
    const plain = estimateOf('layers.Dense(10)', 'tf.keras.losses.CategoricalCrossentropy()');
    assert.match(
      plain.method,
      /not estimated: cross-entropy is covered with a softmax output only/,
    );
  });

  it('a linear output with BinaryCrossentropy(from_logits=True) is estimated as sigmoid + binary cross-entropy', () => {
    const logits = estimateOf(
      'layers.Dense(1)',
      'tf.keras.losses.BinaryCrossentropy(from_logits=True)',
    );
    const sigmoid = estimateOf("layers.Dense(1, activation='sigmoid')", "'binary_crossentropy'");
    assert.ok(
      ratios(logits).every((r) => r !== null),
      logits.method,
    );
    assert.deepEqual(ratios(logits), ratios(sigmoid));
  });

  it('a softmax already on the output is not doubled: the estimate stays that of softmax + cross-entropy', () => {
    const both = estimateOf(
      "layers.Dense(10, activation='softmax')",
      'tf.keras.losses.CategoricalCrossentropy(from_logits=True)',
    );
    const softmax = estimateOf(
      "layers.Dense(10, activation='softmax')",
      "'categorical_crossentropy'",
    );
    assert.deepEqual(ratios(both), ratios(softmax));
  });
});
