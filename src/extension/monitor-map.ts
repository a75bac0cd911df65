/**
 * Which model in the workspace wrote a training log, and which source line built each logged layer.
 * The log names layers as tfjs does: the `name` given in the code, else an automatic name
 * (dense_Dense1) that says nothing about the code; so names are matched first and the order of
 * layers with their classes decides the rest. Plain data in and out (no vscode), tested in Node.
 */
import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { LayerInfo } from '../monitor/records';

export interface SourceModel<T> {
  /** Whatever the caller needs to find the file again (a URI, a path). */
  file: T;
  model: ModelGraph;
}

export interface LogMapping<T> {
  file: T;
  model: ModelGraph;
  /** Log layer index (position in model.layers) -> the IR layer that built it. */
  layers: Map<number, LayerNode>;
  /** How many of the log's layers with weights found a source layer. */
  matched: number;
  total: number;
}

/**
 * The best-matching model for the log's layers, or null when none matches at least half of the
 * layers that have weights. Models that are trained in the code (a fit call, a custom loop) win ties.
 */
export function mapLogToSource<T>(
  logLayers: LayerInfo[],
  candidates: SourceModel<T>[],
): LogMapping<T> | null {
  const weighted = logLayers.filter((l) => l.weights.length > 0);
  if (weighted.length === 0) return null;
  let best: { mapping: LogMapping<T>; score: number } | null = null;
  for (const candidate of candidates) {
    const layers = alignLayers(logLayers, candidate.model.layers);
    const matched = weighted.filter((l) => layers.has(l.index)).length;
    const sizeGap = Math.abs(withoutInputs(logLayers).length - candidate.model.layers.length);
    const score = matched * 4 - sizeGap + (candidate.model.training.trained ? 1 : 0);
    if (matched * 2 < weighted.length) continue;
    if (!best || score > best.score)
      best = {
        mapping: {
          file: candidate.file,
          model: candidate.model,
          layers,
          matched,
          total: weighted.length,
        },
        score,
      };
  }
  return best?.mapping ?? null;
}

/**
 * Pairs log layers with IR layers: an explicit name in the config pairs them outright; the rest pair
 * in order, each log layer with the next unpaired IR layer of the same class.
 */
export function alignLayers(logLayers: LayerInfo[], irLayers: LayerNode[]): Map<number, LayerNode> {
  const result = new Map<number, LayerNode>();
  const used = new Set<number>();
  const named = new Map<string, LayerNode>();
  for (const layer of irLayers) {
    const name = layer.config.props.name?.value;
    if (name?.kind === 'string') named.set(name.value, layer);
  }
  const log = withoutInputs(logLayers);
  for (const layer of log) {
    const match = named.get(layer.name);
    if (match && sameClass(layer.className, match.factory)) {
      result.set(layer.index, match);
      used.add(match.index);
    }
  }
  let cursor = 0;
  for (const layer of log) {
    if (result.has(layer.index)) {
      const paired = result.get(layer.index) as LayerNode;
      cursor = Math.max(cursor, irLayers.indexOf(paired) + 1);
      continue;
    }
    for (let j = cursor; j < irLayers.length; j++) {
      const candidate = irLayers[j];
      if (used.has(candidate.index) || !sameClass(layer.className, candidate.factory)) continue;
      result.set(layer.index, candidate);
      used.add(candidate.index);
      cursor = j + 1;
      break;
    }
  }
  return result;
}

/** "Dense" and "dense", "Conv2D" and "conv2d", "LSTM" and "lstm": tfjs class names vs factory names. */
function sameClass(className: string, factory: string): boolean {
  return className.toLowerCase() === factory.toLowerCase();
}

/** Functional models list their InputLayer in model.layers; the IR keeps inputs apart. */
function withoutInputs(layers: LayerInfo[]): LayerInfo[] {
  return layers.filter((l) => l.className !== 'InputLayer');
}

/** The end-of-line hint for a layer's latest record: gradient norm, ratio to output, update ratio. */
export function layerHint(row: {
  grad: number | null;
  ratio: number | null;
  updateRatio: number | null;
  nonFinite: number;
}): string {
  const f = (v: number | null) =>
    v === null ? '—' : Number.isFinite(v) ? v.toExponential(1).replace('e+', 'e') : String(v);
  if (row.nonFinite > 0) return `training: ${row.nonFinite} non-finite gradient values`;
  return `training: ∇ ${f(row.grad)} · ${f(row.ratio)}× output · Δ/w ${f(row.updateRatio)}`;
}
