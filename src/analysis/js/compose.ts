/** Models used as layers: `head.apply(x)`, `decoder.apply(encoder.apply(x)[2])`. */
import type { CallNode } from './calls';
import type { Span } from '../ir';
import type { Interp } from './interpreter';
import { spanOf } from './spans';
import { opaqueTensor } from './tfjs';
import type { AV, ModelRec, TensorNode } from './values';

/**
 * `head.apply(x)` of a sequential model: x flows through its layers, so a model built on the result
 * (a new head on a truncated base) has those layers. Other models stay an opaque step.
 */
export function applyModel(
  interp: Interp,
  model: ModelRec,
  input: AV | undefined,
  node: CallNode,
): AV {
  const span = spanOf(node);
  // A forward function's parameter (`const vae = (x) => decoder.apply(encoder.apply(x))`) is a
  // tensor the code does not describe: the model's layers still run on it.
  input = input && fedTensors(interp, input, node);
  if (model.kind === 'functional' && input) {
    const applied = applyGraph(interp, model, input, span);
    if (applied) return applied;
  }
  if (model.kind !== 'sequential' || input?.t !== 'tensor' || model.layers.length === 0)
    return {
      t: 'tensor',
      node: { id: interp.id(), kind: 'opaque', text: interp.text(node), span },
    };
  let current: TensorNode = input.node;
  for (const layer of model.layers)
    current = { id: interp.id(), kind: 'apply', layer, inputs: [current], span };
  return { t: 'tensor', node: current };
}

/**
 * `decoder.apply(encoder.apply(x)[2])`: a functional model applied to tensors repeats its graph on
 * them (its layers shared), so a model composed of models (a VAE, a GAN's combined model) has layers.
 */
function applyGraph(interp: Interp, model: ModelRec, input: AV, span: Span): AV | null {
  const own = tensorList(model.inputs);
  const given = tensorList(input);
  if (!own || !given || own.length !== given.length || own.length === 0) return null;
  const copies = new Map<number, TensorNode>(own.map((t, i) => [t.id, given[i]]));
  const copy = (t: TensorNode): TensorNode => {
    const done = copies.get(t.id);
    if (done) return done;
    // Inputs first: ids are creation order, which the graph's layer order follows.
    const inputs = t.kind === 'apply' || t.kind === 'opaque' ? (t.inputs ?? []).map(copy) : [];
    const next: TensorNode =
      t.kind === 'apply'
        ? { id: interp.id(), kind: 'apply', layer: t.layer, inputs, span }
        : t.kind === 'opaque' && t.inputs
          ? { id: interp.id(), kind: 'opaque', text: t.text, span, inputs }
          : t;
    copies.set(t.id, next);
    return next;
  };
  // An output the extractor cannot follow (a custom layer's, `new ZLayer().apply(...)`) stays an
  // opaque tensor of the copy, so the parts it can follow still compose.
  const outputs = outputList(interp, model.outputs, span);
  if (!outputs || outputs.length === 0) return null;
  const results: AV[] = outputs.map((t) => ({ t: 'tensor', node: copy(t) }));
  return model.outputs.t === 'array' ? { t: 'array', items: results } : results[0];
}

/** Unknown values given as a model's inputs, as opaque tensors (an array's items each its own). */
function fedTensors(interp: Interp, input: AV, node: CallNode): AV {
  const opaque = (item: AV): AV =>
    item.t === 'unknown'
      ? {
          t: 'tensor',
          node: opaqueTensor(interp, item.text, spanOf(node.arguments[0] ?? node), item),
        }
      : item;
  return input.t === 'array' ? { t: 'array', items: input.items.map(opaque) } : opaque(input);
}

function tensorList(value: AV): TensorNode[] | null {
  if (value.t === 'tensor') return [value.node];
  if (value.t !== 'array') return null;
  const items = value.items.map((item) => (item.t === 'tensor' ? item.node : null));
  return items.every((item): item is TensorNode => item !== null) ? items : null;
}

function outputList(interp: Interp, value: AV, span: Span): TensorNode[] | null {
  if (value.t === 'tensor') return [value.node];
  if (value.t !== 'array') return null;
  return value.items.map((item): TensorNode =>
    item.t === 'tensor'
      ? item.node
      : opaqueTensor(interp, item.t === 'unknown' ? item.text : 'output', span, item),
  );
}
