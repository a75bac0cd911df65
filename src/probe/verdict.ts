/**
 * Verdicts from measured gradient norms, all relative to the output layer (the last layer with weights):
 * - exploding: any non-finite gradient or loss; any layer above explodingRatio × the output layer; any layer whose
 *   update-to-weight ratio (||ΔW|| / ||W|| after the first step of the model's optimizer) exceeds maxUpdateRatio
 *   (default 1), i.e. one step rewrites more than that fraction of its weights, so the first step overshoots
 *   (this catches nets whose gradients are huge everywhere at once, e.g. a deep relu net with oversized initial
 *   weights, where every ratio to the output stays moderate); or,
 *   over several steps, any layer whose gradient grew more than explodingRatio-fold from the first step to the last;
 * - vanishing: the first hidden weighted layer below vanishingRatio × the output layer (or every gradient zero);
 * - healthy otherwise.
 */
import { THRESHOLD_DEFAULTS } from './defaults';
import type { UpdateStep, Verdict } from './types';

export interface VerdictLayer {
  name: string;
  line: number | null;
  /** First-step gradient norm; null for layers without trainable weights. */
  gradNorm: number | null;
  /** Non-finite gradient entries over all steps. */
  nonFinite: number;
  /** Non-finite gradient entries at each step, when the probe ran more than one. */
  nonFinitePerStep?: number[];
  /** Gradient norm at each step. */
  perStep: number[];
  /** ||ΔW|| / ||W|| of the optimizer's first step; null when unknown. */
  updateToWeightRatio?: number | null;
  /** Recurrent layers: the judgement of the gradient through time steps (see temporal-judge.ts). */
  temporal?: { verdict: Verdict; summary: string } | null;
}

export interface Thresholds {
  vanishingRatio: number;
  explodingRatio: number;
  /** Exploding when the first step's ||ΔW|| / ||W|| exceeds this; THRESHOLD_DEFAULTS.maxUpdateRatio when absent. */
  maxUpdateRatio?: number;
}

export interface Judgement {
  verdict: Verdict;
  reason: string;
  layers: { verdict: Verdict; ratioToOutput: number | null }[];
}

export function judge(
  layers: VerdictLayer[],
  lossPerStep: number[],
  thresholds: Thresholds,
  update?: UpdateStep,
): Judgement {
  const weighted = layers.filter((l) => l.gradNorm !== null);
  const output = weighted[weighted.length - 1];
  const outNorm = output?.gradNorm ?? 0;
  const ratio = (l: VerdictLayer): number | null =>
    l.gradNorm === null || !(outNorm > 0) ? null : l.gradNorm / outNorm;
  const maxUpdate = thresholds.maxUpdateRatio ?? THRESHOLD_DEFAULTS.maxUpdateRatio;
  const perLayer = layers.map((l) => {
    const own = layerVerdict(l, ratio(l), thresholds, maxUpdate);
    return {
      verdict: own === 'healthy' && l.temporal ? l.temporal.verdict : own,
      ratioToOutput: ratio(l),
    };
  });
  const done = (verdict: Verdict, reason: string): Judgement => ({
    verdict,
    reason,
    layers: perLayer,
  });

  if (!output)
    return done('healthy', 'The model has no trainable weights, so there is no gradient to judge.');

  const badLoss = lossPerStep.findIndex((v) => !Number.isFinite(v));
  const nonFinite = layers.filter((l) => l.nonFinite > 0);
  if (nonFinite.length > 0) {
    // Counts are per step: a sum over steps would count the same blown-up weights again at every step.
    const stepOf = (l: VerdictLayer): number => l.nonFinitePerStep?.findIndex((n) => n > 0) ?? 0;
    const firstStep = Math.min(...nonFinite.map(stepOf));
    const atFirst = nonFinite.filter((l) => stepOf(l) === firstStep);
    const count = atFirst.reduce(
      (a, l) => a + (l.nonFinitePerStep ? l.nonFinitePerStep[firstStep]! : l.nonFinite),
      0,
    );
    const when = nonFinite.some((l) => l.nonFinitePerStep) ? `At step ${firstStep + 1}, ` : '';
    const what = `${count} gradient value${count === 1 ? ' is' : 's are'} NaN or infinite`;
    return done(
      'exploding',
      `${when}${when ? what : capitalise(what)}, first in ${describe(atFirst[0]!)}.`,
    );
  }
  if (badLoss >= 0) {
    return done('exploding', `The loss is ${lossPerStep[badLoss]} at step ${badLoss + 1}.`);
  }
  if (!(outNorm > 0)) {
    const allZero = weighted.every((l) => l.gradNorm === 0);
    return allZero
      ? done('vanishing', 'Every gradient is exactly zero: no signal reaches any weight.')
      : done('vanishing', `The output layer ${describe(output)} has a zero gradient.`);
  }

  const worst = weighted.reduce((a, b) => (b.gradNorm! > a.gradNorm! ? b : a));
  const worstRatio = worst.gradNorm! / outNorm;
  if (worstRatio > thresholds.explodingRatio) {
    return done(
      'exploding',
      `${capitalise(describe(worst))} has gradient norm ${fmt(worst.gradNorm!)}, ${fmt(worstRatio)} × the output layer's ${fmt(outNorm)} (exploding above ${fmt(thresholds.explodingRatio)} ×).`,
    );
  }
  const jumpy = weighted.reduce<VerdictLayer | null>(
    (best, l) =>
      (l.updateToWeightRatio ?? 0) > (best?.updateToWeightRatio ?? maxUpdate) ? l : best,
    null,
  );
  if (jumpy) {
    return done(
      'exploding',
      `${stepText(update)} changes the weights of ${describe(jumpy)} by ${fmt(jumpy.updateToWeightRatio!)} × their norm (${update?.plain ? 'learning rate × gradient norm / weight norm' : '||ΔW|| / ||W||'}; exploding above ${fmt(maxUpdate)}); its gradient norm is ${fmt(jumpy.gradNorm!)}.`,
    );
  }
  const growth = fastestGrowth(weighted);
  if (growth && growth.factor > thresholds.explodingRatio) {
    return done(
      'exploding',
      `The gradient of ${describe(growth.layer)} grew ${fmt(growth.factor)}-fold over ${growth.layer.perStep.length} steps (exploding above ${fmt(thresholds.explodingRatio)}-fold).`,
    );
  }
  const throughTime = (verdict: Verdict): Judgement | null => {
    const layer = layers.find((l) => l.temporal?.verdict === verdict);
    return layer ? done(verdict, `In ${describe(layer)}, ${layer.temporal!.summary}`) : null;
  };
  const explodingInTime = throughTime('exploding');
  if (explodingInTime) return explodingInTime;

  const first = weighted[0]!;
  const firstRatio = first.gradNorm! / outNorm;
  const vanishingInTime = firstRatio < thresholds.vanishingRatio ? null : throughTime('vanishing');
  if (vanishingInTime) return vanishingInTime;
  if (first === output) {
    return done(
      'healthy',
      `Only one layer has weights (${describe(output)}), so its gradient cannot vanish relative to another.`,
    );
  }
  if (firstRatio < thresholds.vanishingRatio) {
    return done(
      'vanishing',
      `The first hidden layer ${describe(first)} has gradient norm ${fmt(first.gradNorm!)}, ${fmt(firstRatio)} × the output layer's ${fmt(outNorm)} (vanishing below ${fmt(thresholds.vanishingRatio)} ×).`,
    );
  }
  return done(
    'healthy',
    `The first hidden layer's gradient norm is ${fmt(firstRatio)} × the output layer's and no layer exceeds ${fmt(worstRatio)} × (healthy between ${fmt(thresholds.vanishingRatio)} and ${fmt(thresholds.explodingRatio)}).`,
  );
}

/** "The first Adam step" / "One plain gradient step (the model's optimizer is not known)". */
export function stepText(update: UpdateStep | undefined): string {
  if (!update) return 'The first optimizer step';
  if (update.plain) return "One plain gradient step (the model's optimizer is not known)";
  return `The first ${update.optimizer} step`;
}

function layerVerdict(
  layer: VerdictLayer,
  ratio: number | null,
  thresholds: Thresholds,
  maxUpdate: number,
): Verdict {
  if (layer.nonFinite > 0) return 'exploding';
  if ((layer.updateToWeightRatio ?? 0) > maxUpdate) return 'exploding';
  if (ratio === null) return 'healthy';
  if (ratio > thresholds.explodingRatio) return 'exploding';
  if (ratio < thresholds.vanishingRatio) return 'vanishing';
  return 'healthy';
}

function fastestGrowth(layers: VerdictLayer[]): { layer: VerdictLayer; factor: number } | null {
  let best: { layer: VerdictLayer; factor: number } | null = null;
  for (const layer of layers) {
    const firstStep = layer.perStep[0];
    const lastStep = layer.perStep[layer.perStep.length - 1];
    if (
      layer.perStep.length < 2 ||
      firstStep === undefined ||
      lastStep === undefined ||
      !(firstStep > 0)
    )
      continue;
    const factor = lastStep / firstStep;
    if (!best || factor > best.factor) best = { layer, factor };
  }
  return best;
}

function describe(layer: VerdictLayer): string {
  return layer.line === null ? layer.name : `${layer.name} (line ${layer.line})`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Compact number for sentences: 3 significant digits, scientific outside [0.01, 1000). */
export function fmt(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const rounded = Number(value.toPrecision(3));
  return abs >= 0.01 && abs < 1000 ? String(rounded) : rounded.toExponential();
}
