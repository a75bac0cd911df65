/**
 * Judgement of a training run from its monitor records: plain functions shared by the monitor's
 * epoch line, the CLI and the editor. The ratio thresholds are the probe's (same meaning: a layer's
 * gradient norm against the output layer's; one step's change against the weight's norm), judged
 * here on the median of the latest records so one noisy batch decides nothing.
 */
import { THRESHOLD_DEFAULTS } from '../probe/defaults';
import {
  buildHistory,
  outputLayer,
  totalGradNorm,
  type LayerSeries,
  type MonitorHistory,
} from './history';
import type { MonitorRecord } from './records';

export type MonitorVerdictKind = 'healthy' | 'vanishing' | 'exploding' | 'non-finite' | 'no-data';

export interface MonitorThresholds {
  /** Vanishing when the first layer's gradient norm is below this times the output layer's. */
  vanishingRatio: number;
  /** Exploding when a layer's gradient norm is above this times the output layer's. */
  explodingRatio: number;
  /** Exploding when one step changes a layer's weights by more than this fraction of their norm. */
  maxUpdateRatio: number;
  /** Vanishing when a layer's steps change its weights by less than this fraction (it stopped learning). */
  minUpdateRatio: number;
  /** Exploding when the model's gradient norm grew by this factor and is still growing. */
  growthFactor: number;
  /** How many of the latest records the ratio checks take the median over. */
  window: number;
}

export const MONITOR_THRESHOLDS: MonitorThresholds = {
  vanishingRatio: THRESHOLD_DEFAULTS.vanishingRatio,
  explodingRatio: THRESHOLD_DEFAULTS.explodingRatio,
  maxUpdateRatio: THRESHOLD_DEFAULTS.maxUpdateRatio,
  minUpdateRatio: 1e-7,
  growthFactor: 100,
  window: 5,
};

export type EvidenceKind =
  | 'non-finite-gradient'
  | 'non-finite-weight'
  | 'non-finite-loss'
  | 'growing'
  | 'ratio-high'
  | 'ratio-low'
  | 'update-high'
  | 'update-low';

export interface Evidence {
  kind: EvidenceKind;
  /** The first step it was seen at (null when only an epoch's logs show it). */
  step: number | null;
  layer: { index: number; name: string; className: string } | null;
  weight: string | null;
  value: number | null;
  message: string;
}

export interface MonitorVerdict {
  verdict: MonitorVerdictKind;
  reason: string;
  /** The first step with a problem that decided the verdict. */
  firstBadStep: number | null;
  evidence: Evidence[];
  thresholds: MonitorThresholds;
}

export function judge(
  input: MonitorRecord[] | MonitorHistory,
  overrides: Partial<MonitorThresholds> = {},
): MonitorVerdict {
  const thresholds = { ...MONITOR_THRESHOLDS, ...overrides };
  const history = Array.isArray(input) ? buildHistory(input) : input;
  const evidence = [
    ...nonFinite(history),
    ...growing(history, thresholds),
    ...ratios(history, thresholds),
    ...updates(history, thresholds),
  ];
  const decide = (verdict: MonitorVerdictKind, kinds: EvidenceKind[]): MonitorVerdict | null => {
    const found = evidence.filter((e) => kinds.includes(e.kind));
    if (found.length === 0) return null;
    const first = found.reduce((a, b) => ((b.step ?? Infinity) < (a.step ?? Infinity) ? b : a));
    return { verdict, reason: first.message, firstBadStep: first.step, evidence, thresholds };
  };
  if (history.steps.length === 0 && evidence.length === 0)
    return {
      verdict: 'no-data',
      reason: 'No step records yet.',
      firstBadStep: null,
      evidence,
      thresholds,
    };
  return (
    decide('non-finite', ['non-finite-gradient', 'non-finite-weight', 'non-finite-loss']) ??
    decide('exploding', ['growing', 'ratio-high', 'update-high']) ??
    decide('vanishing', ['ratio-low', 'update-low']) ?? {
      verdict: 'healthy',
      reason: `No problem in ${history.steps.length} sampled steps (up to step ${history.steps[history.steps.length - 1]}).`,
      firstBadStep: null,
      evidence,
      thresholds,
    }
  );
}

/**
 * The first record with a non-finite gradient. Backpropagation reaches the layers from the output
 * down, so the non-finite layer nearest the output is where the values first went bad; the others
 * are listed in the message.
 */
function nonFinite(history: MonitorHistory): Evidence[] {
  const found: Evidence[] = [];
  for (let i = 0; i < history.steps.length; i++) {
    const bad = history.layers.filter((l) => l.nonFinite[i] > 0 || isNonFinite(l.grad[i]));
    if (bad.length === 0) continue;
    const origin = bad[bad.length - 1];
    const record = history.records[i].layers.find(
      (l) => l.index === origin.index && l.name === origin.name,
    );
    const weight =
      record?.weights.find((w) => w.nonFinite > 0 || typeof w.grad === 'string')?.name ?? null;
    const others =
      bad.length > 1
        ? ` (also ${bad
            .slice(0, -1)
            .map((l) => l.name)
            .join(', ')})`
        : '';
    found.push({
      kind: 'non-finite-gradient',
      step: history.steps[i],
      layer: ref(origin),
      weight,
      value: origin.nonFinite[i],
      message: `Non-finite gradient at step ${history.steps[i]}${where(history, i)}: layer ${origin.name}${weight ? ` (${weight})` : ''}${others}.`,
    });
    break;
  }
  for (let i = 0; i < history.steps.length; i++) {
    const bad = history.layers.find((l) => l.weightNonFinite[i] > 0);
    if (!bad) continue;
    found.push({
      kind: 'non-finite-weight',
      step: history.steps[i],
      layer: ref(bad),
      weight: null,
      value: bad.weightNonFinite[i],
      message: `Layer ${bad.name}'s weights became non-finite at step ${history.steps[i]}${where(history, i)}.`,
    });
    break;
  }
  if (found.length > 0) return found;
  const lossAt = history.loss.findIndex((l) => isNonFinite(l));
  if (lossAt >= 0)
    return [
      {
        kind: 'non-finite-loss',
        step: history.steps[lossAt],
        layer: null,
        weight: null,
        value: history.loss[lossAt],
        message: `The loss is ${history.loss[lossAt]} at step ${history.steps[lossAt]}${where(history, lossAt)}.`,
      },
    ];
  const epoch = history.epochLogs.find((e) => isNonFinite(e.logs.loss));
  return epoch
    ? [
        {
          kind: 'non-finite-loss',
          step: null,
          layer: null,
          weight: null,
          value: epoch.logs.loss,
          message: `The loss is ${epoch.logs.loss} at the end of epoch ${epoch.epoch}.`,
        },
      ]
    : [];
}

/** The model's gradient norm far above where it started and still rising over the last records. */
function growing(history: MonitorHistory, t: MonitorThresholds): Evidence[] {
  const totals = totalGradNorm(history);
  const finite = totals
    .map((value, i) => ({ value, i }))
    .filter((p): p is { value: number; i: number } => p.value !== null && Number.isFinite(p.value));
  if (finite.length < 4) return [];
  const base = median(finite.slice(0, 3).map((p) => p.value));
  const last = finite.slice(-3);
  const rising = last.every((p, k) => k === 0 || p.value > last[k - 1].value);
  const peak = last[last.length - 1];
  if (!(base > 0) || !rising || peak.value < t.growthFactor * base) return [];
  const crossed = finite.find((p) => p.value >= t.growthFactor * base) ?? peak;
  return [
    {
      kind: 'growing',
      step: history.steps[crossed.i],
      layer: null,
      weight: null,
      value: peak.value / base,
      message: `The gradient norm grew ${fmt(peak.value / base)}× (from ${fmt(base)} to ${fmt(peak.value)} at step ${history.steps[peak.i]}) and is still rising.`,
    },
  ];
}

/** Layer-to-output gradient ratios over the latest records, as the probe judges them at initialisation. */
function ratios(history: MonitorHistory, t: MonitorThresholds): Evidence[] {
  const output = outputLayer(history);
  if (!output || history.layers.length < 2) return [];
  const recent = recentFinite(history, t.window);
  if (recent.length === 0) return [];
  const ratioOf = (layer: LayerSeries) =>
    median(recent.map((i) => ratio(layer.grad[i], output.grad[i])).filter(isNumber));
  const found: Evidence[] = [];
  const first = history.layers[0];
  const firstRatio = ratioOf(first);
  if (Number.isFinite(firstRatio) && firstRatio < t.vanishingRatio)
    found.push({
      kind: 'ratio-low',
      step: history.steps[recent[0]],
      layer: ref(first),
      weight: null,
      value: firstRatio,
      message: `Layer ${first.name}'s gradient is ${fmt(firstRatio)}× the output layer's (median of the last ${recent.length} records; vanishing below ${fmt(t.vanishingRatio)}).`,
    });
  for (const layer of history.layers.slice(0, -1)) {
    const value = ratioOf(layer);
    if (Number.isFinite(value) && value > t.explodingRatio) {
      found.push({
        kind: 'ratio-high',
        step: history.steps[recent[0]],
        layer: ref(layer),
        weight: null,
        value,
        message: `Layer ${layer.name}'s gradient is ${fmt(value)}× the output layer's (median of the last ${recent.length} records; exploding above ${fmt(t.explodingRatio)}).`,
      });
      break;
    }
  }
  return found;
}

/** One step's change against the weights' norm: too large overshoots, too small means no learning. */
function updates(history: MonitorHistory, t: MonitorThresholds): Evidence[] {
  const found: Evidence[] = [];
  outer: for (let i = 0; i < history.steps.length; i++) {
    for (const layer of history.layers) {
      const value = ratio(layer.stepUpdate[i], layer.weight[i]);
      if (value !== null && Number.isFinite(value) && value > t.maxUpdateRatio) {
        found.push({
          kind: 'update-high',
          step: history.steps[i],
          layer: ref(layer),
          weight: null,
          value,
          message: `At step ${history.steps[i]} one update changed layer ${layer.name}'s weights by ${value.toPrecision(3)}× their norm (exploding above ${fmt(t.maxUpdateRatio)}).`,
        });
        break outer;
      }
    }
  }
  const recent = recentFinite(history, t.window);
  for (const layer of history.layers) {
    const value = median(
      recent.map((i) => ratio(layer.stepUpdate[i], layer.weight[i])).filter(isNumber),
    );
    if (Number.isFinite(value) && value < t.minUpdateRatio) {
      found.push({
        kind: 'update-low',
        step: history.steps[recent[0]],
        layer: ref(layer),
        weight: null,
        value,
        message: `Layer ${layer.name} has stopped learning: each step changes its weights by ${fmt(value)}× their norm (median of the last ${recent.length} records; below ${fmt(t.minUpdateRatio)}).`,
      });
      break;
    }
  }
  return found;
}

/** Indices of the latest records whose gradients are all finite. */
function recentFinite(history: MonitorHistory, window: number): number[] {
  const finite = history.steps
    .map((_, i) => i)
    .filter((i) => history.layers.every((l) => l.grad[i] === null || Number.isFinite(l.grad[i])));
  return finite.slice(-window);
}

function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !(b > 0)) return null;
  return a / b;
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function where(history: MonitorHistory, i: number): string {
  const epoch = history.epochs[i];
  const batch = history.batches[i];
  return epoch !== null && batch !== null ? ` (epoch ${epoch}, batch ${batch})` : '';
}

function ref(layer: LayerSeries): Evidence['layer'] {
  return { index: layer.index, name: layer.name, className: layer.className };
}

function isNumber(value: number | null): value is number {
  return value !== null && !Number.isNaN(value);
}

function isNonFinite(value: number | null | undefined): boolean {
  return typeof value === 'number' && !Number.isFinite(value);
}

/** Three significant digits, scientific outside everyday magnitudes. */
export function fmt(value: number | null): string {
  if (value === null) return '—';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5))
    return value.toExponential(2).replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}
