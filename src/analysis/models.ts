/** Model records -> ModelGraph IR: layer order, functional nodes/edges, unknowns, merged builder calls. */
import { toValue, unknownTexts } from './convert';
import type { Edge, GraphNode, InputNode, LayerNode, ModelGraph, Span, Value } from './ir';
import { spanBetween } from './spans';
import { type FileClipping, trainingSetup } from './training';
import type { AV, LayerRec, ModelRec, TensorNode } from './values';

export function finalizeModels(
  records: ModelRec[],
  source: string,
  clipping: FileClipping,
  looseOverrides: Span[],
): ModelGraph[] {
  const kept = withoutGuesses(records);
  const graphs = kept.map((record) => toGraph(record, clipping, looseOverrides));
  const callArgs = new Map<ModelGraph, string>();
  kept.forEach((record, i) => {
    if (record.crossFileArgs !== undefined) callArgs.set(graphs[i], record.crossFileArgs);
  });
  return mergeRepeatedBuilds(graphs, source, callArgs).sort(
    (a, b) => a.anchor.start - b.anchor.start,
  );
}

/** A model built with unknown parameters is dropped when a real call site built the same model. */
function withoutGuesses(records: ModelRec[]): ModelRec[] {
  const realAnchors = new Set(records.filter((r) => !r.speculative).map((r) => r.anchor.start));
  return records.filter((r) => !r.speculative || !realAnchors.has(r.anchor.start));
}

function toGraph(model: ModelRec, clipping: FileClipping, looseOverrides: Span[]): ModelGraph {
  const base = {
    name: model.name,
    kind: model.kind,
    anchor: model.anchor,
    span: model.builderSpan ?? spanBetween(model.anchor, model.lastSpan),
    training: trainingSetup(model, clipping, looseOverrides),
  };
  const graph: ModelGraph =
    model.kind === 'sequential'
      ? {
          ...base,
          layers: model.layers.map(toLayerNode),
          inputs: [],
          nodes: [],
          outputs: [],
          edges: [],
          unknowns: [],
        }
      : functionalGraph(model, base);
  graph.unknowns = [...new Set([...collectUnknowns(graph), ...model.unresolved])];
  return graph;
}

function toLayerNode(layer: LayerRec, index: number): LayerNode {
  const node: LayerNode = {
    index,
    factory: layer.factory,
    config: layer.config,
    callSpan: layer.callSpan,
  };
  if (layer.inner) node.inner = toLayerNode(layer.inner, index);
  if (layer.repeat && layer.repeat.count > 0) node.repeat = { ...layer.repeat };
  if (layer.conditional) node.conditional = { ...layer.conditional };
  if (layer.variable) node.variable = layer.variable;
  return node;
}

type GraphBase = Pick<ModelGraph, 'name' | 'kind' | 'anchor' | 'span' | 'training'>;

/** Walks back from the outputs: the nodes that feed them, in creation (topological) order. */
function functionalGraph(model: ModelRec, base: GraphBase): ModelGraph {
  const reached = new Map<number, TensorNode>();
  const visit = (node: TensorNode): void => {
    if (reached.has(node.id)) return;
    reached.set(node.id, node);
    if (node.kind === 'apply') node.inputs.forEach(visit);
  };
  const outputs = tensorsOf(model.outputs);
  outputs.forEach(visit);
  const declaredInputs = tensorsOf(model.inputs);
  declaredInputs.forEach(visit);
  const ordered = [...reached.values()].sort((a, b) => a.id - b.id);
  const layerIndex = new Map<LayerRec, number>();
  const layers: LayerNode[] = [];
  const inputs: InputNode[] = [];
  const nodes: GraphNode[] = [];
  const edges: Edge[] = [];
  const ids = new Map<number, string>();
  let last = model.lastSpan;
  for (const tensor of ordered) {
    if (tensor.kind === 'input' || tensor.kind === 'opaque') {
      const id = `input${inputs.length}`;
      ids.set(tensor.id, id);
      const shape: Value =
        tensor.kind === 'input' ? toValue(tensor.shape) : { kind: 'unknown', text: tensor.text };
      inputs.push({
        id,
        shape,
        span: tensor.span,
        ...(tensor.kind === 'input' && tensor.dtype ? { dtype: tensor.dtype } : {}),
        ...(tensor.kind === 'input' && tensor.variable ? { variable: tensor.variable } : {}),
      });
      continue;
    }
    let index = layerIndex.get(tensor.layer);
    if (index === undefined) {
      index = layers.length;
      layerIndex.set(tensor.layer, index);
      layers.push(toLayerNode(tensor.layer, index));
    }
    const id = `node${nodes.length}`;
    ids.set(tensor.id, id);
    const inputIds = tensor.inputs.map((input) => ids.get(input.id) ?? '?');
    nodes.push({ id, layer: index, inputs: inputIds, span: tensor.span });
    // One edge per producer, even when a node feeds several arguments (an RNN's output and states).
    for (const from of new Set(inputIds)) edges.push({ from, to: id });
    if (tensor.span.end > last.end) last = tensor.span;
  }
  const span = model.builderSpan ?? spanBetween(spanBetween(model.anchor, last), model.lastSpan);
  return {
    ...base,
    span: earliest(span, inputs),
    layers,
    inputs,
    nodes,
    outputs: outputs.map((o) => ids.get(o.id) ?? '?'),
    edges,
    unknowns: [],
  };
}

/** The definition region of a functional model starts at its first input when that comes earlier. */
function earliest(span: Span, inputs: InputNode[]): Span {
  const first = inputs.reduce<Span | null>(
    (min, i) => (!min || i.span.start < min.start ? i.span : min),
    null,
  );
  if (!first || first.start >= span.start) return span;
  return { ...span, start: first.start, line: first.line, column: first.column };
}

function tensorsOf(value: AV): TensorNode[] {
  if (value.t === 'tensor') return [value.node];
  if (value.t === 'array') return value.items.flatMap(tensorsOf);
  return [];
}

function collectUnknowns(graph: ModelGraph): string[] {
  const out: string[] = [];
  for (const layer of graph.layers) {
    for (const [key, prop] of Object.entries(layer.config.props)) {
      if (key !== 'name') unknownTexts(prop.value, out);
    }
    if (layer.config.opaque) out.push(layer.config.text);
  }
  for (const input of graph.inputs) unknownTexts(input.shape, out);
  const lr = graph.training.optimizer?.learningRate;
  if (lr) unknownTexts(lr, out);
  return [...new Set(out.filter((text) => text.length > 0))];
}

/**
 * A builder called from several places creates the same model (same anchor) more than once. Builds
 * with the same layers become one model whose values are kept where every build agrees and unknown
 * (with the expression text) where they differ.
 */
function mergeRepeatedBuilds(
  graphs: ModelGraph[],
  source: string,
  callArgs: Map<ModelGraph, string>,
): ModelGraph[] {
  const byAnchor = new Map<number, ModelGraph[]>();
  for (const graph of graphs) {
    const group = byAnchor.get(graph.anchor.start);
    if (group) group.push(graph);
    else byAnchor.set(graph.anchor.start, [graph]);
  }
  const out: ModelGraph[] = [];
  for (const group of byAnchor.values()) {
    // Builds with different layers (a builder with options) stay separate variants.
    const variants: ModelGraph[][] = [];
    // Builds called from other files with different values are different models of the project.
    const mergeable = (a: ModelGraph, b: ModelGraph) =>
      sameShape(a, b) && ((!callArgs.has(a) && !callArgs.has(b)) || !knownDifference(a, b));
    for (const graph of group) {
      const same = variants.find((v) => mergeable(v[0], graph));
      if (same) same.push(graph);
      else variants.push([graph]);
    }
    if (variants.length > 1) {
      for (const [first] of variants) {
        const args = callArgs.get(first);
        if (args !== undefined) first.name = `${first.name}(${args})`;
      }
    }
    for (const [first, ...rest] of variants) {
      for (const other of rest) mergeInto(first, other, source);
      if (rest.length > 0)
        first.unknowns = [...new Set([...collectUnknowns(first), ...first.unknowns])];
      out.push(first);
    }
  }
  return out;
}

function sameShape(a: ModelGraph, b: ModelGraph): boolean {
  return (
    a.layers.length === b.layers.length &&
    a.layers.every((layer, i) => layer.factory === b.layers[i].factory) &&
    JSON.stringify(a.edges) === JSON.stringify(b.edges)
  );
}

/** True when a config value or input shape is known in both builds and differs. */
function knownDifference(a: ModelGraph, b: ModelGraph): boolean {
  const differ = (x: Value, y: Value) =>
    !hasUnknown(x) && !hasUnknown(y) && JSON.stringify(x) !== JSON.stringify(y);
  const layers = a.layers.some((layer, i) =>
    Object.entries(layer.config.props).some(([key, prop]) => {
      const theirs = b.layers[i].config.props[key];
      return theirs !== undefined && differ(prop.value, theirs.value);
    }),
  );
  return (
    layers || a.inputs.some((input, i) => b.inputs[i] && differ(input.shape, b.inputs[i].shape))
  );
}

function hasUnknown(value: Value): boolean {
  const found: string[] = [];
  unknownTexts(value, found);
  return found.length > 0 || value.kind === 'unknown';
}

function mergeInto(target: ModelGraph, other: ModelGraph, source: string): void {
  target.layers.forEach((layer, i) => {
    const otherProps = other.layers[i].config.props;
    for (const [key, prop] of Object.entries(layer.config.props)) {
      const theirs = otherProps[key];
      if (theirs && JSON.stringify(theirs.value) === JSON.stringify(prop.value)) continue;
      const where = prop.valueSpan;
      const text = where ? source.slice(where.start, where.end) : key;
      prop.value = { kind: 'unknown', text, reason: 'differs between call sites' };
    }
  });
  target.inputs.forEach((input, i) => {
    const theirs = other.inputs[i];
    if (theirs && JSON.stringify(theirs.shape) !== JSON.stringify(input.shape)) {
      input.shape = {
        kind: 'unknown',
        text: source.slice(input.span.start, input.span.end),
        reason: 'differs between call sites',
      };
    }
  });
  const training = target.training;
  const extra = other.training;
  for (const call of extra.fitCalls)
    if (!training.fitCalls.some((c) => c.span.start === call.span.start))
      training.fitCalls.push(call);
  for (const call of extra.customLoops)
    if (!training.customLoops.some((c) => c.span.start === call.span.start))
      training.customLoops.push(call);
  training.compile ??= extra.compile;
  training.optimizer ??= extra.optimizer;
  training.loss ??= extra.loss;
  if (training.learningRate === null) training.learningRate = extra.learningRate;
  training.trained ||= extra.trained;
  for (const e of extra.clipping.evidence) {
    if (!training.clipping.evidence.some((x) => x.span.start === e.span.start))
      training.clipping.evidence.push(e);
  }
  training.clipping.clipped = training.clipping.evidence.length > 0;
}
