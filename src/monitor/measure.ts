/**
 * Norms and non-finite counts of a set of tensors, read back with one synchronous download: every
 * reduction is stacked into a single tensor so a sampled step costs one sync, not one per weight.
 */
import type { TensorLike, TfLike } from './tf';

export interface TensorStats {
  norm: number;
  nonFinite: number;
}

/** L2 norms and non-finite counts of `tensors`, in order. Nothing allocated here outlives the call. */
export function tensorStats(tf: TfLike, tensors: TensorLike[]): TensorStats[] {
  if (tensors.length === 0) return [];
  const values = tf.tidy(() => {
    const parts: TensorLike[] = [];
    for (const t of tensors) {
      const x = t.dtype === 'float32' ? t : tf.cast(t, 'float32');
      parts.push(
        tf.sum(tf.square(x)),
        tf.max(tf.abs(x)),
        tf.sum(tf.cast(tf.isFinite(x), 'float32')),
      );
    }
    return tf.stack(parts);
  });
  const data = values.dataSync();
  values.dispose();
  return tensors.map((t, i) => {
    const sumSq = data[3 * i];
    const maxAbs = data[3 * i + 1];
    const nonFinite = t.size - data[3 * i + 2];
    // float32 squares overflow from about 1.8e19: a finite tensor whose sum of squares did gets a
    // rescaled norm instead of a false Infinity.
    const norm =
      Number.isFinite(sumSq) || nonFinite > 0 || !Number.isFinite(maxAbs)
        ? Math.sqrt(sumSq)
        : rescaledNorm(tf, t, maxAbs);
    return { norm, nonFinite };
  });
}

function rescaledNorm(tf: TfLike, t: TensorLike, maxAbs: number): number {
  const scaled = tf.tidy(() => {
    const x = t.dtype === 'float32' ? t : tf.cast(t, 'float32');
    return tf.sum(tf.square(tf.mul(x, tf.scalar(1 / maxAbs))));
  });
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
