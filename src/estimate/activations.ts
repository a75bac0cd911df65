/**
 * Elementwise activations as tfjs defines them, with derivatives, for the mean-field estimate.
 * Names are tfjs's activation identifiers plus the advanced-activation layers (leakyReLU, elu, reLU...).
 */

export interface Activation {
  name: string;
  f: (z: number) => number;
  df: (z: number) => number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const softplus = (z: number) => (z > 30 ? z : Math.log1p(Math.exp(z)));
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Derivative by central difference: exact enough for quadrature, and kinks only matter on a null set. */
function numeric(f: (z: number) => number): (z: number) => number {
  const h = 1e-5;
  return (z) => (f(z + h) - f(z - h)) / (2 * h);
}

function make(name: string, f: (z: number) => number, df?: (z: number) => number): Activation {
  return { name, f, df: df ?? numeric(f) };
}

/** Abramowitz-Stegun 7.1.26 is too coarse for gelu's derivative; this series/continued form is accurate to ~1e-12. */
function erf(x: number): number {
  const t = Math.abs(x);
  if (t > 6) return Math.sign(x);
  // Maclaurin series converges quickly for |x| <= 3; beyond, use the complementary continued fraction.
  if (t <= 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = 0;
  for (let k = 60; k >= 1; k--) fraction = k / 2 / (t + fraction);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + fraction);
  return Math.sign(x) * (1 - erfc);
}

const builtins: Record<string, Activation> = {
  linear: make(
    'linear',
    (z) => z,
    () => 1,
  ),
  sigmoid: make('sigmoid', sigmoid, (z) => sigmoid(z) * (1 - sigmoid(z))),
  tanh: make('tanh', Math.tanh, (z) => 1 - Math.tanh(z) ** 2),
  relu: make(
    'relu',
    (z) => Math.max(z, 0),
    (z) => (z > 0 ? 1 : 0),
  ),
  relu6: make(
    'relu6',
    (z) => Math.min(Math.max(z, 0), 6),
    (z) => (z > 0 && z < 6 ? 1 : 0),
  ),
  elu: make(
    'elu',
    (z) => (z > 0 ? z : Math.expm1(z)),
    (z) => (z > 0 ? 1 : Math.exp(z)),
  ),
  selu: make(
    'selu',
    (z) => SELU_SCALE * (z > 0 ? z : SELU_ALPHA * Math.expm1(z)),
    (z) => SELU_SCALE * (z > 0 ? 1 : SELU_ALPHA * Math.exp(z)),
  ),
  softplus: make('softplus', softplus, sigmoid),
  softsign: make(
    'softsign',
    (z) => z / (1 + Math.abs(z)),
    (z) => 1 / (1 + Math.abs(z)) ** 2,
  ),
  hardSigmoid: make(
    'hardSigmoid',
    (z) => Math.min(Math.max(0.2 * z + 0.5, 0), 1),
    (z) => (Math.abs(z) < 2.5 ? 0.2 : 0),
  ),
  swish: make('swish', (z) => z * sigmoid(z)),
  mish: make('mish', (z) => z * Math.tanh(softplus(z))),
  gelu: make('gelu', (z) => 0.5 * z * (1 + erf(z / Math.SQRT2))),
  gelu_new: make(
    'gelu_new',
    (z) => 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3))),
  ),
};

/** The activation for a tfjs identifier; undefined when it is not elementwise or not known (softmax, custom). */
export function activationByName(name: string): Activation | undefined {
  return Object.prototype.hasOwnProperty.call(builtins, name) ? builtins[name] : undefined;
}

export function leakyRelu(alpha: number): Activation {
  return make(
    `leakyReLU(${alpha})`,
    (z) => (z > 0 ? z : alpha * z),
    (z) => (z > 0 ? 1 : alpha),
  );
}

export function eluWith(alpha: number): Activation {
  return make(
    `elu(${alpha})`,
    (z) => (z > 0 ? z : alpha * Math.expm1(z)),
    (z) => (z > 0 ? 1 : alpha * Math.exp(z)),
  );
}

export function cappedRelu(maxValue: number | null): Activation {
  if (maxValue === null) return builtins.relu;
  return make(
    `relu(max ${maxValue})`,
    (z) => Math.min(Math.max(z, 0), maxValue),
    (z) => (z > 0 && z < maxValue ? 1 : 0),
  );
}

export function thresholdedRelu(theta: number): Activation {
  return make(
    `thresholdedReLU(${theta})`,
    (z) => (z > theta ? z : 0),
    (z) => (z > theta ? 1 : 0),
  );
}

/** phi2(phi1(z)): an activation layer after a weighted layer with its own activation. */
export function compose(first: Activation, second: Activation): Activation {
  if (first.name === 'linear') return second;
  return make(
    `${second.name}∘${first.name}`,
    (z) => second.f(first.f(z)),
    (z) => second.df(first.f(z)) * first.df(z),
  );
}
