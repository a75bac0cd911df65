import type { LayerNode, LossInfo, ModelGraph, Span } from '../analysis/ir';
import type { Finding, Fix, Rule, RuleContext } from './types';
import { fix, replaceSpan, stringLiteral } from './util/fix';
import { dialectOf, optimizerLabel } from './util/dialect';
import { formatNumber, numberOption, report } from './util/message';
import { estimateOf } from './util/gradient';
import { fileDialect, isPython } from './util/syntax';
import { describeLayer, layerActivation, numberProp } from './util/model';
import { readsParameter } from './util/source';
import { contains } from '../analysis/js/spans';
import { ACTIVATION_LAYER_FACTORIES, isActivationLayer, isWeighted } from './util/terms';

/** tfjs names and aliases of the regression losses, by canonical name. */
const REGRESSION_LOSSES: Record<string, string> = {
  meanSquaredError: 'meanSquaredError',
  mse: 'meanSquaredError',
  MSE: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
  meanAbsoluteError: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
  MAE: 'meanAbsoluteError',
  mean_absolute_error: 'meanAbsoluteError',
};

const REPLACEMENTS: Record<string, string[]> = {
  sigmoid: ['binaryCrossentropy'],
  softmax: ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'],
};

/** How small the output's own derivative gets, for the message. */
const DERIVATIVE: Record<string, string> = {
  sigmoid: "sigmoid'(z) = p(1 - p), at most 0.25",
  softmax: 'the softmax Jacobian p(1 - p), at most 0.25',
};

/**
 * calibration/output-loss.md trained each model twice from the same weights (meanSquaredError, cross-entropy):
 * under Adam, MSE fell behind only when the logits started spread this wide (saturated outputs); a softmax under
 * plain SGD fell far behind at any spread (its MSE gradient starts at 2/K^2 of cross-entropy's for K classes).
 */
const SIGMOID_SPREAD = 40;
const SOFTMAX_SPREAD = 5;
/** Optimizers that step by the raw gradient: a K-way softmax under MSE starts with 2/K^2 of cross-entropy's. */
const PLAIN_OPTIMIZERS = new Set(['sgd', 'momentum']);

const EVIDENCE =
  'Trained both ways from the same weights (calibration/output-loss.md), meanSquaredError fell measurably behind cross-entropy only when the logits started saturated or, for a softmax, under plain sgd/momentum; it is a warning from an estimated logit spread of {{threshold}} at initialisation or for a softmax under sgd/momentum, an info hint otherwise.';

export const rule: Rule = {
  id: 'saturating-output-loss',
  meta: {
    type: 'problem',
    description:
      'A sigmoid or softmax output trained with meanSquaredError/meanAbsoluteError, or fed to a from_logits=True cross-entropy: the saturating output multiplies the loss gradient by its own small derivative.',
    defaultSeverity: 'warning',
    messages: {
      regressionLoss:
        '{{activation}} output under {{loss}}: logits spread about {{spread}} at init, {{state}}',
      plainSoftmax:
        "softmax output under {{loss}} with {{optimizer}}: its gradient starts about {{factor}}x cross-entropy's",
      regressionLossUnsized:
        '{{activation}} output under {{loss}}: the gradient carries its derivative, at most {{max}}',
      logitsOfProbabilities:
        "{{activation}} output into a from_logits=True loss: a second {{activation}}, the gradient starts about {{factor}}x cross-entropy's",
      singleUnitSoftmax:
        'softmax over 1 unit: the output is always 1, so every gradient is 0 and the model cannot learn',
    },
    details: {
      regressionLoss: `{{layer}} ends in {{activation}} and the model is trained with {{loss}}, so the loss gradient is multiplied by {{derivative}}, which vanishes as the output saturates toward 0 or 1: a confidently wrong prediction barely learns (Glorot & Bengio 2010). ${EVIDENCE} Use {{replacement}}, whose gradient cancels that factor.`,
      plainSoftmax: `{{layer}} ends in a softmax over {{units}} classes and the model is trained with {{loss}}: at initialisation (probabilities near 1/{{units}}) the loss gradient at the logits is about {{factor}}x cross-entropy's, and {{optimizer}} steps by the raw gradient, so training starts that much slower. ${EVIDENCE} Use {{replacement}}, whose gradient is p - y.`,
      logitsOfProbabilities:
        "{{layer}} already ends in {{activation}}, and the loss is told its input is logits (from_logits=True), so it applies a second {{activation}} to the probabilities. The gradient then crosses both: {{why}} The loss can never reach 0 either, because {{activation}} of values in [0, 1] stays far from 0 and 1. Drop from_logits=True (or the output's activation).",
      singleUnitSoftmax:
        "{{layer}} has one unit and a softmax, which normalises over the units: exp(z) / exp(z) is 1 for every input, so the output never changes and the loss's gradient with respect to every weight is exactly 0. For one output (binary labels, a score), use a sigmoid; for K classes, K units.",
      regressionLossUnsized: `{{layer}} ends in {{activation}} and the model is trained with {{loss}}, so the loss gradient is multiplied by {{derivative}}, which vanishes as the output saturates toward 0 or 1. The static estimate does not cover this model, so its logit spread is not known: an info hint. Use {{replacement}}, whose gradient cancels that factor.`,
    },
    options: {
      sigmoidSpread: {
        type: 'number',
        default: SIGMOID_SPREAD,
        description:
          'Sigmoid outputs: warn when the estimated standard deviation of the logits at initialisation is at least this (the output starts saturated); an info hint below it.',
        exclusiveMinimum: 0,
      },
      softmaxSpread: {
        type: 'number',
        default: SOFTMAX_SPREAD,
        description:
          'Softmax outputs: the same, for the logits of a softmax; under plain sgd or momentum a softmax output is a warning at any spread.',
        exclusiveMinimum: 0,
      },
    },
    fixable: true,
  },
  check(model, context) {
    const modelLoss = model.training.compile?.loss ?? model.training.loss;
    if (!modelLoss) return [];
    const findings: Finding[] = [];
    const outputs = outputLayers(model);
    for (const { layer: output, position } of outputs) {
      const loss = lossOf(modelLoss, output, position);
      if (!loss) continue;
      const single = singleUnitSoftmax(model, output, loss, context);
      if (single) {
        findings.push(single);
        continue;
      }
      if (loss.fromLogits) {
        const finding = logitsOfProbabilities(model, loss, output);
        if (finding) findings.push(finding);
        continue;
      }
      const lossName = regressionLoss(loss);
      if (!lossName) continue;
      const activation = outputActivation(model, output);
      const replacements = activation ? REPLACEMENTS[activation] : undefined;
      if (!activation || !replacements) continue;
      const dialect = dialectOf(model);
      const spread = outputs.length === 1 ? logitSpread(model, activation) : null;
      const threshold = numberOption(rule, context, `${activation}Spread`);
      const saturated = spread !== null && spread >= threshold;
      const units = outputUnits(model, output);
      const optimizerInfo = model.training.optimizer;
      const optimizer = optimizerInfo?.kind;
      const plain =
        activation === 'softmax' &&
        !saturated &&
        optimizer !== undefined &&
        PLAIN_OPTIMIZERS.has(optimizer) &&
        units !== undefined &&
        units > 1;
      findings.push(
        report(rule, model, {
          messageId: plain
            ? 'plainSoftmax'
            : spread === null
              ? 'regressionLossUnsized'
              : 'regressionLoss',
          data: {
            layer: describeLayer(output, model),
            activation,
            derivative: DERIVATIVE[activation],
            max: '0.25',
            loss: loss.userFunction
              ? `${loss.userFunction} (${lossName === 'meanSquaredError' ? 'a squared error' : 'an absolute error'})`
              : dialect.loss(lossName),
            replacement: dialect.loss(replacements[0]),
            spread: spread === null ? '' : formatNumber(spread),
            state: saturated ? 'it starts saturated' : 'not saturated',
            threshold: formatNumber(threshold),
            optimizer: optimizerInfo ? optimizerLabel(dialect, optimizerInfo) : '',
            units: units ?? '',
            factor: units
              ? formatNumber((lossName === 'meanSquaredError' ? 2 : 1) / units ** 2)
              : '',
          },
          hint: !saturated && !plain,
          span: loss.span,
          layer: output,
          fixes: lossFixes(context, model, loss, replacements),
        }),
      );
    }
    return findings;
  },
};

/**
 * A softmax over one unit is exp(z) / exp(z) = 1 whatever z is: the output is constant and no
 * gradient reaches any weight, whatever the loss (`Dense(1, activation='softmax')` for binary labels).
 */
function singleUnitSoftmax(
  model: ModelGraph,
  output: LayerNode,
  loss: LossInfo,
  context: RuleContext,
): Finding | null {
  if (outputActivation(model, output) !== 'softmax' || outputUnits(model, output) !== 1)
    return null;
  const prop = output.config.props.activation;
  const edit =
    !isActivationLayer(output) && prop?.valueSpan && !prop.inherited
      ? replaceSpan(prop.valueSpan, stringLiteral(context.source, 'sigmoid'))
      : null;
  return report(rule, model, {
    messageId: 'singleUnitSoftmax',
    data: { layer: describeLayer(output, model) },
    span: prop?.valueSpan ?? output.callSpan ?? loss.span,
    layer: output,
    fixes: edit ? [fix("Use activation 'sigmoid'", [edit], true)] : [],
  });
}

/**
 * A softmax (sigmoid) output into a cross-entropy with from_logits=True. At initialisation (probabilities near
 * 1/K) the softmax Jacobian is (I - 11ᵀ/K)/K and the loss gradient q - y sums to 0, so the logits get 1/K of
 * cross-entropy's p - y; a sigmoid's derivative (at most 0.25) multiplies sigmoid(p) - y with sigmoid(p) in
 * [0.5, 0.73].
 */
function logitsOfProbabilities(
  model: ModelGraph,
  loss: LossInfo,
  output: LayerNode,
): Finding | null {
  const activation = outputActivation(model, output);
  if (activation !== 'softmax' && activation !== 'sigmoid') return null;
  const units = outputUnits(model, output);
  if (activation === 'softmax' && !(units !== undefined && units > 1)) return null;
  const factor = activation === 'softmax' ? 1 / units! : 0.25;
  const why =
    activation === 'softmax'
      ? `at initialisation, with probabilities near 1/${units}, the logits get about 1/${units} of the gradient cross-entropy gives them.`
      : "the output's derivative p(1 - p), at most 0.25, multiplies sigmoid(p) - y, which is at least 0.5 for a 0 label.";
  const { fromLogitsSpan } = loss;
  return report(rule, model, {
    messageId: 'logitsOfProbabilities',
    data: {
      layer: describeLayer(output, model),
      activation,
      factor: formatNumber(factor),
      why,
    },
    span: fromLogitsSpan ?? loss.span,
    layer: output,
    fixes: fromLogitsSpan
      ? [fix('Set from_logits=False', [replaceSpan(fromLogitsSpan, 'False')], true)]
      : [],
  });
}

/** The output's units: its own, or (an activation layer) the weighted layer's it follows. */
function outputUnits(model: ModelGraph, output: LayerNode): number | undefined {
  if (!isActivationLayer(output)) return numberProp(output, 'units');
  const weighted = model.layers.slice(0, output.index).reverse().find(isWeighted);
  return weighted && numberProp(weighted, 'units');
}

/** The estimate's standard deviation of the output's pre-activations (logits), when it covers this output. */
function logitSpread(model: ModelGraph, activation: string): number | null {
  const output = estimateOf(model).output;
  if (!output || output.activation !== activation) return null;
  const spread = Math.sqrt(output.preActivationVariance);
  return Number.isFinite(spread) ? spread : null;
}

function regressionLoss(loss: LossInfo): string | null {
  if (loss.resolved) return REGRESSION_LOSSES[loss.name] ?? null;
  // Otherwise only a string alias ('mse') or a `tf.losses.X` reference names a tfjs loss; a user
  // function that happens to be called `mse` is not one.
  const text = loss.text.trim();
  // A name that differs from the text is a string value the extractor read (through a constant).
  if (loss.name !== text) return REGRESSION_LOSSES[loss.name] ?? null;
  const quoted = /^(['"`])(\w+)\1$/.exec(text)?.[2];
  const member = /(?:^|\.)losses\s*\.\s*(\w+)$/.exec(text)?.[1];
  const name = quoted ?? member;
  return name ? (REGRESSION_LOSSES[name] ?? null) : null;
}

/**
 * The loss is rewritten where compile names it (a string, a `tf.losses.X` reference, or a constant's name, which
 * is replaced at the call and left alone elsewhere); a computed loss is left to the user, and a loss passed in
 * as a parameter only gets suggestions.
 */
function lossFixes(
  context: RuleContext,
  model: ModelGraph,
  loss: LossInfo,
  replacements: string[],
): (Fix | null)[] {
  const { source } = context;
  const compile = model.training.compile;
  if (!compile || !contains(compile.span, loss.span) || loss.text.includes('(')) return [];
  // A loss function of the file's own may do more than its error: replacing it is only suggested.
  const preferred = !readsParameter(context, loss.span) && !loss.userFunction;
  const key = !isPython(context) && isShorthand(source, loss.span) ? `${loss.text}: ` : '';
  const dialect = fileDialect(context);
  return replacements.map((name, i) =>
    fix(
      `Use loss '${dialect.loss(name)}'`,
      [replaceSpan(loss.span, key + stringLiteral(source, dialect.loss(name)))],
      preferred && i === 0,
    ),
  );
}

/** `{ loss }`: the name is both key and value, so a replacement must keep the key. */
function isShorthand(source: string, span: Span): boolean {
  let i = span.start;
  while (i > 0 && /\s/.test(source[i - 1])) i--;
  let j = span.end;
  while (j < source.length && /\s/.test(source[j])) j++;
  const before = source[i - 1];
  const after = source[j];
  return (before === '{' || before === ',') && (after === ',' || after === '}');
}

/** The layers whose outputs the loss sees, with their position among the model's outputs. */
function outputLayers(model: ModelGraph): { layer: LayerNode; position: number }[] {
  if (model.kind === 'functional' && model.nodes.length > 0) {
    const byId = new Map(model.nodes.map((n) => [n.id, n]));
    const outputs: { layer: LayerNode; position: number }[] = [];
    model.outputs.forEach((id, position) => {
      const node = byId.get(id);
      const layer = node && model.layers[node.layer];
      if (layer && !outputs.some((o) => o.layer === layer)) outputs.push({ layer, position });
    });
    return outputs;
  }
  // Sequential: the last layer that sets an activation; shape-only layers (dropout, reshape) pass it through.
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i];
    if (isWeighted(layer) || isActivationLayer(layer)) return [{ layer, position: 0 }];
  }
  return [];
}

/** The output's own loss in a per-output compile (by position, or by its layer's name); else the model's. */
function lossOf(loss: LossInfo, output: LayerNode, position: number): LossInfo | null {
  if (!loss.perOutput) return loss;
  const name = output.config.props.name?.value;
  const own = loss.perOutput.find(
    (entry) => entry.key === position || (name?.kind === 'string' && entry.key === name.value),
  );
  return own?.loss ?? null;
}

function outputActivation(model: ModelGraph, layer: LayerNode): string | null {
  if (isActivationLayer(layer)) {
    const fixed = ACTIVATION_LAYER_FACTORIES[layer.factory];
    if (fixed) return fixed;
    const value = layer.config.props.activation?.value;
    return value?.kind === 'string' ? value.value : null;
  }
  return layerActivation(model, layer).name;
}
