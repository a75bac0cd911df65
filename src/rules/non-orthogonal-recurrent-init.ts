import type { Finding, Rule } from './types';
import { dialectOf } from './util/dialect';
import { fix, literal, setConfigProp } from './util/fix';
import { formatNumber, report } from './util/message';
import { stringProp } from './util/model';
import { GROWTH_OPTIONS, growthText, growthThresholds } from './util/growth';
import { growthThroughTime } from './util/recurrence';
import { describeLayer } from './util/model';
import { readInitializer } from './util/initializer';
import { propOrCallee } from './util/callee';
import { isSettled } from './util/settled';
import { ownValueReadsParameter } from './util/source';
import { fileDialect } from './util/syntax';
import { recurrentCores } from './util/terms';

const NORM_PRESERVING = new Set(['orthogonal', 'identity']);

export const rule: Rule = {
  id: 'non-orthogonal-recurrent-init',
  meta: {
    type: 'problem',
    description:
      'A recurrent kernel initialized with a spectral radius above 1, which grows the gradient at every time step.',
    defaultSeverity: 'warning',
    messages: {
      nonOrthogonal:
        "'{{initializer}}' recurrent kernel, spectral radius about {{radius}}{{effect}}",
    },
    details: {
      nonOrthogonal:
        "{{layer}}, {{units}} units: backpropagation through time multiplies the gradient by the recurrent kernel once per step, so a radius r scales it by about r^steps{{steps}}. An iid kernel with standard deviation s over n units has radius about s*sqrt(n); orthogonal ({{fw:default}}) keeps it at 1. It is a warning when the gradient grows through time: for a {{layer:simpleRNN}} when the mean-field estimate puts step 1's input gradient above {{exploding}}x the last step's; for an {{layer:lstm}} or {{layer:gru}}, whose gates damp the recurrence, from a radius of {{gatedRadius}} with tanh ({{maxRadius}} with an unbounded activation) over at least {{minSteps}} steps. Otherwise it is an info hint.",
    },
    options: GROWTH_OPTIONS,
    fixable: true,
  },
  check(model, context) {
    const thresholds = growthThresholds(rule, context);
    const findings: Finding[] = [];
    for (const { layer, core } of recurrentCores(model.layers)) {
      const read = readInitializer(core, 'recurrentInitializer');
      // Absent is tfjs's orthogonal default; unknown is never flagged as if it were known.
      if (read.status !== 'known' || NORM_PRESERVING.has(read.init.name)) continue;
      if (!isSettled(context.source, core, read.init.prop)) continue;
      const activation = stringProp(core, 'activation') ?? 'tanh';
      const growth = growthThroughTime(model, layer, activation, thresholds, context.source);
      if (!growth) continue;
      const { radius, steps } = growth;
      const explodes = growth.grows;
      const valueText = literal(context, 'orthogonal');
      findings.push(
        report(rule, model, {
          messageId: 'nonOrthogonal',
          data: {
            layer: describeLayer(layer, model),
            initializer: dialectOf(model).initializer(read.init.name),
            units: radius.units,
            radius: formatNumber(radius.value),
            effect: explodes ? growthText(growth) : '',
            steps: steps === null ? '' : ` over ${steps} steps`,
            maxRadius: formatNumber(thresholds.maxRadius),
            gatedRadius: formatNumber(thresholds.gatedRadius),
            minSteps: thresholds.minSteps,
            exploding: formatNumber(thresholds.explodingRatio),
          },
          hint: !explodes,
          span: propOrCallee(context.source, core, 'recurrentInitializer'),
          layer,
          fixes: [
            fix(
              `Use ${fileDialect(context).key('recurrentInitializer')} 'orthogonal'`,
              [setConfigProp(context, core, 'recurrentInitializer', valueText)],
              !ownValueReadsParameter(context, core, 'recurrentInitializer'),
            ),
          ],
        }),
      );
    }
    return findings;
  },
};
