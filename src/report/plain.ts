/**
 * The verdict in plain words, for the top of the report: what will happen to training and where, with one number
 * a newcomer can read ("1,000 times smaller"). The measured reason, with thresholds, stays beside it.
 */
import type { LayerProbe, ProbeReport } from '../probe/types';
import { count } from './format';

export function plainVerdict(report: ProbeReport): string {
  const weighted = report.layers.filter((l) => l.gradNorm !== null && l.params > 0);
  const where = (l: LayerProbe): string =>
    l.line === null ? l.name : `${l.name} (line ${l.line})`;
  const broken = report.layers.find((l) => l.nonFinite > 0);
  const badLoss = report.lossPerStep.findIndex((v) => !Number.isFinite(v));
  if (report.verdict === 'exploding' && (broken || badLoss >= 0)) {
    const step = firstBadStep(broken ?? null, badLoss);
    return `Training breaks${step ? ` at step ${step}` : ''}: the gradients${broken ? ` of ${where(broken)}` : ''} overflow to infinity or NaN, so the weights would become unusable.`;
  }
  const temporal = report.layers.find((l) => l.temporal && l.temporal.verdict === report.verdict);
  const output = weighted[weighted.length - 1];
  if (report.verdict === 'exploding') {
    if (
      temporal &&
      !weighted.some((l) => (l.ratioToOutput ?? 0) > report.thresholds.explodingRatio)
    ) {
      const t = temporal.temporal!;
      return `The gradient grows as it flows back through time in ${where(temporal)}: early time steps get ${times(t.peakToNear)} times the gradient of the last one, so training would jump around or overflow.`;
    }
    const worst = weighted.reduce<LayerProbe | null>(
      (a, l) => (!a || (l.ratioToOutput ?? 0) > (a.ratioToOutput ?? 0) ? l : a),
      null,
    );
    if (worst && output && worst !== output && (worst.ratioToOutput ?? 0) > 1) {
      return `Training would be unstable: ${where(worst)} gets a gradient ${times(worst.ratioToOutput)} times larger than the output layer's, so its weights would jump with every step.`;
    }
    return 'Training would be unstable: one gradient step would change some weights by more than their own size.';
  }
  if (report.verdict === 'vanishing') {
    const first = weighted[0];
    if (
      first &&
      first !== output &&
      (first.ratioToOutput ?? 1) < report.thresholds.vanishingRatio
    ) {
      return `The first layers would barely learn: ${where(first)} gets a gradient ${first.ratioToOutput ? `${times(1 / first.ratioToOutput)} times smaller than` : 'far below'} the output layer's.`;
    }
    if (temporal) {
      const t = temporal.temporal!;
      return `The model would not learn from early time steps: in ${where(temporal)} the gradient fades to almost nothing within about ${t.reach} of its ${t.steps} steps.`;
    }
    return 'No gradient reaches the weights: the model would not learn at all.';
  }
  return weighted.length > 1
    ? 'Gradients reach every layer at a useful size: nothing here stops the model from learning.'
    : 'The gradient reaches the model at a useful size.';
}

function firstBadStep(layer: LayerProbe | null, badLoss: number): number | null {
  const fromLayer = layer?.nonFinitePerStep?.findIndex((n) => n > 0) ?? -1;
  const steps = [fromLayer, badLoss].filter((s) => s >= 0);
  if (steps.length === 0) return null;
  return Math.min(...steps) + 1;
}

/** "1,000", "3 million", "2e+15": the size of a ratio in words a newcomer reads at once. */
function times(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return 'many';
  if (ratio < 10) return String(Number(ratio.toPrecision(2)));
  if (ratio < 1e6) return count(Number(ratio.toPrecision(2)));
  if (ratio < 1e9) return `${Number((ratio / 1e6).toPrecision(2))} million`;
  if (ratio < 1e12) return `${Number((ratio / 1e9).toPrecision(2))} billion`;
  return `about 10^${Math.round(Math.log10(ratio))}`;
}
