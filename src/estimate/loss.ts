/**
 * Second moments of the loss gradient at the output layer's pre-activations, per unit:
 * `self` = E[delta^2] for one example, `cross` = E[delta_b delta_b'] for two examples of a batch.
 * Common factors (1/batch, 1/units, the 2 of the squared error) cancel in ratios and are dropped.
 * Targets are what the probe draws: N(0,1) for regression, Bernoulli(1/2) for binary, uniform classes.
 */
import type { Activation } from './activations';
import { evaluate, expect1, expect2, Scratch, squared, withMany } from './gaussian';

export interface OutputState {
  mean: number;
  variance: number;
  covariance: number;
  units: number;
}

export interface DeltaMoments {
  self: number;
  cross: number;
  /** What was assumed about the loss, for the method string. */
  assumed: string;
}

export type LossKind = 'mse' | 'mae' | 'binary' | 'categorical';

export function canonicalLoss(name: string | undefined): LossKind | null {
  if (name === undefined) return null;
  const key = name.replace(/[_\s-]/g, '').toLowerCase();
  if (['meansquarederror', 'mse'].includes(key)) return 'mse';
  if (['meanabsoluteerror', 'mae'].includes(key)) return 'mae';
  if (['binarycrossentropy', 'logloss'].includes(key)) return 'binary';
  if (['categoricalcrossentropy', 'sparsecategoricalcrossentropy'].includes(key))
    return 'categorical';
  return null;
}

export function outputDeltaMoments(
  loss: LossKind,
  activation: Activation | 'softmax',
  state: OutputState,
): DeltaMoments | { error: string } {
  const { mean, variance, covariance } = state;
  if (loss === 'categorical') {
    if (activation !== 'softmax')
      return { error: 'cross-entropy is covered with a softmax output only' };
    return softmaxCrossEntropy(state);
  }
  if (activation === 'softmax')
    return { error: `a softmax output with the ${loss} loss is not covered` };
  const { f, df } = activation;
  if (loss === 'binary') {
    if (activation.name !== 'sigmoid')
      return { error: 'binary cross-entropy is covered with a sigmoid output only' };
    // delta = p - y with y ~ Bernoulli(1/2).
    const p1 = expect1(f, mean, variance);
    return {
      self: expect1(squared(f), mean, variance) - p1 + 0.5,
      cross: expect2(f, f, mean, variance, covariance) - p1 + 0.25,
      assumed: 'sigmoid + binary cross-entropy, 0/1 targets',
    };
  }
  if (loss === 'mae') {
    const g = integrands(activation).mae;
    return {
      self: expect1(squared(df), mean, variance),
      cross: expect2(g, g, mean, variance, covariance),
      assumed: `${activation.name} output + mean absolute error, N(0,1) targets`,
    };
  }
  const g = integrands(activation).mse;
  return {
    self: expect1((z) => g(z) ** 2 + df(z) ** 2, mean, variance),
    cross: expect2(g, g, mean, variance, covariance),
    assumed: `${activation.name} output + mean squared error, N(0,1) targets`,
  };
}

const integrandsOf = new WeakMap<
  Activation,
  { mse: (z: number) => number; mae: (z: number) => number }
>();

/**
 * The loss gradient given z, made once per activation: expect2 remembers its sums by function, so an
 * output layer seen before (the same activation at the same scale) costs no second quadrature.
 */
function integrands(activation: Activation) {
  let made = integrandsOf.get(activation);
  if (!made) {
    const { f, df } = activation;
    const scratch = new Scratch(2);
    made = {
      // Squared error: delta = (phi(z) - y) phi'(z), y ~ N(0, 1) independent of z.
      mse: withMany(
        (z) => f(z) * df(z),
        (xs, out, n) => {
          const [values, slopes] = scratch.get(n);
          evaluate(f, xs, values, n);
          evaluate(df, xs, slopes, n);
          for (let i = 0; i < n; i++) out[i] = values[i] * slopes[i];
        },
      ),
      // E[sign(phi(z) - y) | z] = erf(phi(z) / sqrt 2) for y ~ N(0, 1).
      mae: withMany(
        (z) => erfApprox(f(z) / Math.SQRT2) * df(z),
        (xs, out, n) => {
          const [values, slopes] = scratch.get(n);
          evaluate(f, xs, values, n);
          evaluate(df, xs, slopes, n);
          for (let i = 0; i < n; i++) out[i] = erfApprox(values[i] / Math.SQRT2) * slopes[i];
        },
      ),
    };
    integrandsOf.set(activation, made);
  }
  return made;
}

/**
 * Softmax couples the units, so its moments come from a fixed-seed Monte Carlo over logit vectors
 * (deterministic: the same model always gets the same estimate).
 */
function softmaxCrossEntropy(state: OutputState): DeltaMoments {
  const key = `${state.mean},${state.variance},${state.covariance},${state.units}`;
  let moments = softmaxMoments.get(key);
  if (!moments) {
    moments = sampleSoftmaxCrossEntropy(state);
    if (softmaxMoments.size >= 64) softmaxMoments.delete(softmaxMoments.keys().next().value!);
    softmaxMoments.set(key, moments);
  }
  return { ...moments };
}

/**
 * The Monte Carlo's results by output state. A 1,000-class output costs tens of milliseconds a run,
 * and an editor re-lints the same model on every keystroke: the same state, the same result.
 */
const softmaxMoments = new Map<string, DeltaMoments>();

function sampleSoftmaxCrossEntropy({
  mean,
  variance,
  covariance,
  units,
}: OutputState): DeltaMoments {
  const n = Math.max(1, units);
  const samples = Math.max(50, Math.min(400, Math.floor(200_000 / n)));
  const random = gaussianStream(12345);
  const shared = Math.sqrt(Math.min(Math.max(covariance, 0), variance));
  const own = Math.sqrt(Math.max(variance - shared * shared, 0));
  let sumSquares = 0;
  let sumCross = 0;
  const z1 = new Float64Array(n);
  const z2 = new Float64Array(n);
  const p1 = new Float64Array(n);
  const p2 = new Float64Array(n);
  for (let s = 0; s < samples; s++) {
    for (let k = 0; k < n; k++) {
      const common = mean + shared * random();
      z1[k] = common + own * random();
      z2[k] = common + own * random();
    }
    softmaxInto(z1, p1);
    softmaxInto(z2, p2);
    for (let k = 0; k < n; k++) {
      sumSquares += p1[k] * p1[k];
      sumCross += p1[k] * p2[k];
    }
  }
  const squares = sumSquares / samples;
  const cross = sumCross / samples;
  // With one-hot y of a uniform class: sum_k E[(p_k - y_k)^2] = E[sum p^2] - 2/n + 1, and across
  // two examples sum_k E[(p1_k - y1_k)(p2_k - y2_k)] = E[sum p1 p2] - 1/n.
  return {
    self: (squares - 2 / n + 1) / n,
    cross: (cross - 1 / n) / n,
    assumed: 'softmax + categorical cross-entropy, one-hot targets of uniform classes',
  };
}

function softmaxInto(z: Float64Array, out: Float64Array): void {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    out[k] = Math.exp(z[k] - max);
    sum += out[k];
  }
  for (let k = 0; k < z.length; k++) out[k] /= sum;
}

/** Seeded standard-normal stream (mulberry32 + Box-Muller). */
function gaussianStream(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** erf to ~1e-7 (Abramowitz-Stegun 7.1.26): plenty for a sign expectation. */
function erfApprox(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.sign(x) * (1 - poly * Math.exp(-x * x));
}
