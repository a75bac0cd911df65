/**
 * The training monitor. tfjs callbacks never see gradients, but `fit`, `fitDataset`, `trainOnBatch`
 * and `optimizer.minimize` all hand them to `optimizer.applyGradients`: the monitor wraps that method
 * on the optimizer instance, reads the named gradients on sampled steps without touching them, calls
 * the original, and then measures how far each weight moved. The callback half adds the loss and the
 * epoch from tfjs's logs and writes the record.
 */
import { allFinite, combine, tensorStats, type TensorStats } from './measure';
import { createSink, downloadText, type Sink } from './sink';
import { LOG_FORMAT, LOG_VERSION } from './records';
import type { LayerInfo, LayerStats, MonitorRecord, Num, StepRecord, WeightStats } from './records';
import { tfjsVersion, type TensorLike, type TfLike, type VariableLike } from './tf';
import { judge } from './verdict';
import { epochLine } from './summary-line';

/** The parts of a tfjs LayersModel the monitor reads. */
export interface ModelLike {
  name?: string;
  layers: {
    name: string;
    getClassName(): string;
    trainableWeights: { name: string; shape: (number | null)[] }[];
  }[];
  optimizer?: OptimizerLike;
}

type NamedGrads = Record<string, TensorLike> | { name: string; tensor: TensorLike }[];

export interface OptimizerLike {
  applyGradients(grads: NamedGrads): void;
  getClassName?(): string;
  learningRate?: number;
}

export interface MonitorSettings {
  tf: TfLike;
  model: ModelLike | null;
  optimizer: OptimizerLike | null;
  logFile?: string;
  append: boolean;
  sampleEvery: number;
  watchNonFinite: boolean;
  maxRecords: number;
  log: ((line: string) => void) | null;
}

/** A step between samples, kept until its loss says whether to measure it. */
interface HeldStep {
  step: number;
  names: string[];
  weights: (VariableLike | null)[];
  before: (TensorLike | null)[];
  grads: TensorLike[];
}

interface Slot {
  layer: number;
  layerName: string;
  className: string;
}

export class Monitor {
  private readonly tf: TfLike;
  private readonly sink: Sink;
  private readonly slots = new Map<string, Slot>();
  private readonly layers: LayerInfo[];
  /** Each weight's value at the previous record, held as a zero-copy clone. */
  private readonly snapshots = new Map<string, TensorLike>();
  private optimizer: OptimizerLike | null = null;
  private original: OptimizerLike['applyGradients'] | null = null;
  private wrapper: OptimizerLike['applyGradients'] | null = null;
  private started = 0;
  private step = 0;
  private lastRecordStep = -1;
  private lastFinite = true;
  private epoch: number | null = null;
  private pending: StepRecord | null = null;
  private held: HeldStep | null = null;
  private wroteStart = false;

  constructor(private readonly settings: MonitorSettings) {
    this.tf = settings.tf;
    this.sink = createSink(settings);
    this.layers = describeLayers(settings.model);
    this.layers.forEach((layer) => {
      for (const weight of layer.weights)
        this.slots.set(weight.name, {
          layer: layer.index,
          layerName: layer.name,
          className: layer.className,
        });
    });
  }

  /** Starts watching the optimizer (the model's, unless one was given). Idempotent. */
  attach(): void {
    if (this.wrapper && this.optimizer?.applyGradients === this.wrapper) return;
    const optimizer = this.settings.optimizer ?? this.settings.model?.optimizer ?? null;
    if (!optimizer || typeof optimizer.applyGradients !== 'function')
      throw new Error(
        'gradient-lens monitor: no optimizer to watch: compile the model first, or pass { optimizer }.',
      );
    this.optimizer = optimizer;
    this.original = optimizer.applyGradients;
    const original = this.original;
    const wrapper = (grads: NamedGrads) => this.applyGradients(original, optimizer, grads);
    this.wrapper = wrapper;
    optimizer.applyGradients = wrapper;
    if (!this.wroteStart) this.writeStart(optimizer);
  }

  /** Stops watching: the optimizer's own method comes back (unless something wrapped it after us). */
  detach(): void {
    const { optimizer, original, wrapper } = this;
    if (!optimizer || !original) return;
    if (optimizer.applyGradients === wrapper) optimizer.applyGradients = original;
    else this.wrapper = null; // someone else wrapped ours: it now passes straight through
    this.optimizer = null;
  }

  /** Called after each training step: adds the loss (a number or a scalar tensor) to a pending record. */
  endStep(loss?: unknown, batch?: number): void {
    const value = lossValue(loss);
    this.settleHeld(value);
    const record = this.pending;
    if (!record) return;
    record.loss = value;
    record.batch = batch ?? record.batch;
    this.flush();
  }

  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  endEpoch(epoch: number, logs: Record<string, unknown> | undefined): void {
    this.flush();
    const values: Record<string, Num> = {};
    for (const [key, value] of Object.entries(logs ?? {})) {
      const number = lossValue(value);
      if (number !== null) values[key] = number;
    }
    this.sink.write({ type: 'epoch', epoch, logs: values, ms: this.elapsed() });
    if (this.settings.log) this.settings.log(epochLine(epoch, values, judge(this.sink.records())));
  }

  end(): void {
    this.settleHeld();
    this.flush();
    if (this.wroteStart) this.sink.write({ type: 'end', steps: this.step, ms: this.elapsed() });
  }

  /** Releases the held snapshots and stops watching. */
  close(): void {
    this.end();
    this.detach();
    for (const snapshot of this.snapshots.values()) snapshot.dispose();
    this.snapshots.clear();
  }

  records(): MonitorRecord[] {
    this.flush();
    return this.sink.records();
  }

  text(): string {
    this.flush();
    return this.sink.text();
  }

  download(fileName = 'gradient-monitor.jsonl'): boolean {
    return downloadText(this.text(), fileName);
  }

  private applyGradients(
    original: OptimizerLike['applyGradients'],
    optimizer: OptimizerLike,
    grads: NamedGrads,
  ): void {
    if (this.wrapper === null) return original.call(optimizer, grads);
    this.settleHeld();
    this.flush();
    const step = this.step++;
    const entries = namedEntries(grads);
    const sampled = step % this.settings.sampleEvery === 0;
    const watch = this.settings.watchNonFinite && this.lastFinite;
    if (!sampled && !watch) return original.call(optimizer, grads);

    const variables = this.tf.engine().registeredVariables;
    const names = entries.map((e) => e.name);
    const weights = names.map((name) => variables[name] ?? null);
    if (sampled) {
      // Zero-copy clones: the optimizer assigns new tensors to its variables, so these keep the old values.
      const before = weights.map((w) => (w ? this.tf.keep(this.tf.clone(w)) : null));
      const gradStats = tensorStats(
        this.tf,
        entries.map((e) => e.tensor),
      );
      original.call(optimizer, grads);
      this.record({ step, names, weights, before, grads: [] }, gradStats, 'sample');
      before.forEach((b) => b?.dispose());
      return;
    }
    // Between samples nothing is read: the gradients are held (zero-copy clones, as the caller frees
    // them) until the step's loss arrives, and measured only if that loss is not finite, so the first
    // bad step is recorded exactly. Its step update is not kept: by then the weights are ruined anyway.
    const held = entries.map((e) => this.tf.keep(this.tf.clone(e.tensor)));
    original.call(optimizer, grads);
    this.held = { step, names, weights, before: names.map(() => null), grads: held };
  }

  /** A held step whose loss never came (a custom loop without endStep): checked by its gradients. */
  private settleHeld(loss?: number | null): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    const bad =
      loss === undefined
        ? !allFinite(this.tf, held.grads)
        : loss !== null && !Number.isFinite(loss);
    if (bad) this.record(held, tensorStats(this.tf, held.grads), 'non-finite');
    held.grads.forEach((g) => g.dispose());
    held.before.forEach((b) => b?.dispose());
  }

  private record(held: HeldStep, gradStats: TensorStats[], trigger: StepRecord['trigger']): void {
    const { step, names } = held;
    const after = this.afterStep(names, held.weights, held.before);
    const stats: WeightStats[] = names.map((name, i) => ({
      name,
      grad: gradStats[i].norm,
      weight: after[i].weight,
      update: after[i].update,
      stepUpdate: after[i].stepUpdate,
      nonFinite: gradStats[i].nonFinite,
      weightNonFinite: after[i].weightNonFinite,
    }));
    this.lastFinite = stats.every((s) => s.nonFinite === 0);
    this.pending = {
      type: 'step',
      step,
      epoch: this.epoch,
      batch: null,
      loss: null,
      ms: this.elapsed(),
      span: this.lastRecordStep < 0 ? step + 1 : step - this.lastRecordStep,
      trigger,
      layers: this.groupByLayer(stats),
    };
    this.lastRecordStep = step;
  }

  /** Weight norms after the step, the step's own change, and the change since the last record. */
  private afterStep(
    names: string[],
    weights: (VariableLike | null)[],
    before: (TensorLike | null)[],
  ): {
    weight: number;
    weightNonFinite: number;
    stepUpdate: number | null;
    update: number | null;
  }[] {
    const tf = this.tf;
    const present = weights.map((w, i) => (w ? i : -1)).filter((i) => i >= 0);
    const diffs = tf.tidy(() =>
      present.flatMap((i) => {
        const w = weights[i] as VariableLike;
        const snapshot = this.snapshots.get(names[i]);
        return [
          w,
          before[i] ? tf.sub(w, before[i] as TensorLike) : tf.scalar(0),
          snapshot ? tf.sub(w, snapshot) : tf.scalar(0),
        ].map((t) => tf.keep(t));
      }),
    );
    const stats = tensorStats(tf, diffs);
    diffs.forEach((d, k) => {
      if (k % 3 !== 0) d.dispose(); // the weights themselves are the model's, not ours to free
    });
    const result = names.map(() => ({
      weight: NaN,
      weightNonFinite: 0,
      stepUpdate: null as number | null,
      update: null as number | null,
    }));
    present.forEach((i, k) => {
      result[i] = {
        weight: stats[3 * k].norm,
        weightNonFinite: stats[3 * k].nonFinite,
        stepUpdate: before[i] ? stats[3 * k + 1].norm : null,
        update: this.snapshots.has(names[i]) ? stats[3 * k + 2].norm : null,
      };
      this.snapshots.get(names[i])?.dispose();
      this.snapshots.set(names[i], tf.keep(tf.clone(weights[i] as VariableLike)));
    });
    return result;
  }

  private groupByLayer(stats: WeightStats[]): LayerStats[] {
    const layers = new Map<string, LayerStats>();
    stats.forEach((s) => {
      const slot = this.slots.get(s.name) ?? orphanSlot(s.name, this.layers.length);
      const key = `${slot.layer}:${slot.layerName}`;
      let layer = layers.get(key);
      if (!layer) {
        layer = {
          index: slot.layer,
          name: slot.layerName,
          className: slot.className,
          grad: 0,
          weight: 0,
          update: null,
          stepUpdate: 0,
          nonFinite: 0,
          weightNonFinite: 0,
          weights: [],
        };
        layers.set(key, layer);
      }
      layer.weights.push(s);
    });
    const list = [...layers.values()].sort((a, b) => a.index - b.index);
    for (const layer of list) {
      const ws = layer.weights;
      layer.grad = combine(ws.map((w) => w.grad as number));
      layer.weight = combine(ws.map((w) => w.weight as number));
      layer.stepUpdate = ws.every((w) => w.stepUpdate !== null)
        ? combine(ws.map((w) => w.stepUpdate as number))
        : null;
      layer.update = ws.every((w) => w.update !== null)
        ? combine(ws.map((w) => w.update as number))
        : null;
      layer.nonFinite = ws.reduce((n, w) => n + w.nonFinite, 0);
      layer.weightNonFinite = ws.reduce((n, w) => n + w.weightNonFinite, 0);
    }
    return list;
  }

  private flush(): void {
    if (!this.pending) return;
    this.sink.write(this.pending);
    this.pending = null;
  }

  private writeStart(optimizer: OptimizerLike): void {
    this.started = Date.now();
    this.wroteStart = true;
    // Snapshots of every trainable weight now, so the first record's update spans from here.
    const variables = this.tf.engine().registeredVariables;
    for (const name of this.slots.keys()) {
      const v = variables[name];
      if (v && !this.snapshots.has(name)) this.snapshots.set(name, this.tf.keep(this.tf.clone(v)));
    }
    this.sink.write({
      type: 'start',
      format: LOG_FORMAT,
      version: LOG_VERSION,
      time: new Date(this.started).toISOString(),
      model: { name: this.settings.model?.name ?? 'model', layers: this.layers },
      optimizer: safe(() => optimizer.getClassName?.() ?? null),
      learningRate: typeof optimizer.learningRate === 'number' ? optimizer.learningRate : null,
      backend: safe(() => this.tf.getBackend()),
      tfjsVersion: tfjsVersion(this.tf),
      sampleEvery: this.settings.sampleEvery,
      watchNonFinite: this.settings.watchNonFinite,
    });
  }

  private elapsed(): number {
    return Date.now() - this.started;
  }
}

function describeLayers(model: ModelLike | null): LayerInfo[] {
  if (!model) return [];
  return model.layers.map((layer, index) => ({
    index,
    name: layer.name,
    className: safe(() => layer.getClassName()) ?? 'Layer',
    weights: layer.trainableWeights.map((w) => ({
      name: w.name,
      shape: w.shape.map((d) => d ?? -1),
    })),
  }));
}

/** A variable outside the model (a custom loop's own): grouped under its name's prefix. */
function orphanSlot(name: string, after: number): Slot {
  const prefix = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : name;
  return { layer: after, layerName: prefix, className: 'Variable' };
}

function namedEntries(grads: NamedGrads): { name: string; tensor: TensorLike }[] {
  const list = Array.isArray(grads)
    ? grads
    : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
  return list.filter((e) => e.tensor != null);
}

/** A loss from tfjs's logs: a number, or a scalar tensor when the callback list hands raw tensors. */
function lossValue(value: unknown): number | null {
  if (typeof value === 'number') return value;
  const tensor = value as { dataSync?: () => ArrayLike<number>; size?: number } | null;
  if (tensor && typeof tensor.dataSync === 'function' && tensor.size === 1)
    return safe(() => tensor.dataSync!()[0]);
  return null;
}

function safe<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}
