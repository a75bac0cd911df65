import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activationByName } from '../../src/estimate/activations';
import { expect1, expect2, rule, squared } from '../../src/estimate/gaussian';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

describe('Gauss-Hermite expectations', () => {
  it('weights form a probability and reproduce normal moments exactly', () => {
    const { weights } = rule();
    close(
      weights.reduce((a, b) => a + b, 0),
      1,
      1e-12,
      'sum of weights',
    );
    close(
      expect1((z) => z * z, 0, 2.5),
      2.5,
      1e-10,
      'variance',
    );
    close(
      expect1((z) => z ** 4, 0, 1),
      3,
      1e-9,
      'fourth moment',
    );
    close(
      expect1((z) => z, 1.5, 4),
      1.5,
      1e-10,
      'mean',
    );
  });

  it('matches closed forms for relu and tanh-free cases', () => {
    // E[relu(z)^2] = q / 2 and E[relu'(z)] = 1/2 for z ~ N(0, q).
    close(
      expect1((z) => Math.max(z, 0) ** 2, 0, 3),
      1.5,
      1e-3,
      'relu second moment',
    );
    close(
      expect1((z) => (z > 0 ? 1 : 0), 0, 3),
      0.5,
      1e-12,
      'relu derivative',
    );
    // E[z1 z2] equals the covariance; E[relu'(z1) relu'(z2)] = 1/4 + asin(rho) / (2 pi).
    close(
      expect2(
        (z) => z,
        (z) => z,
        0,
        2,
        1.2,
      ),
      1.2,
      1e-10,
      'covariance',
    );
    const rho = 0.6;
    const step = (z: number) => (z > 0 ? 1 : 0);
    close(
      expect2(step, step, 0, 1, rho),
      0.25 + Math.asin(rho) / (2 * Math.PI),
      2e-2,
      'orthant probability',
    );
  });

  it('two integrands: E[z1 z2^2] = mean (mean^2 + variance) + 2 mean covariance', () => {
    close(
      expect2(
        (z) => z,
        (z) => z * z,
        0.5,
        2,
        1.2,
      ),
      0.5 * (0.25 + 2) + 2 * 0.5 * 1.2,
      1e-10,
      'mixed moment',
    );
  });

  it('one integrand given twice sums once, to exactly the value of two copies of it', () => {
    const tanh = (z: number) => Math.tanh(z);
    const copy = (z: number) => Math.tanh(z);
    assert.equal(expect2(tanh, tanh, 0.1, 1.7, 0.9), expect2(tanh, copy, 0.1, 1.7, 0.9));
  });
});

describe('expect2 sums', () => {
  /** E[f(z1) g(z2)] as a plain double loop over the rule, a function value called per point. */
  function reference(
    f: (z: number) => number,
    g: (z: number) => number,
    mean: number,
    variance: number,
    covariance: number,
  ): number {
    const { points, weights } = rule();
    const shared = Math.sqrt(Math.min(Math.max(covariance, 0), Math.max(variance, 0)));
    const own = Math.sqrt(Math.max(variance - shared * shared, 0));
    let sum = 0;
    for (let i = 0; i < points.length; i++) {
      const centre = mean + shared * points[i];
      let fi = 0;
      let gi = 0;
      for (let j = 0; j < points.length; j++) {
        fi += weights[j] * f(centre + own * points[j]);
        gi += weights[j] * g(centre + own * points[j]);
      }
      sum += weights[i] * fi * gi;
    }
    return sum;
  }
  const sigmoid = activationByName('sigmoid')!;
  const states = [
    [0, 1, 0.5],
    [0.3, 2.2, 2.1],
    [-1, 0.4, -0.1],
    [0, 0, 0],
  ];

  it('are those of the point-by-point loop exactly, with or without array forms', () => {
    const plain = (z: number) => Math.sin(z) + z * z; // no array form: evaluated point by point
    for (const [mean, variance, covariance] of states) {
      for (const [f, g] of [
        [sigmoid.f, sigmoid.f],
        [sigmoid.df, sigmoid.df],
        [sigmoid.f, plain],
        [plain, plain],
      ]) {
        const expected = reference(f, g, mean, variance, covariance);
        assert.ok(Object.is(expect2(f, g, mean, variance, covariance), expected));
        // Asked again: the remembered value, the same number.
        assert.ok(Object.is(expect2(f, g, mean, variance, covariance), expected));
      }
    }
  });

  it('expect1 is the point-by-point sum exactly; squared(f) is f(z) ** 2 in both forms', () => {
    const { points, weights } = rule();
    const plain = (z: number) => Math.cos(z) * z;
    for (const f of [sigmoid.f, sigmoid.df, squared(sigmoid.df), plain, squared(plain)]) {
      for (const [mean, variance] of states) {
        const sd = Math.sqrt(Math.max(variance, 0));
        let expected = 0;
        for (let i = 0; i < points.length; i++) expected += weights[i] * f(mean + sd * points[i]);
        assert.ok(Object.is(expect1(f, mean, variance), expected));
      }
    }
    assert.equal(squared(plain), squared(plain), 'made once per function');
    const xs = Float64Array.from([-3, -0.5, 0, 0.25, 4]);
    const out = new Float64Array(xs.length);
    squared(sigmoid.df).many!(xs, out, xs.length);
    xs.forEach((z, i) => assert.ok(Object.is(out[i], sigmoid.df(z) ** 2)));
  });

  it('remember by function and by every number of the state (minus zero is zero)', () => {
    const tanh = activationByName('tanh')!.f;
    const a = expect2(tanh, tanh, 0.2, 1.5, 1.0);
    const b = expect2(tanh, tanh, 0.2, 1.5, 1.25);
    const c = expect2(sigmoid.f, sigmoid.f, 0.2, 1.5, 1.0);
    assert.notEqual(a, b);
    assert.notEqual(a, c);
    assert.ok(Object.is(expect2(tanh, tanh, -0, 1.5, 1.0), expect2(tanh, tanh, 0, 1.5, 1.0)));
    assert.ok(Number.isNaN(expect2(tanh, tanh, NaN, 1.5, 1.0)));
  });
});
