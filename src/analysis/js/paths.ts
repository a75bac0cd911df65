/**
 * One model per path. An undecidable branch that can change what gets built (if/else-if, switch,
 * a ternary that calls something) is a decision: each run of a root (the top level, or one function the
 * file never calls) takes one option at every decision, and the root re-runs until every combination
 * ran (depth-first, replaying the decisions before the one that changes). Each run builds its own
 * model records, so each path's model has exactly its own layers; models.ts then merges identical
 * builds and names the rest by the decisions that tell them apart.
 *
 * Why re-running rather than joining values after a branch: every later statement (a shared output
 * layer, `model.compile`, a functional graph threaded through `x = ...`) then sees one path's values,
 * with nothing to reconcile.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Interp } from './interpreter';
import type { AV, ModelRec, Scope } from './values';
import { forEachChild } from './ast';
import { openTails, unknown } from './values';
import { type Decision, MAX_PATHS, nextPath, type Reading } from '../paths';

export interface PathRun {
  forced: number[];
  log: Decision[];
  byKey: Map<string, number>;
  /** The path ended in a throw (or added `undefined` to a model): it builds nothing real. */
  dead: boolean;
  /** Refinements to undo when the run ends (`modelType === 'cnn'` taken: modelType is 'cnn' there). */
  undo: (() => void)[];
}

export function newRun(forced: number[]): PathRun {
  return { forced, log: [], byKey: new Map(), dead: false, undo: [] };
}

/**
 * Takes the run's option for a decision (null: not forked here, run every branch as before).
 * `only`: the one option that can build anything (the other branch just throws); recorded for the
 * label, never forked.
 */
export function decide(
  run: PathRun | null,
  key: string,
  options: number,
  site: { condition: string; chain: number },
  read: (option: number) => Reading,
  only?: number,
): number | null {
  if (!run) return null;
  const seen = run.byKey.get(key);
  if (seen !== undefined) return seen < options ? seen : null;
  const option = only ?? run.forced[run.log.length] ?? 0;
  const count = only === undefined ? options : 1;
  run.log.push({
    key,
    options: count,
    option: only === undefined ? option : 0,
    ...site,
    ...read(option),
  });
  run.byKey.set(key, option);
  return option;
}

/**
 * Runs a root once per path through its decisions. Models of paths that end in a throw are dropped
 * when some path lives; what the root leaves in `scope` (or on `self`) afterwards is the join.
 */
export function explore(
  interp: Interp,
  root: () => unknown,
  scope: Scope | null,
  self: AV,
  where: string,
  line: number,
): void {
  const runs: PathRun[] = [];
  const scopes: Map<string, AV>[] = [];
  const selves: Map<string, AV>[] = [];
  let forced: number[] = [];
  const outerArrays = interp.rootArrays;
  const arrays = {
    epoch: ++interp.epoch,
    saved: new Map<AV[], { items: AV[]; open?: number }>(),
  };
  interp.rootArrays = arrays;
  const selfBefore = self.t === 'object' ? propsOf(self) : null;
  try {
    for (;;) {
      // Each path starts from the arrays as they were before the root (the last path's stay).
      for (const [items, before] of arrays.saved) {
        items.splice(0, items.length, ...before.items);
        if (before.open === undefined) openTails.delete(items);
        else openTails.set(items, before.open);
      }
      // And from `this` as it was: a method guarded by `if (this.model) return;` that sets
      // this.model would otherwise see the last path's model and return on every later path.
      if (selfBefore && self.t === 'object' && runs.length > 0) restoreProps(self, selfBefore);
      const run = newRun(forced);
      interp.path = run;
      try {
        root();
      } finally {
        interp.path = null;
        for (const undo of run.undo.reverse()) undo();
      }
      runs.push(run);
      if (scope) scopes.push(snapshot(scope));
      if (self.t === 'object') selves.push(new Map([...self.props].map(([k, p]) => [k, p.value])));
      const next = nextPath(run.log);
      if (!next) break;
      if (runs.length >= MAX_PATHS) {
        interp.tooManyPaths.push({ where, line });
        break;
      }
      forced = next;
    }
  } finally {
    interp.rootArrays = outerArrays;
    dropDeadPaths(interp.models, runs);
    if (scope) joinSnapshots(scope, scopes);
    if (self.t === 'object' && selves.length > 1) {
      for (const [key, prop] of self.props) {
        const values = selves.map((s) => s.get(key));
        if (values.every((v): v is AV => v !== undefined))
          prop.value = joinValues(values, `this.${key}`);
      }
    }
  }
}

function propsOf(self: Extract<AV, { t: 'object' }>): Map<string, AV> {
  return new Map([...self.props].map(([key, prop]) => [key, prop.value]));
}

function restoreProps(self: Extract<AV, { t: 'object' }>, before: Map<string, AV>): void {
  for (const [key, prop] of self.props) {
    const value = before.get(key);
    if (value === undefined) self.props.delete(key);
    else prop.value = value;
  }
}

function dropDeadPaths(models: ModelRec[], runs: PathRun[]): void {
  const dead = new Set(runs.filter((r) => r.dead));
  if (dead.size === 0 || dead.size === runs.length) return;
  const kept = models.filter((m) => !(m.run && dead.has(m.run)));
  models.length = 0;
  models.push(...kept);
}

// ---- which branches are worth a decision ----

/** Text that builds or changes a model: layer factories, model creation, `add`/`apply`, loading. */
// A factory call on the layers namespace (`tf.layers.dense(`, `layers[spec.type](`), not a read of a
// model's layer list (`model.layers[0].getWeights()`, `model.layers.forEach(`).
const LAYER_CALL =
  /\blayers\s*(?:\.\s*(?!forEach|map|filter|slice|find|some|every|reduce|concat|indexOf|push|length)[A-Za-z_$][\w$]*\s*\(|\[[^\]]*\]\s*\()/;
export const BUILDS = new RegExp(
  `${LAYER_CALL.source}|\\bsequential\\s*\\(|\\.model\\s*\\(|\\binput\\s*\\(|\\.(?:add|apply)\\s*\\(|load(?:Layers|Graph)Model|\\bSequential\\b`,
);

const worth = new WeakMap<TSESTree.Node, boolean>();
const building = new WeakMap<TSESTree.Node, boolean>();

/**
 * BUILDS tested on a node's text, kept per node: a node's text never changes while it lives, and
 * the files linked into a workspace's analyses are the same trees analysis after analysis.
 */
export function textBuilds(node: TSESTree.Node, text: (node: TSESTree.Node) => string): boolean {
  let found = building.get(node);
  if (found === undefined) building.set(node, (found = BUILDS.test(text(node))));
  return found;
}

/**
 * True when running the node may change what gets built: it creates or adds layers (directly or by
 * calling one of `builders`, the file's functions that do), returns, or assigns a literal
 * (`units = 128`). Training, logging and UI branches (`if (verbose) console.log(...)`,
 * `if (logDir) callbacks.push(...)`) are not decisions: forking on them would only multiply runs.
 */
export function mayBuild(
  node: TSESTree.Node | null | undefined,
  text: (node: TSESTree.Node) => string,
  builders: RegExp | null,
): boolean {
  if (!node) return false;
  // Only the part that does not depend on `builders` is kept per node: the builder names differ
  // between analyses (an imported file may gain a builder while this tree stays the same).
  let found = worth.get(node);
  if (found === undefined) {
    found = textBuilds(node, text);
    const visit = (n: TSESTree.Node): void => {
      if (found) return;
      if (n.type === 'ReturnStatement') found = true;
      else if (n.type === 'AssignmentExpression' && isLiteral(n.right)) found = true;
      if (found || n.type.startsWith('Function') || n.type === 'ArrowFunctionExpression') return;
      forEachChild(n, visit);
    };
    if (!found) visit(node);
    worth.set(node, found);
  }
  return found || (builders !== null && builders.test(text(node)));
}

/** The stricter test for other files' code: the node's text creates layers or calls a builder. */
export function buildsDirectly(
  node: TSESTree.Node | null | undefined,
  text: (node: TSESTree.Node) => string,
  builders: RegExp | null,
): boolean {
  if (!node) return false;
  return textBuilds(node, text) || (builders !== null && builders.test(text(node)));
}

function isLiteral(node: TSESTree.Node): boolean {
  if (node.type === 'Literal') return !('regex' in node);
  return node.type === 'UnaryExpression' && node.argument.type === 'Literal';
}

/** A branch that only throws: the path through it builds nothing, so the other branch is taken. */
export function onlyThrows(node: TSESTree.Node | null | undefined): boolean {
  if (!node) return false;
  if (node.type === 'ThrowStatement') return true;
  return node.type === 'BlockStatement' && node.body.length === 1 && onlyThrows(node.body[0]);
}

// ---- after every run: what the root's scope (or `this`) holds is the join of the paths ----

/** One value for a variable after all paths ran: the same value, models as alternatives, else unknown. */
export function joinValues(values: AV[], name: string, depth = 0): AV {
  const [first, ...rest] = values;
  if (rest.every((v) => v === first)) return first;
  if (values.every((v) => v.t === 'model')) {
    const models: ModelRec[] = [];
    for (const v of values) {
      if (v.t !== 'model') continue;
      for (const m of [v.model, ...(v.alternatives ?? [])]) if (!models.includes(m)) models.push(m);
    }
    const [model, ...alternatives] = models.reverse();
    return { t: 'model', model, alternatives };
  }
  if (first.t === 'prim' && rest.every((v) => v.t === 'prim' && v.v === first.v)) return first;
  if (first.t === 'tf' && rest.every((v) => v.t === 'tf' && v.path === first.path)) return first;
  if (
    (first.t === 'fn' || first.t === 'class') &&
    rest.every((v) => v.t === first.t && v.node === first.node)
  ) {
    return values[values.length - 1];
  }
  if (depth < 2 && values.every((v) => v.t === 'object')) {
    const objects = values as Extract<AV, { t: 'object' }>[];
    const last = objects[objects.length - 1];
    for (const [key, prop] of last.props) {
      const all = objects.map((o) => o.props.get(key)?.value);
      if (all.every((v): v is AV => v !== undefined)) {
        prop.value = joinValues(all, `${name}.${key}`, depth + 1);
      }
    }
    return last;
  }
  return unknown(name, 'differs between paths');
}

/** Snapshot of a scope's own variables, to join after the runs. */
export function snapshot(scope: Scope): Map<string, AV> {
  return new Map(scope.vars);
}

export function joinSnapshots(scope: Scope, snapshots: Map<string, AV>[]): void {
  if (snapshots.length < 2) return;
  for (const name of scope.vars.keys()) {
    const values = snapshots.map((s) => s.get(name));
    if (values.some((v) => v === undefined)) continue;
    scope.vars.set(name, joinValues(values as AV[], name));
  }
}
