/**
 * A Keras `Lambda` as a tfjs layer: its body (read by src/analysis/python/lambda.ts as `TensorOp`s)
 * run with tfjs ops. It has no weights; its output shape is that of the body run on zeros.
 */
import type { Tensor } from '@tensorflow/tfjs';
import type { SliceItem, TensorOp } from '../analysis/ir';

type Tf = typeof import('@tensorflow/tfjs');
type Shape = (number | null)[];

export function lambdaLayer(
  tf: Tf,
  op: TensorOp,
  name: string,
): import('@tensorflow/tfjs').layers.Layer {
  let draws = 0;
  class KerasLambda extends tf.layers.Layer {
    static className = 'KerasLambda';
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as Shape[];
      const out = tf.tidy(() => {
        const zeros = shapes.map((s) => tf.zeros(s.map((d) => d ?? 1)));
        return run(tf, op, zeros.length === 1 ? zeros[0]! : zeros, () => draws++).shape;
      });
      const first = shapes[0]!;
      return out.map((d, i) =>
        i === 0 || (out.length === first.length && first[i] === null) ? null : d,
      );
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() =>
        run(
          tf,
          op,
          Array.isArray(inputs) && inputs.length === 1 ? inputs[0]! : inputs,
          () => draws++,
        ),
      );
    }
  }
  const layer = new KerasLambda({ name, trainable: false });
  // Read by data.ts: a body that scales 0-255 pixels is given pixel values, not N(0, 1).
  Object.assign(layer, { readsPixels: scalesPixels(op) });
  return layer;
}

/** `x / 255`, `x / 127.5 - 1`, `x * (1 / 255)`, or centring by ImageNet's channel means on the input. */
function scalesPixels(op: TensorOp): boolean {
  const constant = (o: TensorOp): number[] =>
    o.op === 'const' ? (Array.isArray(o.value) ? o.value : [o.value]) : [];
  const onInput = (o: TensorOp): boolean =>
    o.op === 'input' || (o.op === 'reverse' && onInput(o.x));
  const walk = (o: TensorOp): boolean => {
    if (o.op !== 'binary') return 'x' in o ? walk(o.x) : false;
    if (onInput(o.a)) {
      const values = constant(o.b);
      if (o.fn === 'div' && values.some((v) => v >= 127.5 && v <= 256)) return true;
      if (o.fn === 'mul' && values.some((v) => v > 0 && v <= 1 / 127.5)) return true;
      if (o.fn === 'sub' && values.length === 3 && values.every((v) => v > 50)) return true;
    }
    return walk(o.a) || walk(o.b);
  };
  return walk(op);
}

function run(tf: Tf, op: TensorOp, input: Tensor | Tensor[], seed: () => number): Tensor {
  const go = (o: TensorOp): Tensor => run(tf, o, input, seed);
  switch (op.op) {
    case 'input': {
      if (op.index === null) {
        if (Array.isArray(input))
          throw new Error('the Lambda reads one tensor but is given a list');
        return input;
      }
      const list = Array.isArray(input) ? input : null;
      const item = list?.[op.index < 0 ? list.length + op.index : op.index];
      if (!item) throw new Error(`the Lambda reads input ${op.index} of ${list ? list.length : 1}`);
      return item;
    }
    case 'const':
      return tf.tensor(op.value);
    case 'unary':
      return unary(tf, op.fn, go(op.x));
    case 'binary': {
      const a = go(op.a);
      const b = go(op.b);
      if (op.fn === 'pow') return tf.pow(a, b);
      return tf[op.fn](a, b);
    }
    case 'reduce': {
      const x = go(op.x);
      const axis = op.axis ?? undefined;
      return tf[op.fn](x, axis, op.keepDims);
    }
    case 'expandDims': {
      const x = go(op.x);
      return tf.expandDims(x, op.axis < 0 ? x.rank + 1 + op.axis : op.axis);
    }
    case 'squeeze':
      return tf.squeeze(go(op.x), op.axis ?? undefined);
    case 'reshape': {
      const x = go(op.x);
      // Keras's `K.reshape(z, [-1, h, w, c])` names the batch too; `tf.reshape` takes the same list.
      return tf.reshape(x, op.shape);
    }
    case 'transpose':
      return tf.transpose(go(op.x), op.perm);
    case 'reverse':
      return tf.reverse(go(op.x), op.axis);
    case 'slice':
      return slice(tf, go(op.x), op.items);
    case 'concat':
      return tf.concat(op.items.map(go), op.axis);
    case 'softmax':
      return tf.softmax(go(op.x), op.axis);
    case 'l2Normalize': {
      const x = go(op.x);
      return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), op.axis, true), 1e-12)));
    }
    case 'clip':
      return tf.clipByValue(go(op.x), op.min, op.max);
    case 'randomNormal': {
      const shape = op.shape.map((d) =>
        typeof d === 'number' ? d : go(d.of).shape[d.axis < 0 ? go(d.of).rank + d.axis : d.axis]!,
      );
      return tf.randomNormal(shape, op.mean, op.stddev, 'float32', 7 + seed());
    }
  }
}

function unary(tf: Tf, fn: string, x: Tensor): Tensor {
  if (fn === 'identity') return x.toFloat();
  const f = (tf as unknown as Record<string, (t: Tensor) => Tensor>)[fn];
  if (typeof f !== 'function') throw new Error(`tfjs has no ${fn}`);
  return f(x);
}

/** Python subscripts: indexes drop their axis, ranges keep it (negative bounds count from the end). */
function slice(tf: Tf, x: Tensor, items: SliceItem[]): Tensor {
  const explicit = items.filter((i) => !('ellipsis' in i) && !('newAxis' in i)).length;
  type Axis = Exclude<SliceItem, { ellipsis: true }>;
  const axes: Axis[] = [];
  for (const item of items) {
    if ('ellipsis' in item)
      for (let k = 0; k < x.rank - explicit; k++)
        axes.push({ start: null, stop: null, step: null });
    else axes.push(item as Axis);
  }
  let out = x;
  const begin: number[] = [];
  const size: number[] = [];
  const drop: number[] = [];
  const reverse: number[] = [];
  const inserted: number[] = [];
  let axis = 0;
  axes.forEach((item, position) => {
    if ('newAxis' in item) {
      inserted.push(position);
      return;
    }
    const n = x.shape[axis]!;
    if ('index' in item) {
      const at = item.index < 0 ? n + item.index : item.index;
      begin.push(at);
      size.push(1);
      drop.push(axis);
    } else if (item.step === -1 && item.start === null && item.stop === null) {
      begin.push(0);
      size.push(n);
      reverse.push(axis);
    } else {
      if (item.step !== null && item.step !== 1) throw new Error('a slice step other than 1 or -1');
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? n + v : v, 0), n);
      const start = item.start === null ? 0 : clamp(item.start);
      const stop = item.stop === null ? n : clamp(item.stop);
      begin.push(start);
      size.push(Math.max(stop - start, 0));
    }
    axis++;
  });
  while (axis < x.rank) {
    begin.push(0);
    size.push(x.shape[axis]!);
    axis++;
  }
  out = tf.slice(out, begin, size);
  if (reverse.length) out = tf.reverse(out, reverse);
  if (drop.length) out = tf.squeeze(out, drop);
  for (const at of inserted) out = tf.expandDims(out, at);
  return out;
}
