/** Options and wording shared by the rules that judge a recurrence's growth through time. */
import type { Rule, RuleContext, RuleOptionSpec } from '../types';
import { formatNumber, numberOption } from './message';
import type { Growth, GrowthThresholds } from './recurrence';

export const GROWTH_OPTIONS: Record<string, RuleOptionSpec> = {
  explodingRatio: {
    type: 'number',
    default: 70,
    description:
      "simpleRNN: warn when the estimated input gradient at step 1 is above this times the last step's.",
    exclusiveMinimum: 0,
  },
  maxRadius: {
    type: 'number',
    default: 1.5,
    description:
      'lstm/gru with an unbounded activation (relu): warn from this estimated spectral radius of the recurrent kernel (with minSteps).',
    exclusiveMinimum: 0,
  },
  gatedRadius: {
    type: 'number',
    default: 2.5,
    description:
      'lstm/gru with a bounded activation (tanh): warn from this estimated spectral radius (with minSteps); the gates damp the recurrence, so it takes a larger one.',
    exclusiveMinimum: 0,
  },
  minSteps: {
    type: 'number',
    default: 100,
    description: 'lstm/gru: warn only over sequences at least this long (with maxRadius).',
    minimum: 1,
  },
};

export function growthThresholds(rule: Rule, context: RuleContext): GrowthThresholds {
  return {
    explodingRatio: numberOption(rule, context, 'explodingRatio'),
    maxRadius: numberOption(rule, context, 'maxRadius'),
    gatedRadius: numberOption(rule, context, 'gatedRadius'),
    minSteps: numberOption(rule, context, 'minSteps'),
  };
}

/** ", step 1's gradient about 1.6e3x the last's" or, for gated cells, "over 300 steps". */
export function growthText(growth: Growth): string {
  if (growth.firstToLast !== null)
    return `: step 1's gradient about ${formatNumber(growth.firstToLast)}x the last's`;
  return growth.steps === null ? '' : ` over ${growth.steps} steps`;
}
