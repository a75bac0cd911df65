import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { Finding, Rule, RuleContext } from './types';
import { combineInserts } from './util/edits';
import { fix } from './util/fix';
import { kernelKeys, readInitializer, setInitializer } from './util/initializer';
import { report, uniqueFindings } from './util/message';
import { describeLayer, isHidden, depthForRule } from './util/model';
import { calleeOf } from './util/callee';
import { settledActivation } from './util/settled';
import { hasPlainKernel, RELU_FAMILY, coreLayer } from './util/terms';

export const rule: Rule = {
  id: 'missing-initializer',
  meta: {
    type: 'problem',
    description:
      'Hidden ReLU-family dense/conv layers of a deep model, and selu layers, left on the Glorot default kernel initializer.',
    defaultSeverity: 'warning',
    messages: {
      relu: "{{layer}} uses '{{activation}}' with tfjs's default glorotNormal kernel, whose variance 2/(fanIn+fanOut) is half the 2/fanIn a ReLU-family layer needs when fan-in equals fan-out, so the signal and the gradient shrink by about 1/sqrt(2) per layer across this model's {{depth}} weighted layers.",
      selu: "{{layer}} uses 'selu' with tfjs's default glorotNormal kernel: selu keeps activations and gradients at unit scale only with leCunNormal (variance 1/fanIn), so without it the self-normalizing property is lost and gradients drift layer after layer.",
    },
    options: {
      minDepth: {
        type: 'number',
        default: 4,
        description:
          'ReLU-family layers are checked only in models with at least this many weighted layers on their longest path (selu layers at any depth).',
      },
    },
    fixable: true,
  },
  check(model: ModelGraph, context: RuleContext) {
    const { depth, deepEnough } = depthForRule(rule, model, context);
    const findings: Finding[] = [];
    for (const layer of model.layers) {
      if (!hasPlainKernel(layer)) continue;
      const activation = settledActivation(model, layer, context.source).name;
      if (!activation) continue;
      const isSelu = activation === 'selu';
      if (!isSelu && !(RELU_FAMILY.has(activation) && deepEnough && isHidden(model, layer)))
        continue;
      const core = coreLayer(layer);
      // A config we cannot fully see may set the initializer.
      if (core.config.opaque) continue;
      const keys = kernelKeys(layer);
      if (keys.some((key) => readInitializer(layer, key, context.source).status !== 'absent'))
        continue;
      const fixes = isSelu
        ? [addFix(context.source, layer, keys, 'leCunNormal', true)]
        : [
            addFix(context.source, layer, keys, 'heNormal', true),
            addFix(context.source, layer, keys, 'heUniform', false),
          ];
      findings.push(
        report(rule, model, {
          messageId: isSelu ? 'selu' : 'relu',
          data: { layer: describeLayer(layer), activation, depth },
          span: calleeOf(context.source, core.callSpan),
          layer,
          fixes,
        }),
      );
    }
    return uniqueFindings(findings);
  },
};

/** Dense and convolution kernels; recurrent kernels follow their own rules (and their own defaults). */
function addFix(
  source: string,
  layer: LayerNode,
  keys: string[],
  initializer: string,
  preferred: boolean,
) {
  const edits = keys.map((key) => setInitializer(source, layer, key, initializer));
  return fix(`Add ${keys.join(' and ')} '${initializer}'`, combineInserts(edits), preferred);
}
