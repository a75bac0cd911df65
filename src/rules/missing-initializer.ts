import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { Finding, Rule, RuleContext } from './types';
import { dialectOf } from './util/dialect';
import { combineInserts } from './util/edits';
import { fix } from './util/fix';
import { kernelKeys, readInitializer, setInitializer } from './util/initializer';
import { formatNumber, numberOption, report, uniqueFindings } from './util/message';
import { FIX_OPTIONS, fixThresholds, judgeInitializerChange } from './util/gradient';
import { activationLabel, describeLayer, isHidden, kernelScaleNormalised } from './util/model';
import { calleeOf } from './util/callee';
import { settledActivation } from './util/settled';
import { fileDialect, type SourceFile } from './util/syntax';
import { hasPlainKernel, RELU_FAMILY, coreLayer } from './util/terms';

export const rule: Rule = {
  id: 'missing-initializer',
  meta: {
    type: 'problem',
    description:
      'Hidden ReLU-family or selu layers on the Glorot default kernel initializer, where He (LeCun for selu) would move the estimated gradient materially.',
    defaultSeverity: 'warning',
    messages: {
      relu: "He init would {{verb}} layer {{index}}'s gradient from {{from}}x to about {{to}}x the output's",
      selu: "LeCun init would {{verb}} layer {{index}}'s gradient from {{from}}x to about {{to}}x the output's",
      unsized:
        "{{count}} '{{activation}}' layer{{s}} on the Glorot default (the gradient estimate does not cover this model)",
    },
    details: {
      unsized:
        "{{layer}} uses '{{activation}}' with {{fw:default}} {{default:kernelInitializer}} kernel; {{initializer}} is the matched initializer. The static estimate does not cover this model, so this is an info hint.",
      relu: "{{layer}} uses '{{activation}}' with {{fw:default}} {{default:kernelInitializer}} kernel (variance 2/(fanIn+fanOut)), half the 2/fanIn a ReLU-family layer needs when fan-in equals fan-out, so the signal shrinks by about 1/sqrt(2) per layer. Numbers are the static estimate at initialisation for all {{count}} such layers; it is a warning only when the gradient leaves the probe's healthy range ({{vanishing}}x to {{exploding}}x) and He brings it back.",
      selu: "{{layer}} uses 'selu' with {{fw:default}} {{default:kernelInitializer}} kernel: selu keeps activations at unit scale only with {{init:leCunNormal}} (variance 1/fanIn). Numbers are the static estimate at initialisation; it is a warning only when the gradient leaves the probe's healthy range ({{vanishing}}x to {{exploding}}x) and LeCun brings it back.",
    },
    options: FIX_OPTIONS,
    fixable: true,
  },
  check(model: ModelGraph, context: RuleContext) {
    const candidates = model.layers.flatMap((layer) => {
      if (!hasPlainKernel(layer)) return [];
      const info = settledActivation(model, layer, context.source);
      const activation = info.name;
      if (!activation) return [];
      const isSelu = activation === 'selu';
      if (!isSelu && !(RELU_FAMILY.has(activation) && isHidden(model, layer))) return [];
      if (kernelScaleNormalised(model, layer, activation)) return [];
      // A config we cannot fully see may set the initializer.
      if (coreLayer(layer).config.opaque) return [];
      const keys = kernelKeys(layer);
      if (keys.some((key) => readInitializer(layer, key, context.source).status !== 'absent'))
        return [];
      return [{ layer, activation, label: activationLabel(info, model), keys, isSelu }];
    });
    const findings: Finding[] = [];
    const dialect = dialectOf(model);
    for (const isSelu of [false, true]) {
      const group = candidates.filter((c) => c.isSelu === isSelu);
      if (group.length === 0) continue;
      const judged = judgeInitializerChange(
        model,
        group.map((c) => c.layer),
        isSelu ? 'leCunNormal' : 'heNormal',
        fixThresholds(rule, context),
      );
      if (!judged) continue;
      for (const { layer, label, keys } of group) {
        findings.push(
          report(rule, model, {
            messageId: judged.unsized ? 'unsized' : isSelu ? 'selu' : 'relu',
            data: {
              ...judged.data,
              s: group.length === 1 ? '' : 's',
              initializer: dialect.initializer(isSelu ? 'leCunNormal' : 'heNormal'),
              layer: describeLayer(layer, model),
              activation: label,
              count: group.length,
              vanishing: formatNumber(numberOption(rule, context, 'vanishingRatio')),
              exploding: formatNumber(numberOption(rule, context, 'explodingRatio')),
            },
            span: calleeOf(context.source, coreLayer(layer).callSpan),
            layer,
            hint: judged.hint,
            uncovered: judged.unsized,
            fixes: isSelu
              ? [addFix(context, layer, keys, 'leCunNormal', true)]
              : [
                  addFix(context, layer, keys, 'heNormal', true),
                  addFix(context, layer, keys, 'heUniform', false),
                ],
          }),
        );
      }
    }
    return uniqueFindings(findings).sort((a, b) => a.span.start - b.span.start);
  },
};

/** Dense and convolution kernels; recurrent kernels follow their own rules (and their own defaults). */
function addFix(
  file: SourceFile,
  layer: LayerNode,
  keys: string[],
  initializer: string,
  preferred: boolean,
) {
  const edits = keys.map((key) => setInitializer(file, layer, key, initializer));
  const dialect = fileDialect(file);
  const named = keys.map((key) => dialect.key(key)).join(' and ');
  return fix(
    `Add ${named} '${dialect.initializer(initializer)}'`,
    combineInserts(edits),
    preferred,
  );
}
