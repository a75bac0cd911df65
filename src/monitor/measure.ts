/**
 * Norms and non-finite counts of a set of tensors, read back with one synchronous download: every
 * reduction is stacked into a single tensor so a sampled step costs one sync, not one per weight.
 */
import type { TensorLike, TfLike } from './tf';

export interface TensorStats {
  norm: number;
  nonFinite: number;
}

/**
 * L2 norms and non-finite counts of `tensors`, in order. The common case costs two kernels per
 * tensor (square, sum) and one sync: a finite sum of squares proves every entry finite. Only tensors
 * whose sum is not finite get a second look (count the non-finite entries, or rescale when the float32
 * squares merely overflowed). Nothing allocated here outlives the call.
 */
export function tensorStats(tf: TfLike, tensors: TensorLike[]): TensorStats[] {
  if (tensors.length === 0) return [];
  const sums = readAll(tf, () => tensors.map((t) => tf.sum(tf.square(asFloat(tf, t)))));
  return tensors.map((t, i) => {
    const sumSq = sums[i];
    if (Number.isFinite(sumSq)) return { norm: Math.sqrt(sumSq), nonFinite: 0 };
    const second = readAll(tf, () => {
      const x = asFloat(tf, t);
      return [tf.sum(tf.cast(tf.isFinite(x), 'float32')), tf.max(tf.abs(x))];
    });
    const nonFinite = t.size - second[0];
    const maxAbs = second[1];
    // float32 squares overflow from about 1.8e19: a finite tensor whose sum of squares did gets a
    // rescaled norm instead of a false Infinity.
    const norm = nonFinite > 0 ? sumSq : rescaledNorm(tf, t, maxAbs);
    return { norm, nonFinite };
  });
}

function readAll(tf: TfLike, make: () => TensorLike[]): ArrayLike<number> {
  const stacked = tf.tidy(() => tf.stack(make()));
  const data = stacked.dataSync();
  stacked.dispose();
  return data;
}

function asFloat(tf: TfLike, t: TensorLike): TensorLike {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

function rescaledNorm(tf: TfLike, t: TensorLike, maxAbs: number): number {
  const scaled = tf.tidy(() => tf.sum(tf.square(tf.mul(asFloat(tf, t), tf.scalar(1 / maxAbs)))));
  const value = scaled.dataSync()[0];
  scaled.dispose();
  return maxAbs * Math.sqrt(value);
}

/**
 * Sum of the gradients' entries, one number for the whole step: finite exactly when every entry is
 * finite (barring a float32 overflow of the sum, which only happens when the gradient is huge anyway).
 */
export function allFinite(tf: TfLike, tensors: TensorLike[]): boolean {
  if (tensors.length === 0) return true;
  const total = tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(t))));
  const value = total.dataSync()[0];
  total.dispose();
  return Number.isFinite(value);
}

/** Root of the sum of squares: a layer's norm from its weights' norms. */
export function combine(norms: number[]): number {
  return Math.sqrt(norms.reduce((sum, n) => sum + n * n, 0));
}
