import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expect1, expect2, rule } from '../../src/estimate/gaussian';

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
