/**
 * Elementwise activations as tfjs defines them, with derivatives, for the mean-field estimate.
 * Names are tfjs's activation identifiers plus the advanced-activation layers (leakyReLU, elu, reLU...).
 */
import { erf } from './gaussian';

export interface Activation {
  name: string;
  f: (z: number) => number;
  df: (z: number) => number;
  /** Non-decreasing: max-pooling commutes with it (max of phi = phi of max). */
  monotone: boolean;
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

function make(
  name: string,
  f: (z: number) => number,
  df?: (z: number) => number,
  monotone = true,
): Activation {
  return { name, f, df: df ?? numeric(f), monotone };
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
  swish: make('swish', (z) => z * sigmoid(z), undefined, false),
  mish: make('mish', (z) => z * Math.tanh(softplus(z)), undefined, false),
  gelu: make('gelu', (z) => 0.5 * z * (1 + erf(z / Math.SQRT2)), undefined, false),
  gelu_new: make(
    'gelu_new',
    (z) => 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3))),
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
    first.monotone && second.monotone,
  );
}
