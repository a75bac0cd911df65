import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { Finding, Rule, RuleContext } from './types';
import { fix, setConfigProp, stringLiteral } from './util/fix';
import { report } from './util/message';
import { describeLayer } from './util/model';
import { propOrCallee } from './util/callee';
import { isSettled } from './util/settled';
import { ownValueReadsParameter } from './util/source';
import { BOUNDED, coreLayer, recurrentCores } from './util/terms';

/** relu6 caps the state at 6, so the recurrence cannot grow without bound either. */
const BOUNDED_STATE = new Set([...BOUNDED, 'relu6']);

/** Gates must stay in [0, 1]: only sigmoid-like functions qualify. */
const GATE_SAFE = new Set(['sigmoid', 'hardSigmoid']);

export const rule: Rule = {
  id: 'unbounded-recurrent-activation',
  meta: {
    type: 'problem',
    description:
      'A simpleRNN/lstm/gru with an unbounded activation (relu, elu, linear, ...) lets its state and gradient grow step after step.',
    defaultSeverity: 'warning',
    messages: {
      unbounded:
        "{{layer}} uses activation '{{activation}}', which does not bound the recurrent state, so the same recurrent kernel multiplies it at every time step and the state and its gradient can grow exponentially with the sequence length.",
      unboundedGate:
        "{{layer}} uses recurrentActivation '{{activation}}', which lets its gates leave [0, 1], so a gate above 1 multiplies the cell state and its gradient at every time step and they can grow exponentially.",
    },
    options: {},
    fixable: true,
  },
  check(model, context) {
    const findings: Finding[] = [];
    for (const { layer, core } of recurrentCores(model.layers)) {
      const activation = resolvedString(context.source, core, 'activation');
      if (activation !== null && !BOUNDED_STATE.has(activation)) {
        findings.push(reportActivation(context, model, layer, 'activation', activation, 'tanh'));
      }
      if (core.factory === 'simpleRNN') continue;
      const gate = resolvedString(context.source, core, 'recurrentActivation');
      if (gate !== null && !GATE_SAFE.has(gate)) {
        findings.push(
          reportActivation(context, model, layer, 'recurrentActivation', gate, 'hardSigmoid'),
        );
      }
    }
    return findings;
  },
};

/** The value of `key` when resolved and not possibly overridden by a later unknown spread. */
function resolvedString(source: string, layer: LayerNode, key: string): string | null {
  const prop = layer.config.props[key];
  if (prop?.value.kind !== 'string' || !isSettled(source, layer, prop)) return null;
  return prop.value.value;
}

function reportActivation(
  context: RuleContext,
  model: ModelGraph,
  layer: LayerNode,
  key: 'activation' | 'recurrentActivation',
  activation: string,
  replacement: string,
): Finding {
  const core = coreLayer(layer);
  const valueText = stringLiteral(context.source, replacement);
  return report(rule, model, {
    messageId: key === 'activation' ? 'unbounded' : 'unboundedGate',
    data: { layer: describeLayer(layer), activation },
    span: propOrCallee(context.source, core, key),
    layer,
    fixes: [
      fix(
        `Use ${key} '${replacement}'`,
        [setConfigProp(context.source, core, key, valueText)],
        !ownValueReadsParameter(context.source, core, key),
      ),
    ],
  });
}
