import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { activationByName, compose, leakyRelu } from '../../src/estimate/activations';
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
