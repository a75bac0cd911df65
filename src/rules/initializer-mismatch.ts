import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { Finding, Rule, RuleContext } from './types';
import { fix } from './util/fix';
import {
  familyName,
  kernelKeys,
  readInitializer,
  setInitializer,
  varianceFamily,
  type Distribution,
  type Family,
  type Initializer,
} from './util/initializer';
import { report, uniqueFindings } from './util/message';
import { describeLayer, isHidden, depthForRule } from './util/model';
import { propOrCallee } from './util/callee';
import { settledActivation } from './util/settled';
import { hasPlainKernel, RELU_FAMILY, SATURATING, coreLayer } from './util/terms';

export const rule: Rule = {
  id: 'initializer-mismatch',
  meta: {
    type: 'problem',
    description:
      'A kernel initializer meant for another activation: He on saturating layers, Glorot/LeCun on ReLU-family layers of a deep model, anything but LeCun on selu.',
    defaultSeverity: 'warning',
    messages: {
      heOnSaturating:
        "{{layer}} initializes its kernel with {{initializer}} (variance 2/fanIn) but uses the saturating '{{activation}}': the doubled pre-activations push units into its flat tails, where the derivative is near 0 and the gradient vanishes.",
      glorotOnRelu:
        "{{layer}} initializes its kernel with {{initializer}} but uses '{{activation}}': a ReLU-family unit passes on only about half the variance, so without He's 2/fanIn the signal and the gradient shrink layer after layer across this model's {{depth}} weighted layers.",
      seluNotLeCun:
        "{{layer}} uses 'selu' with the kernel initializer {{initializer}}: selu keeps activations and gradients at unit scale only with LeCun initialization (variance 1/fanIn), so the self-normalizing property is lost and gradients drift layer after layer.",
    },
    options: {
      minDepth: {
        type: 'number',
        default: 4,
        description:
          'Glorot/LeCun on ReLU-family layers is reported only in models with at least this many weighted layers on their longest path.',
      },
    },
    fixable: true,
  },
  check(model: ModelGraph, context: RuleContext) {
    const { depth, deepEnough } = depthForRule(rule, model, context);
    const { source } = context;
    const findings: Finding[] = [];
    for (const layer of model.layers) {
      if (!hasPlainKernel(layer)) continue;
      const activation = settledActivation(model, layer, source).name;
      if (!activation) continue;
      for (const key of kernelKeys(layer)) {
        const read = readInitializer(layer, key, source);
        if (read.status !== 'known') continue;
        const verdict = judge(read.init, activation, deepEnough && isHidden(model, layer));
        if (!verdict) continue;
        findings.push(
          report(rule, model, {
            messageId: verdict.messageId,
            data: {
              layer: describeLayer(layer),
              initializer: label(read.init),
              activation,
              depth,
            },
            span: propOrCallee(source, coreLayer(layer), key),
            layer,
            fixes: [replaceFix(source, layer, key, verdict.target, read.init)],
          }),
        );
      }
    }
    return uniqueFindings(findings);
  },
};

interface Verdict {
  messageId: 'heOnSaturating' | 'glorotOnRelu' | 'seluNotLeCun';
  target: string;
}

function judge(init: Initializer, activation: string, deepHidden: boolean): Verdict | null {
  const shape = varianceFamily(init);
  const distribution: Distribution = shape?.distribution ?? 'normal';
  const to = (family: Family) => familyName(family, distribution);
  if (activation === 'selu') {
    return shape?.family === 'lecun' ? null : { messageId: 'seluNotLeCun', target: to('lecun') };
  }
  if (!shape) return null;
  if (SATURATING.has(activation) && shape.family === 'he') {
    return { messageId: 'heOnSaturating', target: to('glorot') };
  }
  if (
    RELU_FAMILY.has(activation) &&
    deepHidden &&
    (shape.family === 'glorot' || shape.family === 'lecun')
  ) {
    return { messageId: 'glorotOnRelu', target: to('he') };
  }
  return null;
}

function replaceFix(
  source: string,
  layer: LayerNode,
  key: string,
  target: string,
  init: Initializer,
) {
  return fix(`Use ${key} '${target}'`, [setInitializer(source, layer, key, target, init)], true);
}

/** How messages name an initializer: varianceScaling is named together with the one it equals. */
function label(init: Initializer): string {
  const shape = varianceFamily(init);
  if (init.name !== 'varianceScaling' || !shape?.family) return `'${init.name}'`;
  return `varianceScaling (same as '${familyName(shape.family, shape.distribution)}')`;
}
