import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { Finding, Rule, RuleContext } from './types';
import { dialectOf, type Dialect } from './util/dialect';
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
import { FIX_OPTIONS, fixThresholds, judgeInitializerChange } from './util/gradient';
import { activationLabel, describeLayer, isHidden } from './util/model';
import { propOrCallee } from './util/callee';
import { settledActivation } from './util/settled';
import { fileDialect, type SourceFile } from './util/syntax';
import { hasPlainKernel, RELU_FAMILY, SATURATING, coreLayer } from './util/terms';

const TEMPLATE =
  "'{{target}}' would {{verb}} layer {{index}}'s gradient from {{from}}x to about {{to}}x the output's";
const ESTIMATE_NOTE =
  "Numbers are the static estimate at initialisation with '{{target}}' on every such layer; it is a warning only when the gradient leaves the probe's healthy range and the change brings it back.";

export const rule: Rule = {
  id: 'initializer-mismatch',
  meta: {
    type: 'problem',
    description:
      'A kernel initializer meant for another activation: He on saturating layers, Glorot/LeCun on ReLU-family layers of a deep model, anything but LeCun on selu.',
    defaultSeverity: 'warning',
    messages: {
      heOnSaturating: TEMPLATE,
      glorotOnRelu: TEMPLATE,
      seluNotLeCun: TEMPLATE,
      unsized: "{{initializer}} with '{{activation}}': '{{target}}' is the matched initializer",
    },
    details: {
      unsized:
        '{{layer}}: the static estimate does not cover this model, so the mismatch is an info hint without its effect on the gradient.',
      heOnSaturating:
        "{{layer}} initializes its kernel with {{initializer}} (variance 2/fanIn) but uses the saturating '{{activation}}': the doubled pre-activations push units into its flat tails. " +
        ESTIMATE_NOTE,
      glorotOnRelu:
        "{{layer}} initializes its kernel with {{initializer}} but uses '{{activation}}': a ReLU-family unit passes on only about half the variance, so without He's 2/fanIn the signal shrinks layer after layer. " +
        ESTIMATE_NOTE,
      seluNotLeCun:
        "{{layer}} uses 'selu' with {{initializer}}: selu keeps activations at unit scale only with LeCun initialization (variance 1/fanIn). " +
        ESTIMATE_NOTE,
    },
    options: FIX_OPTIONS,
    fixable: true,
  },
  check(model: ModelGraph, context: RuleContext) {
    const { source } = context;
    const candidates = model.layers.flatMap((layer) => {
      if (!hasPlainKernel(layer)) return [];
      const info = settledActivation(model, layer, source);
      const activation = info.name;
      if (!activation) return [];
      return kernelKeys(layer).flatMap((key) => {
        const read = readInitializer(layer, key, source);
        if (read.status !== 'known') return [];
        const verdict = judge(read.init, activation, isHidden(model, layer));
        return verdict
          ? [{ layer, key, named: activationLabel(info, model), init: read.init, verdict }]
          : [];
      });
    });
    const findings: Finding[] = [];
    const dialect = dialectOf(model);
    for (const target of new Set(candidates.map((c) => c.verdict.target))) {
      const group = candidates.filter((c) => c.verdict.target === target);
      const judged = judgeInitializerChange(
        model,
        group.map((c) => c.layer),
        target,
        fixThresholds(rule, context),
      );
      if (!judged) continue;
      for (const { layer, key, named, init, verdict } of group) {
        findings.push(
          report(rule, model, {
            messageId: judged.unsized ? 'unsized' : verdict.messageId,
            data: {
              ...judged.data,
              target: dialect.initializer(target),
              layer: describeLayer(layer, model),
              initializer: label(init, dialect),
              activation: named,
            },
            span: propOrCallee(source, coreLayer(layer), key),
            layer,
            hint: judged.hint,
            uncovered: judged.unsized,
            fixes: [replaceFix(context, layer, key, target, init)],
          }),
        );
      }
    }
    return uniqueFindings(findings).sort((x, y) => x.span.start - y.span.start);
  },
};

interface Verdict {
  messageId: 'heOnSaturating' | 'glorotOnRelu' | 'seluNotLeCun';
  target: string;
}

function judge(init: Initializer, activation: string, hidden: boolean): Verdict | null {
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
    hidden &&
    (shape.family === 'glorot' || shape.family === 'lecun')
  ) {
    return { messageId: 'glorotOnRelu', target: to('he') };
  }
  return null;
}

function replaceFix(
  file: SourceFile,
  layer: LayerNode,
  key: string,
  target: string,
  init: Initializer,
) {
  const dialect = fileDialect(file);
  return fix(
    `Use ${dialect.key(key)} '${dialect.initializer(target)}'`,
    [setInitializer(file, layer, key, target, init)],
    true,
  );
}

/** How messages name an initializer: varianceScaling is named together with the one it equals. */
function label(init: Initializer, dialect: Dialect): string {
  const shape = varianceFamily(init);
  const name = dialect.initializer(init.name);
  if (init.name !== 'varianceScaling' || !shape?.family) return `'${name}'`;
  return `${name} (same as '${dialect.initializer(familyName(shape.family, shape.distribution))}')`;
}
