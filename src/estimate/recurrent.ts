/**
 * Gradient through time of a simpleRNN at initialisation, by the same mean-field reasoning as the layer estimate:
 * h_t = phi(W x_t + U h_(t-1)) with U's entries of variance r^2/n (r its spectral radius) and W feeding
 * variance v from the inputs. The pre-activation variance settles at the fixed point q = r^2 E[phi(z)^2] + v,
 * and each step back multiplies the squared gradient by chi = r^2 E[phi'(z)^2], so the loss gradient reaching
 * the first time step is about chi^((T-1)/2) times the last step's. The state starts at zero, so the first steps'
 * pre-activations have the smaller variances q_1 = v, q_(t+1) = r^2 E[phi(z_t)^2] + v on the way to that fixed
 * point, and a bounded activation is less saturated there: the ratio is the product of sqrt(chi_t) over steps
 * 1 to T-1 (a short sequence is not yet at the fixed point). Gated cells (lstm, gru) are not covered.
 */
import { activationByName } from './activations';
import { evaluate, expect1, Scratch, squared, type Integrand } from './gaussian';

export interface TemporalEstimate {
  /** Factor per time step backwards (sqrt(chi)). */
  perStep: number;
  /** Input gradient at the first time step over the last one's. */
  firstToLast: number;
}

const MAX_VARIANCE = 1e6;

export function simpleRnnTemporal(
  activationName: string,
  radius: number,
  inputVariance: number,
  steps: number,
): TemporalEstimate | null {
  const phi = activationByName(activationName);
  if (!phi || !(radius >= 0) || !(inputVariance >= 0) || !(steps >= 1)) return null;
  let q = inputVariance + radius * radius;
  for (let i = 0; i < 60; i++) {
    const next = radius * radius * expect1(squared(phi.f), 0, q) + inputVariance;
    q = Math.min(MAX_VARIANCE, Math.max(next, 1e-12));
  }
  const chiAt = (variance: number) => radius * radius * peakedMean(squared(phi.df), variance);
  const perStep = Math.sqrt(chiAt(q));
  // Steps until the variance is within 0.1% of its fixed point, then the fixed point's factor for the rest.
  let logRatio = 0;
  let qt = Math.max(inputVariance, 1e-12);
  let t = 1;
  for (; t < steps && Math.abs(qt - q) > 1e-3 * q && t < 1000; t++) {
    logRatio += 0.5 * Math.log(chiAt(qt));
    qt = Math.min(
      MAX_VARIANCE,
      Math.max(radius * radius * expect1(squared(phi.f), 0, qt) + inputVariance, 1e-12),
    );
  }
  logRatio += (steps - t) * Math.log(perStep);
  return { perStep, firstToLast: Math.exp(logRatio) };
}

const peakedScratch = new Scratch(2);

/**
 * E[f(z)], z ~ N(0, variance), for an f peaked near 0 (a bounded activation's squared derivative): quadrature
 * nodes spread with the standard deviation miss a peak about 1 wide once it is a few units (radius 6.5 over
 * 128 units read 1.008 per step for a measured 2 or so), so wide Gaussians are summed on a fine grid instead.
 */
function peakedMean(f: Integrand, variance: number): number {
  if (variance <= 4) return expect1(f, 0, variance);
  const sd = Math.sqrt(variance);
  const points = 2000;
  const step = (16 * sd) / points;
  const [xs, fs] = peakedScratch.get(points + 1);
  for (let i = 0; i <= points; i++) xs[i] = -8 * sd + i * step;
  evaluate(f, xs, fs, points + 1);
  let sum = 0;
  for (let i = 0; i <= points; i++) {
    const z = xs[i];
    const weight = i === 0 || i === points ? 0.5 : 1;
    sum += weight * fs[i] * Math.exp((-z * z) / (2 * variance));
  }
  return (sum * step) / (sd * Math.sqrt(2 * Math.PI));
}
