/**
 * What the browser script draws, computed here so the script stays small: one point per layer
 * that has weights, from input to output. Ratios that are zero or missing are null (gaps on a log axis).
 */
import type { LayerProbe, ProbeReport, Verdict } from '../probe/types';
import { alignLayers } from './align';

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
  /** Recurrent layers' gradient per input time step, relative to the step each reads last; null without any. */
  temporal: TemporalPayload | null;
}

export interface TemporalPayload {
  /** "1" .. "T" for the longest sequence. */
  labels: string[];
  series: Series[];
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
  const aligned = comparison ? alignLayers(report.layers, comparison.layers).matched : null;
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
          values: layers.map((l) => positive(aligned?.get(l.index)?.ratioToOutput)),
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
    temporal: temporalPayload(report),
  };
}

/** One line per recurrent layer: each step's gradient over the gradient of the step the layer reads last. */
function temporalPayload(report: ProbeReport): TemporalPayload | null {
  const recurrent = report.layers.filter((l) => l.temporal && l.temporal.steps > 0);
  if (recurrent.length === 0) return null;
  const longest = Math.max(...recurrent.map((l) => l.temporal!.steps));
  return {
    labels: Array.from({ length: longest }, (_, i) => String(i + 1)),
    series: recurrent.map((l) => {
      const t = l.temporal!;
      const norms = t.gradNormByStep;
      // Both ends of a bidirectional layer are read last by one direction: its peak is the reference.
      const near = t.directions
        ? Math.max(...norms)
        : t.reversed
          ? norms[0]
          : norms[norms.length - 1];
      return {
        label: `#${l.index} ${l.name}`,
        values: norms.map((n) => {
          const ratio = near !== undefined && near > 0 ? n / near : null;
          return ratio !== null && Number.isFinite(ratio) && ratio > 0 ? ratio : null;
        }),
      };
    }),
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
