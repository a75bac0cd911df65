import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { rule } from '../../src/rules/rnn-without-clipping';
import { applyEdits, runRule } from './rule-tester';

/**
 * Runs the fixed code for real: one training step of a small RNN with a large loss gradient, recording the
 * global norm of the gradients that reach the optimizer's own applyGradients. Without the fix the same
 * step (same seeds, same data) must exceed clipNorm, so this test can fail.
 */
const seeded = `kernelInitializer: tf.initializers.glorotNormal({ seed: 7 })`;
const seededRecurrent = `recurrentInitializer: tf.initializers.orthogonal({ seed: 7 })`;

const fitStep = `const tf = require('@tensorflow/tfjs');

async function trainOneStep(xs, ys) {
  const model = tf.sequential();
  model.add(
    tf.layers.simpleRNN({
      units: 8,
      inputShape: [12, 3],
      ${seeded},
      recurrentInitializer: tf.initializers.orthogonal({ seed: 7 }),
    }),
  );
  model.add(tf.layers.dense({ units: 1, ${seeded} }));
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
}

module.exports = { trainOneStep };
`;

const minimizeStep = `const tf = require('@tensorflow/tfjs');

async function trainOneStep(xs, ys) {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 8, inputShape: [12, 3], ${seeded}, ${seededRecurrent} }));
  model.add(tf.layers.dense({ units: 1, ${seeded} }));
  const optimizer = tf.train.sgd(0.01);
  optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs)));
}

module.exports = { trainOneStep };
`;

// applyGradients with an array of {name, tensor}: the other form tfjs optimizers accept.
const arrayStep = `const tf = require('@tensorflow/tfjs');

async function trainOneStep(xs, ys) {
  const model = tf.sequential();
  model.add(tf.layers.gru({ units: 8, inputShape: [12, 3], ${seeded}, ${seededRecurrent} }));
  model.add(tf.layers.dense({ units: 1, ${seeded} }));
  const optimizer = tf.train.sgd(0.01);
  const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, model.predict(xs)));
  optimizer.applyGradients(Object.keys(grads).map((name) => ({ name, tensor: grads[name] })));
}

module.exports = { trainOneStep };
`;

// Named bindings only: the fix also adds a namespace binding of the same module.
const destructuredStep = `const { sequential, layers, train, initializers } = require('@tensorflow/tfjs');

async function trainOneStep(xs, ys) {
  const model = sequential();
  model.add(
    layers.simpleRNN({
      units: 8,
      inputShape: [12, 3],
      kernelInitializer: initializers.glorotNormal({ seed: 7 }),
      recurrentInitializer: initializers.orthogonal({ seed: 7 }),
    }),
  );
  model.add(layers.dense({ units: 1, kernelInitializer: initializers.glorotNormal({ seed: 7 }) }));
  model.compile({ optimizer: train.sgd(0.01), loss: 'meanSquaredError' });
  await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
}

module.exports = { trainOneStep };
`;

type GradientInput = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

/** Global L2 norm of every gradient tensor in one applyGradients call. */
function globalNorm(grads: GradientInput): number {
  const tensors = Array.isArray(grads) ? grads.map((g) => g.tensor) : Object.values(grads);
  return tf.tidy(() => tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t))))).dataSync()[0]);
}

/** Executes `code` as a CommonJS module with tfjs injected; returns the norms seen by the optimizer. */
async function runStep(code: string): Promise<number[]> {
  const norms: number[] = [];
  const proto = tf.SGDOptimizer.prototype;
  const original = proto.applyGradients;
  proto.applyGradients = function (this: tf.SGDOptimizer, grads: GradientInput) {
    norms.push(globalNorm(grads));
    return original.call(this, grads);
  };
  try {
    const module = {
      exports: {} as { trainOneStep?: (x: tf.Tensor, y: tf.Tensor) => Promise<void> },
    };
    const requireTf = (id: string) => {
      if (id !== '@tensorflow/tfjs') throw new Error(`unexpected require('${id}')`);
      return tf;
    };
    new Function('require', 'module', code)(requireTf, module);
    const xs = tf.ones([4, 12, 3]);
    const ys = tf.fill([4, 1], 100);
    await module.exports.trainOneStep!(xs, ys);
    tf.dispose([xs, ys]);
  } finally {
    proto.applyGradients = original;
  }
  return norms;
}

function fixed(code: string, options: Record<string, number> = {}): string {
  const findings = runRule(rule, code, 'train.js', options);
  assert.equal(findings.length, 1, 'the unfixed snippet must raise the finding');
  const preferred = findings[0].fixes.find((f) => f.preferred);
  assert.ok(preferred, 'a preferred fix');
  return applyEdits(code, preferred.edits);
}

describe('rnn-without-clipping: the fixed code clips real gradients (tfjs, cpu backend)', () => {
  before(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });
  after(() => tf.disposeVariables());

  const cases: [string, string][] = [
    ['compile + fit (map of gradients)', fitStep],
    ['custom loop with minimize', minimizeStep],
    ['custom loop with applyGradients([{name, tensor}])', arrayStep],
    ['named bindings only (a tf namespace is added)', destructuredStep],
  ];
  for (const [name, code] of cases) {
    test(name, async (t) => {
      const unclipped = await runStep(code);
      assert.equal(unclipped.length, 1, 'one optimizer step');
      assert.ok(
        unclipped[0] > 1,
        `without the fix the gradient norm should exceed 1, was ${unclipped[0]}`,
      );

      const clipped = await runStep(fixed(code));
      assert.equal(clipped.length, 1, 'one optimizer step');
      assert.ok(clipped[0] <= 1 + 1e-4, `clipped norm ${clipped[0]} > clipNorm 1`);
      // Clipping rescales, it does not zero: the direction and most of the step survive.
      assert.ok(clipped[0] > 0.99, `clipped norm ${clipped[0]} should be about clipNorm`);
      t.diagnostic(
        `global gradient norm: ${unclipped[0].toPrecision(4)} unfixed, ${clipped[0].toPrecision(4)} fixed`,
      );
    });
  }

  test('clipNorm option: norm clipped to 3', async () => {
    const unclipped = await runStep(fitStep);
    assert.ok(unclipped[0] > 3, `unclipped norm ${unclipped[0]} should exceed 3`);
    const [norm] = await runStep(fixed(fitStep, { clipNorm: 3 }));
    assert.ok(norm <= 3 * (1 + 1e-4) && norm > 2.99, `clipped norm ${norm} should be about 3`);
  });

  test('small gradients pass through unchanged', async () => {
    const [raw] = await runStep(fitStep);
    const [afterFix] = await runStep(fixed(fitStep, { clipNorm: raw * 10 }));
    assert.ok(Math.abs(afterFix - raw) <= raw * 1e-4, `norm ${afterFix} changed from ${raw}`);
  });
});
