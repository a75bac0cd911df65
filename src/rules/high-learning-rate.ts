import type { ModelGraph, OptimizerInfo, OptimizerKind, Span } from '../analysis/ir';
import type { Finding, Rule, RuleContext } from './types';
import { inferShapes } from '../analysis/shapes';
import { estimatedLayers, plainStepRatio } from './util/gradient';
import { fix, replaceSpan } from './util/fix';
import { formatNumber, numberOption, report } from './util/message';
import { firstArgumentSpan, readsParameter, spanWithin } from './util/source';
import { dialectOf, optimizerLabel } from './util/dialect';
import { isPython } from './util/syntax';
import { frameworkDefaults } from '../analysis/frameworks';

type KnownKind = Exclude<OptimizerKind, 'unknown'>;

/** The conventional rate the fix writes. */
const CONVENTIONAL: Record<KnownKind, number> = {
  sgd: 0.01,
  momentum: 0.01,
  adagrad: 0.01,
  adadelta: 1.0,
  adam: 0.001,
  adamax: 0.002,
  rmsprop: 0.001,
};

/**
 * How far an adaptive optimizer's first step moves each weight, per unit of learning rate, whatever the gradient's
 * scale: Adam and Adamax move by the rate itself (bias-corrected moments); RMSProp divides by
 * sqrt((1 - decay) g^2) with tfjs's decay 0.9, so its first step is rate / sqrt(0.1); Adagrad's step is at most
 * the rate. Plain sgd and momentum scale with the gradient instead, so they are judged from the estimate.
 */
const ADAPTIVE_STEP: Partial<Record<KnownKind, number>> = {
  adam: 1,
  adamax: 1,
  rmsprop: 1 / Math.sqrt(0.1),
  adagrad: 1,
};

/**
 * The other bound on an adaptive first step: per weight it is also at most rate x |g| x this factor, which binds
 * when the gradients are small next to the optimizer's constants. Adam and Adamax divide by |g| + epsilon
 * (tfjs's and Keras's default 1e-7); RMSProp by sqrt((1 - decay) g^2 + epsilon), epsilon inside the root;
 * Adagrad by sqrt(initial accumulator + g^2), initial accumulator 0.1 by default, so its first step is far below
 * the rate whenever |g| is well below 0.3 (the probe measures the real step, so the rule sizes this one).
 */
function gradientFactor(
  kind: KnownKind,
  optimizer: OptimizerInfo,
): { factor: number; divisor: string } | null {
  const arg = (...names: string[]): number | undefined => {
    for (const name of names) {
      const value = optimizer.args?.[name];
      if (value?.kind === 'number' && value.value > 0) return value.value;
    }
    return undefined;
  };
  switch (kind) {
    case 'adam':
    case 'adamax': {
      const epsilon = arg('epsilon') ?? 1e-7;
      return { factor: 1 / epsilon, divisor: `|g| + ${formatNumber(epsilon)}` };
    }
    case 'rmsprop': {
      const epsilon = arg('epsilon') ?? 1e-7;
      return {
        factor: 1 / Math.sqrt(epsilon),
        divisor: `sqrt(0.1 g^2 + ${formatNumber(epsilon)})`,
      };
    }
    case 'adagrad': {
      const initial = arg('initialAccumulatorValue', 'initial_accumulator_value') ?? 0.1;
      return { factor: 1 / Math.sqrt(initial), divisor: `sqrt(${formatNumber(initial)} + g^2)` };
    }
    default:
      return null;
  }
}

/** Rates above these are reported (as hints) when the estimate cannot size the step. */
const FALLBACK_MAX: Record<KnownKind, number> = {
  sgd: 0.1,
  momentum: 0.1,
  adagrad: 0.1,
  adadelta: 1.0,
  adam: 0.01,
  adamax: 0.01,
  rmsprop: 0.01,
};

export const rule: Rule = {
  id: 'high-learning-rate',
  meta: {
    type: 'problem',
    description:
      'A learning rate whose first step changes the weights by more than their own size, so training overshoots and the loss and gradients grow.',
    defaultSeverity: 'warning',
    messages: {
      adaptive:
        '{{kind}}({{rate}}) moves each weight by about {{step}} per step, {{ratio}}x its typical size {{scale}}',
      plain:
        "{{kind}}({{rate}}): one step would change layer {{index}}'s weights by {{ratio}}x their norm",
      scaled:
        "{{kind}}({{rate}}): its first step would change layer {{index}}'s weights by {{ratio}}x their norm",
      unsized: '{{kind}}({{rate}}) is above {{max}} (the step could not be sized for this model)',
      momentum:
        "{{kind}}({{rate}}) with momentum {{momentum}}: steady steps would change layer {{index}}'s weights by {{ratio}}x",
    },
    details: {
      adaptive:
        "{{kind}} normalises the gradient, so its first step moves each weight by about the learning rate{{factor}} whatever the gradient's scale; compared with the smallest initial weight scale of the model's layers (layer {{index}}), the step rewrites more than the weights themselves and the loss overshoots. {{conventional}} is the conventional rate.",
      plain:
        "A plain gradient step moves the weights by learning rate x gradient; with the static estimate of layer {{index}}'s gradient norm on the probe's synthetic batch, the first step changes its weights by {{ratio}}x their norm, so the loss and the gradients can grow step after step until they overflow. {{conventional}} is the conventional rate.",
      scaled:
        "{{kind}}'s first step divides each gradient by {{divisor}}, so with gradients as small as this model's it moves each weight by less than the learning rate, in proportion to its gradient; with the static estimate of layer {{index}}'s gradient norm on the probe's synthetic batch, the first step changes its weights by {{ratio}}x their norm, more than the weights themselves. {{conventional}} is the conventional rate.",
      unsized:
        'The gradient estimate does not cover this model, so only the conventional range is checked. {{conventional}} is the conventional rate.',
      momentum:
        "Heavy-ball momentum adds each gradient to a running velocity, so while the gradient keeps its direction the steps grow towards learning rate / (1 - momentum), {{amplification}}x the first step. The first step changes layer {{index}}'s weights by {{first}}x their norm, within the threshold; the steady step would be {{ratio}}x. A hint only: the calibration sweep measured sgd, adam and rmsprop, not momentum. {{conventional}} is the conventional rate.",
    },
    options: {
      maxUpdateRatio: {
        type: 'number',
        default: 1,
        description:
          "Warn when the first step would change a layer's weights by more than this fraction of their size (the probe's update-to-weight threshold).",
        exclusiveMinimum: 0,
      },
    },
    fixable: true,
  },
  check(model, context) {
    const findings: Finding[] = [];
    const maxRatio = numberOption(rule, context, 'maxUpdateRatio');
    for (const optimizer of optimizersOf(model)) {
      if (optimizer.kind === 'unknown' || optimizer.form === 'string') continue;
      const rate = optimizer.learningRate;
      if (rate?.kind !== 'number' || !optimizer.learningRateSpan) continue;
      const judged = judgeRate(model, optimizer, optimizer.kind, rate.value, maxRatio);
      if (!judged) continue;
      const conventional = Math.min(conventionalRate(model, optimizer.kind), rate.value);
      const site = editSite(context, optimizer);
      findings.push(
        report(rule, model, {
          messageId: judged.messageId,
          data: {
            ...judged.data,
            model: model.name,
            kind: optimizerLabel(dialectOf(model), optimizer),
            rate: formatNumber(rate.value),
            conventional,
          },
          hint: judged.hint,
          span: site?.span ?? optimizer.learningRateSpan,
          fixes: [
            site
              ? fix(
                  site.preferred
                    ? `Use learning rate ${conventional}`
                    : `Use learning rate ${conventional} here instead of the parameter`,
                  [replaceSpan(site.span, String(conventional))],
                  site.preferred,
                )
              : null,
          ],
        }),
      );
    }
    return findings;
  },
};

/** The framework's own default rate for the optimizer (Keras: 0.001 for Adagrad and Adadelta), else tfjs's. */
function conventionalRate(model: ModelGraph, kind: KnownKind): number {
  return frameworkDefaults(model.framework).learningRate[kind] ?? CONVENTIONAL[kind];
}

interface RateJudgement {
  messageId: 'adaptive' | 'scaled' | 'plain' | 'unsized' | 'momentum';
  hint: boolean;
  data: Record<string, string | number>;
}

function judgeRate(
  model: ModelGraph,
  optimizer: OptimizerInfo,
  kind: KnownKind,
  rate: number,
  maxRatio: number,
): RateJudgement | null {
  const perRate = ADAPTIVE_STEP[kind];
  if (perRate !== undefined) {
    const scale = smallestWeightScale(model);
    if (scale) {
      const step = rate * perRate;
      const ratio = step / scale.relative;
      // Each weight moves by the smaller of the two bounds; the gradient-proportional one, from the estimate.
      const gradient = gradientFactor(kind, optimizer);
      const scaled = gradient ? plainStepRatio(model, rate * gradient.factor) : null;
      if (scaled && gradient && scaled.relative < ratio) {
        if (scaled.relative <= maxRatio) return null;
        return {
          messageId: 'scaled',
          hint: false,
          data: {
            index: scaled.index,
            ratio: formatNumber(scaled.relative),
            divisor: gradient.divisor,
          },
        };
      }
      if (ratio <= maxRatio) return null;
      return {
        messageId: 'adaptive',
        hint: false,
        data: {
          step: formatNumber(step),
          ratio: formatNumber(ratio),
          scale: formatNumber(scale.relative),
          index: scale.index,
          factor: perRate === 1 ? '' : ` times ${formatNumber(perRate)}`,
        },
      };
    }
  } else if (kind === 'sgd' || kind === 'momentum') {
    const { momentum, nesterov } = momentumOf(optimizer);
    // Nesterov's first step looks ahead along the velocity it has just set: (1 + momentum) x the plain step.
    const step = plainStepRatio(model, nesterov ? rate * (1 + momentum) : rate);
    if (step) {
      if (step.relative > maxRatio)
        return {
          messageId: 'plain',
          hint: false,
          data: { index: step.index, ratio: formatNumber(step.relative) },
        };
      // Only above the conventional rate, which the fix writes: a hint its own fix cannot clear is noise.
      const above = momentum > 0 && rate > conventionalRate(model, kind);
      const steady = above ? plainStepRatio(model, rate / (1 - momentum)) : null;
      if (!steady || steady.relative <= maxRatio) return null;
      return {
        messageId: 'momentum',
        hint: true,
        data: {
          momentum: formatNumber(momentum),
          index: steady.index,
          ratio: formatNumber(steady.relative),
          first: formatNumber(step.relative),
          amplification: formatNumber(1 / (1 - momentum)),
        },
      };
    }
  }
  // Adadelta's step hardly depends on its rate; a model the estimate does not cover gets the old range, as a hint.
  const max = FALLBACK_MAX[kind];
  if (!(rate > max)) return null;
  return { messageId: 'unsized', hint: true, data: { max } };
}

/**
 * Heavy-ball momentum as the call gives it (tfjs and Keras both name it `momentum`); 0 unless a number in
 * (0, 1). Only momentum SGD: RMSprop's momentum scales an already normalised step.
 */
function momentumOf(optimizer: OptimizerInfo): { momentum: number; nesterov: boolean } {
  if (optimizer.kind !== 'momentum') return { momentum: 0, nesterov: false };
  const value = optimizer.args?.['momentum'];
  const flag = optimizer.args?.['nesterov'] ?? optimizer.args?.['useNesterov'];
  const momentum = value?.kind === 'number' && value.value > 0 && value.value < 1 ? value.value : 0;
  return { momentum, nesterov: momentum > 0 && flag?.kind === 'boolean' && flag.value };
}

/**
 * The smallest initial weight scale over the weighted layers: from the estimate when it covers the model, else
 * LeCun's sqrt(1/fanIn) (between Glorot and He) from the inferred fan-ins, so recurrent models are sized too.
 */
function smallestWeightScale(model: ModelGraph): { index: number; relative: number } | null {
  let best: { index: number; relative: number } | null = null;
  const consider = (index: number, relative: number) => {
    if (relative > 0 && (!best || relative < best.relative)) best = { index, relative };
  };
  const estimated = estimatedLayers(model);
  if (estimated.length > 0) {
    for (const layer of estimated)
      if (layer.weightScale !== undefined) consider(layer.index, layer.weightScale);
    return best;
  }
  try {
    for (const shape of inferShapes(model).layers) {
      if (shape.fanIn !== null && shape.fanIn > 0)
        consider(shape.index, Math.sqrt(1 / shape.fanIn));
    }
  } catch {
    // No shapes: no size to compare with.
  }
  return best;
}

/** Every optimizer the model is trained with (compile and custom loops), each once. */
function optimizersOf(model: ModelGraph): OptimizerInfo[] {
  const all = [
    model.training.compile?.optimizer,
    model.training.optimizer,
    ...model.training.customLoops.map((loop) => loop.optimizer),
  ];
  const seen = new Set<string>();
  return all.filter((o): o is OptimizerInfo => {
    if (!o) return false;
    const key = `${o.span.start}:${o.learningRateSpan?.start ?? -1}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * Where to write the new rate. A rate written in the call is replaced there; a rate that comes from a shared
 * constant is overridden at the call's argument instead, so other users of the constant keep their value.
 * A rate that reaches the call through a function parameter is only a suggestion: writing a literal there
 * changes what the function's callers control.
 */
function editSite(
  context: RuleContext,
  optimizer: OptimizerInfo,
): { span: Span; preferred: boolean } | null {
  if (!optimizer.learningRateInherited) {
    const span = optimizer.learningRateSpan;
    return span ? { span, preferred: !readsParameter(context, span) } : null;
  }
  if (optimizer.form !== 'call') return null;
  const first = firstArgumentSpan(context.source, optimizer.span);
  const argument = first && isPython(context) ? rateArgument(context.source, first) : first;
  if (!argument) return null;
  return { span: argument, preferred: !readsParameter(context, argument) };
}

/**
 * Python: the first argument when it is the rate, positional (`Adam(LR)`) or by keyword
 * (`Adam(learning_rate=LR)`: its value); null when the call starts with another keyword.
 */
function rateArgument(source: string, first: Span): Span | null {
  const text = source.slice(first.start, first.end);
  // `Adam(**config)`: the rate is in the dict, and the call has no argument of its own to replace.
  if (text.startsWith('*')) return null;
  const keyword = /^(\w+)\s*=(?!=)\s*/.exec(text);
  if (!keyword) return first;
  if (keyword[1] !== 'learning_rate' && keyword[1] !== 'lr') return null;
  return spanWithin(source, first, first.start + keyword[0].length, first.end);
}
