/**
 * Static shapes and parameter counts, from the IR alone (no tfjs).
 * A dimension, a shape or a count that cannot be known from the source is null: never guessed.
 * Shapes include the batch dimension first, as tfjs's `layer.outputShape` does.
 */
import type { GraphNode, LayerNode, ModelGraph, Value } from './ir';
import { layerShape, readShapeValue, type Shape } from './shape-rules';
import { fillDenseFanIns } from './trailing-width';

export type { Shape } from './shape-rules';

export interface LayerShape {
  index: number;
  /** The (first) input's shape; null when unknown. */
  inputShape: Shape | null;
  /** Every input's shape, for merge layers with several inputs. */
  inputShapes: (Shape | null)[];
  outputShape: Shape | null;
  /** Equals tfjs's `layer.countParams()` (trainable and non-trainable weights); null when unknown. */
  params: number | null;
  /** Fans of the main kernel as tfjs's initializers compute them; null for weightless layers or unknown. */
  fanIn: number | null;
  fanOut: number | null;
  /** Why a shape or count is unknown, when it is. */
  note?: string;
}

export interface ShapeInference {
  layers: LayerShape[];
  /** Sum over distinct layers (shared layers once, as tfjs counts); null when any layer's count is unknown. */
  totalParams: number | null;
}

// The IR is never mutated after analysis (the probe clones before resolving values), so shapes are
// computed once per model however many rules and the estimate ask for them.
const cache = new WeakMap<ModelGraph, ShapeInference>();

export function inferShapes(model: ModelGraph): ShapeInference {
  let shapes = cache.get(model);
  if (!shapes) {
    shapes = computeShapes(model);
    cache.set(model, shapes);
  }
  return shapes;
}

/**
 * Gives `copy` the shapes of `model`, for a copy whose layers differ only in their kernel
 * initializers (a fix's what-if), which no shape or count depends on.
 */
export function shareShapes(model: ModelGraph, copy: ModelGraph): void {
  cache.set(copy, inferShapes(model));
}

function computeShapes(model: ModelGraph): ShapeInference {
  const layers =
    model.kind === 'functional' && model.nodes.length > 0
      ? inferFunctional(model)
      : inferSequential(model.layers);
  fillDenseFanIns(model, layers);
  let totalParams: number | null = 0;
  for (const layer of layers) {
    totalParams = totalParams === null || layer.params === null ? null : totalParams + layer.params;
  }
  return { layers, totalParams };
}

function inferSequential(layers: LayerNode[]): LayerShape[] {
  const result: LayerShape[] = [];
  let current: Shape | null = layers.length > 0 ? declaredInputShape(layers[0]) : null;
  for (const layer of layers) {
    const shape = safeLayerShape(layer, [current]);
    result.push({ index: layer.index, inputShape: current, inputShapes: [current], ...shape });
    current = shape.outputShape;
  }
  return result;
}

/**
 * Replays the functional graph node by node. Nodes whose inputs are not ready yet are retried,
 * so the extractor's node order need not be topological.
 */
function inferFunctional(model: ModelGraph): LayerShape[] {
  const known = new Map<string, Shape | null>();
  for (const input of model.inputs) known.set(input.id, shapeFromInputValue(input.shape));
  const byLayer = new Map<number, LayerShape>();
  const apply = (node: GraphNode) => {
    const layer = model.layers[node.layer];
    const inputShapes = node.inputs.map((id) => known.get(id) ?? null);
    const shape = layer ? safeLayerShape(layer, inputShapes) : unknownShape('no such layer');
    known.set(node.id, shape.outputShape);
    // A shared layer's first application defines its weights (and so its counts).
    if (layer && !byLayer.has(layer.index)) {
      byLayer.set(layer.index, {
        index: layer.index,
        inputShape: inputShapes[0] ?? null,
        inputShapes,
        ...shape,
      });
    }
  };
  const ordered = waveOrder(model);
  if (ordered) ordered.forEach(apply);
  let pending = ordered ? [] : [...model.nodes];
  while (pending.length > 0) {
    const next = pending.filter((node) => !node.inputs.every((id) => known.has(id)));
    const ready = pending.filter((node) => node.inputs.every((id) => known.has(id)));
    if (ready.length === 0) {
      // Inputs that nothing defines (a cycle or an id the extractor could not follow): unknown.
      for (const node of next)
        for (const id of node.inputs) if (!known.has(id)) known.set(id, null);
      pending = next;
      continue;
    }
    ready.forEach(apply);
    pending = next;
  }
  return model.layers.map(
    (layer) =>
      byLayer.get(layer.index) ?? {
        index: layer.index,
        inputShape: null,
        inputShapes: [],
        ...unknownShape('the layer is never applied in the graph'),
      },
  );
}

/**
 * The order the retrying loop applies the nodes in (wave by wave: a node is ready once the nodes
 * feeding it are, in node order within a wave), computed in one pass when each node's inputs are
 * the model's inputs or earlier nodes (the extractors' creation order); null otherwise. On deep
 * graphs the loop's rescans of every pending node per wave were quadratic (NASNet: ~1,000 waves).
 */
function waveOrder(model: ModelGraph): GraphNode[] | null {
  const wave = new Map<string, number>();
  for (const input of model.inputs) {
    if (wave.has(input.id)) return null;
    wave.set(input.id, 0);
  }
  for (const node of model.nodes) {
    let at = 1;
    for (const id of node.inputs) {
      const before = wave.get(id);
      if (before === undefined) return null;
      at = Math.max(at, before + 1);
    }
    if (wave.has(node.id)) return null;
    wave.set(node.id, at);
  }
  return [...model.nodes].sort((a, b) => wave.get(a.id)! - wave.get(b.id)!);
}

type ComputedShape = Omit<LayerShape, 'index' | 'inputShape' | 'inputShapes'>;

function safeLayerShape(layer: LayerNode, inputs: (Shape | null)[]): ComputedShape {
  try {
    return layerShape(layer, inputs);
  } catch (error) {
    // A rule tripping over odd config must not take the whole model down.
    return unknownShape(
      `could not infer: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function unknownShape(note: string): ComputedShape {
  return { outputShape: null, params: null, fanIn: null, fanOut: null, note };
}

/** The first layer of a sequential model carries the model's input shape in its config. */
export function declaredInputShape(layer: LayerNode): Shape | null {
  const props = layer.config.props;
  const batchInput = props.batchInputShape?.value;
  if (batchInput) return readShapeValue(batchInput);
  const input = props.inputShape?.value;
  if (input) {
    const shape = readShapeValue(input);
    return shape ? [batchSizeOf(layer), ...shape] : null;
  }
  // Only Dense turns `inputDim` into an input shape; for an embedding it is the vocabulary size.
  const inputDim = layer.factory === 'dense' ? props.inputDim?.value : undefined;
  if (inputDim) return inputDim.kind === 'number' ? [batchSizeOf(layer), inputDim.value] : null;
  const wrapped = layer.factory === 'bidirectional' || layer.factory === 'timeDistributed';
  if (wrapped && layer.inner) return declaredInputShape(layer.inner);
  if (layer.factory === 'embedding' && !layer.config.opaque) {
    // tfjs gives an embedding without an input shape the input [inputLength] (or [null]).
    const length = props.inputLength?.value;
    if (!length) return [batchSizeOf(layer), null];
    if (length.kind === 'number') return [batchSizeOf(layer), length.value];
    return null;
  }
  return null;
}

function batchSizeOf(layer: LayerNode): number | null {
  const batch = layer.config.props.batchSize?.value;
  return batch?.kind === 'number' ? batch.value : null;
}

function shapeFromInputValue(value: Value): Shape | null {
  const shape = readShapeValue(value);
  return shape ? [null, ...shape] : null;
}
