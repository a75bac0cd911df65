/** Model records -> ModelGraph IR: layer order, functional nodes and edges, training, unknowns. */
import { frameworkDefaults } from '../frameworks';
import type {
  ClippingEvidence,
  Edge,
  GraphNode,
  InputNode,
  LayerNode,
  ModelGraph,
  TrainingSetup,
  Value,
} from '../ir';
import { traceSequentialBlocks } from './keras';
import { spanBetween } from './parse';
import type { PyInterp } from './interpreter';
import { shownDecisions, type Decision } from '../paths';
import type { PathRun } from './paths';
import { tensorInputs, type LayerRec, type ModelRec, type PV, type TensorNode } from './values';

export function finalizeModels(ip: PyInterp): ModelGraph[] {
  for (const rec of [...ip.models]) traceSequentialBlocks(ip, rec);
  const groups = byAnchor(ip.models);
  if (groups.length === 1) attachLoose(ip, groups[0]);
  return groups.flatMap(builds).sort((a, b) => a.anchor.start - b.anchor.start);
}

/**
 * The records of each place a model is created. A builder run once more with unknown parameters
 * because nothing called it counts only when no real call built it; within one path, a builder
 * called twice gives its first build (the others add their training) unless it built another model.
 */
function byAnchor(records: ModelRec[]): ModelRec[][] {
  const groups = new Map<number, ModelRec[]>();
  for (const rec of records) {
    const group = groups.get(rec.anchor.start);
    if (group) group.push(rec);
    else groups.set(rec.anchor.start, [rec]);
  }
  return [...groups.values()].map((group) => {
    const real = group.filter((r) => !r.speculative);
    const perRun = new Map<PathRun | undefined, { rec: ModelRec; signature?: string }[]>();
    for (const rec of real.length > 0 ? real : group) {
      const kept = perRun.get(rec.run) ?? [];
      perRun.set(rec.run, kept);
      if (kept.length === 0) {
        kept.push({ rec });
        continue;
      }
      if (rec.speculative) continue;
      // Called again with arguments that change its layers (`ConvNN(dueling=True)` after `ConvNN()`), it
      // builds another model; other sizes alone (`build(4)`, `build(8)`) keep the first build.
      const signature = structureOf(rec);
      const seen = kept.find((k) => (k.signature ??= structureOf(k.rec)) === signature);
      if (!seen) kept.push({ rec, signature });
      else mergeTraining(seen.rec, rec);
    }
    return [...perRun.values()].flatMap((kept) => kept.map((k) => k.rec));
  });
}

/** The layer sequence a record builds (its factories), without their values. */
function structureOf(rec: ModelRec): string {
  return toGraph(rec)
    .layers.map((l) => `${l.factory}<${l.inner?.factory ?? ''}>`)
    .join(' ');
}

/** One graph per distinct build; builds on different paths that differ are named variants. */
function builds(group: ModelRec[]): ModelGraph[] {
  if (group.length === 1) return [toGraph(group[0])];
  const kept: { rec: ModelRec; graph: ModelGraph; signature: unknown[]; path: Decision[] }[] = [];
  for (const rec of group) {
    const graph = toGraph(rec);
    const signature = signatureOf(graph);
    const path = rec.run?.log ?? [];
    const same = kept.find((k) => sameJson(k.signature, signature));
    if (!same) {
      kept.push({ rec, graph, signature, path });
      continue;
    }
    mergeTraining(same.rec, rec);
    same.graph.training = training(same.rec);
    same.path = same.path.filter((d) => path.some((e) => e.key === d.key && e.option === d.option));
  }
  if (kept.length > 1) nameVariants(kept);
  return kept.map((k) => k.graph);
}

/** The layers, their values and the wiring: what makes two builds the same model. */
function signatureOf(graph: ModelGraph): unknown[] {
  const layers = graph.layers.map((l) => [
    l.factory,
    l.inner?.factory,
    l.config.props,
    l.inner?.config.props,
  ]);
  return [graph.kind, layers, graph.edges, graph.inputs.map((i) => i.shape)];
}

/**
 * Whether `JSON.stringify` would write `a` and `b` alike with every `span` and `valueSpan` key left
 * out, without writing them: the strings of every build of a 1,000-layer model (NASNet, built on 16
 * paths) were a fifth of its lint.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const objectA = typeof a === 'object' && a !== null;
  const objectB = typeof b === 'object' && b !== null;
  if (!objectA || !objectB) return !objectA && !objectB && jsonLeaf(a) === jsonLeaf(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const keysA = jsonKeys(a);
  const keysB = jsonKeys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i];
    if (key !== keysB[i]) return false;
    if (!sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  }
  return true;
}

/** What JSON writes for a value that is not an object (left out of objects, null in arrays). */
function jsonLeaf(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null;
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return null;
  return value;
}

function jsonKeys(value: object): string[] {
  return Object.keys(value).filter((key) => {
    if (key === 'span' || key === 'valueSpan') return false;
    const item = (value as Record<string, unknown>)[key];
    return item !== undefined && typeof item !== 'function' && typeof item !== 'symbol';
  });
}

/** Each build's variant: its decisions that not every other build of the model shares. */
function nameVariants(builds: { graph: ModelGraph; path: Decision[] }[]): void {
  const sharedBy = (d: Decision) =>
    builds.every((b) => b.path.some((e) => e.key === d.key && e.option === d.option));
  const used = new Set<string>();
  builds.forEach((build, i) => {
    const own = build.path.filter((d) => !sharedBy(d));
    const shown = shownDecisions(own);
    const base = shown.length > 0 ? shown.map((d) => d.id).join('+') : String(i + 1);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    build.graph.variant = {
      id,
      label:
        shown.length > 0
          ? shown.map((d) => d.label).join(', ')
          : `build ${i + 1} of ${builds.length}`,
      path: own.map((d) => ({ condition: d.condition, branch: d.branch })),
    };
  });
}

function mergeTraining(target: ModelRec, other: ModelRec): void {
  target.compile ??= other.compile;
  target.optimizer ??= other.optimizer;
  target.fitCalls.push(
    ...other.fitCalls.filter((c) => !target.fitCalls.some((t) => t.span.start === c.span.start)),
  );
  target.customLoops.push(
    ...other.customLoops.filter(
      (c) => !target.customLoops.some((t) => t.span.start === c.span.start),
    ),
  );
  target.clipping.push(
    ...other.clipping.filter((c) => !target.clipping.some((t) => t.span.start === c.span.start)),
  );
}

/** Loop calls and clipping no model expression reached go with the file's only model (each build). */
function attachLoose(ip: PyInterp, records: ModelRec[]): void {
  for (const model of records) {
    for (const { call, optimizer } of ip.looseLoops) {
      if (!model.customLoops.some((c) => c.span.start === call.span.start))
        model.customLoops.push(call);
      if (optimizer) model.optimizer ??= optimizer;
    }
    for (const clip of ip.clipCalls)
      if (!model.clipping.some((c) => c.span.start === clip.span.start)) model.clipping.push(clip);
  }
}

function toGraph(rec: ModelRec): ModelGraph {
  const base = {
    name: rec.name,
    framework: 'keras' as const,
    kind: rec.kind,
    anchor: rec.anchor,
    span: rec.builderSpan ?? spanBetween(rec.anchor, rec.lastSpan),
    training: training(rec),
  };
  const graph: ModelGraph =
    rec.kind === 'sequential'
      ? {
          ...base,
          layers: rec.layers.map(toLayerNode),
          inputs: [],
          nodes: [],
          outputs: [],
          edges: [],
          unknowns: [],
        }
      : functional(rec, base);
  graph.unknowns = [...new Set([...collectUnknowns(graph), ...rec.unresolved])];
  return graph;
}

export function toLayerNode(layer: LayerRec, index: number): LayerNode {
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
  if (layer.lambda) node.lambda = layer.lambda;
  return node;
}

type GraphBase = Pick<ModelGraph, 'name' | 'framework' | 'kind' | 'anchor' | 'span' | 'training'>;

/** Walks back from the outputs: the nodes that feed them, in creation (forward-pass) order. */
function functional(rec: ModelRec, base: GraphBase): ModelGraph {
  const reached = new Map<number, TensorNode>();
  const visit = (node: TensorNode): void => {
    if (reached.has(node.id)) return;
    reached.set(node.id, node);
    tensorInputs(node).forEach(visit);
  };
  const outputs = tensorsOf(rec.outputs);
  outputs.forEach(visit);
  tensorsOf(rec.inputs).forEach(visit);
  const layers: LayerNode[] = [];
  const layerIndex = new Map<LayerRec, number>();
  const inputs: InputNode[] = [];
  const nodes: GraphNode[] = [];
  const edges: Edge[] = [];
  // A join is no node. The layer after it is applied to the join's first operand, as the op's
  // output stands in for it (so the probe replays a valid graph); its other operands feed it by an
  // edge (the IR's data flow), so the layers before them are the model's too.
  const ids = new Map<number, { primary: string; all: string[] }>();
  const idOf = (t: TensorNode) => ids.get(t.id)?.primary ?? '?';
  const sources = (tensors: TensorNode[]) => tensors.flatMap((t) => ids.get(t.id)?.all ?? ['?']);
  for (const tensor of [...reached.values()].sort((a, b) => a.id - b.id)) {
    if (tensor.kind === 'join') {
      ids.set(tensor.id, { primary: idOf(tensor.inputs[0]), all: sources(tensor.inputs) });
      continue;
    }
    if (tensor.kind !== 'apply') {
      const id = `input${inputs.length}`;
      ids.set(tensor.id, { primary: id, all: [id] });
      const shape: Value =
        tensor.kind === 'input' ? tensor.shape : { kind: 'unknown', text: tensor.text };
      const input: InputNode = { id, shape, span: tensor.span };
      if (tensor.kind === 'input' && tensor.dtype) input.dtype = tensor.dtype;
      if (tensor.kind === 'input' && tensor.variable) input.variable = tensor.variable;
      inputs.push(input);
      continue;
    }
    let index = layerIndex.get(tensor.layer);
    if (index === undefined) {
      index = layers.length;
      layerIndex.set(tensor.layer, index);
      layers.push(toLayerNode(tensor.layer, index));
    }
    const id = `node${nodes.length}`;
    ids.set(tensor.id, { primary: id, all: [id] });
    nodes.push({ id, layer: index, inputs: tensor.inputs.map(idOf), span: tensor.span });
    for (const from of new Set(sources(tensor.inputs))) edges.push({ from, to: id });
  }
  return {
    ...base,
    layers,
    inputs,
    nodes,
    outputs: outputs.map(idOf),
    edges,
    unknowns: [],
  };
}

function tensorsOf(value: PV): TensorNode[] {
  if (value.t === 'tensor') return [value.node];
  if (value.t === 'list') return value.items.flatMap(tensorsOf);
  if (value.t === 'dict') return [...value.entries.values()].flatMap((e) => tensorsOf(e.value));
  return [];
}

function training(rec: ModelRec): TrainingSetup {
  const optimizer = rec.optimizer;
  const evidence: ClippingEvidence[] = [...(optimizer?.clipping ?? []), ...rec.clipping];
  const info = optimizer?.info;
  let learningRate: number | null = null;
  if (info?.learningRate)
    learningRate = info.learningRate.kind === 'number' ? info.learningRate.value : null;
  else if (optimizer && (info?.kind !== 'unknown' || info?.name))
    learningRate = frameworkDefaults('keras').learningRate[optimizer.name] ?? null;
  const setup: TrainingSetup = {
    learningRate,
    fitCalls: rec.fitCalls,
    customLoops: rec.customLoops,
    trained: rec.fitCalls.length > 0 || rec.customLoops.length > 0,
    clipping: { clipped: evidence.length > 0, evidence },
  };
  if (rec.compile) setup.compile = rec.compile;
  if (info) setup.optimizer = info;
  if (rec.compile?.loss) setup.loss = rec.compile.loss;
  else if (rec.loopLoss && rec.customLoops.length > 0) setup.loss = rec.loopLoss;
  return setup;
}

function collectUnknowns(graph: ModelGraph): string[] {
  const out: string[] = [];
  const visit = (value: Value): void => {
    if (value.kind === 'unknown') out.push(value.text);
    else if (value.kind === 'array') value.items.forEach(visit);
    else if (value.kind === 'object') Object.values(value.props).forEach((p) => visit(p.value));
  };
  for (const layer of graph.layers) {
    for (const [key, prop] of Object.entries(layer.config.props))
      if (key !== 'name') visit(prop.value);
    if (layer.config.opaque) out.push(layer.config.text);
  }
  for (const input of graph.inputs) visit(input.shape);
  const optimizer = graph.training.optimizer;
  if (optimizer?.learningRate) visit(optimizer.learningRate);
  for (const value of Object.values(optimizer?.args ?? {})) visit(value);
  return [...new Set(out.filter((text) => text.length > 0))];
}
