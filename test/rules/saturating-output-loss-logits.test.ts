/**
 * saturating-output-loss on Keras's from_logits=True under a softmax or sigmoid output (the loss applies a
 * second one): the finding, its fix, and the gradient factor its message states, measured with tfjs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { lintText } from '../../src/lint';
import { applyFixes } from '../../src/lint/fix';

const model = (output: string, loss: string) => `import tensorflow as tf
from tensorflow.keras import layers
model = tf.keras.Sequential([
    layers.Dense(32, activation='relu', input_shape=(16,)),
    ${output},
])
model.compile(optimizer='adam', loss=${loss})
`;

const findings = (source: string) =>
  lintText(source, 'model.py').messages.filter((m) => m.ruleId === 'saturating-output-loss');

describe('saturating-output-loss: a softmax or sigmoid output into a from_logits=True loss', () => {
  test('valid: a linear output with from_logits=True; a softmax output without it', () => {
    const linear = model(
      'layers.Dense(10)',
      'tf.keras.losses.CategoricalCrossentropy(from_logits=True)',
    );
    assert.deepEqual(findings(linear), []);
    const plain = model(
      "layers.Dense(10, activation='softmax')",
      'tf.keras.losses.SparseCategoricalCrossentropy()',
    );
    assert.deepEqual(findings(plain), []);
  });

  test('a softmax output: a warning at the True, fixed to from_logits=False, which clears it', () => {
    const source = model(
      "layers.Dense(10, activation='softmax')",
      'tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)',
    );
    const [finding] = findings(source);
    assert.equal(finding?.severity, 'warning');
    assert.equal(
      finding.message,
      "softmax output into a from_logits=True loss: a second softmax, the gradient starts about 0.1x cross-entropy's",
    );
    assert.equal(source.slice(finding.span.start, finding.span.end), 'True');
    assert.equal(finding.span.line, 7);
    const fixed = applyFixes(source, finding.fixes).output;
    assert.match(fixed, /SparseCategoricalCrossentropy\(from_logits=False\)\)$/m);
    assert.deepEqual(lintText(fixed, 'model.py').problems, []);
    assert.deepEqual(findings(fixed), []);
  });

  test('a sigmoid output under BinaryCrossentropy(from_logits=True): about 0.25x', () => {
    const source = model(
      "layers.Dense(1, activation='sigmoid')",
      'tf.keras.losses.BinaryCrossentropy(from_logits=True)',
    );
    assert.match(
      findings(source)[0]?.message ?? '',
      /a second sigmoid, the gradient starts about 0\.25x/,
    );
  });

  test('measured: the logits get about 1/K (softmax) and 0.25x (sigmoid) of cross-entropy gradient', () => {
    const K = 10;
    const logits = tf.randomNormal([512, K], 0, 0.1, 'float32', 3);
    const labels = tf.oneHot(tf.randomUniform([512], 0, K, 'int32', 4), K);
    const norm = (f: (z: tf.Tensor) => tf.Scalar) => tf.grad(f)(logits).norm().dataSync()[0];
    const proper = norm((z) => tf.losses.softmaxCrossEntropy(labels, z));
    const doubled = norm((z) => tf.losses.softmaxCrossEntropy(labels, tf.softmax(z)));
    assert.ok(Math.abs(doubled / proper - 1 / K) < 0.02, `${doubled / proper}`);

    const z1 = tf.randomNormal([2048, 1], 0, 0.1, 'float32', 5);
    const y1 = tf.randomUniform([2048, 1], 0, 2, 'int32', 6).toFloat();
    const norm1 = (f: (z: tf.Tensor) => tf.Scalar) => tf.grad(f)(z1).norm().dataSync()[0];
    const properB = norm1((z) => tf.losses.sigmoidCrossEntropy(y1, z));
    const doubledB = norm1((z) => tf.losses.sigmoidCrossEntropy(y1, tf.sigmoid(z)));
    assert.ok(Math.abs(doubledB / properB - 0.25) < 0.05, `${doubledB / properB}`);
  });
});
