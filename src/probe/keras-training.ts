/**
 * Keras optimizers in tfjs: the class and its arguments (the IR's resolved arguments of the code's
 * `Adam(learning_rate=1e-3, clipnorm=1.0)`, else the call's text, or a saved file's optimizer config) -> a tfjs optimizer with Keras's default learning rate where none is given,
 * and Keras's gradient clipping (clipnorm, global_clipnorm, clipvalue), which no tfjs optimizer has, applied in
 * the probe's own optimizer steps.
 */
import type { Optimizer, Tensor } from '@tensorflow/tfjs';
import { frameworkDefaults } from '../analysis/frameworks';
import type { Value } from '../analysis/ir';
import { callArguments } from './call-text';

type Tf = typeof import('@tensorflow/tfjs');
type Gradients = Parameters<Optimizer['applyGradients']>[0];

export interface KerasClipping {
  clipnorm?: number;
  globalClipnorm?: number;
  clipvalue?: number;
}

export interface KerasOptimizerSettings {
  /** Lower-case Keras class: adam, sgd, rmsprop, adagrad, adadelta, adamax, nadam, adamw, lion, ftrl, ... */
  kind: string;
  /** Numeric arguments as Keras names them (learning_rate, momentum, beta_1, clipnorm, ...). */
  numbers: Record<string, number>;
  nesterov: boolean;
  /** Arguments written with a value the probe cannot read (a variable, a schedule), by name. */
  unread: string[];
  /** Source text of the unread arguments, when known, for `--set NAME=VALUE`. */
  unreadText?: Record<string, string>;
  /** A learning-rate schedule the rate was taken from: its class and initial rate. */
  schedule?: { name: string; initial: number };
}

const KERAS_RATES = frameworkDefaults('keras').learningRate;

/** The arguments the probe reads; others keep Keras's defaults, which tfjs's match or the first step ignores. */
const READ = new Set([
  'learning_rate',
  'lr',
  'momentum',
  'beta_1',
  'beta_2',
  'epsilon',
  'rho',
  'initial_accumulator_value',
  'weight_decay',
  'clipnorm',
  'global_clipnorm',
  'clipvalue',
]);

const CLIP_KEYS = new Set(['clipnorm', 'global_clipnorm', 'clipvalue']);

/** From source text such as `keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)` or `'adam'`. */
export function settingsFromText(text: string, kind?: string): KerasOptimizerSettings {
  const quoted = /^\s*['"](\w+)['"]\s*$/.exec(text);
  const called = /(\w+)\s*\(/.exec(text);
  const name = (quoted?.[1] ?? called?.[1] ?? kind ?? 'sgd').toLowerCase();
  const settings: KerasOptimizerSettings = {
    kind: kind && kind !== 'unknown' && kind !== 'momentum' ? kind : name,
    numbers: {},
    nesterov: false,
    unread: [],
  };
  for (const arg of callArguments(text)) {
    const kw = /^(\w+)\s*=\s*(.+)$/s.exec(arg);
    // A first positional argument of a Keras optimizer is its learning rate.
    const [key, raw] = kw ? [kw[1]!, kw[2]!.trim()] : ['learning_rate', arg];
    if (key === 'nesterov') settings.nesterov = raw === 'True';
    else if (READ.has(key)) setNumber(settings, key, raw);
  }
  return settings;
}

/**
 * From the IR's resolved arguments (`OptimizerInfo.args`, keyed by Keras's names) and the class the code names:
 * constants, dicts and other files' values arrive resolved, where the call's text would only show their names.
 */
export function settingsFromArgs(
  className: string,
  args: Readonly<Record<string, Value>>,
): KerasOptimizerSettings {
  const settings: KerasOptimizerSettings = {
    kind: className.toLowerCase(),
    numbers: {},
    nesterov: false,
    unread: [],
  };
  for (const [rawKey, value] of Object.entries(args)) {
    const key = rawKey === 'lr' ? 'learning_rate' : rawKey;
    if (key === 'nesterov') {
      settings.nesterov = value.kind === 'boolean' && value.value;
      continue;
    }
    if (value.kind === 'number') settings.numbers[key] = value.value;
    else if (key === 'learning_rate' && value.kind === 'call' && /schedules\./.test(value.path)) {
      const initial = scheduleInitialRate(value);
      if (initial !== null) {
        settings.numbers[key] = initial;
        settings.schedule = { name: value.path.slice(value.path.lastIndexOf('.') + 1), initial };
      } else settings.unread.push(key);
    } else if (READ.has(key) && value.kind !== 'null' && value.kind !== 'undefined') {
      settings.unread.push(key);
      if (value.kind === 'unknown') (settings.unreadText ??= {})[key] = value.text;
    }
  }
  return settings;
}

function scheduleInitialRate(value: Extract<Value, { kind: 'call' }>): number | null {
  const props = value.args[0]?.kind === 'object' ? value.args[0].props : {};
  // PiecewiseConstantDecay starts at its first value; the others at their initial_learning_rate.
  const values = props['values']?.value;
  const initial =
    values?.kind === 'array' ? values.items[0] : props['initial_learning_rate']?.value;
  return initial?.kind === 'number' ? initial.value : null;
}

/** From a saved model's optimizer config (`{class_name: 'Adam', config: {learning_rate: 0.001, ...}}`). */
export function settingsFromConfig(
  className: string,
  config: Record<string, unknown>,
): KerasOptimizerSettings {
  const settings: KerasOptimizerSettings = {
    // tf.keras 2.11-2.15 saves its optimizers in .h5 files as `Custom>Adam` (their registered name).
    kind: className.replace(/^.*>/, '').toLowerCase(),
    numbers: {},
    nesterov: config['nesterov'] === true,
    unread: [],
  };
  for (const [key, value] of Object.entries(config)) {
    if (!READ.has(key) || value === null || value === undefined) continue;
    if (typeof value === 'number') settings.numbers[key === 'lr' ? 'learning_rate' : key] = value;
    else {
      // A learning-rate schedule starts at its initial rate, which is what the first steps use.
      const initial = (value as { config?: { initial_learning_rate?: unknown } }).config
        ?.initial_learning_rate;
      if (key === 'learning_rate' && typeof initial === 'number')
        settings.numbers['learning_rate'] = initial;
      else settings.unread.push(key);
    }
  }
  return settings;
}

/** Builds the tfjs optimizer; every choice the code or file did not make is pushed as one sentence. */
export function kerasOptimizer(
  tf: Tf,
  settings: KerasOptimizerSettings,
  assumptions: string[],
): Optimizer {
  const n = settings.numbers;
  const given = n['learning_rate'] ?? n['lr'];
  const rate = given ?? KERAS_RATES[settings.kind] ?? 0.01;
  if (given === undefined) {
    assumptions.push(
      KERAS_RATES[settings.kind] === undefined
        ? `The optimizer ${settings.kind} has no learning rate the probe knows: using 0.01.`
        : `No learning rate is given: using Keras's default for ${settings.kind}, ${rate}.`,
    );
  }
  if (settings.schedule) {
    assumptions.push(
      `The learning rate is a ${settings.schedule.name} schedule: the probe's few steps use its initial rate, ${settings.schedule.initial}.`,
    );
  }
  for (const key of settings.unread) {
    const text = settings.unreadText?.[key];
    const what = text ? `\`${text}\`` : 'not a number the probe can read';
    const set = text && /^[A-Za-z_][\w.]*$/.test(text) ? ` (pass --set ${text}=VALUE)` : '';
    assumptions.push(
      CLIP_KEYS.has(key)
        ? `The optimizer's ${key} is ${what}, so the probe's optimizer steps do not clip${set}.`
        : `The optimizer's ${key} is ${what}, so Keras's default is used for it${set}.`,
    );
  }
  weightDecay(settings, rate, assumptions);
  const optimizer = build(tf, settings, rate, assumptions);
  const clipping = clippingOf(settings);
  if (clipping) applyClipping(tf, optimizer, clipping, assumptions);
  return optimizer;
}

function build(
  tf: Tf,
  settings: KerasOptimizerSettings,
  rate: number,
  assumptions: string[],
): Optimizer {
  const n = settings.numbers;
  switch (settings.kind) {
    case 'sgd':
      return n['momentum']
        ? tf.train.momentum(rate, n['momentum'], settings.nesterov)
        : tf.train.sgd(rate);
    case 'adam':
      return tf.train.adam(rate, n['beta_1'] ?? 0.9, n['beta_2'] ?? 0.999, n['epsilon'] ?? 1e-7);
    case 'adamax':
      return tf.train.adamax(rate, n['beta_1'] ?? 0.9, n['beta_2'] ?? 0.999, n['epsilon'] ?? 1e-7);
    case 'rmsprop':
      return tf.train.rmsprop(rate, n['rho'] ?? 0.9, n['momentum'] ?? 0, n['epsilon'] ?? 1e-7);
    case 'adagrad':
      return tf.train.adagrad(rate, n['initial_accumulator_value'] ?? 0.1);
    case 'adadelta':
      return tf.train.adadelta(rate, n['rho'] ?? 0.95, n['epsilon'] ?? 1e-7);
    case 'nadam':
    case 'adamw':
      assumptions.push(
        `tfjs has no ${settings.kind === 'nadam' ? 'Nadam' : 'AdamW'}: the probe's optimizer steps use Adam with the same learning rate (the first step's gradients do not depend on it).`,
      );
      return tf.train.adam(rate, n['beta_1'] ?? 0.9, n['beta_2'] ?? 0.999, n['epsilon'] ?? 1e-7);
    case 'lion':
      // Lion's betas mean something else than Adam's, so Adam keeps its own.
      assumptions.push(
        "tfjs has no Lion: the probe's optimizer steps use Adam with the same learning rate (on the first step both move each weight by the learning rate times its gradient's sign; later steps differ).",
      );
      return tf.train.adam(rate);
    case 'ftrl':
      assumptions.push(
        "tfjs has no Ftrl: the probe's optimizer steps use Adagrad with the same learning rate and initial accumulator (FTRL's per-weight rate without its L1/L2 and beta terms).",
      );
      return tf.train.adagrad(rate, n['initial_accumulator_value'] ?? 0.1);
    default:
      assumptions.push(
        `tfjs has no ${settings.kind} optimizer: the probe's optimizer steps use sgd with learning rate ${rate}, so the update-to-weight ratio is the plain step (learning rate × gradient norm / weight norm), not ${settings.kind}'s.`,
      );
      return plainFallback(tf, rate);
  }
}

/** AdamW decays by default (weight_decay=0.004); the probe's steps never do, which one sentence says. */
function weightDecay(settings: KerasOptimizerSettings, rate: number, assumptions: string[]): void {
  const decay = settings.numbers['weight_decay'] ?? (settings.kind === 'adamw' ? 0.004 : 0);
  if (!(decay > 0)) return;
  assumptions.push(
    `The optimizer's weight_decay=${decay} is not applied in the probe's steps (it would shrink each weight by learning_rate × weight_decay = ${Number((rate * decay).toPrecision(3))} of itself per step).`,
  );
}

/** sgd standing in for an optimizer the probe does not know, or for none: its update is the plain step. */
const fallbacks = new WeakSet<Optimizer>();

export function plainFallback(tf: Tf, rate: number): Optimizer {
  const optimizer = tf.train.sgd(rate);
  fallbacks.add(optimizer);
  return optimizer;
}

/** True for an optimizer made by plainFallback: the report labels its update ratio as the plain step. */
export function isPlainFallback(optimizer: Optimizer): boolean {
  return fallbacks.has(optimizer);
}

/** The clipping applyClipping installed on an optimizer, for the report's assumptions. */
const installed = new WeakMap<Optimizer, KerasClipping>();

export function appliedClipping(optimizer: Optimizer): KerasClipping | undefined {
  return installed.get(optimizer);
}

function clippingOf(settings: KerasOptimizerSettings): KerasClipping | null {
  const n = settings.numbers;
  const clipping: KerasClipping = {
    ...(n['clipnorm'] !== undefined ? { clipnorm: n['clipnorm'] } : {}),
    ...(n['global_clipnorm'] !== undefined ? { globalClipnorm: n['global_clipnorm'] } : {}),
    ...(n['clipvalue'] !== undefined ? { clipvalue: n['clipvalue'] } : {}),
  };
  return Object.keys(clipping).length > 0 ? clipping : null;
}

/**
 * No tfjs optimizer clips, so the instance's applyGradients clips first, in Keras 3's order
 * (BaseOptimizer._clip_gradients: clipnorm per variable, else global_clipnorm, else clipvalue). The reported
 * gradients are the unclipped ones, as Keras computes them; clipping changes only the updates.
 */
export function applyClipping(
  tf: Tf,
  optimizer: Optimizer,
  clipping: KerasClipping,
  assumptions: string[],
): void {
  installed.set(optimizer, clipping);
  const apply = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (grads: Gradients) => {
    const entries = Array.isArray(grads)
      ? grads.map((g) => [g.name, g.tensor] as const)
      : Object.entries(grads);
    const clipped = tf.tidy(() =>
      clipTensors(
        tf,
        entries.map(([, t]) => t),
        clipping,
      ),
    );
    try {
      apply(Object.fromEntries(entries.map(([name], i) => [name, clipped[i]!])));
    } finally {
      tf.dispose(clipped);
    }
  };
  assumptions.push(
    `Keras's ${clippingText(clipping)} is applied to the gradients of each optimizer step (tfjs optimizers do not clip); the gradients reported are before clipping.`,
  );
}

function clipTensors(tf: Tf, grads: Tensor[], clipping: KerasClipping): Tensor[] {
  if (clipping.clipnorm !== undefined) {
    const limit = clipping.clipnorm;
    return grads.map((g) => tf.mul(g, tf.minimum(1, tf.div(limit, tf.maximum(tf.norm(g), 1e-12)))));
  }
  if (clipping.globalClipnorm !== undefined) {
    const total = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(clipping.globalClipnorm, tf.maximum(total, 1e-12)));
    return grads.map((g) => tf.mul(g, scale));
  }
  const v = clipping.clipvalue!;
  return grads.map((g) => tf.clipByValue(g, -v, v));
}

function clippingText(clipping: KerasClipping): string {
  const parts = [
    clipping.clipnorm !== undefined ? `clipnorm=${clipping.clipnorm}` : null,
    clipping.globalClipnorm !== undefined ? `global_clipnorm=${clipping.globalClipnorm}` : null,
    clipping.clipvalue !== undefined ? `clipvalue=${clipping.clipvalue}` : null,
  ].filter((p): p is string => p !== null);
  const used = parts[0]!;
  return parts.length > 1
    ? `${used} (Keras 3 accepts only one of ${parts.join(', ')}; the probe applies the first)`
    : used;
}

function setNumber(settings: KerasOptimizerSettings, key: string, raw: string): void {
  const value = Number(raw.replace(/_/g, ''));
  const name = key === 'lr' ? 'learning_rate' : key;
  if (raw !== 'None' && Number.isFinite(value)) settings.numbers[name] = value;
  else if (raw !== 'None') settings.unread.push(name);
}
