/**
 * One model per path, as the JS front end does (js/paths.ts): an undecidable `if` whose arms can
 * change what gets built (`if use_bn:` on a flag parameter) is a decision; each run of a root (the
 * module, or one builder nothing called) takes one option at every decision, and the root re-runs
 * until every combination ran (depth-first). models.ts merges identical builds and names the rest
 * by the decisions that tell them apart. An `if` that builds nothing (logging, file handling) is no
 * decision: both arms run, as before, so plain scripts never re-run.
 */
import type { SyntaxNode } from '@lezer/common';
import type { PyInterp } from './interpreter';
import { keepingKids, kids } from './parse';
import { type Decision, idPart, MAX_PATHS, nextPath, type Reading } from '../paths';

export interface PathRun {
  forced: number[];
  log: Decision[];
  byKey: Map<string, number>;
}

/** The option this run takes at an undecidable condition (0: then, 1: else). */
export function decide(run: PathRun, cond: string, chain: number): number {
  const seen = run.byKey.get(cond);
  if (seen !== undefined) return seen;
  const option = run.forced[run.log.length] ?? 0;
  run.log.push({ key: cond, options: 2, option, condition: cond, chain, ...reading(cond, option) });
  run.byKey.set(cond, option);
  return option;
}

function reading(cond: string, option: number): Reading {
  const branch = option === 0 ? 'then' : 'else';
  const pinned = /^([\w.]+)\s*==\s*(['"]?)([\w.-]+)\2$/.exec(cond);
  if (pinned) {
    const [, subject, , value] = pinned;
    return option === 0
      ? { branch, label: `${subject} = ${value}`, id: idPart(value), subject }
      : {
          branch,
          label: `${subject} != ${value}`,
          id: `not-${idPart(value)}`,
          subject,
          negative: true,
        };
  }
  const negated = /^not\s+([\w.]+)$/.exec(cond);
  const plain = negated ? negated[1] : cond;
  const simple = /^[\w.]+$/.test(plain);
  const yes = (option === 0) !== Boolean(negated);
  if (yes) return { branch, label: plain, id: simple ? idPart(plain) : branch };
  return {
    branch,
    label: `not ${simple ? plain : `(${plain})`}`,
    id: simple ? `no-${idPart(plain)}` : branch,
  };
}

/** Runs `root` once per path through its decisions; each model records the run it was built in. */
export function explore(ip: PyInterp, root: () => void, reset: () => void = () => {}): void {
  const outer = ip.path;
  let forced: number[] = [];
  // One run after another, each runs the same code again: from the second on, its nodes are kept.
  const runFrom = (first: number): void => {
    for (let runs = first; ; runs++) {
      const run: PathRun = { forced, log: [], byKey: new Map() };
      ip.path = run;
      const before = ip.models.length;
      root();
      for (const model of ip.models.slice(before)) model.run ??= run;
      const next = nextPath(run.log);
      if (!next || runs >= MAX_PATHS || ip.stopped !== null) break;
      forced = next;
      reset();
      if (runs === 1) return keepingKids(() => runFrom(2));
    }
  };
  try {
    runFrom(1);
  } finally {
    ip.path = outer;
  }
}

// Layer and model calls (`layers.Dense(`, `Conv2D(`, `model.add(`), returns and literal settings.
const BUILDS =
  /\b(?:layers|keras)\s*\.\s*\w+\s*\(|\b[A-Z]\w*\s*\(|\.add\s*\(|\breturn\b|^\s*[\w.]+\s*=\s*(?:-?\d|['"]|True\b|False\b|None\b)/m;

const LAYER_CALLS = /\b(?:layers|keras)\s*\.\s*\w+\s*\(|\b[A-Z]\w*\s*\(|\.add\s*\(/;

/** Per file run (offsets are per file: an importer's body may start where one of the analysed file's does). */
const worth = new WeakMap<object, Map<number, boolean>>();

/** True when running these arms may change what gets built (directly or through a file builder). */
export function mayBuild(ip: PyInterp, bodies: SyntaxNode[]): boolean {
  let cache = worth.get(ip.module);
  if (!cache) worth.set(ip.module, (cache = new Map()));
  return bodies.some((body) => {
    const known = cache.get(body.from);
    if (known !== undefined) return known;
    const text = ip.text(body);
    const found = BUILDS.test(text) || (ip.builderNames?.test(text) ?? false);
    cache.set(body.from, found);
    return found;
  });
}

/** A pattern of calls to the module's functions that build (`conv_block(`), or null. */
export function builderPattern(ip: PyInterp, top: SyntaxNode): RegExp | null {
  const names: string[] = [];
  for (const statement of kids(top)) {
    const def =
      statement.name === 'DecoratedStatement'
        ? statement.getChild('FunctionDefinition')
        : statement.name === 'FunctionDefinition'
          ? statement
          : null;
    const name = def?.getChild('VariableName');
    if (def && name && LAYER_CALLS.test(ip.text(def))) names.push(ip.text(name));
  }
  return names.length > 0 ? new RegExp(`\\b(?:${names.join('|')})\\s*\\(`) : null;
}
