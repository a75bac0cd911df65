/** Model records -> ModelGraph IR: layer order, functional nodes/edges, unknowns, merged builder calls. */
import { toValue, unknownTexts } from './convert';
import type {
  Edge,
  GraphNode,
  InputNode,
  LayerNode,
  LoadedBase,
  ModelGraph,
  Span,
  Value,
} from '../ir';
import { spanBetween } from './spans';
import { type FileClipping, trainingSetup } from './training';
import { groupBuilds } from './variants';
import type { AV, BaseRec, LayerRec, ModelRec, TensorNode } from './values';

export function finalizeModels(
  records: ModelRec[],
  source: string,
  clipping: FileClipping,
  looseOverrides: Span[],
): ModelGraph[] {
  const builds = withoutGuesses(records).map((record) => ({
    graph: toGraph(record, clipping, looseOverrides),
    path: record.run?.log ?? [],
    ...(record.createdUnder ? { under: record.createdUnder } : {}),
    ...(record.builderArgs ? { args: record.builderArgs } : {}),
    ...(record.crossFileArgs !== undefined ? { crossFileArgs: record.crossFileArgs } : {}),
  }));
  const merge = (target: ModelGraph, other: ModelGraph) => {
    mergeInto(target, other, source);
    target.unknowns = [...new Set([...collectUnknowns(target), ...target.unknowns])];
  };
  return groupBuilds(builds, merge).sort((a, b) => a.anchor.start - b.anchor.start);
}

/** A model built with unknown parameters is dropped when a real call site built the same model. */
function withoutGuesses(records: ModelRec[]): ModelRec[] {
  const real = new Map<number, ModelRec[]>();
  for (const r of records) {
    if (r.speculative) continue;
    const list = real.get(r.anchor.start);
    if (list) list.push(r);
    else real.set(r.anchor.start, [r]);
  }
  const builtAnchors = new Set(records.filter((r) => !r.classGuess).map((r) => r.anchor.start));
  return records.filter(
    (r) =>
      (!r.speculative || !coveredByReal(r, real.get(r.anchor.start))) &&
      (!r.classGuess || !builtAnchors.has(r.anchor.start)),
  );
}

/**
 * A guess is dropped when a real call built the model on its path. Its path's own decisions
 * (`env === 'Acrobot'`) that no real build went down are a variant the real calls missed (a caller
 * stopped by its budget after the first paths): it is kept.
 */
function coveredByReal(guess: ModelRec, real: ModelRec[] | undefined): boolean {
  if (!real) return false;
  const own = guess.run?.log ?? [];
  if (own.length === 0) return true;
  return real.some((r) => {
    const log = r.run?.log ?? [];
    return own.every((d) => log.some((e) => e.key === d.key && e.branch === d.branch));
  });
}

function toGraph(model: ModelRec, clipping: FileClipping, looseOverrides: Span[]): ModelGraph {
  const base = {
    name: model.name,
    kind: model.kind,
    anchor: model.anchor,
    span: model.builderSpan ?? spanBetween(model.anchor, model.lastSpan),
    training: trainingSetup(model, clipping, looseOverrides),
  };
  const bases = new BaseIndex();
  const graph: ModelGraph =
    model.kind === 'sequential'
      ? {
          ...base,
          layers: model.layers.map((layer, i) => toLayerNode(layer, i, model, bases)),
          inputs: [],
          nodes: [],
          outputs: [],
          edges: [],
          unknowns: [],
        }
      : functionalGraph(model, base, bases);
  if (bases.list.length > 0) graph.bases = bases.list;
  graph.unknowns = [...new Set([...collectUnknowns(graph), ...model.unresolved])];
  return graph;
}

/** Numbers the loaded bases a graph builds on (one entry per base and truncation point). */
class BaseIndex {
  readonly list: LoadedBase[] = [];
  private readonly keys: string[] = [];

  of(rec: BaseRec, truncatedAt?: string): number {
    const key = `${rec.id}:${truncatedAt ?? ''}`;
    const at = this.keys.indexOf(key);
    if (at >= 0) return at;
    this.keys.push(key);
    this.list.push({
      loader: rec.loader,
      url: toValue(rec.url),
      span: rec.span,
      ...(truncatedAt !== undefined ? { truncatedAt } : {}),
    });
    return this.list.length - 1;
  }
}

function toLayerNode(layer: LayerRec, index: number, model: ModelRec, bases: BaseIndex): LayerNode {
  const node: LayerNode = {
    index,
    factory: layer.factory,
    config: layer.config,
    callSpan: layer.callSpan,
  };
  if (layer.inner) node.inner = toLayerNode(layer.inner, index, model, bases);
  if (layer.base) node.base = bases.of(layer.base, layer.truncatedAt);
  // A loop that was already open when the model was created builds more models, not more layers.
  if (layer.repeat && layer.repeat.count > 0 && layer.repeat.depth > model.loopDepth)
    node.repeat = { iteration: layer.repeat.iteration, count: layer.repeat.count };
  // A condition that was already open when the model was created is the caller's choice of model.
  if (layer.conditional && (layer.condIndex ?? 0) >= model.conditionDepth)
    node.conditional = { ...layer.conditional };
  if (layer.variable) node.variable = layer.variable;
  return node;
}

type GraphBase = Pick<ModelGraph, 'name' | 'kind' | 'anchor' | 'span' | 'training'>;

/** Walks back from the outputs: the nodes that feed them, in creation (topological) order. */
function functionalGraph(model: ModelRec, base: GraphBase, bases: BaseIndex): ModelGraph {
  const reached = new Map<number, TensorNode>();
  const visit = (node: TensorNode): void => {
    if (reached.has(node.id)) return;
    reached.set(node.id, node);
    if (node.kind === 'apply' || node.kind === 'opaque') node.inputs?.forEach(visit);
  };
  const outputs = tensorsOf(model.outputs);
  outputs.forEach(visit);
  // `inputs: base.inputs` feeds the base, whose output (reached above) is the graph's real input.
  const fedBases = new Set(
    [...reached.values()].flatMap((t) =>
      t.kind === 'input' && t.base?.role === 'output' ? [t.base.rec] : [],
    ),
  );
  const declaredInputs = tensorsOf(model.inputs).filter(
    (t) => !(t.kind === 'input' && t.base?.role === 'input' && fedBases.has(t.base.rec)),
  );
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
        ...(tensor.kind === 'input' && tensor.base
          ? { base: bases.of(tensor.base.rec, tensor.base.truncatedAt) }
          : {}),
      });
      continue;
    }
    let index = layerIndex.get(tensor.layer);
    if (index === undefined) {
      index = layers.length;
      layerIndex.set(tensor.layer, index);
      layers.push(toLayerNode(tensor.layer, index, model, bases));
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
  // A loaded base's shapes come from its file (the probe loads it), not from `--set`.
  for (const input of graph.inputs) if (input.base === undefined) unknownTexts(input.shape, out);
  const lr = graph.training.optimizer?.learningRate;
  if (lr) unknownTexts(lr, out);
  return [...new Set(out.filter((text) => text.length > 0))];
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
