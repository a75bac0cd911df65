/**
 * The numbers rules decide from: the static estimate of each weighted layer's gradient relative to the output
 * layer's (src/estimate, at initialisation, for the probe's batch), cached per model graph, and the same
 * estimate for the model a fix would leave (another kernel initializer on some layers).
 */
import type { LayerNode, ModelGraph } from '../../analysis/ir';
import { shareShapes } from '../../analysis/shapes';
import { estimateGradients, type GradientEstimate, type LayerEstimate } from '../../estimate';
import type { Rule, RuleContext, RuleOptionSpec } from '../types';
import { formatNumber, numberOption } from './message';

const cache = new WeakMap<ModelGraph, GradientEstimate>();

export function estimateOf(model: ModelGraph): GradientEstimate {
  let estimate = cache.get(model);
  if (!estimate) {
    estimate = estimateGradients(model);
    cache.set(model, estimate);
  }
  return estimate;
}

export interface LayerRatio {
  index: number;
  relative: number;
}

/** Weighted layers the estimate covers, in model order (the output layer last). */
export function estimatedLayers(model: ModelGraph): (LayerEstimate & { relative: number })[] {
  return estimateOf(model).layers.filter(
    (l): l is LayerEstimate & { relative: number } =>
      l.relative !== null && l.note !== 'batch normalisation in training mode',
  );
}

/** The first weighted layer's estimated gradient over the output layer's: what the probe's verdict reads. */
export function firstRatio(model: ModelGraph): LayerRatio | null {
  const layers = estimatedLayers(model);
  if (layers.length < 2) return null;
  return { index: layers[0].index, relative: layers[0].relative };
}

/** The layer whose estimated ratio lies furthest from 1 (either way), for exploding checks. */
export function largestRatio(model: ModelGraph): LayerRatio | null {
  const layers = estimatedLayers(model).slice(0, -1);
  if (layers.length === 0) return null;
  const top = layers.reduce((a, b) => (b.relative > a.relative ? b : a));
  return { index: top.index, relative: top.relative };
}

/**
 * Rules judge the same change more than once (a warning's numbers, then whether it clears the problem;
 * several rules proposing one initializer): the changed model is made once per model and change, so its
 * estimate, cached per model graph, is computed once too.
 */
const changedModels = new WeakMap<ModelGraph, Map<string, ModelGraph>>();

function withKernelInitializer(
  model: ModelGraph,
  targets: LayerNode[],
  initializer: string | ((layer: LayerNode) => string),
): ModelGraph {
  const indices = new Set(targets.map((l) => l.index));
  const nameFor = typeof initializer === 'string' ? () => initializer : initializer;
  const names = model.layers.map((layer) => (indices.has(layer.index) ? nameFor(layer) : null));
  const key = JSON.stringify(names);
  let changes = changedModels.get(model);
  if (!changes) changedModels.set(model, (changes = new Map()));
  let changed = changes.get(key);
  if (!changed) {
    changed = { ...model, layers: model.layers.map((layer, i) => withKernel(layer, names[i])) };
    shareShapes(model, changed);
    changes.set(key, changed);
  }
  return changed;
}

function withKernel(layer: LayerNode, initializer: string | null): LayerNode {
  if (initializer === null) return layer;
  const props = {
    ...layer.config.props,
    kernelInitializer: {
      value: { kind: 'string' as const, value: initializer },
      span: null,
      valueSpan: null,
      inherited: false,
    },
  };
  return { ...layer, config: { ...layer.config, props } };
}

/** How the estimate reads in a message: "layer 0's gradient is about 2.5e-5x the output's". */
export function ratioText(ratio: LayerRatio): string {
  return `layer ${ratio.index}'s gradient is about ${formatNumber(ratio.relative)}x the output's`;
}

/** Inside [vanishing, exploding]: the estimate sees no material problem. */
export function isMaterial(ratio: number, vanishing: number, exploding: number): boolean {
  return ratio < vanishing || ratio > exploding;
}

export interface FixJudgement {
  /** True when the current gradient is within the probe's healthy range: the finding is an info hint. */
  hint: boolean;
  /** The estimate does not cover the model: a hint without the estimate's numbers. */
  unsized?: boolean;
  data: Record<string, string | number>;
}

export interface FixThresholds {
  vanishingRatio: number;
  explodingRatio: number;
  maxUpdateRatio?: number;
  /** Hints need the fix to move the first-layer ratio towards 1 by at least this factor. */
  hintGain: number;
}

/**
 * Judges a change of kernel initializer on `layers` by what it does to the estimated first-layer ratio:
 * a warning when the model's gradient is out of the healthy range and the change brings it back, a hint stating
 * both numbers when it moves the ratio towards 1 by at least `hintGain`, nothing otherwise or when the
 * estimate does not cover the model.
 */
export function judgeInitializerChange(
  model: ModelGraph,
  layers: LayerNode[],
  initializer: string | ((layer: LayerNode) => string),
  thresholds: FixThresholds,
): FixJudgement | null {
  const before = estimatedProblem(model, thresholds);
  // A saturated output has no ratio but a problem; its first layer's ratio then counts as 0.
  const current = firstRatio(model) ?? (before && before !== 'unknown' ? before.ratio : null);
  if (!current) return { hint: true, unsized: true, data: {} };
  const fixedModel = withKernelInitializer(model, layers, initializer);
  const fixed = firstRatio(fixedModel);
  if (!fixed) return null;
  // A fix that only removes an overshooting first step (a huge gradient everywhere) counts as moving towards 1.
  const distance = (r: number) => Math.abs(Math.log(r));
  const gain = Math.exp(distance(current.relative) - distance(fixed.relative));
  const after = estimatedProblem(fixedModel, thresholds);
  const material = before !== null && before !== 'unknown' && after === null;
  if (!material && !(gain >= thresholds.hintGain)) return null;
  return {
    hint: !material,
    data: {
      index: current.index,
      from: formatNumber(current.relative),
      to: formatNumber(fixed.relative),
      verb: fixed.relative > current.relative ? 'raise' : 'lower',
    },
  };
}

/** The three options of the initializer rules, with their defaults (the probe's verdict thresholds). */
export const FIX_OPTIONS: Record<string, RuleOptionSpec> = {
  vanishingRatio: {
    type: 'number',
    default: 1e-3,
    description:
      "Warn when the estimated first-layer gradient is below this times the output layer's and the fix lifts it above.",
    exclusiveMinimum: 0,
  },
  explodingRatio: {
    type: 'number',
    default: 70,
    description: 'Warn when it is above this and the fix brings it below.',
    exclusiveMinimum: 0,
  },
  hintGain: {
    type: 'number',
    default: 1.25,
    description:
      'Inside the healthy range, an info hint when the fix moves the ratio towards 1 by at least this factor.',
    exclusiveMinimum: 1,
  },
};

export function fixThresholds(rule: Rule, context: RuleContext): FixThresholds {
  return {
    vanishingRatio: numberOption(rule, context, 'vanishingRatio'),
    explodingRatio: numberOption(rule, context, 'explodingRatio'),
    hintGain: numberOption(rule, context, 'hintGain'),
  };
}

/** Options of the rules that judge a model's estimated first-layer gradient. */
export const RATIO_OPTIONS: Record<string, RuleOptionSpec> = {
  vanishingRatio: {
    type: 'number',
    default: 1e-3,
    description:
      "Warn when the estimated first-layer gradient is below this times the output layer's (the probe's vanishing threshold).",
    exclusiveMinimum: 0,
  },
  explodingRatio: {
    type: 'number',
    default: 70,
    description: "Warn when it is above this (the probe's exploding threshold).",
    exclusiveMinimum: 0,
  },
  hintRatio: {
    type: 'number',
    default: 0.1,
    description:
      'An info hint when the ratio is below this or above its inverse but inside the healthy range.',
    exclusiveMinimum: 0,
  },
};

export type RatioJudgement =
  { kind: 'warning' | 'hint'; text: string } | { kind: 'unknown' } | null;

/** Warning, hint or nothing from the estimated first-layer ratio against RATIO_OPTIONS. */
export function judgeRatio(rule: Rule, model: ModelGraph, context: RuleContext): RatioJudgement {
  const problem = estimatedProblem(model, {
    vanishingRatio: numberOption(rule, context, 'vanishingRatio'),
    explodingRatio: numberOption(rule, context, 'explodingRatio'),
  });
  if (problem === 'unknown') return { kind: 'unknown' };
  if (problem) return { kind: 'warning', text: problem.text };
  const ratio = firstRatio(model)!;
  const hint = numberOption(rule, context, 'hintRatio');
  if (ratio.relative < hint || ratio.relative > 1 / hint)
    return { kind: 'hint', text: ratioText(ratio) };
  return null;
}

/**
 * The largest estimated learning rate x gradient norm / weight norm over the weighted layers: what the probe's
 * update-to-weight check reads (one plain step of the probe's synthetic batch and loss).
 */
export function plainStepRatio(model: ModelGraph, learningRate: number): LayerRatio | null {
  let top: LayerRatio | null = null;
  for (const layer of estimatedLayers(model)) {
    if (layer.gradNorm === undefined || !(layer.weightNorm! > 0)) continue;
    const relative = (learningRate * layer.gradNorm) / layer.weightNorm!;
    if (!top || relative > top.relative) top = { index: layer.index, relative };
  }
  return top;
}

/** The learning rate the probe trains with: the model's own, else tfjs's default for a plain sgd. */
export function probeLearningRate(model: ModelGraph): number {
  return model.training.learningRate ?? 0.01;
}

/**
 * Beyond a logit of about 17 a float32 sigmoid is exactly 0 or 1 and passes no gradient back. With logits spread
 * 60 times wider (a standard deviation above 1000), fewer than 2% of outputs are below it, so a whole batch
 * usually has no gradient at all (softmax with cross-entropy is not affected: a saturated wrong class still has
 * gradient p - y). The sweep measured healthy gradients at spreads up to about 100.
 */
const SATURATED_SPREAD = 1000;

export interface EstimatedProblem {
  kind: 'vanishing' | 'exploding' | 'step';
  ratio: LayerRatio;
  /** "layer 0's gradient is about 2e-6x the output's" or "one step would change layer 3's weights by 4x". */
  text: string;
}

/**
 * What the probe's verdict would say from the estimate: vanishing when the first layer is below vanishingRatio,
 * exploding when a layer is above explodingRatio or one plain step at the probe's learning rate would change a
 * layer's weights by more than maxUpdateRatio of their norm. Null when healthy; 'unknown' when not estimated.
 */
export function estimatedProblem(
  model: ModelGraph,
  limits: { vanishingRatio: number; explodingRatio: number; maxUpdateRatio?: number },
): EstimatedProblem | null | 'unknown' {
  const first = firstRatio(model);
  const output = estimateOf(model).output;
  const spread = Math.sqrt(output?.preActivationVariance ?? 0);
  if (output?.activation === 'sigmoid' && spread > SATURATED_SPREAD) {
    // The estimate may have no ratio at all here: a fully saturated output passes no gradient to any layer.
    const firstWeighted = estimateOf(model).layers.find((l) => l.note !== 'no weights');
    return {
      kind: 'vanishing',
      ratio: first ?? { index: firstWeighted?.index ?? 0, relative: 0 },
      text: `the sigmoid output saturates (logits spread about ${formatNumber(spread)})`,
    };
  }
  if (!first) return 'unknown';
  if (first.relative < limits.vanishingRatio)
    return { kind: 'vanishing', ratio: first, text: ratioText(first) };
  const top = largestRatio(model);
  if (top && top.relative > limits.explodingRatio)
    return { kind: 'exploding', ratio: top, text: ratioText(top) };
  const step = plainStepRatio(model, probeLearningRate(model));
  if (step && step.relative > (limits.maxUpdateRatio ?? 1)) {
    return {
      kind: 'step',
      ratio: step,
      text: `one step changes layer ${step.index}'s weights by ${formatNumber(step.relative)}x`,
    };
  }
  return null;
}
