/**
 * An input of open shape that reaches an elementwise merge (`add([x, attention(x)])` where the attention is a
 * custom layer whose output the analysis cannot follow, so it becomes an input) must have the shape of the
 * merge's other operand: the code fixes it, a role default (a 32-wide vector) would not broadcast.
 */
import type { GraphNode, ModelGraph, Value } from '../analysis/ir';
import { inferShapes } from '../analysis/shapes';
import { SHAPE_KEEPING } from '../analysis/trailing-width';
import type { Role } from './assume';

/** Merges whose inputs all have the output's shape. */
const ELEMENTWISE = new Set(['add', 'multiply', 'subtract', 'average', 'maximum', 'minimum']);

/**
 * The role of the open shape of input `inputId` when it reaches an elementwise merge through same-shape
 * layers: deferred until the other values are in, then the first other operand's shape (batch axis
 * dropped); `fallback`'s value when that shape is not known. Null when the input reaches no such merge.
 */
export function mergeShapeRole(model: ModelGraph, inputId: string, fallback: Role): Role | null {
  const found = mergeReached(model, inputId);
  if (!found) return null;
  const { merge, via } = found;
  const layer = model.layers[merge.layer]!;
  return {
    role: `the shape of the other input of ${layer.factory} layer ${layer.index} (line ${layer.callSpan.line}) it is merged with`,
    value: fallback.value,
    priority: fallback.priority,
    deferred: () => otherOperandShape(model, merge, via) ?? fallback.value!,
  };
}

function mergeReached(
  model: ModelGraph,
  inputId: string,
): { merge: GraphNode; via: string } | null {
  let id = inputId;
  // A chain, not a search: each step follows the tensor's first reader, at most once per node.
  for (let step = 0; step <= model.nodes.length; step++) {
    const node = model.nodes.find((n) => n.inputs.includes(id));
    const factory = node ? model.layers[node.layer]?.factory : undefined;
    if (!node || !factory) return null;
    if (ELEMENTWISE.has(factory)) return node.inputs.length > 1 ? { merge: node, via: id } : null;
    if (!SHAPE_KEEPING.has(factory) || node.inputs.length !== 1) return null;
    id = node.id;
  }
  return null;
}

/** The merge's first other operand's shape without the batch axis, from the model as filled so far. */
function otherOperandShape(model: ModelGraph, merge: GraphNode, via: string): Value | null {
  let shapes;
  try {
    // A fresh copy: inferShapes caches per model object, and this one is being filled in.
    shapes = inferShapes(structuredClone(model));
  } catch {
    return null;
  }
  const inputShapes = shapes.layers.find((l) => l.index === merge.layer)?.inputShapes ?? [];
  const other = merge.inputs
    .map((id, i) => (id === via ? null : inputShapes[i]))
    .find((shape) => shape && shape.length > 1 && shape.slice(1).some((d) => d !== null));
  if (!other) return null;
  return {
    kind: 'array',
    items: other
      .slice(1)
      .map((d) => (d === null ? { kind: 'null' } : { kind: 'number', value: d })),
  };
}
