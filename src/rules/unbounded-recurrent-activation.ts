import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { Finding, Rule, RuleContext } from './types';
import { fix, setConfigProp, stringLiteral } from './util/fix';
import { formatNumber, numberOption, report } from './util/message';
import { recurrentRadius } from './util/recurrence';
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
        "unbounded '{{activation}}' in a recurrent layer with kernel radius {{radius}}{{effect}}",
      unboundedGate: "recurrentActivation '{{activation}}' lets the gates leave [0, 1]",
    },
    details: {
      unbounded:
        "{{layer}}: '{{activation}}' does not bound the recurrent state, so the recurrent kernel (spectral radius about {{radius}}, {{label}}) multiplies it at every time step; from a radius of {{maxRadius}} the state and its gradient grow geometrically with the sequence length. tanh bounds the state.",
      unboundedGate:
        "{{layer}}: a gate above 1 multiplies the cell state and its gradient at every time step, so they can grow exponentially. hardSigmoid (tfjs's default) keeps the gates in [0, 1].",
    },
    options: {
      maxRadius: {
        type: 'number',
        default: 1.2,
        description:
          "Warn when the recurrent kernel's estimated spectral radius is at least this (below it, an info hint).",
        exclusiveMinimum: 0,
      },
    },
    fixable: true,
  },
  check(model, context) {
    const findings: Finding[] = [];
    for (const { layer, core } of recurrentCores(model.layers)) {
      const activation = resolvedString(context.source, core, 'activation');
      if (activation !== null && !BOUNDED_STATE.has(activation)) {
        const radius = recurrentRadius(layer, context.source);
        const maxRadius = numberOption(rule, context, 'maxRadius');
        const grows = radius !== null && radius.value >= maxRadius;
        findings.push(
          reportActivation(context, model, layer, 'activation', activation, 'tanh', {
            hint: !grows,
            radius: radius ? formatNumber(radius.value) : 'unknown',
            label: radius?.label ?? 'not known',
            effect: grows ? ': the state grows step after step' : '',
            maxRadius: formatNumber(maxRadius),
          }),
        );
      }
      if (core.factory === 'simpleRNN') continue;
      const gate = resolvedString(context.source, core, 'recurrentActivation');
      if (gate !== null && !GATE_SAFE.has(gate)) {
        findings.push(
          reportActivation(context, model, layer, 'recurrentActivation', gate, 'hardSigmoid', {
            hint: true,
          }),
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
  { hint, ...data }: { hint: boolean } & Record<string, string | boolean>,
): Finding {
  const core = coreLayer(layer);
  const valueText = stringLiteral(context.source, replacement);
  return report(rule, model, {
    messageId: key === 'activation' ? 'unbounded' : 'unboundedGate',
    data: { layer: describeLayer(layer), activation, ...(data as Record<string, string>) },
    hint,
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
