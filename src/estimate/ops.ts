/**
 * The layers between two weighted layers, as operations on mean-field moments.
 * Forward, a unit is either Gaussian (a pre-activation: mean, variance, covariance between two
 * examples) or only known by its second moments (after a nonlinearity: m own, k across examples).
 * Backward, the loss gradient at a unit is known by its second moments d (own) and e (across).
 * The probe measures in training mode, as fit does, so dropout and batch statistics are active.
 */
import type { Activation } from './activations';
import { expect1, expect2, expectMax, squared } from './gaussian';

export type Op =
  | { kind: 'activation'; activation: Activation }
  | { kind: 'noise'; keep: number; additive: number }
  | {
      /** Average pooling over `size` positions (non-overlapping windows, or all for global pooling). */
      kind: 'avgPool';
      size: number;
      coverage: number;
    }
  | {
      /**
       * Max pooling over `size` positions of a monotone activation: max of phi(z) is phi(max z),
       * so the Gaussian pre-activation stays usable. `coverage` is the fraction of positions that
       * fall in some window (valid padding drops the rest).
       */
      kind: 'maxPool';
      activation: Activation;
      size: number;
      coverage: number;
    }
  | {
      kind: 'batchNorm';
      index: number;
      epsilon: number;
      center: boolean;
      scale: boolean;
      /** Features normalised (the input's last dimension) and positions per example sharing them. */
      channels: number;
      positions: number;
    };

export type State =
  | { kind: 'gaussian'; mean: number; variance: number; covariance: number }
  | { kind: 'moments'; m: number; k: number };

export interface Delta {
  d: number;
  e: number;
  /**
   * Across two positions of one example that an average pool made share a gradient: their
   * correlation w, and how many such partners each position has (zero without average pooling).
   */
  w: number;
  partners: number;
}

export function toMoments(state: State): { m: number; k: number } {
  if (state.kind === 'moments') return state;
  const { mean, variance, covariance } = state;
  return { m: mean * mean + variance, k: mean * mean + covariance };
}

export function forwardOp(op: Op, state: State, batch: number): State {
  switch (op.kind) {
    case 'activation': {
      if (state.kind !== 'gaussian') throw new Error('an activation of a non-Gaussian unit');
      const { f } = op.activation;
      const { mean, variance, covariance } = state;
      return {
        kind: 'moments',
        m: expect1(squared(f), mean, variance),
        k: expect2(f, f, mean, variance, covariance),
      };
    }
    case 'noise': {
      const { m, k } = toMoments(state);
      return { kind: 'moments', m: m / op.keep + op.additive, k };
    }
    case 'avgPool': {
      // Positions of one example are as correlated as two examples are (mean-field, random kernels).
      const { m, k } = toMoments(state);
      return { kind: 'moments', m: (m + (op.size - 1) * k) / op.size, k };
    }
    case 'maxPool': {
      if (state.kind !== 'gaussian') throw new Error('max pooling of a non-Gaussian unit');
      const { f } = op.activation;
      const { mean, variance, covariance } = state;
      const { squares, values } = expectMax(f, mean, variance, covariance, op.size);
      return { kind: 'moments', m: squares.own, k: values.cross };
    }
    case 'batchNorm': {
      // Normalised over the batch (and positions): unit variance, and the samples sum to zero,
      // so two of them are slightly anti-correlated. gamma = 1, beta = 0 at initialisation.
      const { s, samples } = batchNormScale(op, state, batch);
      const covariance = -s / Math.max(1, samples - 1);
      return state.kind === 'gaussian'
        ? { kind: 'gaussian', mean: 0, variance: s, covariance }
        : { kind: 'moments', m: s, k: covariance };
    }
  }
}

/**
 * Takes the gradient moments at an op's output back to its input; `state` is the op's input.
 * For batch normalisation also returns the squared gradient norm of its own gamma and beta
 * (times batch^2, like every layer's).
 */
export function backwardOp(
  op: Op,
  state: State,
  delta: Delta,
  batch: number,
): { delta: Delta; ownSquaredNorm?: number } {
  const { d, e, w, partners } = delta;
  switch (op.kind) {
    case 'activation': {
      if (state.kind !== 'gaussian') throw new Error('an activation of a non-Gaussian unit');
      const { df } = op.activation;
      const { mean, variance, covariance } = state;
      const cross = expect2(df, df, mean, variance, covariance);
      return {
        delta: {
          d: d * expect1(squared(df), mean, variance),
          e: e * cross,
          w: w * cross,
          partners,
        },
      };
    }
    case 'noise':
      // Masks are independent across examples and positions: only own moments scale by 1/keep.
      return { delta: { d: d / op.keep, e, w, partners } };
    case 'avgPool': {
      // Every position of a window receives the window's gradient over size: its partners share it.
      const { size, coverage } = op;
      return {
        delta: {
          d: (coverage * d) / size ** 2,
          e: (coverage * e) / size ** 2,
          w: (coverage * d) / size ** 2,
          partners: size - 1,
        },
      };
    }
    case 'maxPool': {
      if (state.kind !== 'gaussian') throw new Error('max pooling of a non-Gaussian unit');
      // Each window's gradient goes to its argmax, through phi' there; a position is the argmax
      // of its window in one example with probability 1/size, in two examples with 1/size^2.
      const { df } = op.activation;
      const { mean, variance, covariance } = state;
      const { squares, values: slopes } = expectMax(df, mean, variance, covariance, op.size);
      return {
        delta: {
          d: (op.coverage * d * squares.own) / op.size,
          e: (op.coverage * e * slopes.cross) / op.size ** 2,
          w: (op.coverage * w * slopes.cross) / op.size ** 2,
          partners,
        },
      };
    }
    case 'batchNorm': {
      if (w !== 0) throw new Error('batch normalisation before average pooling is not covered');
      const { s, variance, samples } = batchNormScale(op, state, batch);
      const P = op.positions;
      // Only the same position in two examples shares gradient paths: the fraction of sample pairs.
      const sharedPairs = samples > 1 ? (batch - 1) / (samples - 1) : 0;
      const beta = op.center ? batch * P * d + P * batch * (batch - 1) * e : 0;
      const gamma = op.scale
        ? batch * P * s * d - P * batch * (batch - 1) * e * (s / Math.max(1, samples - 1))
        : 0;
      // The backward pass removes the batch-mean part of the gradient and rescales by 1/sigma.
      const dx = Math.max(d - e * sharedPairs, 0) / (variance + op.epsilon);
      return {
        delta: { d: dx, e: -dx / Math.max(1, samples - 1), w: 0, partners: 0 },
        ownSquaredNorm: op.channels * (beta + Math.max(gamma, 0)),
      };
    }
  }
}

/** Batch variance of the normalised unit, the output's own second moment s, and the sample count. */
function batchNormScale(
  op: Extract<Op, { kind: 'batchNorm' }>,
  state: State,
  batch: number,
): { variance: number; s: number; samples: number } {
  // Variance over the batch: the part a unit does not share with the other examples.
  const variance =
    state.kind === 'gaussian'
      ? Math.max(state.variance - state.covariance, 0)
      : Math.max(state.m - state.k, 0);
  return { variance, s: variance / (variance + op.epsilon), samples: batch * op.positions };
}
