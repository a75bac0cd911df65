import { sequenceLength, temporalEstimate } from './util/recurrence';
import type { Finding, Rule } from './types';
import { fix, replaceSpan } from './util/fix';
import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { RuleContext } from './types';
import { formatNumber, numberOption, report } from './util/message';
import { RATIO_OPTIONS } from './util/gradient';
import { stringProp } from './util/model';
import { describeLayer } from './util/model';
import { calleeOf } from './util/callee';
import { memberFactorySpan } from './util/source';
import { dialectOf } from './util/dialect';
import { classNameSpan, renameClass } from './util/python-keras';
import { isPython } from './util/syntax';
import { coreLayer } from './util/terms';

export const rule: Rule = {
  id: 'simple-rnn-long-sequence',
  meta: {
    type: 'problem',
    description:
      'A simpleRNN over a long sequence: backpropagation through time multiplies the gradient by the same recurrent Jacobian once per step.',
    defaultSeverity: 'warning',
    messages: {
      longSequence:
        "{{layer:simpleRNN}} over {{steps}} time steps: step 1's gradient is about {{ratio}}x the last step's",
      longSequenceUnsized: '{{layer:simpleRNN}} over {{steps}} time steps (at least {{maxSteps}})',
    },
    details: {
      longSequence:
        "{{layer}}: backpropagation through time multiplies the gradient by the recurrent Jacobian (the activation's derivative times the recurrent kernel, spectral radius about {{radius}}) once per step, about {{perStep}}x each, so the signal from early steps {{effect}}. The number is the static mean-field estimate at initialisation, which matched the calibration sweep's measured per-step input gradients. A probe of per-layer norms does not show this; an {{layer:lstm}} or {{layer:gru}} carries the gradient through a gated, additive cell state that training can keep open.",
      longSequenceUnsized:
        '{{layer}}: backpropagation through time multiplies the gradient by the same recurrent Jacobian once per step, so over long sequences the signal from early steps can vanish or explode geometrically. The gradient estimate does not cover this recurrence (its kernel, its inputs or an identity kernel, whose units do not mix), so only the length is checked and this is a hint; the probe measures the gradient per time step. An {{layer:lstm}} or {{layer:gru}} carries the gradient through a gated, additive cell state.',
    },
    options: {
      vanishingRatio: {
        ...RATIO_OPTIONS.vanishingRatio,
        description:
          "Warn when the estimated input gradient at the first time step is below this times the last step's.",
      },
      explodingRatio: {
        ...RATIO_OPTIONS.explodingRatio,
        description: 'Warn when it is above this.',
      },
      hintRatio: {
        ...RATIO_OPTIONS.hintRatio,
        description:
          'An info hint when the ratio is below this or above its inverse but inside the healthy range.',
      },
      maxSteps: {
        type: 'number',
        default: 25,
        description:
          'When the recurrent kernel or the inputs are not known: sequences at least this long are reported.',
        minimum: 1,
      },
    },
    fixable: true,
  },
  check(model, context) {
    const maxSteps = numberOption(rule, context, 'maxSteps');
    const candidates = model.layers.filter((layer) => coreLayer(layer).factory === 'simpleRNN');
    if (candidates.length === 0) return [];
    const findings: Finding[] = [];
    for (const layer of candidates) {
      const core = coreLayer(layer);
      const judged = judge(model, layer, context, maxSteps);
      if (!judged) continue;
      const python = isPython(context);
      const name = python
        ? classNameSpan(context.source, core, 'SimpleRNN')
        : memberFactorySpan(context.source, core);
      const replace = (factory: string) =>
        python
          ? renameClass(context.source, name!, dialectOf(model).layer(factory))
          : [replaceSpan(name!, factory)];
      findings.push(
        report(rule, model, {
          messageId: judged.messageId,
          data: { layer: describeLayer(layer, model), maxSteps, ...judged.data },
          hint: judged.hint,
          span: name ?? calleeOf(context.source, core.callSpan),
          layer,
          fixes: name
            ? [
                fix(`Use an ${dialectOf(model).layer('lstm')} layer`, replace('lstm'), true),
                fix(`Use a ${dialectOf(model).layer('gru')} layer`, replace('gru')),
              ]
            : [],
        }),
      );
    }
    return findings;
  },
};

interface Judged {
  messageId: 'longSequence' | 'longSequenceUnsized';
  hint: boolean;
  data: Record<string, string | number>;
}

/** From the estimated gradient through time; from the length alone, as a hint, when the estimate cannot be made. */
function judge(
  model: ModelGraph,
  layer: LayerNode,
  context: RuleContext,
  maxSteps: number,
): Judged | null {
  const activation = stringProp(coreLayer(layer), 'activation') ?? 'tanh';
  const temporal = temporalEstimate(model, layer, activation, context.source);
  if (!temporal) {
    const steps = sequenceLength(model, layer);
    if (steps === null || steps < maxSteps) return null;
    return { messageId: 'longSequenceUnsized', hint: true, data: { steps } };
  }
  const ratio = temporal.firstToLast;
  const vanishing = numberOption(rule, context, 'vanishingRatio');
  const exploding = numberOption(rule, context, 'explodingRatio');
  const hintRatio = numberOption(rule, context, 'hintRatio');
  const material = ratio < vanishing || ratio > exploding;
  if (!material && ratio >= hintRatio && ratio <= 1 / hintRatio) return null;
  return {
    messageId: 'longSequence',
    hint: !material,
    data: {
      steps: temporal.steps,
      ratio: formatNumber(ratio),
      radius: formatNumber(temporal.radius.value),
      perStep: formatNumber(temporal.perStep),
      effect: ratio < 1 ? 'vanishes geometrically' : 'explodes geometrically',
    },
  };
}
