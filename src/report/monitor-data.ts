/**
 * What the training-monitor charts draw, computed here so the browser script stays small: per layer,
 * series over the sampled steps (gradient norm, its ratio to the output layer's, one step's update
 * against the weight norm), the loss, and the latest values for the table. Values that cannot sit on
 * a log axis (zero, negative, non-finite, missing) are null: gaps, with non-finite steps marked apart.
 */
import { outputLayer, type MonitorHistory } from '../monitor/history';
import type { MonitorThresholds, MonitorVerdict } from '../monitor/verdict';

/** Longer runs are thinned evenly to this many points per line (the first non-finite record kept). */
export const MAX_POINTS = 400;

export interface MonitorLayerRow {
  index: number;
  name: string;
  className: string;
  /** Source line of the layer, when the editor mapped the log to code. */
  line: number | null;
  grad: number | null;
  ratio: number | null;
  weight: number | null;
  updateRatio: number | null;
  nonFinite: number;
}

export interface MonitorChartPayload {
  steps: number[];
  layers: { index: number; name: string }[];
  grad: (number | null)[][];
  ratio: (number | null)[][];
  updateRatio: (number | null)[][];
  loss: (number | null)[];
  /** Steps (values, not indices) whose record had a non-finite gradient. */
  nonFiniteSteps: number[];
  thresholds: Pick<
    MonitorThresholds,
    'vanishingRatio' | 'explodingRatio' | 'maxUpdateRatio' | 'minUpdateRatio'
  >;
  verdict: { verdict: string; reason: string; firstBadStep: number | null };
  rows: MonitorLayerRow[];
  records: number;
  lastStep: number | null;
  ended: boolean;
}

export function monitorPayload(
  history: MonitorHistory,
  verdict: MonitorVerdict,
  lines: Map<number, number> = new Map(),
): MonitorChartPayload {
  const output = outputLayer(history);
  const chosen = thin(history);
  const pick = <T>(values: T[]) => chosen.map((i) => values[i]);
  const ratioAt = (a: number | null, b: number | null) =>
    a !== null && b !== null && b > 0 ? a / b : null;
  const last = history.steps.length - 1;
  return {
    steps: pick(history.steps),
    layers: history.layers.map((l) => ({ index: l.index, name: l.name })),
    grad: history.layers.map((l) => pick(l.grad).map(positive)),
    ratio: history.layers.map((l) =>
      chosen.map((i) => positive(ratioAt(l.grad[i], output?.grad[i] ?? null))),
    ),
    updateRatio: history.layers.map((l) =>
      chosen.map((i) => positive(ratioAt(l.stepUpdate[i], l.weight[i]))),
    ),
    loss: pick(history.loss).map(positive),
    nonFiniteSteps: history.steps.filter((_, i) => history.layers.some((l) => l.nonFinite[i] > 0)),
    thresholds: {
      vanishingRatio: verdict.thresholds.vanishingRatio,
      explodingRatio: verdict.thresholds.explodingRatio,
      maxUpdateRatio: verdict.thresholds.maxUpdateRatio,
      minUpdateRatio: verdict.thresholds.minUpdateRatio,
    },
    verdict: {
      verdict: verdict.verdict,
      reason: verdict.reason,
      firstBadStep: verdict.firstBadStep,
    },
    rows: history.layers.map((l) => ({
      index: l.index,
      name: l.name,
      className: l.className,
      line: lines.get(l.index) ?? null,
      grad: last >= 0 ? l.grad[last] : null,
      ratio: last >= 0 ? ratioAt(l.grad[last], output?.grad[last] ?? null) : null,
      weight: last >= 0 ? l.weight[last] : null,
      updateRatio: last >= 0 ? ratioAt(l.stepUpdate[last], l.weight[last]) : null,
      nonFinite: last >= 0 ? l.nonFinite[last] : 0,
    })),
    records: history.steps.length,
    lastStep: last >= 0 ? history.steps[last] : null,
    ended: history.ended,
  };
}

function positive(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) && value > 0
    ? value
    : null;
}

function thin(history: MonitorHistory): number[] {
  const total = history.steps.length;
  if (total <= MAX_POINTS) return Array.from({ length: total }, (_, i) => i);
  const picked = new Set(
    Array.from({ length: MAX_POINTS }, (_, k) => Math.round((k * (total - 1)) / (MAX_POINTS - 1))),
  );
  const firstBad =
    history.layers.length > 0
      ? history.steps.findIndex((_, i) => history.layers.some((l) => l.nonFinite[i] > 0))
      : -1;
  if (firstBad >= 0) picked.add(firstBad);
  return [...picked].sort((a, b) => a - b);
}
