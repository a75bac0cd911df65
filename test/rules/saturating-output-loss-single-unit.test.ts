/**
 * saturating-output-loss on a softmax over one unit (`Dense(1, activation='softmax')` for binary labels): the
 * output is exp(z) / exp(z) = 1, so no gradient reaches any weight, whatever the loss. Measured with tfjs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { lintText } from '../../src/lint';
import { applyFixes } from '../../src/lint/fix';

const keras = (output: string, loss: string) => `import tensorflow as tf
import keras
model = keras.Sequential([
    keras.layers.Dense(16, activation='relu', input_shape=(8,)),
    ${output},
])
model.compile(optimizer='adam', loss=${loss}, metrics=['accuracy'])
`;

const findings = (source: string, file = 'model.py') =>
  lintText(source, file).messages.filter((m) => m.ruleId === 'saturating-output-loss');

describe('saturating-output-loss: a softmax over one unit', () => {
  test('the gradient of every weight is exactly 0 (tfjs)', () => {
    const dense = tf.layers.dense({ units: 1, activation: 'softmax', inputShape: [8] });
    const x = tf.randomNormal([4, 8]);
    const y = tf.tensor2d([[0], [1], [0], [1]]);
    dense.apply(x);
    const { grads } = tf.variableGrads(() =>
      tf.losses.sigmoidCrossEntropy(y, dense.apply(x) as tf.Tensor),
    );
    for (const g of Object.values(grads)) assert.equal(g.abs().max().dataSync()[0], 0);
  });

  test('a warning at the activation under any loss, fixed to sigmoid, which clears it', () => {
    for (const loss of [
      "'binary_crossentropy'",
      "'mse'",
      'tf.keras.losses.BinaryCrossentropy(from_logits=True)',
    ]) {
      const source = keras("keras.layers.Dense(1, activation='softmax')", loss);
      const [finding, ...rest] = findings(source);
      assert.deepEqual(rest, [], loss);
      assert.equal(finding?.severity, 'warning', loss);
      assert.equal(
        finding.message,
        'softmax over 1 unit: the output is always 1, so every gradient is 0 and the model cannot learn',
      );
      assert.equal(source.slice(finding.span.start, finding.span.end), "'softmax'");
      const fixed = applyFixes(source, finding.fixes).output;
      assert.match(fixed, /Dense\(1, activation='sigmoid'\)/);
      if (loss === "'binary_crossentropy'") assert.deepEqual(findings(fixed), []);
    }
  });

  test('valid: a softmax over 2 units; a sigmoid over 1', () => {
    assert.deepEqual(
      findings(keras("keras.layers.Dense(2, activation='softmax')", "'categorical_crossentropy'")),
      [],
    );
    assert.deepEqual(
      findings(keras("keras.layers.Dense(1, activation='sigmoid')", "'binary_crossentropy'")),
      [],
    );
  });

  test('an Activation layer after Dense(1), and tfjs: reported, without a fix for the layer', () => {
    const layer = keras(
      "keras.layers.Dense(1),\n    keras.layers.Activation('softmax')",
      "'binary_crossentropy'",
    );
    const [finding] = findings(layer);
    assert.equal(finding?.messageId, 'singleUnitSoftmax');
    assert.deepEqual(finding.fixes, []);
    const js = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }));
model.add(tf.layers.dense({ units: 1, activation: 'softmax' }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
`;
    const [jsFinding] = findings(js, 'model.js');
    assert.equal(jsFinding?.messageId, 'singleUnitSoftmax');
    assert.match(applyFixes(js, jsFinding.fixes).output, /units: 1, activation: 'sigmoid'/);
  });
});
