/** A model whose layers the analysis could not follow: the probe says what to do, not "invalid request". */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../src/analysis';
import { ProbeError } from '../../src/probe/types';
import { validateRequest } from '../../src/probe/validate';
import { irRequest } from '../fixtures/probe/ir';

test('a functional model over an unreadable base is refused with its line, its unknowns and the way on', () => {
  const source = `from keras.models import Model, Sequential
from keras.layers import Dense, Flatten
from vendor.nets import pretrained_base

base = pretrained_base(weights='imagenet')
head = Sequential([Flatten(), Dense(3, activation='softmax')])
model = Model(input=base.input, output=head(base.output))
model.compile(loss='categorical_crossentropy', optimizer='sgd')
`;
  const model = analyze(source, 'finetune.py').models.find((m) => m.name === 'model');
  assert.ok(model, 'the functional model is found');
  assert.equal(model.layers.length, 0);
  assert.throws(
    () => validateRequest(irRequest(model)),
    (error: unknown) => {
      assert.ok(error instanceof ProbeError);
      assert.equal(error.code, 'bad-input');
      assert.doesNotMatch(error.message, /invalid probe request/);
      assert.match(error.message, /^no layers of the model "model" \(line 7\) could be followed/);
      assert.match(error.message, /`gradient-lens models FILE` shows what the analysis found/);
      return true;
    },
  );
});

test("a model whose output is a custom layer's apply names that call instead of building an empty model", () => {
  const source = `import * as tf from '@tensorflow/tfjs';
class Combine extends tf.layers.Layer {
  call([a, b]) { return tf.add(a, b); }
  computeOutputShape(shapes) { return shapes[0]; }
}
const input = tf.input({ shape: [6] });
const left = tf.layers.dense({ units: 3 }).apply(input);
const right = tf.layers.dense({ units: 3 }).apply(input);
const joined = tf.model({ inputs: input, outputs: new Combine().apply([left, right]) });
const leftOnly = tf.model({ inputs: input, outputs: left });
`;
  const models = analyze(source, 'combine.js').models;
  const joined = models.find((m) => m.name === 'joined');
  assert.ok(joined && joined.layers.length > 0, 'the layers before the custom one are found');
  assert.throws(
    () => validateRequest(irRequest(joined)),
    (error: unknown) => {
      assert.ok(error instanceof ProbeError);
      assert.equal(error.code, 'bad-input');
      assert.match(
        error.message,
        /^model "joined" outputs `new Combine\(\)\.apply\(\[left, right\]\)`/,
      );
      return true;
    },
  );
  const leftOnly = models.find((m) => m.name === 'leftOnly');
  assert.ok(leftOnly);
  assert.doesNotThrow(() => validateRequest(irRequest(leftOnly)));
});
