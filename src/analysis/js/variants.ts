/**
 * Builds of one model (same creation call) -> the models the IR reports. Identical builds are one
 * model; builds on different paths that differ are variants, named by the decisions that tell them
 * apart; builds on the same path that differ only in values (one builder called from two places)
 * merge, with the differing values unknown.
 */
import { unknownTexts } from './convert';
import type { ModelGraph, Value, VariantInfo } from '../ir';
import { idPart, shownDecisions, type Decision } from '../paths';

export interface Build {
  graph: ModelGraph;
  path: Decision[];
  /** Set when another workspace file called the builder: that call's arguments, as text. */
  crossFileArgs?: string;
  /** Undecidable branches open when it was built while no path was followed. */
  under?: Branch[];
  /** The builder's parameters and what the call that built it gave them (text). */
  args?: { name: string; text: string }[];
}

interface Branch {
  condition: string;
  branch: string;
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
    const pathKey = keyOf(build.path);
    // Calls from other files with different known values build different models of the project.
    const sameCall = (k: { build: Build }) =>
      (k.build.crossFileArgs === undefined && build.crossFileArgs === undefined) ||
      !knownDifference(k.build.graph, build.graph);
    // Builds on paths that do not exclude each other (one of them took no decision: a `copy()`
    // that calls the builder again) are one model too, unless a known value tells them apart.
    const compatible = (k: { build: Build; pathKey: string }) =>
      k.pathKey === pathKey ||
      ((k.pathKey === '' || pathKey === '') && !knownDifference(k.build.graph, build.graph));
    const same =
      kept.find((k) => k.signature === signature) ??
      kept.find((k) => k.shape === shape && compatible(k) && sameCall(k));
    if (!same) {
      kept.push({ build: { ...build }, signature, shape, pathKey });
      continue;
    }
    mergeInto(same.build.graph, build.graph);
    same.build.path = mergedPath(same.build.path, build.path);
    same.pathKey = keyOf(same.build.path);
    const under = (same.build.under ?? []).filter((c) =>
      build.under?.some((d) => sameBranch(c, d)),
    );
    same.build.under = under;
    if (same.build.args)
      same.build.args = same.build.args.map((a, i) =>
        build.args?.[i]?.text === a.text ? a : { name: a.name, text: '…' },
      );
  }
  return kept.map((k) => k.build);
}

function keyOf(path: Decision[]): string {
  return path.map((d) => `${d.key}\u0000${d.branch}`).join('\u0001');
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

/**
 * The path of two merged builds: what both went down. A build with no decisions had its choices
 * made by its caller (`getModel('Graphoid')`): the other's decisions name the model it is.
 */
function mergedPath(a: Decision[], b: Decision[]): Decision[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return common(a, b);
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
    const variant =
      (own.length === 0
        ? (describeBranches(build, builds) ?? describeArgs(build, builds))
        : null) ?? describe(own, i, builds.length);
    let id = variant.id;
    for (let n = 2; used.has(id); n++) id = `${variant.id}-${n}`;
    used.add(id);
    build.graph.variant = { ...variant, id };
  });
}

const NOT_A_CHOICE = new Set(['loop body', 'if the loop did not stop earlier', 'catch']);
const EQUALS = /^(.+?)\s*===?\s*(['"`])([^'"`]*)\2$/;

function sameBranch(a: Branch, b: Branch): boolean {
  return a.condition === b.condition && a.branch === b.branch;
}

/**
 * A build made while no path was followed (too many paths) is named by the branches it was built
 * in that the others were not: `modelType === 'mlp-dropout'` taken names it `mlp-dropout`.
 */
function describeBranches(build: Build, builds: Build[]): VariantInfo | null {
  const own = (build.under ?? []).filter(
    (c) =>
      !NOT_A_CHOICE.has(c.branch) &&
      !builds.every((other) => other.under?.some((d) => sameBranch(c, d))),
  );
  const taken = own.filter((c) => c.branch !== 'else');
  const shown = taken.length > 0 ? taken : own;
  if (shown.length === 0) return null;
  const parts = shown.map((c) => {
    const equals = EQUALS.exec(c.condition);
    const negative = c.branch === 'else';
    if (equals) {
      const [, subject, , value] = equals;
      return negative
        ? { id: `not-${idPart(value)}`, label: `${subject} !== '${value}'` }
        : { id: idPart(value), label: `${subject} = '${value}'` };
    }
    return negative
      ? { id: `not-${idPart(c.condition)}`, label: `not (${c.condition})` }
      : { id: idPart(c.condition), label: c.condition };
  });
  return {
    id: parts.map((p) => p.id).join('+'),
    label: parts.map((p) => p.label).join(', '),
    path: shown.map((c) => ({ condition: c.condition, branch: c.branch })),
  };
}

/**
 * One path building a model twice with different arguments (`buildMLPModel(shape)` and
 * `buildMLPModel(shape, null, 0.25)`): each build is named by the parameters whose values differ.
 */
function describeArgs(build: Build, builds: Build[]): VariantInfo | null {
  if (!build.args || builds.some((b) => !b.args)) return null;
  // Left out and `null` both mean "none" here.
  const norm = (text: string | undefined) => (text === 'null' ? 'undefined' : text);
  const differing = build.args.filter((a, i) => {
    const texts = builds.map((b) => norm(b.args![i]?.text));
    return (
      texts.every((t) => t !== undefined && t !== '…') && texts.some((t) => t !== norm(a.text))
    );
  });
  if (differing.length === 0) return null;
  return {
    id: differing.map((a) => `${idPart(a.name)}-${valuePart(a.text)}`).join('+'),
    label: differing.map((a) => `${a.name} = ${a.text}`).join(', '),
    path: [],
  };
}

/** A value in an id: `0.25`, `relu`, `none` for undefined or null. */
function valuePart(text: string): string {
  if (text === 'undefined' || text === 'null') return 'none';
  return (
    text
      .replace(/['"`]/g, '')
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .slice(0, 24) || 'value'
  );
}

function describe(own: Decision[], index: number, count: number): VariantInfo {
  if (own.length === 0)
    return { id: String(index + 1), label: `build ${index + 1} of ${count}`, path: [] };
  const shown = shownDecisions(own);
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
