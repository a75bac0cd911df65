/**
 * The arrays of Keras's bundled datasets (`cifar10.load_data()`): only their shapes, so that
 * `input_shape=x_train.shape[1:]` gives the model its input shape. Elementwise arithmetic, `astype` and a
 * `reshape` the evaluator can compute keep a shape; anything else leaves the array unknown.
 */
import type { Arg } from './keras';
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

/** Constructors whose first argument (or `size=`/`shape=`) is the shape: `np.zeros((n, 3))`. */
const SHAPED = new Set([
  'zeros',
  'ones',
  'empty',
  'full',
  'random.random',
  'random.rand',
  'random.randn',
]);
const SIZED = new Set(['random.normal', 'random.uniform', 'random.randint', 'random.choice']);

/**
 * numpy arrays whose shape the code states: `np.array([[...], ...])` of a rectangular literal, `np.zeros((n,
 * 3))`, `np.random.rand(n, 3)`, `np.random.normal(0, 1, size=(n, 3))`; null for any other.
 */
export function numpyArray(name: string, args: Arg[]): PV | null {
  const positional = args.filter((a) => !a.name && !a.star).map((a) => a.value);
  const keyword = (key: string) => args.find((a) => a.name === key)?.value;
  let shape: number[] | null = null;
  if (name === 'array' || name === 'asarray')
    shape = positional[0] ? literalShape(positional[0]) : null;
  else if (name === 'random.rand' || name === 'random.randn') shape = dims(positional);
  else if (SHAPED.has(name)) shape = dimsOf(positional[0] ?? keyword('shape'));
  else if (SIZED.has(name))
    shape = dimsOf(keyword('size') ?? positional[name === 'random.choice' ? 1 : 2]);
  return shape ? { t: 'array', shape, text: `numpy.${name}` } : null;
}

function dimsOf(value: PV | undefined): number[] | null {
  if (!value) return null;
  return value.t === 'list' ? dims(value.items) : dims([value]);
}

function dims(values: PV[]): number[] | null {
  if (values.length === 0) return null;
  const out = values.map((v) => (v.t === 'num' && Number.isInteger(v.v) && v.v >= 0 ? v.v : -1));
  return out.includes(-1) ? null : out;
}

/** The shape of a nested list literal of numbers; null when ragged or not all numbers. */
function literalShape(value: PV): number[] | null {
  if (value.t === 'num' || value.t === 'bool') return [];
  if (value.t === 'array') return value.shape;
  if (value.t !== 'list' || value.items.length === 0) return value.t === 'list' ? [0] : null;
  const inner = value.items.map(literalShape);
  const first = inner[0];
  if (!first || inner.some((s) => !s || s.join() !== first.join())) return null;
  return [value.items.length, ...first];
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
