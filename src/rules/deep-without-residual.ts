import type { ModelGraph } from '../analysis/ir';
import type { Rule, RuleContext } from './types';
import { report } from './util/message';
import { RATIO_OPTIONS, judgeRatio } from './util/gradient';
import { depthForRule } from './util/model';
import { calleeOf } from './util/callee';
import { isWeighted } from './util/terms';

/** Merge layers through which an earlier tensor can bypass the layers in between. */
const SKIP_MERGES = new Set(['add', 'concatenate', 'average']);

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

/**
 * A merge whose inputs lie at different depths (weighted layers from the input) lets the gradient skip the
 * layers in between. Parallel branches of equal depth merged at the end are not a shortcut.
 * Sequential models have no merges, so they never have one.
 */
function hasSkipConnection(model: ModelGraph): boolean {
  if (model.kind !== 'functional') return false;
  const nodes = new Map(model.nodes.map((node) => [node.id, node]));
  const memo = new Map<string, number>();
  // Memoized longest path; node order need not be topological, and a cycle (bad input) counts as 0.
  const depthOf = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    memo.set(id, 0);
    const node = nodes.get(id);
    const depth = node
      ? Math.max(0, ...node.inputs.map(depthOf)) + (weighted(model, node.layer) ? 1 : 0)
      : 0;
    memo.set(id, depth);
    return depth;
  };
  return model.nodes.some((node) => {
    if (!SKIP_MERGES.has(model.layers[node.layer]?.factory ?? '') || node.inputs.length < 2) {
      return false;
    }
    const depths = node.inputs.map(depthOf);
    return Math.min(...depths) < Math.max(...depths);
  });
}

function weighted(model: ModelGraph, layerIndex: number): boolean {
  const layer = model.layers[layerIndex];
  return layer !== undefined && isWeighted(layer);
}
