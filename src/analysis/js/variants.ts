/**
 * Builds of one model (same creation call) -> the models the IR reports. Identical builds are one
 * model; builds on different paths that differ are variants, named by the decisions that tell them
 * apart; builds on the same path that differ only in values (one builder called from two places)
 * merge, with the differing values unknown.
 */
import { unknownTexts } from './convert';
import type { ModelGraph, Value, VariantInfo } from '../ir';
import type { Decision } from './paths';

export interface Build {
  graph: ModelGraph;
  path: Decision[];
  /** Set when another workspace file called the builder: that call's arguments, as text. */
  crossFileArgs?: string;
}

export type MergeInto = (target: ModelGraph, other: ModelGraph) => void;

export function groupBuilds(builds: Build[], mergeInto: MergeInto): ModelGraph[] {
  const byAnchor = new Map<number, Build[]>();
  for (const build of builds) {
    const group = byAnchor.get(build.graph.anchor.start);
    if (group) group.push(build);
    else byAnchor.set(build.graph.anchor.start, [build]);
  }
  const out: ModelGraph[] = [];
  for (const group of byAnchor.values()) {
    const distinct = mergeSame(group, mergeInto);
    if (distinct.length > 1) {
      nameVariants(distinct);
      nameByCallArguments(distinct);
    }
    out.push(...distinct.map((b) => b.graph));
  }
  return out;
}

function mergeSame(group: Build[], mergeInto: MergeInto): Build[] {
  if (group.length === 1) return group;
  const kept: { build: Build; signature: string; shape: string; pathKey: string }[] = [];
  for (const build of group) {
    const signature = signatureOf(build.graph, true);
    const shape = signatureOf(build.graph, false);
    const pathKey = build.path.map((d) => `${d.key}\u0000${d.branch}`).join('\u0001');
    // Calls from other files with different known values build different models of the project.
    const sameCall = (k: { build: Build }) =>
      (k.build.crossFileArgs === undefined && build.crossFileArgs === undefined) ||
      !knownDifference(k.build.graph, build.graph);
    const same =
      kept.find((k) => k.signature === signature) ??
      kept.find((k) => k.shape === shape && k.pathKey === pathKey && sameCall(k));
    if (!same) {
      kept.push({ build: { ...build }, signature, shape, pathKey });
      continue;
    }
    mergeInto(same.build.graph, build.graph);
    same.build.path = common(same.build.path, build.path);
  }
  return kept.map((k) => k.build);
}

/** With values: identical builds; without: the same layer sequence and graph. */
function signatureOf(graph: ModelGraph, withValues: boolean): string {
  const layers = graph.layers.map((l) =>
    withValues
      ? [
          l.factory,
          l.inner?.factory,
          l.config.props,
          l.inner?.config.props,
          l.repeat?.count,
          l.base,
        ]
      : [l.factory, l.inner?.factory],
  );
  const inputs = withValues ? graph.inputs.map((i) => [i.shape, i.base]) : graph.inputs.length;
  return JSON.stringify([graph.kind, layers, graph.edges, inputs], (key, value: unknown) =>
    key === 'span' || key === 'valueSpan' ? undefined : value,
  );
}

function common(a: Decision[], b: Decision[]): Decision[] {
  return a.filter((d) => b.some((e) => e.key === d.key && e.branch === d.branch));
}

/** Each build's label: its decisions that not every other build of the model shares. */
function nameVariants(builds: Build[]): void {
  const shared = builds
    .slice(1)
    .reduce((acc, b) => common(acc, b.path), builds[0].path)
    .map((d) => `${d.key}\u0000${d.branch}`);
  const used = new Set<string>();
  builds.forEach((build, i) => {
    const own = build.path.filter((d) => !shared.includes(`${d.key}\u0000${d.branch}`));
    const variant = describe(own, i, builds.length);
    let id = variant.id;
    for (let n = 2; used.has(id); n++) id = `${variant.id}-${n}`;
    used.add(id);
    build.graph.variant = { ...variant, id };
  });
}

function describe(own: Decision[], index: number, count: number): VariantInfo {
  if (own.length === 0)
    return { id: String(index + 1), label: `build ${index + 1} of ${count}`, path: [] };
  // `else` of an else-if chain followed by a later branch of the same chain reads as that branch.
  // So does `modelType !== 'multihot'` followed by `modelType = 'cnn'`.
  const shown = own.filter((d, i) => {
    const later = own.slice(i + 1);
    if (d.branch === 'else' && later.some((l) => l.chain === d.chain)) return false;
    return !(d.negative && later.some((l) => l.subject === d.subject && !l.negative));
  });
  return {
    id: shown.map((d) => d.id).join('+'),
    label: shown.map((d) => d.label).join(', '),
    path: own.map((d) => ({ condition: d.condition, branch: d.branch })),
  };
}

/** Models told apart only by another file's call are known by that call: `createModel(28, 10)`. */
function nameByCallArguments(builds: Build[]): void {
  for (const build of builds) {
    if (build.crossFileArgs !== undefined && build.path.length === 0)
      build.graph.name = `${build.graph.name}(${build.crossFileArgs})`;
  }
}

/** True when a config value or input shape is known in both builds and differs. */
function knownDifference(a: ModelGraph, b: ModelGraph): boolean {
  const differ = (x: Value, y: Value) =>
    !hasUnknown(x) && !hasUnknown(y) && JSON.stringify(x) !== JSON.stringify(y);
  const layers = a.layers.some((layer, i) =>
    Object.entries(layer.config.props).some(([key, prop]) => {
      const theirs = b.layers[i]?.config.props[key];
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
