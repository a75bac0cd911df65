/** Data tensors the code builds with a stated shape, and the shapes of what it passes to `model.fit`. */
import type { CallNode } from './calls';
import { toValue } from './convert';
import type { Value } from '../ir';
import type { Interp } from './interpreter';
import { type AV, unknown } from './values';

/** Calls that make a data tensor whose shape the code states (`tf.tensor2d(data, [n, 4])`, `tf.zeros([8, 3])`). */
export const TENSOR_FACTORIES = new Set([
  'tensor',
  'tensor1d',
  'tensor2d',
  'tensor3d',
  'tensor4d',
  'tensor5d',
  'tensor6d',
  'zeros',
  'ones',
  'fill',
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
]);

/**
 * A data tensor as an object with its `shape`, so `xs.shape[1]` reads the size the code wrote, even when other
 * dimensions are unknown (`[n, 4]`). Opaque: nothing else about the tensor is known.
 */
export function dataTensor(interp: Interp, path: string, args: AV[], node: CallNode): AV {
  const explicit = path.startsWith('tensor') ? args[1] : args[0];
  const shape =
    explicit?.t === 'array' ? explicit : path.startsWith('tensor') ? literalShape(args[0]) : null;
  if (!shape) return unknown(interp.text(node), 'tfjs call');
  return {
    t: 'object',
    opaque: true,
    props: new Map([['shape', { value: shape, span: null, valueSpan: null }]]),
  };
}

/** The shape of a nested array literal (`[[1, 2], [3, 4]]` -> [2, 2]); null when ragged or unknown. */
function literalShape(values: AV | undefined): AV | null {
  const dims: number[] = [];
  let level: AV | undefined = values;
  while (level?.t === 'array') {
    dims.push(level.items.length);
    const first: AV | undefined = level.items[0];
    if (level.items.some((item) => item.t !== first?.t)) return null;
    level = first;
  }
  if (dims.length === 0 || level?.t !== 'prim') return null;
  return { t: 'array', items: dims.map((d) => ({ t: 'prim', v: d })) };
}

export function fitShapes(method: string, args: AV[]): { xShape?: Value; yShape?: Value } {
  if (method === 'fitDataset') return {};
  const shapeOf = (value: AV | undefined): Value | undefined => {
    const shape = value?.t === 'object' ? value.props.get('shape')?.value : undefined;
    return shape?.t === 'array' ? toValue(shape) : undefined;
  };
  const xShape = shapeOf(args[0]);
  const yShape = shapeOf(args[1]);
  return { ...(xShape ? { xShape } : {}), ...(yShape ? { yShape } : {}) };
}
