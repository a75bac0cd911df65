import { sequenceLength } from './util/recurrence';
import type { Finding, Rule } from './types';
import { fix, replaceSpan } from './util/fix';
import { numberOption, report } from './util/message';
import { describeLayer } from './util/model';
import { calleeOf } from './util/callee';
import { memberFactorySpan } from './util/source';
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
        'simpleRNN over {{steps}} time steps: early steps get almost no gradient (from {{maxSteps}} steps on)',
    },
    details: {
      longSequence:
        "{{layer}}: backpropagation through time multiplies the gradient by the recurrent Jacobian (tanh' <= 1 times the recurrent kernel) {{steps}} times, so the signal from early steps vanishes or explodes geometrically. In the calibration sweep a simpleRNN's first time step got below 1e-3x the last step's input gradient from {{maxSteps}} steps on. A probe at initialisation measures per-layer norms, which do not show this; an lstm or gru carries the gradient through a gated, additive cell state that training can keep open.",
    },
    options: {
      maxSteps: {
        type: 'number',
        default: 30,
        description: 'Sequences at least this long are reported.',
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
      const steps = sequenceLength(model, layer);
      if (steps === null || steps < maxSteps) continue;
      const core = coreLayer(layer);
      const name = memberFactorySpan(context.source, core);
      findings.push(
        report(rule, model, {
          messageId: 'longSequence',
          data: { layer: describeLayer(layer), steps, maxSteps },
          span: name ?? calleeOf(context.source, core.callSpan),
          layer,
          fixes: name
            ? [
                fix('Use an lstm layer', [replaceSpan(name, 'lstm')], true),
                fix('Use a gru layer', [replaceSpan(name, 'gru')]),
              ]
            : [],
        }),
      );
    }
    return findings;
  },
};
