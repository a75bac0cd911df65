/**
 * A run's records as per-layer series over steps: what the verdict judges, the CLI tabulates and
 * the charts draw. Plain data in (the parsed records), plain data out; values are decoded numbers
 * (NaN and Infinity included), null where a record had no value.
 */
import {
  decodeNum,
  type LayerInfo,
  type MonitorRecord,
  type StartRecord,
  type StepRecord,
} from './records';

export interface LayerSeries {
  index: number;
  name: string;
  className: string;
  weightNames: string[];
  grad: (number | null)[];
  weight: (number | null)[];
  update: (number | null)[];
  stepUpdate: (number | null)[];
  nonFinite: number[];
  weightNonFinite: number[];
}

export interface MonitorHistory {
  start: StartRecord | null;
  /** Step number of each sampled record, in order. */
  steps: number[];
  epochs: (number | null)[];
  batches: (number | null)[];
  loss: (number | null)[];
  triggers: StepRecord['trigger'][];
  layers: LayerSeries[];
  /** Per-epoch logs (loss, val_loss, acc, ...). */
  epochLogs: { epoch: number; logs: Record<string, number | null> }[];
  /** The run wrote its end record. */
  ended: boolean;
  /** Runs found in the log before the one shown (the log file was appended to). */
  earlierRuns: number;
  /** Raw step records, for per-weight detail. */
  records: StepRecord[];
}

export function buildHistory(all: MonitorRecord[]): MonitorHistory {
  const lastStart = findLastIndex(all, (r) => r.type === 'start');
  const run = lastStart >= 0 ? all.slice(lastStart) : all;
  const start = lastStart >= 0 ? (all[lastStart] as StartRecord) : null;
  const earlierRuns = all.filter((r) => r.type === 'start').length - (start ? 1 : 0);
  const records = run.filter((r): r is StepRecord => r.type === 'step');
  const layers = new Map<string, LayerSeries>();
  const order: LayerInfo[] = start?.model.layers.filter((l) => l.weights.length > 0) ?? [];
  for (const info of order)
    layers.set(
      key(info.index, info.name),
      emptySeries(
        info.index,
        info.name,
        info.className,
        info.weights.map((w) => w.name),
      ),
    );

  records.forEach((record, i) => {
    for (const layer of record.layers ?? []) {
      const k = key(layer.index, layer.name);
      let series = layers.get(k);
      if (!series) {
        series = emptySeries(
          layer.index,
          layer.name,
          layer.className,
          (layer.weights ?? []).map((w) => w.name),
        );
        layers.set(k, series);
      }
      padTo(series, i);
      series.grad.push(decodeNum(layer.grad));
      series.weight.push(decodeNum(layer.weight));
      series.update.push(decodeNum(layer.update));
      series.stepUpdate.push(decodeNum(layer.stepUpdate));
      series.nonFinite.push(count(layer.nonFinite));
      series.weightNonFinite.push(count(layer.weightNonFinite));
    }
  });
  for (const series of layers.values()) padTo(series, records.length);

  return {
    start,
    steps: records.map((r) => r.step),
    epochs: records.map((r) => (typeof r.epoch === 'number' ? r.epoch : null)),
    batches: records.map((r) => (typeof r.batch === 'number' ? r.batch : null)),
    loss: records.map((r) => decodeNum(r.loss)),
    triggers: records.map((r) => (r.trigger === 'non-finite' ? 'non-finite' : 'sample')),
    layers: [...layers.values()].sort((a, b) => a.index - b.index),
    epochLogs: run
      .filter((r) => r.type === 'epoch')
      .map((r) => ({
        epoch: r.epoch,
        logs: Object.fromEntries(Object.entries(r.logs).map(([k, v]) => [k, decodeNum(v)])),
      })),
    ended: run.some((r) => r.type === 'end'),
    earlierRuns,
    records,
  };
}

/** The output layer: the last layer with weights (the ratio reference, as in the probe). */
export function outputLayer(history: MonitorHistory): LayerSeries | null {
  return history.layers[history.layers.length - 1] ?? null;
}

/** The whole model's gradient norm at each record, from its layers' norms. */
export function totalGradNorm(history: MonitorHistory): (number | null)[] {
  return history.steps.map((_, i) => {
    let sum = 0;
    let any = false;
    for (const layer of history.layers) {
      const value = layer.grad[i];
      if (value === null) continue;
      any = true;
      sum += value * value;
    }
    return any ? Math.sqrt(sum) : null;
  });
}

function emptySeries(
  index: number,
  name: string,
  className: string,
  weightNames: string[],
): LayerSeries {
  return {
    index,
    name,
    className,
    weightNames,
    grad: [],
    weight: [],
    update: [],
    stepUpdate: [],
    nonFinite: [],
    weightNonFinite: [],
  };
}

function padTo(series: LayerSeries, length: number): void {
  while (series.grad.length < length) {
    series.grad.push(null);
    series.weight.push(null);
    series.update.push(null);
    series.stepUpdate.push(null);
    series.nonFinite.push(0);
    series.weightNonFinite.push(0);
  }
}

function key(index: number, name: string): string {
  return `${index}:${name}`;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function findLastIndex<T>(list: T[], test: (item: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i])) return i;
  return -1;
}
