import type { Finding, Rule } from './types';
import { fix, setConfigProp, stringLiteral } from './util/fix';
import { report } from './util/message';
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
    type: 'suggestion',
    description:
      'A recurrent layer whose recurrentInitializer is not orthogonal (or identity) starts with a recurrent kernel that shrinks or grows the gradient at every time step.',
    defaultSeverity: 'info',
    messages: {
      nonOrthogonal:
        "{{layer}} initializes its recurrent kernel with '{{initializer}}', whose singular values are not all 1, so backpropagation through time multiplies the gradient by it once per step and the gradient shrinks or grows geometrically with the sequence length.",
    },
    options: {},
    fixable: true,
  },
  check(model, context) {
    const findings: Finding[] = [];
    for (const { layer, core } of recurrentCores(model.layers)) {
      const read = readInitializer(core, 'recurrentInitializer');
      // Absent is tfjs's orthogonal default; unknown is never flagged as if it were known.
      if (read.status !== 'known' || NORM_PRESERVING.has(read.init.name)) continue;
      if (!isSettled(context.source, core, read.init.prop)) continue;
      const initializer = read.init.name;
      const valueText = stringLiteral(context.source, 'orthogonal');
      findings.push(
        report(rule, model, {
          messageId: 'nonOrthogonal',
          data: { layer: describeLayer(layer), initializer },
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
