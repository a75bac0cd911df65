/** Which uncalled functions to run first, so helpers see their callers' real arguments. */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { AV, FunctionNode } from './values';
import { forEachChild } from './ast';

/**
 * Orders uncalled functions so that a function runs before the helpers it calls: the helpers then run
 * with the caller's real arguments instead of unknown parameters. Call sites are found by name with one
 * regex pass over the source (cheap, and good enough for ordering).
 */
export function callersFirst(sites: Map<string, number[]>, pending: FnAV[]): FnAV[] {
  const bySource = [...pending].sort((a, b) => a.node.range[0] - b.node.range[0]);
  // Outermost pending ranges are disjoint: "inside some pending function" is one binary search.
  const outer: [number, number][] = [];
  for (const fn of bySource) {
    const [start, end] = fn.node.range;
    const last = outer[outer.length - 1];
    if (!last || start >= last[1]) outer.push([start, end]);
  }
  const insidePending = (at: number): boolean => {
    let lo = 0;
    let hi = outer.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (at < outer[mid][0]) hi = mid - 1;
      else if (at >= outer[mid][1]) lo = mid + 1;
      else return true;
    }
    return false;
  };
  const calledFromPending = (fn: FnAV): boolean => {
    const [start, end] = fn.node.range;
    const name = fn.name.slice(fn.name.lastIndexOf('.') + 1);
    return (sites.get(name) ?? []).some((at) => !(at > start && at < end) && insidePending(at));
  };
  const roots: FnAV[] = [];
  const rest: FnAV[] = [];
  for (const fn of bySource) (calledFromPending(fn) ? rest : roots).push(fn);
  return [...roots, ...rest];
}

type FnAV = Extract<AV, { t: 'fn' }>;

/** Offsets of `name(` call sites by name: a scan from each `(` back over the identifier before it. */
// The files linked into an analysis are the same texts edit after edit: their scans are kept
// (a few, most recent last), so only the edited file is scanned again.
const recentScans = new Map<string, Map<string, number[]>>();
const MAX_SCANS = 64;

export function callSitesByName(source: string): Map<string, number[]> {
  const known = recentScans.get(source);
  if (known) return known;
  const sites = scanCallSites(source);
  recentScans.set(source, sites);
  if (recentScans.size > MAX_SCANS) recentScans.delete(recentScans.keys().next().value!);
  return sites;
}

function scanCallSites(source: string): Map<string, number[]> {
  const sites = new Map<string, number[]>();
  for (let paren = source.indexOf('('); paren >= 0; paren = source.indexOf('(', paren + 1)) {
    let end = paren;
    while (end > 0 && (source.charCodeAt(end - 1) === 32 || source.charCodeAt(end - 1) === 10))
      end--;
    let start = end;
    while (start > 0 && isIdentifierChar(source.charCodeAt(start - 1))) start--;
    if (start === end) continue;
    const name = source.slice(start, end);
    const list = sites.get(name);
    if (list) list.push(start);
    else sites.set(name, [start]);
  }
  return sites;
}

function isIdentifierChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 ||
    code === 36
  );
}

const TFJS_WORK = [
  '\\.(?:add|apply|compile|fit|fitDataset|trainOnBatch|minimize|applyGradients|computeGradients|optimizer)\\b',
  'clip',
  '[gG]rads?\\b',
];

/**
 * Which functions' own text touches tfjs, through one of the file's names for it, a model/optimizer
 * method, clipping or gradients. A function's text never changes while its node lives (a file
 * linked into edit after edit keeps its tree): the answer is kept per node and per set of names.
 */
export function tfjsWorkTest(tfNames: string[]): (source: string, fn: FnAV) => boolean {
  const escaped = tfNames.map((n) => n.replace(/[$]/g, '\\$'));
  const alternatives = [
    ...(escaped.length > 0 ? [`\\b(?:${escaped.join('|')})\\b`] : []),
    ...TFJS_WORK,
  ].join('|');
  const pattern = new RegExp(alternatives);
  return (source, fn) => {
    let known = touchesTfjs.get(fn.node);
    if (!known) touchesTfjs.set(fn.node, (known = new Map()));
    let hit = known.get(alternatives);
    if (hit === undefined) {
      hit = pattern.test(source.slice(fn.node.range[0], fn.node.range[1]));
      known.set(alternatives, hit);
    }
    return hit;
  };
}

const touchesTfjs = new WeakMap<FunctionNode, Map<string, boolean>>();

/**
 * The uncalled functions worth running: those whose text touches tfjs (see tfjsWorkTest) or calls
 * such a function. Plain data helpers are skipped; they still run whenever a relevant function
 * calls them.
 */
export function relevantFunctions(
  source: string,
  pending: FnAV[],
  sites: Map<string, number[]>,
  touches: (source: string, fn: FnAV) => boolean,
): FnAV[] {
  const bySource = [...pending].sort((a, b) => a.node.range[0] - b.node.range[0]);
  const relevant = new Set(bySource.filter((fn) => touches(source, fn)));
  const outer = outermost(bySource);
  const work = [...relevant];
  while (work.length > 0) {
    const fn = work.pop()!;
    const dot = fn.name.lastIndexOf('.');
    // A relevant constructor makes `new Class(...)` a relevant call of the class.
    const name =
      fn.name.endsWith('.constructor') && dot > 0
        ? fn.name.slice(fn.name.lastIndexOf('.', dot - 1) + 1, dot)
        : fn.name.slice(dot + 1);
    for (const at of sites.get(name) ?? []) {
      const caller = outer.find(at);
      if (caller && caller !== fn && !relevant.has(caller)) {
        relevant.add(caller);
        work.push(caller);
      }
    }
  }
  return bySource.filter((fn) => relevant.has(fn));
}

/** The outermost functions (disjoint ranges) and a binary search for the one containing an offset. */
function outermost(bySource: FnAV[]): { find(at: number): FnAV | null } {
  const list: FnAV[] = [];
  for (const fn of bySource) {
    const last = list[list.length - 1];
    if (!last || fn.node.range[0] >= last.node.range[1]) list.push(fn);
  }
  return {
    find(at: number): FnAV | null {
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const [start, end] = list[mid].node.range;
        if (at < start) hi = mid - 1;
        else if (at >= end) lo = mid + 1;
        else return list[mid];
      }
      return null;
    },
  };
}

/**
 * What uncalled functions count up or down (`settings.hidden++`, `layers -= 1`): a path from a
 * top-level name (`['settings', 'hidden']`) per update. Such functions are entry points the page
 * calls (an "add layer" button): when a builder runs, the count may have changed any number of times.
 */
export function countedPaths(fns: FnAV[]): string[][] {
  const found = new Map<string, string[]>();
  for (const fn of fns) {
    if (!fn.node.body) continue;
    // A name the function declares (`let i = 0; i++`, a parameter), before or after the update,
    // is its own, not the top level's.
    const own = new Set(fn.node.params.flatMap((p) => (p.type === 'Identifier' ? [p.name] : [])));
    const updated: string[][] = [];
    const visit = (node: TSESTree.Node): void => {
      if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier')
        own.add(node.id.name);
      const target =
        node.type === 'UpdateExpression'
          ? node.argument
          : node.type === 'AssignmentExpression' &&
              (node.operator === '+=' || node.operator === '-=')
            ? node.left
            : null;
      const path = target ? namePath(target) : null;
      if (path) updated.push(path);
      forEachChild(node, visit);
    };
    visit(fn.node.body);
    for (const path of updated) if (!own.has(path[0])) found.set(path.join('.'), path);
  }
  return [...found.values()];
}

/** `a.b.c` as ['a', 'b', 'c']; null for anything computed or not rooted at a name. */
function namePath(node: TSESTree.Node): string[] | null {
  if (node.type === 'Identifier') return [node.name];
  if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
    const head = namePath(node.object);
    return head ? [...head, node.property.name] : null;
  }
  return null;
}
