import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { Finding, Rule, RuleContext } from './types';
import { frameworkDefaults } from '../analysis/frameworks';
import { dialectOf } from './util/dialect';
import { fix, literal, setConfigProp } from './util/fix';
import { formatNumber, report } from './util/message';
import { GROWTH_OPTIONS, growthText, growthThresholds } from './util/growth';
import { growthThroughTime } from './util/recurrence';
import { describeLayer } from './util/model';
import { propOrCallee } from './util/callee';
import { isSettled } from './util/settled';
import { ownValueReadsParameter } from './util/source';
import { fileDialect } from './util/syntax';
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
      unbounded: "unbounded '{{activation}}' recurrence, kernel radius about {{radius}}{{effect}}",
      unboundedUnsized: "unbounded '{{activation}}' recurrence, kernel radius not known",
      unboundedGate: "{{key:recurrentActivation}} '{{activation}}' lets the gates leave [0, 1]",
    },
    details: {
      unbounded:
        "{{layer}}: '{{activation}}' does not bound the recurrent state, so the recurrent kernel (spectral radius about {{radius}}, {{label}}) multiplies it at every time step. It is a warning when the gradient grows through time: for a {{layer:simpleRNN}} when the mean-field estimate puts step 1's input gradient above {{exploding}}x the last step's; for an {{layer:lstm}} or {{layer:gru}} from a radius of {{maxRadius}} over at least {{minSteps}} steps. With an orthogonal kernel (radius 1) a relu recurrence does not grow at initialisation (Le et al. 2015), so that is an info hint. tanh bounds the state.",
      unboundedUnsized:
        "{{layer}}: '{{activation}}' does not bound the recurrent state, so the recurrent kernel multiplies it at every time step and the gradient through time grows whenever the kernel's spectral radius is above 1. The kernel's initializer is not known here, so its radius cannot be estimated and this is a hint. tanh bounds the state.",
      unboundedGate:
        '{{layer}}: a gate above 1 multiplies the cell state and its gradient at every time step, so they can grow exponentially. {{default:recurrentActivation}} ({{fw:default}}) keeps the gates in [0, 1].',
    },
    options: GROWTH_OPTIONS,
    fixable: true,
  },
  check(model, context) {
    const findings: Finding[] = [];
    for (const { layer, core } of recurrentCores(model.layers)) {
      const activation = resolvedString(context.source, core, 'activation');
      if (activation !== null && !BOUNDED_STATE.has(activation)) {
        const thresholds = growthThresholds(rule, context);
        const growth = growthThroughTime(model, layer, activation, thresholds, context.source);
        findings.push(
          reportActivation(
            context,
            model,
            layer,
            growth ? 'unbounded' : 'unboundedUnsized',
            activation,
            {
              hint: !growth?.grows,
              radius: growth ? formatNumber(growth.radius.value) : '',
              label: growth?.radius.label ?? '',
              effect: growth?.grows ? growthText(growth) : '',
              maxRadius: formatNumber(thresholds.maxRadius),
              minSteps: String(thresholds.minSteps),
              exploding: formatNumber(thresholds.explodingRatio),
            },
          ),
        );
      }
      if (core.factory === 'simpleRNN') continue;
      const gate = resolvedString(context.source, core, 'recurrentActivation');
      if (gate !== null && !GATE_SAFE.has(gate)) {
        findings.push(
          reportActivation(context, model, layer, 'unboundedGate', gate, { hint: true }),
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
  messageId: 'unbounded' | 'unboundedUnsized' | 'unboundedGate',
  activation: string,
  { hint, ...data }: { hint: boolean } & Record<string, string | boolean>,
): Finding {
  const core = coreLayer(layer);
  const key = messageId === 'unboundedGate' ? 'recurrentActivation' : 'activation';
  const replacement =
    key === 'activation' ? 'tanh' : frameworkDefaults(model.framework).recurrentActivation;
  const named = fileDialect(context).activation(replacement);
  const valueText = literal(context, named);
  return report(rule, model, {
    messageId,
    data: {
      layer: describeLayer(layer, model),
      activation: dialectOf(model).activation(activation),
      ...(data as Record<string, string>),
    },
    hint,
    span: propOrCallee(context.source, core, key),
    layer,
    fixes: [
      fix(
        `Use ${fileDialect(context).key(key)} '${named}'`,
        [setConfigProp(context, core, key, valueText)],
        !ownValueReadsParameter(context, core, key),
      ),
    ],
  });
}
