/**
 * The static shape of a tensor a builder reads (`K.int_shape(x)`, `x.shape`), from the layers
 * applied so far: residual builders pick a projection shortcut by comparing such shapes. A
 * dimension the shape rules cannot tell stays unknown, so a condition on it still runs both ways.
 */
import { layerShape, readShapeValue, type Shape } from '../shape-rules';
import { toLayerNode } from './models';
import { unknown, type PV, type TensorNode } from './values';

const cache = new WeakMap<TensorNode, Shape | null>();

export function tensorShape(tensor: TensorNode): Shape | null {
  if (cache.has(tensor)) return cache.get(tensor) ?? null;
  cache.set(tensor, null);
  let shape: Shape | null = null;
  if (tensor.kind === 'input') {
    const dims = readShapeValue(tensor.shape);
    shape = dims ? [null, ...dims] : null;
  } else if (tensor.kind === 'apply') {
    const inputs = tensor.inputs.map(tensorShape);
    shape = layerShape(toLayerNode(tensor.layer, 0), inputs).outputShape;
  } else if (tensor.kind === 'join') {
    // As before joins were kept: the op's first operand decides (`tf.matmul(a, b)` keeps a's rank).
    shape = tensorShape(tensor.inputs[0]);
  }
  cache.set(tensor, shape);
  return shape;
}

/** The shape as Python sees it: a tuple with `None` for the batch and each unknown dimension. */
export function shapeTuple(tensor: TensorNode, text: string): PV {
  const shape = tensorShape(tensor);
  if (!shape) return unknown(text);
  const items: PV[] = shape.map((dim, i) =>
    dim !== null ? { t: 'num', v: dim } : i === 0 ? { t: 'none' } : unknown(`${text}[${i}]`),
  );
  return { t: 'list', items, tuple: true };
}
