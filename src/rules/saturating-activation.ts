import type { AnalysisResult, LayerNode, ModelGraph } from '../analysis/ir';
import type { Rule, RuleContext, TextEdit } from './types';
import { fix, setConfigProp, stringLiteral } from './util/fix';
import {
  familyName,
  kernelKeys,
  readInitializer,
  setInitializer,
  varianceFamily,
} from './util/initializer';
import { combineInserts } from './util/edits';
import { report, uniqueFindings } from './util/message';
import { describeLayer, isHidden, depthForRule, type ActivationInfo } from './util/model';
import { propOrCallee } from './util/callee';
import { settledActivation } from './util/settled';
import { SATURATING, isRecurrent, isWeighted } from './util/terms';

/** Upper bound of each saturating activation's derivative: the best case per layer on the way back. */
const MAX_DERIVATIVE: Record<string, string> = {
  sigmoid: '0.25',
  tanh: '1 (and near 0 once it saturates)',
  hardSigmoid: '0.2',
  softsign: '1 (and near 0 once it saturates)',
};

export const rule: Rule = {
  id: 'saturating-activation',
  meta: {
    type: 'problem',
    description:
      'Hidden layers with a saturating activation (sigmoid, tanh, hardSigmoid, softsign) in a deep model.',
    defaultSeverity: 'warning',
    messages: {
      saturating:
        "{{layer}} uses the saturating activation '{{activation}}' in a model {{depth}} weighted layers deep: its derivative is at most {{bound}}, so the gradient shrinks at every such layer and vanishes before it reaches the first layers.",
    },
    options: {
      minDepth: {
        type: 'number',
        default: 4,
        description:
          'Only models with at least this many weighted layers on their longest path are checked.',
      },
    },
    fixable: true,
  },
  check(model: ModelGraph, context: RuleContext) {
    const { depth, deepEnough } = depthForRule(rule, model, context);
    if (!deepEnough) return [];
    const findings = model.layers
      .filter((layer) => isWeighted(layer) && isHidden(model, layer))
      .flatMap((layer) => {
        const activation = settledActivation(model, layer, context.source);
        if (!activation.name || !SATURATING.has(activation.name)) return [];
        // A recurrent layer's own tanh and hardSigmoid gates are the standard design, not a mistake.
        if (isRecurrent(layer) && activation.from !== 'layer') return [];
        const span = propOrCallee(context.source, activation.carrier, 'activation');
        return [
          report(rule, model, {
            messageId: 'saturating',
            data: {
              layer: describeLayer(layer),
              activation: activation.name,
              depth,
              bound: MAX_DERIVATIVE[activation.name] ?? '1',
            },
            span,
            layer,
            fixes: [reluFix(context.source, layer, activation, everyUseHidden(context, layer))],
          }),
        ];
      });
    return uniqueFindings(findings);
  },
};

function reluFix(source: string, layer: LayerNode, activation: ActivationInfo, preferred: boolean) {
  const edits: (TextEdit | null)[] = [
    setConfigProp(source, activation.carrier, 'activation', stringLiteral(source, 'relu')),
  ];
  // Recurrent kernels keep their own initializers; dense and conv kernels get the ReLU-matched He scale
  // when their config can be edited (missing-initializer reports the rest).
  if (!isRecurrent(layer)) {
    for (const key of kernelKeys(layer)) {
      const edit = heEdit(source, layer, key);
      if (edit) edits.push(edit);
    }
  }
  const title =
    edits.length > 1 ? "Use activation 'relu' with He initialization" : "Use activation 'relu'";
  return fix(
    preferred ? title : `${title} (also changes the output layer written by the same call)`,
    combineInserts(edits),
    preferred,
  );
}

/**
 * A call written once can build several layers (a loop body, a helper function). The fix edits that call,
 * so it is applied automatically only when every layer it builds, in every model of the file, is hidden:
 * otherwise it would also turn an output layer's sigmoid into relu.
 */
function everyUseHidden(context: RuleContext, layer: LayerNode): boolean {
  return !callsWithUnhiddenUse(context.analysis).has(layer.callSpan.start);
}

// Per analysis, once: asking every layer of every model again for each finding is quadratic in big files.
const unhiddenCalls = new WeakMap<AnalysisResult, Set<number>>();

/** Start offsets of the calls that build at least one layer that is not hidden, in any model. */
function callsWithUnhiddenUse(analysis: AnalysisResult): Set<number> {
  let starts = unhiddenCalls.get(analysis);
  if (starts) return starts;
  starts = new Set<number>();
  for (const model of analysis.models) {
    for (const other of model.layers) {
      if (!isHidden(model, other)) starts.add(other.callSpan.start);
    }
  }
  unhiddenCalls.set(analysis, starts);
  return starts;
}

/**
 * He initialization for the kernel: added when absent, replacing a Glorot or LeCun one (same distribution);
 * any other explicit initializer is the user's deliberate choice and stays.
 */
function heEdit(source: string, layer: LayerNode, key: string): TextEdit | null | undefined {
  const read = readInitializer(layer, key, source);
  if (read.status === 'absent') return setInitializer(source, layer, key, 'heNormal');
  if (read.status === 'unknown') return undefined;
  const shape = varianceFamily(read.init);
  if (!shape || (shape.family !== 'glorot' && shape.family !== 'lecun')) return undefined;
  return setInitializer(source, layer, key, familyName('he', shape.distribution), read.init);
}
