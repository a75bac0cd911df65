/**
 * `x.shape` of a symbolic tensor while the code runs: the shape the rules of shape-rules.ts give for
 * the layers that made it (`if (inputs.shape[3] === filters)` decides a residual add, as in
 * MobileNet-style builders). A dimension the source leaves open is null, as in shapes.ts.
 */
import type { LayerNode } from '../ir';
import { layerShape, readShapeValue, type Shape } from '../shape-rules';
import { toValue } from './convert';
import { type AV, prim, type LayerRec, type TensorNode, unknown } from './values';

const known = new WeakMap<TensorNode, Shape | null>();

export function tensorShape(tensor: TensorNode): Shape | null {
  if (known.has(tensor)) return known.get(tensor)!;
  known.set(tensor, null);
  let shape: Shape | null = null;
  try {
    if (tensor.kind === 'input' && !tensor.base) {
      const dims = readShapeValue(toValue(tensor.shape));
      shape = dims ? [null, ...dims] : null;
    } else if (tensor.kind === 'apply') {
      shape = layerShape(layerNode(tensor.layer), tensor.inputs.map(tensorShape)).outputShape;
      shape ??= channelsOnly(tensor.layer);
    }
  } catch {
    // A rule tripping over odd config leaves the shape unknown.
    shape = null;
  }
  known.set(tensor, shape);
  return shape;
}

/** Output rank of the convolutions whose channel count is their `filters` (channels last). */
const CONV_RANK: Record<string, number> = {
  conv1d: 3,
  conv2d: 4,
  conv2dTranspose: 4,
  separableConv2d: 4,
  conv3d: 5,
};

/**
 * A convolution over an input of unknown size still has a known rank and channel count
 * (`[null, null, null, filters]`): enough for a builder that compares channels.
 */
function channelsOnly(layer: LayerRec): Shape | null {
  const rank = CONV_RANK[layer.factory];
  const filters = layer.config.props.filters?.value;
  const format = layer.config.props.dataFormat?.value;
  if (!rank || filters?.kind !== 'number') return null;
  if (format && !(format.kind === 'string' && format.value === 'channelsLast')) return null;
  return [...Array<null>(rank - 1).fill(null), filters.value];
}

function layerNode(layer: LayerRec): LayerNode {
  const node: LayerNode = {
    index: 0,
    factory: layer.factory,
    config: layer.config,
    callSpan: layer.callSpan,
  };
  if (layer.inner) node.inner = layerNode(layer.inner);
  return node;
}

/** `x.shape` as a value: an array with null for open dimensions; unknown when nothing is known. */
export function shapeValue(tensor: TensorNode, text: string): AV {
  const shape = tensorShape(tensor);
  if (!shape) return unknown(text, 'shape of a tensor');
  return { t: 'array', items: shape.map((d) => prim(d)) };
}
