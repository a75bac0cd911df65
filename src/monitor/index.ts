/**
 * gradient-lens/monitor: watch gradient, weight and update norms during real training.
 *
 *   const { gradientMonitor } = require('gradient-lens/monitor');
 *   await model.fit(xs, ys, { callbacks: [gradientMonitor(model, { logFile: 'runs/exp1.jsonl' })] });
 *
 * Runs inside the training process with the tfjs the user's code already loaded (never a copy of
 * its own); imports nothing heavy, so this bundle is small and starts instantly.
 */
import { Monitor, type ModelLike, type OptimizerLike } from './monitor';
import { resolveTf } from './tf';

export { judge, MONITOR_THRESHOLDS } from './verdict';
export type { MonitorVerdict, MonitorThresholds, Evidence } from './verdict';
export { parseLog } from './records';
export type * from './records';
export { buildHistory } from './history';

export interface MonitorOptions {
  /** The tfjs module to use; by default the one already loaded (tfjs-node-gpu, tfjs-node, tfjs) or a global `tf`. */
  tf?: unknown;
  /** JSON Lines file to write (Node only). Without it, records stay in memory. */
  logFile?: string;
  /** Append to an existing log instead of starting it afresh (default false). */
  append?: boolean;
  /** Record every Nth optimizer step (default 10; step 0 is always recorded). */
  sampleEvery?: number;
  /** Check every step for non-finite gradients and record the first one (default true). */
  watchNonFinite?: boolean;
  /** Print a one-line summary per epoch: true for console.log, or a function taking the line. */
  verbose?: boolean | ((line: string) => void);
  /** Records kept in memory for records() and download() (default 10000; the file keeps all). */
  maxRecords?: number;
  /** The optimizer to watch, for custom loops; default: the compiled model's. */
  optimizer?: unknown;
}

export const MONITOR_DEFAULTS = {
  sampleEvery: 10,
  watchNonFinite: true,
  append: false,
  maxRecords: 10_000,
} as const;

/** A tfjs callback for fit / fitDataset that also serves custom loops through attach() and endStep(). */
export interface GradientMonitor {
  onTrainBegin(logs?: unknown): Promise<void>;
  onEpochBegin(epoch: number, logs?: unknown): Promise<void>;
  onBatchBegin(batch: number, logs?: unknown): Promise<void>;
  onBatchEnd(batch: number, logs?: Record<string, unknown>): Promise<void>;
  onEpochEnd(epoch: number, logs?: Record<string, unknown>): Promise<void>;
  onTrainEnd(logs?: unknown): Promise<void>;
  /** tfjs calls these when the monitor is listed next to built-in callbacks (BaseCallback instances). */
  setParams(params: unknown): void;
  setModel(model: unknown): void;
  /** Starts watching the optimizer now (custom loops; fit does it in onTrainBegin). */
  attach(): GradientMonitor;
  /** Custom loops: the step's loss (number or scalar tensor); writes the pending record. */
  endStep(loss?: unknown): void;
  endEpoch(epoch: number, logs?: Record<string, unknown>): void;
  /** Writes the end record, stops watching and frees the weight snapshots. */
  close(): void;
  /** The records so far (the newest `maxRecords`). */
  records(): ReturnType<Monitor['records']>;
  /** The records as JSON Lines text. */
  toJsonl(): string;
  /** Browser: saves the records as a .jsonl file; false where there is no page to save from. */
  download(fileName?: string): boolean;
}

export function gradientMonitor(model: unknown, options: MonitorOptions = {}): GradientMonitor {
  const sampleEvery = options.sampleEvery ?? MONITOR_DEFAULTS.sampleEvery;
  if (!Number.isInteger(sampleEvery) || sampleEvery < 1)
    throw new Error(
      `gradient-lens monitor: sampleEvery must be a positive integer (got ${String(options.sampleEvery)}).`,
    );
  if (model !== null && model !== undefined && !Array.isArray((model as ModelLike).layers))
    throw new Error(
      'gradient-lens monitor: the first argument must be a tfjs LayersModel (or null in a custom loop).',
    );
  const verbose = options.verbose;
  const tf = resolveTf(options.tf);
  const monitor = new Monitor({
    tf,
    model: (model as ModelLike | null | undefined) ?? null,
    optimizer: (options.optimizer as OptimizerLike | undefined) ?? null,
    logFile: options.logFile,
    append: options.append ?? MONITOR_DEFAULTS.append,
    sampleEvery,
    watchNonFinite: options.watchNonFinite ?? MONITOR_DEFAULTS.watchNonFinite,
    maxRecords: options.maxRecords ?? MONITOR_DEFAULTS.maxRecords,
    log: typeof verbose === 'function' ? verbose : verbose ? (line) => console.log(line) : null,
  });
  let attachedByFit = false;
  const api: GradientMonitor = {
    async onTrainBegin() {
      attachedByFit = true;
      monitor.attach();
    },
    async onEpochBegin(epoch) {
      monitor.setEpoch(epoch);
    },
    async onBatchBegin() {},
    async onBatchEnd(batch, logs) {
      monitor.endStep(logs?.loss, batch);
    },
    async onEpochEnd(epoch, logs) {
      monitor.endEpoch(epoch, logs);
    },
    async onTrainEnd() {
      monitor.end();
      if (attachedByFit) monitor.detach();
      attachedByFit = false;
    },
    setParams() {},
    setModel() {},
    attach() {
      monitor.attach();
      return api;
    },
    endStep: (loss) => monitor.endStep(loss),
    endEpoch: (epoch, logs) => monitor.endEpoch(epoch, logs),
    close: () => monitor.close(),
    records: () => monitor.records(),
    toJsonl: () => monitor.text(),
    download: (fileName) => monitor.download(fileName),
  };
  // A plain object, as tfjs expects user callbacks. tfjs decides by the list's first entry whether
  // all entries are its own Callback instances, so built-ins (tf.callbacks.earlyStopping) must come
  // before the monitor in a list; the monitor has every Callback method, so it works there too.
  return api;
}

/**
 * Custom training loops: watches `optimizer` right away. Call `endStep(loss)` after each
 * `optimizer.minimize` / `applyGradients` to add the loss, and `close()` at the end.
 */
export function monitorOptimizer(
  optimizer: unknown,
  model: unknown = null,
  options: Omit<MonitorOptions, 'optimizer'> = {},
): GradientMonitor {
  return gradientMonitor(model, { ...options, optimizer }).attach();
}
