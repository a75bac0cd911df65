import type { LayerNode, ModelGraph } from '../analysis/ir';
import { declaredInputShape, inferShapes, type LayerShape } from '../analysis/shapes';
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
        "{{layer}} runs over {{steps}} time steps, so backpropagation through time multiplies the gradient by the recurrent Jacobian (tanh' <= 1 times the recurrent kernel) {{steps}} times and the signal from early steps vanishes or explodes geometrically; an lstm or gru carries it through a gated, additive cell state.",
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
    const shapes = safeShapes(model);
    const findings: Finding[] = [];
    for (const layer of candidates) {
      const steps = sequenceLength(layer, shapes[layer.index]);
      if (steps === null || steps < maxSteps) continue;
      const core = coreLayer(layer);
      const name = memberFactorySpan(context.source, core);
      findings.push(
        report(rule, model, {
          messageId: 'longSequence',
          data: { layer: describeLayer(layer), steps },
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

/** Shapes by layer index; a model the shape inference cannot follow yields no lengths, not a crash. */
function safeShapes(model: ModelGraph): Record<number, LayerShape | undefined> {
  try {
    return Object.fromEntries(inferShapes(model).layers.map((s) => [s.index, s]));
  } catch {
    return {};
  }
}

/** The time dimension of the layer's input ([batch, steps, features]); null when not known. */
function sequenceLength(layer: LayerNode, shape: LayerShape | undefined): number | null {
  const input = shape?.inputShape ?? (layer.index === 0 ? declaredInputShape(layer) : null);
  const steps = input && input.length === 3 ? input[1] : null;
  return typeof steps === 'number' ? steps : null;
}
