/**
 * The Python front end: Keras model code in, the same ModelGraph IR as tfjs out (framework 'keras').
 * Never throws: syntax errors and internal failures become `problems`, and Lezer's error recovery
 * means a file being edited still yields what parses.
 *
 * How it works: parse.ts skips files that never mention Keras and parses the rest with Lezer;
 * bindings.ts binds imports to canonical Keras paths; interpreter.ts and expressions.ts run the module
 * (then, speculatively, the functions and model classes nothing called); keras.ts, training.ts and
 * classes.ts say what Keras calls do; models.ts turns the records into the IR, in tfjs's vocabulary
 * (keras-names.ts, convert.ts).
 */
import type { SyntaxNode } from '@lezer/common';
import type { AnalysisResult, ParseProblem } from '../ir';
import { callUserClass, isModelClass, runUncalledMethods } from './classes';
import { PyInterp } from './interpreter';
import { finalizeModels } from './models';
import { Lines, importMode, kids, mentionsKeras, parsePython } from './parse';
import { runImporters, type PythonModuleHost } from './imports';
import { builderPattern, explore } from './paths';
import { isBlockHelper, reachesKeras } from './reach';
import { Scope, type PV } from './values';

export { mentionsKeras } from './parse';

export type { PythonModuleHost } from './imports';

/** `modules`: the workspace's other Python files, for imports of them (alone: imports stay unknown). */
export function analyzePython(
  source: string,
  filePath: string,
  modules?: PythonModuleHost,
): AnalysisResult {
  const result: AnalysisResult = {
    filePath,
    language: 'python',
    importsTfjs: false,
    access: { tf: null, layers: null },
    models: [],
    problems: [],
  };
  if (!mentionsKeras(source)) return result;
  result.importsTfjs = true;
  const parsed = parsePython(source);
  if (!parsed.ok) return { ...result, problems: [parsed.problem] };
  if (parsed.problem) result.problems.push(parsed.problem);
  const ip = new PyInterp(parsed.text, new Lines(source), importMode(source));
  if (modules) ip.host = modules;
  ip.filePath = filePath;
  const root = new Scope(null);
  try {
    const top = parsed.tree.topNode;
    ip.builderNames = builderPattern(ip, top);
    // Each path runs the module afresh, its imports too (a path may have changed their lists).
    const reset = () => {
      root.restore(new Map());
      ip.loaded.clear();
    };
    explore(ip, () => ip.runModule(top, root), reset);
    ip.mainScope = root;
    runImporters(ip);
    runUncalled(ip, top, root);
    result.models = finalizeModels(ip);
    result.access = accessOf(root);
  } catch (error) {
    result.problems.push(failure(error));
  }
  if (ip.stopped !== null) {
    const message = 'evaluation stopped early (too much computation); models may be incomplete';
    result.problems.push({ kind: 'incomplete', message, line: ip.stopped, column: 1 });
  }
  return result;
}

/**
 * Builders nobody calls in this file (another file or a notebook does) still describe models: they
 * run with their defaults and unknown parameters. A model that a real call built too keeps that build.
 * A function that can reach no Keras value (reach.ts) would record nothing and is not run.
 */
function runUncalled(ip: PyInterp, top: SyntaxNode, root: Scope): void {
  ip.speculative = true;
  const statements = kids(top);
  const calledLater = laterCalls(ip, statements);
  // A block helper that a later function calls waits for it: that run reads the helper with the
  // caller's values, and the helper's own run with unknown ones would make layers no model holds.
  const waiting: SyntaxNode[] = [];
  statements.forEach((statement, at) => {
    if (!runOne(ip, root, statement, (fn) => (calledLater().get(fn.name) ?? -1) > at))
      waiting.push(statement);
  });
  for (const statement of waiting) runOne(ip, root, statement, () => false);
  runHandedOver(ip, root);
  ip.speculative = false;
}

type Func = Extract<PV, { t: 'func' }>;

/** Runs one top-level definition if nothing called it; false when it waits (`wait`) instead. */
function runOne(
  ip: PyInterp,
  root: Scope,
  statement: SyntaxNode,
  wait: (fn: Func) => boolean,
): boolean {
  const def =
    statement.name === 'DecoratedStatement'
      ? (statement.getChild('FunctionDefinition') ?? statement.getChild('ClassDefinition'))
      : statement;
  const nameNode = def?.getChild('VariableName');
  if (!def || !nameNode || ip.stopped !== null) return true;
  const value = root.get(ip.text(nameNode));
  if (
    def.name === 'FunctionDefinition' &&
    value?.t === 'func' &&
    !ip.called.has(def.from) &&
    reachesKeras(ip, root, value)
  ) {
    const fn = value;
    if (wait(fn) && isBlockHelper(ip, root, fn)) return false;
    explore(ip, () => {
      // Parameters without defaults are unknown; `**kwargs` holds nothing, as a call with defaults.
      const args = { positional: [], keywords: new Map(), entries: new Map() };
      ip.callFunction(fn, args, ip.text(nameNode));
    });
  }
  if (def.name === 'ClassDefinition' && value?.t === 'class' && isModelClass(value)) {
    const built = ip.models.some((m) => m.builderSpan?.start === def.from);
    const cls = value;
    if (!built) explore(ip, () => void callUserClass(ip, cls, [], nameNode));
  } else if (def.name === 'ClassDefinition' && value?.t === 'class') {
    // A plain class whose constructor builds models (`self.model = Model(...)`), or whose methods
    // do (`def build_model(self): ... return model`), made and called elsewhere: it is made with
    // unknown arguments, then each method that builds a model and nothing called runs.
    const cls = value;
    const methods = [...cls.methods.values()];
    const made = methods.some((m) => ip.called.has(m.from));
    const builds = (m: SyntaxNode) => BUILDS_MODEL.test(ip.text(m));
    if (!made && !cls.base.startsWith('keras.') && methods.some(builds))
      explore(ip, () => {
        const object = callUserClass(ip, cls, [], nameNode);
        if (object.t === 'object') runUncalledMethods(ip, object, builds);
      });
  }
  return true;
}

const CALL = /([A-Za-z_]\w*)\s*\(/g;
const DEFINITIONS = new Set(['FunctionDefinition', 'ClassDefinition', 'DecoratedStatement']);

/**
 * For each name called in a top-level function or class, the last such definition's position among
 * the statements (comments and strings count too: a helper waits for nothing then, it only runs later).
 * Read once, and only when a helper asks.
 */
function laterCalls(ip: PyInterp, statements: readonly SyntaxNode[]): () => Map<string, number> {
  let found: Map<string, number> | null = null;
  return () => {
    if (found) return found;
    found = new Map();
    statements.forEach((statement, at) => {
      if (!DEFINITIONS.has(statement.name)) return;
      for (const match of ip.text(statement).matchAll(CALL)) found!.set(match[1], at);
    });
    return found;
  };
}

/**
 * A builder the file hands to a library and never calls itself (a keras-tuner `build_model(hp)`
 * defined inside the function that starts the search) runs as an uncalled top-level one does.
 */
function runHandedOver(ip: PyInterp, root: Scope): void {
  for (const fn of ip.handedOver) {
    if (ip.stopped !== null) return;
    if (ip.called.has(fn.node.from) || !BUILDS_MODEL.test(ip.text(fn.node))) continue;
    if (!reachesKeras(ip, root, fn)) continue;
    const name = fn.node.getChild('VariableName');
    const args = { positional: [], keywords: new Map(), entries: new Map() };
    explore(ip, () => void ip.callFunction(fn, args, name ? ip.text(name) : 'builder'));
  }
}

const BUILDS_MODEL = /\b(?:Sequential|Model)\s*\(/;

/** How the file reaches Keras, for fixes that insert new calls (`layers.BatchNormalization()`). */
function accessOf(root: Scope): AnalysisResult['access'] {
  let tf: string | null = null;
  let layers: string | null = null;
  for (const [name, value] of root.snapshot()) {
    if (value.t !== 'path') continue;
    if (value.path === 'tf') tf ??= name;
    if (value.path === 'keras') layers ??= `${name}.layers`;
    if (value.path === 'keras.layers') layers = name;
  }
  if (!layers && tf) layers = `${tf}.keras.layers`;
  return { tf, layers };
}

function failure(error: unknown): ParseProblem {
  return { kind: 'internal', message: `extractor failed: ${String(error)}`, line: 1, column: 1 };
}
