import type { ModelGraph } from '../analysis/ir';
import type { Rule, RuleContext } from './types';
import { report } from './util/message';
import { RATIO_OPTIONS, judgeRatio } from './util/gradient';
import { depthForRule, hasSkipConnection } from './util/model';
import { calleeOf } from './util/callee';

export const rule: Rule = {
  id: 'deep-without-residual',
  meta: {
    type: 'suggestion',
    description:
      'Very deep models without any skip connection (add/concatenate merging an earlier tensor).',
    defaultSeverity: 'info',
    messages: {
      missing: '{{depth}} weighted layers, no skip connection: {{ratio}}',
      unknown:
        '{{depth}} weighted layers, no skip connection (the gradient estimate does not cover this model)',
    },
    details: {
      missing:
        "Model '{{model}}' is {{depth}} weighted layers deep with no skip connection: the gradient reaching the first layer must pass through all {{depth}} layers' Jacobians in turn, so any per-layer shrinkage compounds, and no add/concatenate gives it a shorter path back.",
      unknown:
        "Model '{{model}}' is {{depth}} weighted layers deep with no skip connection: the gradient reaching the first layer must pass through all {{depth}} layers' Jacobians in turn, so any per-layer shrinkage compounds, and no add/concatenate gives it a shorter path back.",
    },
    options: {
      ...RATIO_OPTIONS,
      minDepth: {
        type: 'number',
        default: 12,
        description:
          'Only models with at least this many weighted layers on their longest path are checked.',
      },
    },
    fixable: false,
  },
  check(model: ModelGraph, context: RuleContext) {
    const { depth, deepEnough } = depthForRule(rule, model, context);
    if (!deepEnough) return [];
    const judged = judgeRatio(rule, model, context);
    if (!judged) return [];
    if (hasSkipConnection(model)) return [];
    return [
      report(rule, model, {
        messageId: judged.kind === 'unknown' ? 'unknown' : 'missing',
        data: {
          model: model.name,
          depth,
          ...(judged.kind === 'unknown' ? {} : { ratio: judged.text }),
        },
        hint: judged.kind !== 'warning',
        span: calleeOf(context.source, model.anchor),
      }),
    ];
  },
};
