/**
 * Fan-ins of dense layers whose input shape is unknown but whose input's last dimension is not.
 * A dense kernel is (lastDim, units) whatever the input's rank, and the layer before it often states
 * that last dimension even when the model's input shape is open (`Dense(50)` after a subclassed
 * model's input from data: the second dense's fan-in is 50). Only widths the source states are used.
 */
import { bool, num } from './config-read';
import type { LayerNode, ModelGraph } from './ir';
import type { LayerShape } from './shapes';
import { plus, times } from './shape-math';

/**
 * Layers whose output has their input's shape (elementwise, per-feature or noise layers), so also its
 * last dimension. The probe reads it too (an open input's shape through them to a merge).
 */
export const SHAPE_KEEPING: ReadonlySet<string> = new Set([
  'dropout',
  'spatialDropout1d',
  'gaussianNoise',
  'gaussianDropout',
  'alphaDropout',
  'activation',
  'reLU',
  'leakyReLU',
  'elu',
  'softmax',
  'thresholdedReLU',
  'prelu',
  'batchNormalization',
  'layerNormalization',
]);

const RECURRENT = new Set(['simpleRNN', 'lstm', 'gru']);

/** Fills fanIn (and params) of dense layers left unknown, in place. */
export function fillDenseFanIns(model: ModelGraph, shapes: LayerShape[]): void {
  const byIndex = new Map(shapes.map((shape) => [shape.index, shape]));
  const producerOf = producers(model);
  const widths = new Map<number, number | null>();
  const widthOf = (layer: LayerNode | undefined, seen: Set<number>): number | null => {
    if (!layer || seen.has(layer.index)) return null;
    if (widths.has(layer.index)) return widths.get(layer.index)!;
    seen.add(layer.index);
    const width = outputWidth(layer, byIndex.get(layer.index), () =>
      widthOf(producerOf(layer.index), seen),
    );
    widths.set(layer.index, width);
    return width;
  };
  for (const layer of model.layers) {
    const shape = byIndex.get(layer.index);
    if (layer.factory !== 'dense' || !shape || shape.fanIn !== null || shape.inputShape) continue;
    const fanIn = widthOf(producerOf(layer.index), new Set([layer.index]));
    if (fanIn === null) continue;
    shape.fanIn = fanIn;
    const useBias = bool(layer, 'useBias', true);
    const kernel = times(fanIn, shape.fanOut);
    shape.params = useBias === null ? null : useBias ? plus(kernel, shape.fanOut) : kernel;
  }
}

/** The last dimension of a layer's output, when the source states it. */
function outputWidth(
  layer: LayerNode,
  shape: LayerShape | undefined,
  inputWidth: () => number | null,
): number | null {
  const known = shape?.outputShape;
  if (known && known.length > 0) return known[known.length - 1] ?? null;
  if (layer.factory === 'dense') return num(layer, 'units');
  // return_sequences or not, a recurrent layer's output ends in its units (a state list does not).
  if (RECURRENT.has(layer.factory) && bool(layer, 'returnState', false) === false)
    return num(layer, 'units');
  if (SHAPE_KEEPING.has(layer.factory)) return inputWidth();
  return null;
}

/** The layer feeding each layer: its single graph input's layer (functional), else the one before it. */
function producers(model: ModelGraph): (index: number) => LayerNode | undefined {
  if (model.kind !== 'functional' || model.nodes.length === 0)
    return (index) => (index > 0 ? model.layers[index - 1] : undefined);
  const layerOfNode = new Map(model.nodes.map((node) => [node.id, node.layer]));
  const fed = new Map<number, number | null>();
  for (const node of model.nodes) {
    const from = node.inputs.length === 1 ? layerOfNode.get(node.inputs[0]) : undefined;
    const previous = fed.get(node.layer);
    // A layer applied to different producers (shared) has no single input width.
    fed.set(node.layer, previous === undefined || previous === from ? (from ?? null) : null);
  }
  return (index) => {
    const from = fed.get(index);
    return from === null || from === undefined ? undefined : model.layers[from];
  };
}
