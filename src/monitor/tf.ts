/**
 * The monitor never loads TensorFlow.js itself: it uses the tfjs the user's code already loaded, so
 * the model's tensors and the monitor's ops share one engine (two copies of tfjs would each have
 * their own, and neither would see the other's variables). Only the few ops it needs are typed here.
 */

export interface TensorLike {
  shape: number[];
  size: number;
  dtype: string;
  dispose(): void;
  dataSync(): ArrayLike<number>;
}

export interface VariableLike extends TensorLike {
  name: string;
  trainable: boolean;
}

export interface TfLike {
  tidy<T>(fn: () => T): T;
  clone(x: TensorLike): TensorLike;
  keep<T extends TensorLike>(x: T): T;
  sub(a: TensorLike, b: TensorLike): TensorLike;
  mul(a: TensorLike, b: TensorLike): TensorLike;
  square(x: TensorLike): TensorLike;
  sum(x: TensorLike): TensorLike;
  addN(xs: TensorLike[]): TensorLike;
  isFinite(x: TensorLike): TensorLike;
  cast(x: TensorLike, dtype: string): TensorLike;
  abs(x: TensorLike): TensorLike;
  max(x: TensorLike): TensorLike;
  stack(xs: TensorLike[]): TensorLike;
  scalar(value: number): TensorLike;
  getBackend(): string;
  engine(): { registeredVariables: Record<string, VariableLike> };
  version?: Record<string, string>;
  version_core?: string;
}

const REQUIRED: (keyof TfLike)[] = [
  'tidy',
  'clone',
  'keep',
  'sub',
  'mul',
  'square',
  'sum',
  'addN',
  'isFinite',
  'cast',
  'abs',
  'max',
  'stack',
  'scalar',
  'getBackend',
  'engine',
];

/** Why an object cannot serve as tfjs, or null when it can. */
export function missingOps(candidate: unknown): string | null {
  if (typeof candidate !== 'object' && typeof candidate !== 'function') return 'not an object';
  if (candidate === null) return 'null';
  const missing = REQUIRED.filter(
    (name) => typeof (candidate as Record<string, unknown>)[name] !== 'function',
  );
  return missing.length > 0 ? `it has no ${missing.join(', ')}` : null;
}

/**
 * The first loaded tfjs, most specific first: the native builds re-export tfjs, and tfjs re-exports
 * tfjs-core, so any of them has the ops; the native one is what the user's code chose.
 */
const MODULE_PATTERNS = [
  /[\\/]@tensorflow[\\/]tfjs-node-gpu[\\/]dist[\\/]index\.js$/,
  /[\\/]@tensorflow[\\/]tfjs-node[\\/]dist[\\/]index\.js$/,
  /[\\/]@tensorflow[\\/]tfjs[\\/]dist[\\/]tf\.node\.js$/,
  /[\\/]@tensorflow[\\/]tfjs[\\/]dist[\\/][^\\/]*\.js$/,
  /[\\/]@tensorflow[\\/]tfjs-core[\\/]dist[\\/][^\\/]*\.js$/,
];

interface ModuleCacheEntry {
  exports?: unknown;
}

/**
 * The tfjs to use: the explicit `tf` option, else a tfjs module already in Node's module cache, else
 * a global `tf` (a browser page with the script tag). Throws with what to do when none is found.
 */
export function resolveTf(explicit?: unknown): TfLike {
  if (explicit !== undefined) {
    const problem = missingOps(explicit);
    if (problem)
      throw new Error(`gradient-lens monitor: the "tf" option is not tfjs (${problem}).`);
    return explicit as TfLike;
  }
  const fromCache = loadedTfjs(moduleCache());
  if (fromCache) return fromCache;
  const global = (globalThis as { tf?: unknown }).tf;
  if (global !== undefined && missingOps(global) === null) return global as TfLike;
  throw new Error(
    'gradient-lens monitor: no loaded TensorFlow.js found. Pass it explicitly: ' +
      "gradientMonitor(model, { tf }) with tf = require('@tensorflow/tfjs') (or tfjs-node).",
  );
}

export function loadedTfjs(cache: Record<string, ModuleCacheEntry | undefined>): TfLike | null {
  const paths = Object.keys(cache);
  for (const pattern of MODULE_PATTERNS) {
    for (const path of paths) {
      if (!pattern.test(path)) continue;
      const exports = cache[path]?.exports;
      if (missingOps(exports) === null) return exports as TfLike;
    }
  }
  return null;
}

function moduleCache(): Record<string, ModuleCacheEntry | undefined> {
  // `require` exists only when this file runs as CommonJS in Node; bundlers for the browser lack it.
  return typeof require === 'function' && typeof require.cache === 'object'
    ? (require.cache as Record<string, ModuleCacheEntry | undefined>)
    : {};
}

export function tfjsVersion(tf: TfLike): string | null {
  return tf.version?.['tfjs-core'] ?? tf.version?.tfjs ?? tf.version_core ?? null;
}
