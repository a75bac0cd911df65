import type { ModelGraph, OptimizerInfo, OptimizerKind, Span } from '../analysis/ir';
import type { Finding, Rule, RuleContext, RuleOptionSpec } from './types';
import { fix, replaceSpan } from './util/fix';
import { formatNumber, report } from './util/message';
import { firstArgumentSpan, readsParameter } from './util/source';

type KnownKind = Exclude<OptimizerKind, 'unknown'>;

/** Default threshold (highest accepted rate) and the conventional rate the fix writes. */
const RATES: Record<KnownKind, { max: number; conventional: number }> = {
  sgd: { max: 0.1, conventional: 0.01 },
  momentum: { max: 0.1, conventional: 0.01 },
  adagrad: { max: 0.1, conventional: 0.01 },
  adadelta: { max: 1.0, conventional: 1.0 },
  adam: { max: 0.01, conventional: 0.001 },
  adamax: { max: 0.01, conventional: 0.001 },
  rmsprop: { max: 0.01, conventional: 0.001 },
};

const options: Record<string, RuleOptionSpec> = {};
for (const [kind, rate] of Object.entries(RATES)) {
  options[kind] = {
    type: 'number',
    default: rate.max,
    description: `Highest learning rate accepted for tf.train.${kind}.`,
    exclusiveMinimum: 0,
  };
}

export const rule: Rule = {
  id: 'high-learning-rate',
  meta: {
    type: 'problem',
    description:
      "A learning rate above the optimizer's safe range makes each update overshoot, so the loss and the gradients grow until they overflow to NaN.",
    defaultSeverity: 'warning',
    messages: {
      tooHigh:
        "Model '{{model}}' uses {{kind}} with learning rate {{rate}}, above {{max}}: each update overshoots the minimum, so the loss and the gradients can grow step after step until they overflow to NaN ({{conventional}} is the conventional rate).",
    },
    options,
    fixable: true,
  },
  check(model, context) {
    const findings: Finding[] = [];
    for (const optimizer of optimizersOf(model)) {
      if (optimizer.kind === 'unknown' || optimizer.form === 'string') continue;
      const rate = optimizer.learningRate;
      if (rate?.kind !== 'number' || !optimizer.learningRateSpan) continue;
      const max = Number(context.options[optimizer.kind] ?? RATES[optimizer.kind].max);
      if (!(rate.value > max)) continue;
      const conventional = Math.min(RATES[optimizer.kind].conventional, max);
      const site = editSite(context, optimizer);
      findings.push(
        report(rule, model, {
          messageId: 'tooHigh',
          data: {
            model: model.name,
            kind: optimizer.kind,
            rate: formatNumber(rate.value),
            max,
            conventional,
          },
          span: site?.span ?? optimizer.learningRateSpan,
          fixes: [
            site
              ? fix(
                  site.preferred
                    ? `Use learning rate ${conventional}`
                    : `Use learning rate ${conventional} here instead of the parameter`,
                  [replaceSpan(site.span, String(conventional))],
                  site.preferred,
                )
              : null,
          ],
        }),
      );
    }
    return findings;
  },
};

/** Every optimizer the model is trained with (compile and custom loops), each once. */
function optimizersOf(model: ModelGraph): OptimizerInfo[] {
  const all = [
    model.training.compile?.optimizer,
    model.training.optimizer,
    ...model.training.customLoops.map((loop) => loop.optimizer),
  ];
  const seen = new Set<string>();
  return all.filter((o): o is OptimizerInfo => {
    if (!o) return false;
    const key = `${o.span.start}:${o.learningRateSpan?.start ?? -1}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * Where to write the new rate. A rate written in the call is replaced there; a rate that comes from a shared
 * constant is overridden at the call's argument instead, so other users of the constant keep their value.
 * A rate that reaches the call through a function parameter is only a suggestion: writing a literal there
 * changes what the function's callers control.
 */
function editSite(
  context: RuleContext,
  optimizer: OptimizerInfo,
): { span: Span; preferred: boolean } | null {
  if (!optimizer.learningRateInherited) {
    const span = optimizer.learningRateSpan;
    return span ? { span, preferred: !readsParameter(context.source, span) } : null;
  }
  if (optimizer.form !== 'call') return null;
  const argument = firstArgumentSpan(context.source, optimizer.span);
  if (!argument) return null;
  return { span: argument, preferred: !readsParameter(context.source, argument) };
}
