/**
 * Where a layer's tensors are: along a sequential model (`model.layers[2].output`, tfjs's
 * `inboundNodes` / `outboundNodes`), or the call that applied it to symbolic tensors.
 */
import type { Interp } from './interpreter';
import { type AV, type LayerRec, type ModelRec, type TensorNode, prim, unknown } from './values';

const layerOwners = new WeakMap<LayerRec, ModelRec>();
const lastApplied = new WeakMap<LayerRec, TensorNode>();
const ends = new WeakMap<ModelRec, { input: TensorNode; outputs: TensorNode[] }>();

/** `layer.output` / `layer.input` of a layer of a sequential model (see sequentialEnds). */
export function sequentialLayerEnd(interp: Interp, layer: LayerRec, key: string): AV | undefined {
  if (!['output', 'input', 'inboundNodes', 'outboundNodes'].includes(key)) return undefined;
  const model = layerOwners.get(layer);
  // A layer applied to symbolic tensors: `.output` is what its (latest) call gave.
  const applied = lastApplied.get(layer);
  if (!model && applied && key === 'output') return { t: 'tensor', node: applied };
  if (!model) return undefined;
  const known = sequentialEnds(interp, model);
  const at = model.layers.indexOf(layer);
  if (at < 0) return undefined;
  const input = (i: number): AV => ({
    t: 'tensor',
    node: i === 0 ? known.input : known.outputs[i - 1],
  });
  const output = (i: number): AV => ({ t: 'tensor', node: known.outputs[i] });
  if (key === 'output') return output(at);
  if (key === 'input') return input(at);
  // tfjs's nodes: a layer's inbound node is its own call; its outbound node is the next layer's call.
  const call = at + (key === 'outboundNodes' ? 1 : 0);
  if (call >= model.layers.length) return { t: 'array', items: [] };
  const tensors = (value: AV) => ({
    value: { t: 'array', items: [value] } as AV,
    span: null,
    valueSpan: null,
  });
  const node: AV = {
    t: 'object',
    props: new Map([
      ['inputTensors', tensors(input(call))],
      ['outputTensors', tensors(output(call))],
    ]),
  };
  return { t: 'array', items: [node] };
}

/** Records the latest call of a layer on symbolic tensors (its `.output`). */
export function noteApplied(layer: LayerRec, applied: TensorNode): void {
  lastApplied.set(layer, applied);
}

/** The tensors a sequential model's layers produce, in order (extended as layers are added). */
export function sequentialEnds(
  interp: Interp,
  model: ModelRec,
): { input: TensorNode; outputs: TensorNode[] } {
  let known = ends.get(model);
  if (!known) {
    const input: TensorNode = {
      id: interp.id(),
      kind: 'input',
      shape: firstInputShape(model),
      span: model.anchor,
    };
    known = { input, outputs: [] };
    ends.set(model, known);
  }
  for (let i = known.outputs.length; i < model.layers.length; i++) {
    const layer = model.layers[i];
    layerOwners.set(layer, model);
    const previous = i === 0 ? known.input : known.outputs[i - 1];
    known.outputs.push({
      id: interp.id(),
      kind: 'apply',
      layer,
      inputs: [previous],
      span: model.anchor,
    });
  }
  return known;
}

/** The first layer's `inputShape` (or `batchInputShape` without its batch size) as a value. */
function firstInputShape(model: ModelRec): AV {
  const props = model.layers[0]?.config.props;
  const given = props?.inputShape?.value;
  const batch = props?.batchInputShape?.value;
  const dims =
    given?.kind === 'array' ? given.items : batch?.kind === 'array' ? batch.items.slice(1) : null;
  if (dims?.every((d) => d.kind === 'number' || d.kind === 'null'))
    return { t: 'array', items: dims.map((d) => prim(d.kind === 'number' ? d.value : null)) };
  return unknown('input shape of a sequential model', 'sequential input');
}

/**
 * `model.layers` of a functional model, as tfjs lists them: its input layers first, then each layer
 * applied on the way to its outputs once, in the order the code applied them (a layer's inputs were
 * made before it). `model.layers[2].output` is then that layer's tensor, so a submodel
 * (`tf.model({ inputs: model.input, outputs: model.layers[2].output })`) has the layers up to it.
 */
export function functionalLayers(model: ModelRec): AV {
  const outputs = model.outputs.t === 'array' ? model.outputs.items : [model.outputs];
  const seen = new Set<TensorNode>();
  const found: TensorNode[] = [];
  const visit = (node: TensorNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.kind !== 'input') for (const from of node.inputs ?? []) visit(from);
    if (node.kind !== 'opaque') found.push(node);
  };
  for (const out of outputs) if (out.t === 'tensor') visit(out.node);
  const byOrder = found.sort((a, b) => a.id - b.id);
  const layers = new Set<LayerRec>();
  const items: AV[] = byOrder
    .filter((node) => node.kind === 'input')
    .map((node) => inputLayer(node));
  for (const node of byOrder) {
    if (node.kind !== 'apply' || layers.has(node.layer)) continue;
    layers.add(node.layer);
    items.push({ t: 'layer', layer: node.layer });
  }
  return { t: 'array', items };
}

/** tfjs's InputLayer of a functional model: its `output` (and `input`) is the input tensor. */
function inputLayer(node: TensorNode): AV {
  const end = { value: { t: 'tensor', node } as AV, span: null, valueSpan: null };
  return {
    t: 'object',
    props: new Map([
      ['output', end],
      ['input', end],
    ]),
  };
}
