/**
 * The arrays of Keras's bundled datasets (`cifar10.load_data()`): only their shapes, so that
 * `input_shape=x_train.shape[1:]` gives the model its input shape. Elementwise arithmetic, `astype` and a
 * `reshape` the evaluator can compute keep a shape; anything else leaves the array unknown.
 */
import type { PV } from './values';

type ArrayValue = Extract<PV, { t: 'array' }>;

/** `(x_train, y_train), (x_test, y_test)` of each dataset whose arrays have fixed shapes. */
const DATASETS: Readonly<Record<string, [number[], number[], number[], number[]]>> = {
  mnist: [[60000, 28, 28], [60000], [10000, 28, 28], [10000]],
  fashion_mnist: [[60000, 28, 28], [60000], [10000, 28, 28], [10000]],
  cifar10: [
    [50000, 32, 32, 3],
    [50000, 1],
    [10000, 32, 32, 3],
    [10000, 1],
  ],
  cifar100: [
    [50000, 32, 32, 3],
    [50000, 1],
    [10000, 32, 32, 3],
    [10000, 1],
  ],
  boston_housing: [[404, 13], [404], [102, 13], [102]],
};

/** `keras.datasets.cifar10.load_data()`: its two (x, y) pairs; null for datasets of ragged sequences. */
export function loadData(path: string): PV | null {
  const match = /^keras\.datasets\.(\w+)\.load_data$/.exec(path);
  const shapes = match ? DATASETS[match[1]] : undefined;
  if (!shapes) return null;
  const array = (shape: number[]): PV => ({ t: 'array', shape, text: `${match![1]} data` });
  const pair = (x: number[], y: number[]): PV => ({
    t: 'list',
    items: [array(x), array(y)],
    tuple: true,
  });
  return {
    t: 'list',
    items: [pair(shapes[0], shapes[1]), pair(shapes[2], shapes[3])],
    tuple: true,
  };
}

export function arrayAttribute(array: ArrayValue, name: string): PV | null {
  if (name === 'shape')
    return { t: 'list', items: array.shape.map((v) => ({ t: 'num', v })), tuple: true };
  if (name === 'ndim') return { t: 'num', v: array.shape.length };
  return null;
}

/** `x.astype('float32')` keeps the shape; `x.reshape(n, 784)` / `x.reshape((-1, 28, 28, 1))` computes it. */
export function arrayMethod(array: ArrayValue, name: string, args: PV[]): PV | null {
  if (name === 'astype' || name === 'copy') return array;
  if (name !== 'reshape') return null;
  const dims = args.length === 1 && args[0].t === 'list' ? args[0].items : args;
  if (dims.length === 0 || !dims.every((d) => d.t === 'num' && Number.isInteger(d.v))) return null;
  const shape = dims.map((d) => (d as { v: number }).v);
  const size = array.shape.reduce((a, b) => a * b, 1);
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const free = shape.filter((d) => d === -1).length;
  if (free > 1 || known === 0 || (free === 0 && known !== size) || size % known !== 0) return null;
  return { ...array, shape: shape.map((d) => (d === -1 ? size / known : d)) };
}

/** `x / 255.0`, `x - mean`: an elementwise operation with a number (or an unknown scalar) keeps the shape. */
export function arrayArithmetic(left: PV, right: PV): PV | null {
  if (left.t === 'array' && right.t !== 'array' && right.t !== 'list') return left;
  if (right.t === 'array' && left.t !== 'array' && left.t !== 'list') return right;
  if (left.t === 'array' && right.t === 'array')
    return left.shape.join() === right.shape.join() ? left : null;
  return null;
}
