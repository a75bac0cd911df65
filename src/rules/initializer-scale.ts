import type { LayerNode, ModelGraph } from '../analysis/ir';
import { inferShapes } from '../analysis/shapes';
import type { Finding, Fix, Rule, RuleContext } from './types';
import { dialectOf } from './util/dialect';
import { fix } from './util/fix';
import {
  activationClass,
  initializerFor,
  kernelKeys,
  numberArg,
  readInitializer,
  setInitializer,
  type Initializer,
} from './util/initializer';
import {
  formatNumber,
  numberOption,
  report,
  uniqueFindings,
  type MessageData,
} from './util/message';
import {
  RATIO_OPTIONS,
  estimatedProblem,
  firstRatio,
  fixThresholds,
  judgeInitializerChange,
  ratioText,
  type FixJudgement,
} from './util/gradient';
import { describeLayer, isHidden } from './util/model';
import { propOrCallee } from './util/callee';
import { settledActivation } from './util/settled';
import { fileDialect, type SourceFile } from './util/syntax';
import { coreLayer, isWeighted } from './util/terms';

/** tfjs's defaults for unspecified arguments (tfjs-layers initializers.js: `args.stddev || 0.05`, ...). */
const DEFAULT_STDDEV = 0.05;
const DEFAULT_UNIFORM_LIMIT = 0.05;

/** Thresholds of the issue: a standard deviation beyond these multiples of He's sqrt(2/fanIn) is reported. */
const MAX_RATIO = 2;
const MIN_RATIO = 0.1;
/** Without a known fan-in: no realistic layer is well served by these. */
const MAX_STDDEV = 1;
const MIN_STDDEV = 1e-3;
const MAX_SCALE = 4;
const MIN_SCALE = 0.1;

const SCALE_NOTE =
  'Numbers are the static estimate at initialisation; it is a warning only when the estimated gradient leaves the healthy range or one step would rewrite the weights.';

export const rule: Rule = {
  id: 'initializer-scale',
  meta: {
    type: 'problem',
    description:
      'An explicit kernel initializer whose scale makes activations and gradients grow or shrink layer after layer.',
    defaultSeverity: 'warning',
    messages: {
      stddevLarge: "{{initializer}} stddev {{stddev}} is {{ratio}}x He's {{he}}: {{effect}}",
      stddevSmall: "{{initializer}} stddev {{stddev}} is {{ratio}}x He's {{he}}: {{effect}}",
      stddevLargeNoFan: '{{initializer}} stddev {{stddev}} (at least 1): {{effect}}',
      stddevSmallNoFan: '{{initializer}} stddev {{stddev}} (at most 0.001): {{effect}}',
      scaleLarge: 'varianceScaling scale {{scale}} (above 4): {{effect}}',
      scaleSmall: 'varianceScaling scale {{scale}} (below 0.1): {{effect}}',
      constant: 'every kernel weight of {{layer}} is {{value}}: {{effect}}',
      zeros: 'zero kernel in {{layer}}: no gradient reaches the layers below it',
    },
    details: {
      stddevLarge: `{{layer}}'s kernel is {{ratio}}x the He scale for its fan-in of {{fanIn}}, so each such layer multiplies the signal and the gradient by about that factor. ${SCALE_NOTE}`,
      stddevSmall: `{{layer}}'s kernel is {{ratio}}x the He scale for its fan-in of {{fanIn}}, so each such layer scales the signal and the gradient down by about that factor. ${SCALE_NOTE}`,
      stddevLargeNoFan: `With any fan-in above a few units each layer multiplies the signal and the gradient. ${SCALE_NOTE}`,
      stddevSmallNoFan: `Each layer scales the signal and the gradient far down. ${SCALE_NOTE}`,
      scaleLarge: `The kernel variance is over twice what even a ReLU layer needs. ${SCALE_NOTE}`,
      scaleSmall: `The kernel variance is a small fraction of what keeps activations at unit scale. ${SCALE_NOTE}`,
      constant:
        'All units compute the same value and receive the same gradient, so they stay identical (the layer acts as one unit), and large fans scale the signal by fan-in x {{value}}. ' +
        SCALE_NOTE,
      zeros:
        "The layer's output is constant, so no gradient reaches the layers below it, and all its units receive the same gradient and stay identical.",
    },
    options: {
      ...RATIO_OPTIONS,
      maxUpdateRatio: {
        type: 'number',
        default: 1,
        description:
          "Also warn when one plain step (the model's learning rate x estimated gradient norm / weight norm) would change a layer's weights by more than this fraction of their norm.",
        exclusiveMinimum: 0,
      },
    },
    fixable: true,
  },
  check(model: ModelGraph, context: RuleContext) {
    // Shape inference runs only when some layer has an initializer whose check needs a fan-in.
    let fans: Map<number, number> | null = null;
    const fanInOf = (index: number) => (fans ??= fanIns(model)).get(index) ?? null;
    let effects: Effect | null = null;
    let matched: FixJudgement | null | undefined;
    const matchedFix = () =>
      matched === undefined ? (matched = matchedChange(model, context)) : matched;
    const findings: Finding[] = [];
    for (const layer of model.layers) {
      if (!isWeighted(layer)) continue;
      for (const key of kernelKeys(layer)) {
        const read = readInitializer(layer, key, context.source);
        if (read.status !== 'known') continue;
        const fanIn = key === 'pointwiseInitializer' ? () => null : () => fanInOf(layer.index);
        const problem = judge(read.init, fanIn, isHidden(model, layer));
        if (!problem) continue;
        let effect: Effect;
        if (problem.messageId === 'zeros') effect = { hint: false, text: '' };
        else if (!problem.inBand) effect = effects ??= effectOf(model, context);
        else {
          // A scale inside the usual band is reported only when the estimate shows a problem that the
          // activation's matched initializer removes.
          const change = matchedFix();
          if (!change || change.hint) continue;
          effect = { hint: false, text: `${(effects ??= effectOf(model, context)).text}` };
        }
        findings.push(
          report(rule, model, {
            messageId: problem.messageId,
            data: {
              layer: describeLayer(layer, model),
              initializer: dialectOf(model).initializer(read.init.name),
              effect: effect.text,
              ...problem.data,
            },
            hint: effect.hint,
            span: propOrCallee(context.source, coreLayer(layer), key),
            layer,
            fixes: fixes(context, model, layer, key, read.init),
          }),
        );
      }
    }
    return uniqueFindings(findings);
  },
};

interface Effect {
  hint: boolean;
  text: string;
}

/**
 * What the estimate says the model's scales do: a warning when the first layer's gradient leaves the healthy
 * range, some layer's exceeds the exploding ratio, or one plain step would rewrite a layer's weights; a hint
 * stating the estimate otherwise (and when the estimate does not cover the model).
 */
function effectOf(model: ModelGraph, context: RuleContext): Effect {
  const problem = estimatedProblem(model, {
    vanishingRatio: numberOption(rule, context, 'vanishingRatio'),
    explodingRatio: numberOption(rule, context, 'explodingRatio'),
    maxUpdateRatio: numberOption(rule, context, 'maxUpdateRatio'),
  });
  if (problem === 'unknown')
    return { hint: true, text: 'the gradient estimate does not cover this model' };
  if (problem) return { hint: false, text: problem.text };
  return { hint: true, text: `${ratioText(firstRatio(model)!)} (healthy)` };
}

interface Problem {
  messageId: string;
  data: MessageData;
  /** The scale is within [0.1, 2] x He: only the estimate can make it a finding. */
  inBand?: boolean;
}

/** The estimate with every explicitly scaled kernel replaced by its activation's matched initializer. */
function matchedChange(model: ModelGraph, context: RuleContext): FixJudgement | null {
  const scaled = model.layers.filter((layer) => {
    if (!isWeighted(layer)) return false;
    const read = readInitializer(layer, 'kernelInitializer', context.source);
    return read.status === 'known' && SCALED.has(read.init.name);
  });
  if (scaled.length === 0) return null;
  return judgeInitializerChange(
    model,
    scaled,
    (layer) => {
      const activation = settledActivation(model, layer, context.source).name;
      return initializerFor(activationClass(activation ?? 'relu'));
    },
    { ...fixThresholds(rule, context), hintGain: Infinity },
  );
}

const SCALED = new Set(['randomNormal', 'truncatedNormal', 'randomUniform']);

function judge(init: Initializer, fanIn: () => number | null, hidden: boolean): Problem | null {
  switch (init.name) {
    case 'randomNormal':
    case 'truncatedNormal': {
      const stddev = numberArg(init, 'stddev');
      if (stddev === null) return null;
      return judgeStddev(stddev || DEFAULT_STDDEV, fanIn());
    }
    case 'randomUniform': {
      const min = numberArg(init, 'minval');
      const max = numberArg(init, 'maxval');
      if (min === null || max === null) return null;
      const low = min || -DEFAULT_UNIFORM_LIMIT;
      const high = max || DEFAULT_UNIFORM_LIMIT;
      // A uniform on [low, high] has standard deviation (high - low) / sqrt(12); [-a, a] gives a / sqrt(3).
      return judgeStddev(Math.abs(high - low) / Math.sqrt(12), fanIn());
    }
    case 'varianceScaling': {
      const scale = numberArg(init, 'scale');
      if (scale === null) return null;
      const s = scale ?? 1;
      // A negative scale makes tfjs throw before any gradient exists: not this rule's concern.
      if (s < 0 || (s >= MIN_SCALE && s <= MAX_SCALE)) return null;
      return {
        messageId: s > MAX_SCALE ? 'scaleLarge' : 'scaleSmall',
        data: { scale: formatNumber(s) },
      };
    }
    case 'ones':
      return { messageId: 'constant', data: { value: 1 } };
    case 'constant': {
      const value = numberArg(init, 'value');
      if (value === null || value === undefined) return null;
      if (value !== 0) return { messageId: 'constant', data: { value: formatNumber(value) } };
      return hidden ? { messageId: 'zeros', data: {} } : null;
    }
    case 'zeros':
      return hidden ? { messageId: 'zeros', data: {} } : null;
    default:
      return null;
  }
}

function judgeStddev(stddev: number, fanIn: number | null): Problem | null {
  const data: MessageData = { stddev: formatNumber(stddev) };
  if (fanIn !== null && fanIn > 0) {
    const he = Math.sqrt(2 / fanIn);
    const ratio = stddev / he;
    Object.assign(data, { he: formatNumber(he), ratio: formatNumber(ratio), fanIn });
    const inBand = ratio <= MAX_RATIO && ratio >= MIN_RATIO;
    return { messageId: ratio > 1 ? 'stddevLarge' : 'stddevSmall', data, inBand };
  }
  if (stddev >= MAX_STDDEV) return { messageId: 'stddevLargeNoFan', data };
  if (stddev <= MIN_STDDEV) return { messageId: 'stddevSmallNoFan', data };
  return null;
}

/** Fan-in of each layer's kernel; empty when the shapes cannot be inferred (every check then falls back). */
function fanIns(model: ModelGraph): Map<number, number> {
  const result = new Map<number, number>();
  try {
    for (const shape of inferShapes(model).layers) {
      if (shape.fanIn !== null) result.set(shape.index, shape.fanIn);
    }
  } catch {
    // Shapes are a refinement; without them the absolute thresholds apply.
  }
  return result;
}

/** He for ReLU-family layers, LeCun for selu, Glorot otherwise; no preferred fix when the activation is unknown. */
function fixes(
  file: SourceFile,
  model: ModelGraph,
  layer: LayerNode,
  key: string,
  init: Initializer,
): (Fix | null)[] {
  const activation = settledActivation(model, layer, file.source).name;
  const dialect = fileDialect(file);
  const make = (name: string, preferred: boolean) =>
    fix(
      `Use ${dialect.key(key)} '${dialect.initializer(name)}'`,
      [setInitializer(file, layer, key, name, init)],
      preferred,
    );
  if (activation === null) return [make('heNormal', false), make('glorotNormal', false)];
  const best = initializerFor(activationClass(activation));
  const other = best === 'heNormal' ? 'glorotNormal' : 'heNormal';
  return [make(best, true), make(other, false)];
}
