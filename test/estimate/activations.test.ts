import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  activationByName,
  cappedRelu,
  compose,
  eluWith,
  leakyRelu,
  thresholdedRelu,
} from '../../src/estimate/activations';
import { erf } from '../../src/estimate/gaussian';

const NAMES = [
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'relu6',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'hardSigmoid',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
];
const POINTS = [-4.3, -2.1, -0.7, -0.05, 0.3, 1.1, 2.6, 5.2, 7.9];

describe('activations match tfjs', () => {
  for (const name of NAMES) {
    it(`${name}: values equal tfjs's, derivatives equal tfjs's gradient`, async () => {
      await tf.setBackend('cpu');
      const ours = activationByName(name);
      assert.ok(ours, name);
      const layer = tf.layers.activation({ activation: name as 'relu' });
      const x = tf.tensor1d(POINTS);
      const values = (layer.apply(x) as tf.Tensor).dataSync();
      const slopes = tf
        .grad((v: tf.Tensor) => (layer.apply(v) as tf.Tensor).sum())(x)
        .dataSync();
      POINTS.forEach((z, i) => {
        assert.ok(
          Math.abs(ours.f(z) - values[i]) <= 1e-5 * Math.max(1, Math.abs(values[i])),
          `${name}(${z})`,
        );
        assert.ok(
          Math.abs(ours.df(z) - slopes[i]) <= 2e-4 * Math.max(1, Math.abs(slopes[i])),
          `${name}'(${z}): ${ours.df(z)} vs ${slopes[i]}`,
        );
      });
    });
  }

  it('unknown or non-elementwise names are not guessed; composition and monotonicity', () => {
    assert.equal(activationByName('softmax'), undefined);
    assert.equal(activationByName('toString'), undefined);
    const relu = activationByName('relu')!;
    const swish = activationByName('swish')!;
    assert.equal(compose(activationByName('linear')!, relu), relu);
    assert.equal(compose(relu, activationByName('tanh')!).monotone, true);
    assert.equal(compose(relu, swish).monotone, false);
    assert.equal(leakyRelu(0.2).df(-1), 0.2);
  });

  it('erf is accurate (gelu depends on it)', () => {
    for (const [x, expected] of [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2.5, 0.999593047982555],
      [3.5, 0.9999992569016276],
      [-1.2, -0.9103139782296353],
    ]) {
      assert.ok(Math.abs(erf(x) - expected) < 1e-12, `erf(${x})`);
    }
  });
});

describe('array forms of the activations (what the quadratures evaluate)', () => {
  // Kinks, saturation, the thresholds of the parametric ones, minus zero, and overflow territory.
  const grid = [-0, 0, 1e-9, -1e-9, 2.5, -2.5, 6, 4, 1, 30, 31, -40, 700, -745, 0.5, -0.999];
  for (let z = -9; z <= 9; z += 0.37) grid.push(z);
  const xs = Float64Array.from(grid);
  const activations = [
    ...NAMES.map((name) => activationByName(name)!),
    leakyRelu(0.3),
    eluWith(0.5),
    cappedRelu(4),
    thresholdedRelu(1),
    compose(activationByName('relu')!, activationByName('sigmoid')!),
    compose(activationByName('tanh')!, activationByName('swish')!),
  ];
  for (const activation of activations) {
    it(`${activation.name}: f and f' over an array are the one-number values, bit for bit`, () => {
      for (const [what, fn] of [
        ['f', activation.f],
        ["f'", activation.df],
      ] as const) {
        assert.ok(fn.many, `${activation.name} ${what} has an array form`);
        const out = new Float64Array(xs.length);
        fn.many(xs, out, xs.length);
        grid.forEach((z, i) =>
          assert.ok(Object.is(out[i], fn(z)), `${activation.name} ${what}(${z}): ${out[i]}`),
        );
      }
    });
  }
  it('evaluates only the first n points (the rest of the array is left alone)', () => {
    const out = new Float64Array(4).fill(7);
    activationByName('tanh')!.f.many!(Float64Array.from([1, 2, 3, 4]), out, 2);
    assert.deepEqual([...out.slice(2)], [7, 7]);
  });
});
