import type { AnalysisResult, LayerNode, ModelGraph } from '../analysis/ir';
import type { Rule, RuleContext, TextEdit } from './types';
import { dialectOf, type Dialect } from './util/dialect';
import { fix, literal, setConfigProp } from './util/fix';
import {
  familyName,
  kernelKeys,
  readInitializer,
  setInitializer,
  varianceFamily,
} from './util/initializer';
import { combineInserts } from './util/edits';
import { formatNumber, numberOption, report, uniqueFindings } from './util/message';
import { firstRatio, ratioText } from './util/gradient';
import { isHidden, type ActivationInfo } from './util/model';
import { propOrCallee } from './util/callee';
import { settledActivation } from './util/settled';
import type { SourceFile } from './util/syntax';
import { NORMALIZATION_FACTORIES, SATURATING, isRecurrent, isWeighted } from './util/terms';

const MERGE_FACTORIES = new Set([
  'add',
  'concatenate',
  'average',
  'multiply',
  'maximum',
  'minimum',
]);

/** Upper bound of each saturating activation's derivative: the best case per layer on the way back. */
const MAX_DERIVATIVE: Record<string, number> = { sigmoid: 0.25, hardSigmoid: 0.2 };

export const rule: Rule = {
  id: 'saturating-activation',
  meta: {
    type: 'problem',
    description:
      'Hidden sigmoid, tanh, hardSigmoid or softsign layers that make the estimated first-layer gradient vanish.',
    defaultSeverity: 'warning',
    messages: {
      saturating: '{{count}} {{activation}} hidden layer{{s}}: {{ratio}}',
      saturatingBound:
        '{{count}} {{activation}} hidden layer{{s}}: the gradient can shrink to {{bound}}x by layer 0',
    },
    details: {
      saturating:
        "Backpropagation multiplies the gradient by each saturating layer's derivative ({{derivative}}), so it shrinks layer after layer; the static estimate at initialisation puts it at {{value}}x by layer {{index}} (the probe calls below {{vanishing}}x vanishing). relu with He initialization keeps it near 1x.",
      saturatingBound:
        "The static estimate does not cover this model (e.g. recurrent or merged layers), so the bound multiplies each layer's largest derivative ({{derivative}}); a skip connection or normalization between them would keep the gradient larger. relu with He initialization avoids the shrinking.",
    },
    options: {
      vanishingRatio: {
        type: 'number',
        default: 1e-3,
        description:
          "Warn when the estimated first-layer gradient is below this times the output layer's (the probe's vanishing threshold).",
        exclusiveMinimum: 0,
      },
      hintRatio: {
        type: 'number',
        default: 0.1,
        description: 'Below this (and above vanishingRatio) the finding is an info hint.',
        exclusiveMinimum: 0,
      },
    },
    fixable: true,
  },
  check(model: ModelGraph, context: RuleContext) {
    const saturating = model.layers.flatMap((layer) => {
      if (!isWeighted(layer) || !isHidden(model, layer)) return [];
      const activation = settledActivation(model, layer, context.source);
      if (!activation.name || !SATURATING.has(activation.name)) return [];
      // A recurrent layer's own tanh and hardSigmoid gates are the standard design, not a mistake.
      if (isRecurrent(layer) && activation.from !== 'layer') return [];
      return [{ layer, activation }];
    });
    if (saturating.length === 0) return [];
    const judged = judge(
      model,
      saturating.map((s) => s.activation.name!),
      context,
    );
    if (!judged) return [];
    const names = [...new Set(saturating.map((s) => s.activation.name!))];
    const dialect = dialectOf(model);
    const data = {
      count: saturating.length,
      s: saturating.length === 1 ? '' : 's',
      activation: names.map((name) => dialect.activation(name)).join('/'),
      derivative: names.map((name) => derivativeText(name, dialect)).join(', '),
      vanishing: formatNumber(numberOption(rule, context, 'vanishingRatio')),
      ...judged.data,
    };
    const findings = saturating.map(({ layer, activation }) =>
      report(rule, model, {
        messageId: judged.messageId,
        data,
        span: propOrCallee(context.source, activation.carrier, 'activation'),
        layer,
        hint: judged.hint,
        fixes: [reluFix(context, layer, activation, everyUseHidden(context, layer))],
      }),
    );
    return uniqueFindings(findings);
  },
};

interface Judged {
  messageId: 'saturating' | 'saturatingBound';
  hint: boolean;
  data: Record<string, string | number>;
}

/** From the estimate when it covers the model; otherwise from the derivatives' bound, and only as a hint. */
function judge(model: ModelGraph, activations: string[], context: RuleContext): Judged | null {
  const vanishing = numberOption(rule, context, 'vanishingRatio');
  const hintBelow = numberOption(rule, context, 'hintRatio');
  const first = firstRatio(model);
  if (first) {
    if (first.relative >= hintBelow) return null;
    return {
      messageId: 'saturating',
      hint: first.relative >= vanishing,
      data: { ratio: ratioText(first), value: formatNumber(first.relative), index: first.index },
    };
  }
  const bound = activations.reduce((product, name) => product * (MAX_DERIVATIVE[name] ?? 1), 1);
  if (bound >= hintBelow) return null;
  // Only a plain chain multiplies every factor; a skip connection or normalization can keep the gradient up.
  const chain = model.layers.every(
    (layer) => !NORMALIZATION_FACTORIES.has(layer.factory) && !MERGE_FACTORIES.has(layer.factory),
  );
  return {
    messageId: 'saturatingBound',
    hint: !(chain && bound < vanishing),
    data: { bound: formatNumber(bound) },
  };
}

function derivativeText(name: string, dialect: Dialect): string {
  const max = MAX_DERIVATIVE[name];
  const spelled = dialect.activation(name);
  return max === undefined ? `${spelled}' <= 1, near 0 once saturated` : `${spelled}' <= ${max}`;
}

function reluFix(
  file: SourceFile,
  layer: LayerNode,
  activation: ActivationInfo,
  preferred: boolean,
) {
  const edits: (TextEdit | null)[] = [
    setConfigProp(file, activation.carrier, 'activation', literal(file, 'relu')),
  ];
  // Recurrent kernels keep their own initializers; dense and conv kernels get the ReLU-matched He scale
  // when their config can be edited (missing-initializer reports the rest).
  if (!isRecurrent(layer)) {
    for (const key of kernelKeys(layer)) {
      const edit = heEdit(file, layer, key);
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
function heEdit(file: SourceFile, layer: LayerNode, key: string): TextEdit | null | undefined {
  const read = readInitializer(layer, key, file.source);
  if (read.status === 'absent') return setInitializer(file, layer, key, 'heNormal');
  if (read.status === 'unknown') return undefined;
  const shape = varianceFamily(read.init);
  if (!shape || (shape.family !== 'glorot' && shape.family !== 'lecun')) return undefined;
  return setInitializer(file, layer, key, familyName('he', shape.distribution), read.init);
}
