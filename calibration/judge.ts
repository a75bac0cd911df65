/**
 * For each rule: which sweep cases it is about (its subject), and what the measurement must show for the rule's
 * warning to be justified (the problem it names). A false alarm is a warning on a case whose gradients the probe
 * measures healthy and whose training steps stay stable; a miss is a case of the rule's subject where the probe
 * shows the rule's problem and the rule gave no warning.
 */
import { THRESHOLD_DEFAULTS } from '../src/probe/defaults';
import type { Case } from './families';
import type { Measured } from './measure';

const { vanishingRatio, explodingRatio } = THRESHOLD_DEFAULTS;

export const vanishing = (m: Measured): boolean => m.verdict === 'vanishing';
export const exploding = (m: Measured): boolean => m.verdict === 'exploding' || !m.stable;
const temporalVanishing = (m: Measured) =>
  m.temporalRatio !== undefined && m.temporalRatio < vanishingRatio;
const temporalExploding = (m: Measured) =>
  m.temporalRatio !== undefined && m.temporalRatio > explodingRatio;

/** Healthy gradients, stable steps and, for recurrent models, no vanishing or exploding through time. */
export function healthy(m: Measured): boolean {
  return m.verdict === 'healthy' && m.stable && !temporalVanishing(m) && !temporalExploding(m);
}

export interface RuleJudge {
  subject: (c: Case) => boolean;
  problem: (m: Measured) => boolean;
  /** What the problem is, for the results table. */
  shows: string;
  /** A risk a probe at initialisation cannot show: figures are listed, not held to the sweep's targets. */
  categorical?: boolean;
}

const has = (c: Case, ...words: string[]) => words.some((w) => c.id.split(' ').includes(w));
const hiddenLayers = (c: Case) => Number(/ d(\d+) /.exec(c.id)?.[1] ?? 0) - 1;

export const JUDGES: Record<string, RuleJudge> = {
  'saturating-activation': {
    subject: (c) => c.family !== 'recurrent' && has(c, 'sigmoid', 'tanh') && hiddenLayers(c) >= 1,
    problem: vanishing,
    shows: 'vanishing (first layer below 1e-3x the output)',
  },
  'missing-initializer': {
    subject: (c) =>
      c.family === 'dense' && has(c, 'relu', 'elu', 'selu', 'leakyReLU') && has(c, 'default'),
    problem: (m) => vanishing(m) || exploding(m),
    shows: 'vanishing or exploding',
  },
  'initializer-mismatch': {
    subject: (c) =>
      c.family === 'dense' &&
      ((has(c, 'sigmoid', 'tanh') && has(c, 'heNormal')) ||
        (has(c, 'relu', 'elu', 'leakyReLU', 'selu') && has(c, 'glorotNormal', 'leCunNormal')) ||
        (has(c, 'selu') && has(c, 'heNormal'))),
    problem: (m) => vanishing(m) || exploding(m),
    shows: 'vanishing or exploding',
  },
  'initializer-scale': {
    subject: (c) => has(c, 'small', 'large'),
    problem: (m) => vanishing(m) || exploding(m),
    shows: 'vanishing or exploding',
  },
  'deep-without-normalization': {
    subject: (c) => c.family === 'dense' && has(c, 'none') && hiddenLayers(c) + 1 >= 8,
    problem: (m) => vanishing(m) || exploding(m),
    shows: 'vanishing or exploding',
  },
  'deep-without-residual': {
    subject: (c) => c.family === 'dense' && hiddenLayers(c) + 1 >= 12,
    problem: (m) => vanishing(m) || exploding(m),
    shows: 'vanishing or exploding',
  },
  'high-learning-rate': {
    subject: (c) => c.family === 'optimizer',
    problem: exploding,
    shows: 'exploding: update above the weights, non-finite or growing loss',
  },
  'saturating-output-loss': {
    subject: (c) => has(c, 'sigmoid-mse'),
    problem: () => false,
    shows: 'not measurable at initialisation (literature: Glorot & Bengio 2010)',
    categorical: true,
  },
  'simple-rnn-long-sequence': {
    subject: (c) => has(c, 'simpleRNN'),
    problem: (m) => temporalVanishing(m) || temporalExploding(m),
    shows: 'first time step below 1e-3x (or above 70x) the last',
    categorical: true,
  },
  'rnn-without-clipping': {
    subject: (c) => c.family === 'recurrent',
    problem: (m) => temporalExploding(m) || exploding(m),
    shows: 'exploding through time or unstable steps (a risk of training, not of initialisation)',
    categorical: true,
  },
  'lstm-forget-bias': {
    subject: (c) => has(c, 'lstm') && !has(c, 'forgetBias'),
    problem: temporalVanishing,
    shows: 'first time step below 1e-3x the last',
  },
  'non-orthogonal-recurrent-init': {
    subject: (c) => c.family === 'recurrent' && !has(c, 'default'),
    problem: (m) => temporalExploding(m) || exploding(m),
    shows: 'exploding through time or unstable steps',
  },
  'unbounded-recurrent-activation': {
    subject: (c) => c.family === 'recurrent' && has(c, 'relu'),
    problem: (m) => temporalExploding(m) || exploding(m),
    shows: 'exploding through time or unstable steps',
  },
};
