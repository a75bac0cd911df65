/**
 * Elementwise activations as tfjs defines them, with derivatives, for the mean-field estimate.
 * Names are tfjs's activation identifiers plus the advanced-activation layers (leakyReLU, elu, reLU...).
 */
import { erf, evaluate, Scratch, withMany, type Integrand } from './gaussian';

/**
 * Each function below is written twice, for one number and for an array (`withMany`), with the
 * same expression: the quadratures call the array form once per layer instead of a function value
 * per point (test/estimate/activations.test.ts checks that the two agree bit for bit).
 */
export interface Activation {
  name: string;
  f: Integrand;
  df: Integrand;
  /** Non-decreasing: max-pooling commutes with it (max of phi = phi of max). */
  monotone: boolean;
}

const sigmoid = withMany(
  (z) => 1 / (1 + Math.exp(-z)),
  (xs, out, n) => {
    for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-xs[i]));
  },
);
const softplusOf = (z: number) => (z > 30 ? z : Math.log1p(Math.exp(z)));
const softplus = withMany(softplusOf, (xs, out, n) => {
  for (let i = 0; i < n; i++) out[i] = softplusOf(xs[i]);
});
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Derivative by central difference: exact enough for quadrature, and kinks only matter on a null set. */
function numeric(f: Integrand): Integrand {
  const h = 1e-5;
  const scratch = new Scratch(4);
  return withMany(
    (z) => (f(z + h) - f(z - h)) / (2 * h),
    (xs, out, n) => {
      const [plus, minus, above, below] = scratch.get(n);
      for (let i = 0; i < n; i++) {
        plus[i] = xs[i] + h;
        minus[i] = xs[i] - h;
      }
      evaluate(f, plus, above, n);
      evaluate(f, minus, below, n);
      for (let i = 0; i < n; i++) out[i] = (above[i] - below[i]) / (2 * h);
    },
  );
}

function make(name: string, f: Integrand, df?: Integrand, monotone = true): Activation {
  return { name, f, df: df ?? numeric(f), monotone };
}

const builtins: Record<string, Activation> = {
  linear: make(
    'linear',
    withMany(
      (z) => z,
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i];
      },
    ),
    withMany(
      () => 1,
      (_xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = 1;
      },
    ),
  ),
  sigmoid: make(
    'sigmoid',
    sigmoid,
    withMany(
      (z) => sigmoid(z) * (1 - sigmoid(z)),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) {
          const z = xs[i];
          out[i] = (1 / (1 + Math.exp(-z))) * (1 - 1 / (1 + Math.exp(-z)));
        }
      },
    ),
  ),
  tanh: make(
    'tanh',
    withMany(
      (z) => Math.tanh(z),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = Math.tanh(xs[i]);
      },
    ),
    withMany(
      (z) => 1 - Math.tanh(z) ** 2,
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = 1 - Math.tanh(xs[i]) ** 2;
      },
    ),
  ),
  relu: make(
    'relu',
    withMany(
      (z) => Math.max(z, 0),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = Math.max(xs[i], 0);
      },
    ),
    withMany(
      (z) => (z > 0 ? 1 : 0),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] > 0 ? 1 : 0;
      },
    ),
  ),
  relu6: make(
    'relu6',
    withMany(
      (z) => Math.min(Math.max(z, 0), 6),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = Math.min(Math.max(xs[i], 0), 6);
      },
    ),
    withMany(
      (z) => (z > 0 && z < 6 ? 1 : 0),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] > 0 && xs[i] < 6 ? 1 : 0;
      },
    ),
  ),
  elu: eluWith(1, 'elu'),
  selu: make(
    'selu',
    withMany(
      (z) => SELU_SCALE * (z > 0 ? z : SELU_ALPHA * Math.expm1(z)),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) {
          const z = xs[i];
          out[i] = SELU_SCALE * (z > 0 ? z : SELU_ALPHA * Math.expm1(z));
        }
      },
    ),
    withMany(
      (z) => SELU_SCALE * (z > 0 ? 1 : SELU_ALPHA * Math.exp(z)),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) {
          const z = xs[i];
          out[i] = SELU_SCALE * (z > 0 ? 1 : SELU_ALPHA * Math.exp(z));
        }
      },
    ),
  ),
  softplus: make('softplus', softplus, sigmoid),
  softsign: make(
    'softsign',
    withMany(
      (z) => z / (1 + Math.abs(z)),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] / (1 + Math.abs(xs[i]));
      },
    ),
    withMany(
      (z) => 1 / (1 + Math.abs(z)) ** 2,
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.abs(xs[i])) ** 2;
      },
    ),
  ),
  hardSigmoid: make(
    'hardSigmoid',
    withMany(
      (z) => Math.min(Math.max(0.2 * z + 0.5, 0), 1),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = Math.min(Math.max(0.2 * xs[i] + 0.5, 0), 1);
      },
    ),
    withMany(
      (z) => (Math.abs(z) < 2.5 ? 0.2 : 0),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = Math.abs(xs[i]) < 2.5 ? 0.2 : 0;
      },
    ),
  ),
  swish: make(
    'swish',
    withMany(
      (z) => z * sigmoid(z),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] * (1 / (1 + Math.exp(-xs[i])));
      },
    ),
    undefined,
    false,
  ),
  mish: make(
    'mish',
    withMany(
      (z) => z * Math.tanh(softplusOf(z)),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] * Math.tanh(softplusOf(xs[i]));
      },
    ),
    undefined,
    false,
  ),
  gelu: make(
    'gelu',
    withMany(
      (z) => 0.5 * z * (1 + erf(z / Math.SQRT2)),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = 0.5 * xs[i] * (1 + erf(xs[i] / Math.SQRT2));
      },
    ),
    undefined,
    false,
  ),
  gelu_new: make(
    'gelu_new',
    withMany(
      (z) => 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3))),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) {
          const z = xs[i];
          out[i] = 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3)));
        }
      },
    ),
    undefined,
    false,
  ),
};

/** The activation for a tfjs identifier; undefined when it is not elementwise or not known (softmax, custom). */
export function activationByName(name: string): Activation | undefined {
  return Object.prototype.hasOwnProperty.call(builtins, name) ? builtins[name] : undefined;
}

export function leakyRelu(alpha: number): Activation {
  return make(
    `leakyReLU(${alpha})`,
    withMany(
      (z) => (z > 0 ? z : alpha * z),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] > 0 ? xs[i] : alpha * xs[i];
      },
    ),
    withMany(
      (z) => (z > 0 ? 1 : alpha),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] > 0 ? 1 : alpha;
      },
    ),
  );
}

export function eluWith(alpha: number, name = `elu(${alpha})`): Activation {
  return make(
    name,
    withMany(
      (z) => (z > 0 ? z : alpha * Math.expm1(z)),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] > 0 ? xs[i] : alpha * Math.expm1(xs[i]);
      },
    ),
    withMany(
      (z) => (z > 0 ? 1 : alpha * Math.exp(z)),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] > 0 ? 1 : alpha * Math.exp(xs[i]);
      },
    ),
  );
}

export function cappedRelu(maxValue: number | null): Activation {
  if (maxValue === null) return builtins.relu;
  return make(
    `relu(max ${maxValue})`,
    withMany(
      (z) => Math.min(Math.max(z, 0), maxValue),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = Math.min(Math.max(xs[i], 0), maxValue);
      },
    ),
    withMany(
      (z) => (z > 0 && z < maxValue ? 1 : 0),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] > 0 && xs[i] < maxValue ? 1 : 0;
      },
    ),
  );
}

export function thresholdedRelu(theta: number): Activation {
  return make(
    `thresholdedReLU(${theta})`,
    withMany(
      (z) => (z > theta ? z : 0),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] > theta ? xs[i] : 0;
      },
    ),
    withMany(
      (z) => (z > theta ? 1 : 0),
      (xs, out, n) => {
        for (let i = 0; i < n; i++) out[i] = xs[i] > theta ? 1 : 0;
      },
    ),
  );
}

/** phi2(phi1(z)): an activation layer after a weighted layer with its own activation. */
export function compose(first: Activation, second: Activation): Activation {
  if (first.name === 'linear') return second;
  const scratch = new Scratch(3);
  return make(
    `${second.name}∘${first.name}`,
    withMany(
      (z) => second.f(first.f(z)),
      (xs, out, n) => {
        const [inner] = scratch.get(n);
        evaluate(first.f, xs, inner, n);
        evaluate(second.f, inner, out, n);
      },
    ),
    withMany(
      (z) => second.df(first.f(z)) * first.df(z),
      (xs, out, n) => {
        const [inner, outer, own] = scratch.get(n);
        evaluate(first.f, xs, inner, n);
        evaluate(second.df, inner, outer, n);
        evaluate(first.df, xs, own, n);
        for (let i = 0; i < n; i++) out[i] = outer[i] * own[i];
      },
    ),
    first.monotone && second.monotone,
  );
}
