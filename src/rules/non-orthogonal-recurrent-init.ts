import type { Finding, Rule } from './types';
import { fix, setConfigProp, stringLiteral } from './util/fix';
import { formatNumber, numberOption, report } from './util/message';
import { recurrentRadius, sequenceLength } from './util/recurrence';
import { describeLayer } from './util/model';
import { readInitializer } from './util/initializer';
import { propOrCallee } from './util/callee';
import { isSettled } from './util/settled';
import { ownValueReadsParameter } from './util/source';
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
        "recurrent kernel '{{initializer}}' over {{units}} units: spectral radius about {{radius}}{{effect}}",
    },
    details: {
      nonOrthogonal:
        "{{layer}}: backpropagation through time multiplies the gradient by the recurrent kernel once per step, so a radius r scales it by about r^steps{{steps}}. An iid kernel with standard deviation s over n units has radius about s*sqrt(n); orthogonal (tfjs's default) keeps it at 1. It is a warning from a radius of {{maxRadius}}; below that a hint.",
    },
    options: {
      maxRadius: {
        type: 'number',
        default: 1.5,
        description: 'Warn when the estimated spectral radius of the recurrent kernel is at least this.',
        exclusiveMinimum: 0,
      },
    },
    fixable: true,
  },
  check(model, context) {
    const maxRadius = numberOption(rule, context, 'maxRadius');
    const findings: Finding[] = [];
    for (const { layer, core } of recurrentCores(model.layers)) {
      const read = readInitializer(core, 'recurrentInitializer');
      // Absent is tfjs's orthogonal default; unknown is never flagged as if it were known.
      if (read.status !== 'known' || NORM_PRESERVING.has(read.init.name)) continue;
      if (!isSettled(context.source, core, read.init.prop)) continue;
      const radius = recurrentRadius(layer, context.source);
      if (!radius) continue;
      const steps = sequenceLength(model, layer);
      const explodes = radius.value >= maxRadius;
      const valueText = stringLiteral(context.source, 'orthogonal');
      findings.push(
        report(rule, model, {
          messageId: 'nonOrthogonal',
          data: {
            layer: describeLayer(layer),
            initializer: read.init.name,
            units: radius.units,
            radius: formatNumber(radius.value),
            effect: explodes ? ' (the gradient grows through time)' : '',
            steps: steps === null ? '' : ` over ${steps} steps`,
            maxRadius: formatNumber(maxRadius),
          },
          hint: !explodes,
          span: propOrCallee(context.source, core, 'recurrentInitializer'),
          layer,
          fixes: [
            fix(
              "Use recurrentInitializer 'orthogonal'",
              [setConfigProp(context.source, core, 'recurrentInitializer', valueText)],
              !ownValueReadsParameter(context.source, core, 'recurrentInitializer'),
            ),
          ],
        }),
      );
    }
    return findings;
  },
};
