/** The rule registry: every rule Gradient Lens ships, in docs order. */
import { rule as deepWithoutNormalization } from './deep-without-normalization';
import { rule as deepWithoutResidual } from './deep-without-residual';
import { rule as highLearningRate } from './high-learning-rate';
import { rule as initializerMismatch } from './initializer-mismatch';
import { rule as initializerScale } from './initializer-scale';
import { rule as lstmForgetBias } from './lstm-forget-bias';
import { rule as missingInitializer } from './missing-initializer';
import { rule as nonOrthogonalRecurrentInit } from './non-orthogonal-recurrent-init';
import { rule as rnnWithoutClipping } from './rnn-without-clipping';
import { rule as saturatingActivation } from './saturating-activation';
import { rule as saturatingOutputLoss } from './saturating-output-loss';
import { rule as simpleRnnLongSequence } from './simple-rnn-long-sequence';
import { rule as unboundedRecurrentActivation } from './unbounded-recurrent-activation';
import type { Rule } from './types';

export const rules: Rule[] = [
  saturatingActivation,
  missingInitializer,
  initializerMismatch,
  initializerScale,
  deepWithoutNormalization,
  deepWithoutResidual,
  rnnWithoutClipping,
  simpleRnnLongSequence,
  lstmForgetBias,
  highLearningRate,
  saturatingOutputLoss,
  unboundedRecurrentActivation,
  nonOrthogonalRecurrentInit,
];

export function findRule(id: string): Rule | undefined {
  return rules.find((rule) => rule.id === id);
}
