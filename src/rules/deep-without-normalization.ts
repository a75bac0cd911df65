import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { Fix, Rule, RuleContext, TextEdit } from './types';
import { fix } from './util/fix';
import { insertLayerAfter } from './util/insert-layer';
import { kerasClassOrImport } from './util/python-keras';
import { isPython } from './util/syntax';
import { report } from './util/message';
import { RATIO_OPTIONS, judgeRatio } from './util/gradient';
import { isHidden, depthForRule, hasSkipConnection } from './util/model';
import { calleeOf } from './util/callee';
import { NORMALIZATION_FACTORIES, coreLayer, isWeighted } from './util/terms';

export const rule: Rule = {
  id: 'deep-without-normalization',
  meta: {
    type: 'suggestion',
    description: 'Deep models without any batchNormalization or layerNormalization layer.',
    defaultSeverity: 'warning',
    messages: {
      missing: '{{depth}} weighted layers, no normalization layer: {{ratio}}',
      unknown:
        '{{depth}} weighted layers, no normalization layer (the gradient estimate does not cover this model)',
    },
    details: {
      missing:
        "Model '{{model}}' is {{depth}} weighted layers deep with no {{layer:batchNormalization}} or {{layer:layerNormalization}}: nothing re-centres and rescales the activations between layers, so any per-layer gain away from 1 compounds over {{depth}} layers and the gradient vanishes or explodes.",
      unknown:
        "Model '{{model}}' is {{depth}} weighted layers deep with no {{layer:batchNormalization}} or {{layer:layerNormalization}}: nothing re-centres and rescales the activations between layers, so any per-layer gain away from 1 compounds over {{depth}} layers and the gradient vanishes or explodes.",
    },
    options: {
      ...RATIO_OPTIONS,
      minDepth: {
        type: 'number',
        default: 8,
        description:
          'Only models with at least this many weighted layers on their longest path are checked.',
      },
    },
    fixable: true,
  },
  check(model: ModelGraph, context: RuleContext) {
    const { depth, deepEnough } = depthForRule(rule, model, context);
    if (!deepEnough) return [];
    const judged = judgeRatio(rule, model, context);
    if (!judged) return [];
    if (model.layers.some(isNormalization)) return [];
    // Unestimated, the hint rests on depth alone; a skip connection gives the gradient a shorter path.
    if (judged.kind === 'unknown' && hasSkipConnection(model)) return [];
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
        fixes: [insertNormalization(model, context)],
      }),
    ];
  },
};

function isNormalization(layer: LayerNode): boolean {
  return (
    NORMALIZATION_FACTORIES.has(layer.factory) ||
    NORMALIZATION_FACTORIES.has(coreLayer(layer).factory)
  );
}

/**
 * One `batchNormalization()` after every hidden layer, written with the file's own layers binding: in
 * sequential models, and in Python also in functional code (`x = layers.BatchNormalization()(x)`). A call
 * written once but repeated (a loop body) gets one insertion, and only when every repetition is hidden. Any
 * insertion point that cannot be edited safely means no fix at all.
 */
function insertNormalization(model: ModelGraph, context: RuleContext): Fix | null {
  const layerClass = normalizationClass(context);
  if (!layerClass || (model.kind !== 'sequential' && !isPython(context))) return null;
  const expression = `${layerClass.name}()`;
  const byCall = new Map<number, LayerNode[]>();
  for (const layer of model.layers) {
    const group = byCall.get(layer.callSpan.start) ?? [];
    group.push(layer);
    byCall.set(layer.callSpan.start, group);
  }
  const edits: (TextEdit | null)[] = [layerClass.edit];
  for (const group of byCall.values()) {
    const hidden = group.filter((layer) => isWeighted(layer) && isHidden(model, layer));
    if (hidden.length === 0) continue;
    if (hidden.length !== group.length) return null;
    edits.push(insertLayerAfter(context, group[0], expression));
  }
  return fix(
    `Insert ${expression} after each hidden layer`,
    edits.filter((edit, i) => i > 0 || edit !== null),
    true,
  );
}

/** `tf.layers.batchNormalization` / `layers.BatchNormalization`, and an import to add when one is needed. */
function normalizationClass(context: RuleContext): { name: string; edit: TextEdit | null } | null {
  if (isPython(context)) return kerasClassOrImport(context.source, 'layers', 'BatchNormalization');
  const layersBinding = context.analysis.access.layers;
  return layersBinding ? { name: `${layersBinding}.batchNormalization`, edit: null } : null;
}
