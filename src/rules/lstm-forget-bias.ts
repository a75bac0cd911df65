import type { Finding, Rule } from './types';
import { frameworkDefaults } from '../analysis/frameworks';
import { fix, literal, setConfigProp } from './util/fix';
import { report } from './util/message';
import { describeLayer } from './util/model';
import { propOrCallee } from './util/callee';
import { isSettled } from './util/settled';
import { ownValueReadsParameter } from './util/source';
import { fileDialect } from './util/syntax';
import { recurrentCores } from './util/terms';

export const rule: Rule = {
  id: 'lstm-forget-bias',
  meta: {
    type: 'suggestion',
    description:
      'An lstm without unitForgetBias: true starts with its forget gate half closed (tfjs default is off).',
    defaultSeverity: 'info',
    messages: {
      missing:
        '{{layer:lstm}} without {{key:unitForgetBias}}: its forget gate starts at 0.5, halving the cell gradient per step',
      disabled:
        '{{set:unitForgetBias=false}}: the forget gate starts at 0.5, halving the cell gradient per step',
    },
    details: {
      missing:
        '{{layer}} has no {{key:unitForgetBias}}, so its forget gate starts near sigmoid(0) = 0.5 and the gradient through the cell state shrinks about 2x per time step; set {{set:unitForgetBias=true}} (tfjs leaves it off, Keras turns it on). Info by default: in the calibration sweep the input gradient of early time steps vanished at initialisation with or without it, so the probe cannot confirm it.',
      disabled:
        '{{layer}} sets {{key:unitForgetBias}} to {{value:false}}, so its forget gate starts near sigmoid(0) = 0.5 and the gradient through the cell state shrinks about 2x per time step.',
    },
    options: {},
    fixable: true,
  },
  check(model, context) {
    const findings: Finding[] = [];
    for (const { layer, core } of recurrentCores(model.layers, 'lstm')) {
      const useBias = core.config.props.useBias?.value;
      // Without a bias (or with one we cannot read) there is no forget-gate bias to set.
      if (useBias && useBias.kind !== 'undefined' && !(useBias.kind === 'boolean' && useBias.value))
        continue;
      const prop = core.config.props.unitForgetBias;
      const value = prop?.value;
      let messageId: string;
      if (!value || value.kind === 'undefined') {
        // A config we cannot see may well set it; Keras turns it on by default.
        if (core.config.opaque || frameworkDefaults(model.framework).unitForgetBias) continue;
        messageId = 'missing';
      } else if (
        value.kind === 'boolean' &&
        !value.value &&
        isSettled(context.source, core, prop)
      ) {
        messageId = 'disabled';
      } else {
        continue;
      }
      findings.push(
        report(rule, model, {
          messageId,
          data: { layer: describeLayer(layer, model) },
          span: propOrCallee(context.source, core, 'unitForgetBias'),
          layer,
          fixes: [
            fix(
              `Set ${fileDialect(context).setting('unitForgetBias', true)}`,
              [setConfigProp(context, core, 'unitForgetBias', literal(context, true))],
              !ownValueReadsParameter(context, core, 'unitForgetBias'),
            ),
          ],
        }),
      );
    }
    return findings;
  },
};
