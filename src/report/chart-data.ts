/**
 * What the browser script draws, computed here so the script stays small: one point per layer
 * that has weights, from input to output. Ratios that are zero or missing are null (gaps on a log axis).
 */
import type { LayerProbe, ProbeReport, Verdict } from '../probe/types';

export interface Series {
  label: string;
  values: (number | null)[];
}

export interface ChartPayload {
  labels: string[];
  measured: Series;
  estimate: Series | null;
  comparison: Series | null;
  /** Ratio to output at each optimizer step, when the probe ran more than one. */
  steps: Series[];
  thresholds: { vanishingRatio: number; explodingRatio: number };
  verdicts: Verdict[];
}

/** At most this many per-step lines; longer runs are sampled evenly (first and last kept). */
const MAX_STEP_LINES = 8;

export function chartPayload(
  report: ProbeReport,
  comparison?: ProbeReport,
  comparisonLabel?: string,
): ChartPayload {
  const layers = report.layers.filter(hasWeights);
  const positive = (v: number | null | undefined) =>
    v !== null && v !== undefined && Number.isFinite(v) && v > 0 ? v : null;
  const hasEstimate = layers.some((l) => positive(l.estimate) !== null);
  const byIndex = new Map((comparison?.layers ?? []).map((l) => [l.index, l]));
  return {
    labels: layers.map((l) => `#${l.index} ${l.name}`),
    measured: {
      label: 'measured ratio to output',
      values: layers.map((l) => positive(l.ratioToOutput)),
    },
    estimate: hasEstimate
      ? { label: 'static estimate', values: layers.map((l) => positive(l.estimate)) }
      : null,
    comparison: comparison
      ? {
          label: comparisonLabel ?? 'after fix',
          values: layers.map((l) => positive(byIndex.get(l.index)?.ratioToOutput)),
        }
      : null,
    steps: stepSeries(layers, report.steps).filter(
      (series) =>
        !sameValues(
          series.values,
          layers.map((l) => positive(l.ratioToOutput)),
        ),
    ),
    thresholds: report.thresholds,
    verdicts: layers.map((l) => l.verdict),
  };
}

/** A step line identical to the measured line (the first step usually is) would only hide it. */
function sameValues(a: (number | null)[], b: (number | null)[]): boolean {
  return a.every((v, i) => {
    const w = b[i];
    return v === w || (v !== null && w !== null && Math.abs(v - w) <= 1e-9 * Math.abs(w));
  });
}

function hasWeights(layer: LayerProbe): boolean {
  return layer.params > 0 && layer.gradNorm !== null;
}

function stepSeries(layers: LayerProbe[], steps: number): Series[] {
  const output = layers[layers.length - 1];
  const perStep = output?.gradNormPerStep;
  if (steps <= 1 || !perStep || perStep.length <= 1) return [];
  const chosen = sampleSteps(perStep.length);
  return chosen.map((step) => ({
    label: `step ${step + 1}`,
    values: layers.map((l) => {
      const norm = l.gradNormPerStep?.[step];
      const reference = perStep[step];
      const ratio = norm !== undefined && reference > 0 ? norm / reference : null;
      return ratio !== null && Number.isFinite(ratio) && ratio > 0 ? ratio : null;
    }),
  }));
}

function sampleSteps(total: number): number[] {
  if (total <= MAX_STEP_LINES) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: MAX_STEP_LINES }, (_, i) =>
    Math.round((i * (total - 1)) / (MAX_STEP_LINES - 1)),
  );
}
