/**
 * The JavaScript/TypeScript front end: source text in, ModelGraph IR out. Never throws: parse failures and
 * internal errors become `problems`.
 *
 * How it works: parse.ts skips files that never name a tfjs module and parses the rest; bindings.ts
 * binds the tfjs imports; then a small abstract interpreter runs the file the way it would run
 * (interpreter.ts: calls and budgets; statements.ts: blocks, branches, loops; expressions.ts and
 * patterns.ts: values, assignment, destructuring; calls.ts and builtins.ts: calls into the file's own
 * functions and JS built-ins; tfjs.ts: what tfjs calls mean). Functions the file never calls run
 * afterwards with unknown parameters (uncalled.ts picks and orders them). models.ts and training.ts
 * turn what was recorded into the IR; convert.ts maps values; ../catalog.ts is the layer catalog.
 */
import { accessOf, bindImports } from './bindings';
import type { AnalysisResult, Span } from '../ir';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { Interp } from './interpreter';
import { Linker, type ModuleHost } from './linker';
import { setSpanFile } from './spans';
import { finalizeModels } from './models';
import { isHtmlFile } from './html';
import {
  mentionsTfjs,
  namesTfjsModule,
  parsePage,
  parseSource,
  withoutTrailingJunk,
} from './parse';
import { servedPage } from './served-pages';
import { Scope } from './values';
import { MAX_PATHS } from '../paths';

export { MAX_SOURCE_LENGTH, mentionsTfjs } from './parse';
export type { LoadedModule, ModuleHost } from './linker';

export interface AnalyzeOptions {
  /** A workspace: relative imports are followed and the files importing this one run too. */
  modules?: ModuleHost;
  /** This file's parse when the caller already has it (a workspace cache). */
  program?: TSESTree.Program;
  /**
   * The file can reach tfjs without naming it: the workspace found that a module it imports hands
   * tfjs on (`import { layers, sequential } from './tf'`), so the text pre-check does not apply.
   */
  reachesTfjs?: boolean;
  /** Properties that hold tfjs on every `this` (`Vue.prototype.$tf = tf`: `this.$tf.sequential()`). */
  instanceTf?: string[];
}

export function analyze(
  source: string,
  filePath: string,
  options: AnalyzeOptions = {},
): AnalysisResult {
  const empty: AnalysisResult = {
    filePath,
    importsTfjs: false,
    access: { tf: null, layers: null },
    models: [],
    problems: [],
  };
  if (!options.reachesTfjs && !mentionsTfjs(source)) return empty;
  const parsed = options.program
    ? { ok: true as const, ast: options.program }
    : parseSource(source, filePath);
  if (!parsed.ok) {
    // A file that only ends in junk (`tf.losses.` half-typed) is read without it; the problem stays.
    const rest =
      parsed.problem.kind === 'syntax' && !options.program
        ? withoutTrailingJunk(source, filePath)
        : null;
    if (!rest) return { ...empty, importsTfjs: true, problems: [parsed.problem] };
    const result = withServedPage(analyzeAst(rest, source, filePath, options), rest, source);
    return { ...result, problems: [parsed.problem, ...result.problems] };
  }
  return withServedPage(analyzeAst(parsed.ast, source, filePath, options), parsed.ast, source);
}

/**
 * A script that writes out a page (served-pages.ts) also holds the models of the page's scripts:
 * they run as the page's own program (a browser's, apart from the file's imports), at the file's
 * lines. A page whose scripts do not parse adds nothing; the file itself was read.
 */
function withServedPage(
  result: AnalysisResult,
  ast: TSESTree.Program,
  source: string,
): AnalysisResult {
  if (isHtmlFile(result.filePath)) return result;
  const page = servedPage(ast, source);
  if (page === null) return result;
  const parsed = parsePage(page);
  if (!parsed.ok) return result;
  const own = analyzeAst(parsed.ast, source, result.filePath);
  if (own.models.length === 0) return result;
  // The page reaches tfjs (a script tag's `tf`) even when the file itself never imports it.
  const access = result.access.tf === null && !result.importsTfjs ? own.access : result.access;
  return { ...result, importsTfjs: true, access, models: [...result.models, ...own.models] };
}

/**
 * The same analysis over an ESTree Program someone else parsed (ESLint's `context.sourceCode.ast`,
 * from typescript-estree or espree), so a host that already parsed the file never parses it twice.
 * The tree needs `range` and `loc`; it is only read.
 */
export function analyzeAst(
  ast: TSESTree.Program,
  source: string,
  filePath: string,
  options: Pick<AnalyzeOptions, 'modules' | 'reachesTfjs' | 'instanceTf'> = {},
): AnalysisResult {
  const result: AnalysisResult = {
    filePath,
    importsTfjs: true,
    access: { tf: null, layers: null },
    models: [],
    problems: [],
  };
  if (!options.reachesTfjs && !mentionsTfjs(source)) return { ...result, importsTfjs: false };
  const interp = new Interp(source);
  if (options.instanceTf) interp.instanceTf = new Set(options.instanceTf);
  const root = new Scope(null, 0);
  const linker = options.modules ? new Linker(interp, options.modules, filePath, ast, root) : null;
  interp.linker = linker;
  try {
    bindImports(ast, root);
    linker?.linkEntry();
    interp.runProgram(ast, root);
    linker?.entryDone();
    linker?.runImporters();
    interp.runUncalled(root);
  } catch (error) {
    result.problems.push(extractorFailure(error));
  } finally {
    setSpanFile(undefined);
  }
  // Models made by other files' own code are reported with those files.
  keepOwnModels(interp);
  for (const root of interp.tooManyPaths) {
    const message = `more than ${MAX_PATHS} paths through ${root.where}; only the first ${MAX_PATHS} were followed, so some model variants are missing`;
    result.problems.push({ kind: 'incomplete', message, line: root.line, column: 1 });
  }
  for (const stop of interp.stopped) {
    const message = `evaluation stopped early in ${stop.where} (too much computation); models may be incomplete`;
    result.problems.push({ kind: 'incomplete', message, line: stop.line, column: 1 });
  }
  // A file that only uses a `tf` it never imports is tfjs when that `tf` reached tfjs calls.
  const imports = namesTfjsModule(source);
  result.importsTfjs = imports || interp.tfCalled;
  try {
    result.access = accessOf(root);
    if (result.access.tf === null && !imports && interp.tfCalled)
      result.access = { tf: 'tf', layers: 'tf.layers' };
    const clipping = interp.clipping;
    const loose: Span[] = clipping.overrides;
    attachLooseLoops(interp);
    result.models = finalizeModels(interp.models, source, clipping, loose);
  } catch (error) {
    result.problems.push(extractorFailure(error));
  }
  return result;
}

function keepOwnModels(interp: Interp): void {
  const own = interp.models.filter((m) => m.anchor.file === undefined);
  interp.models.splice(0, interp.models.length, ...own);
}

/** A crash inside the extractor becomes a problem on the result, never an exception for the caller. */
function extractorFailure(error: unknown): AnalysisResult['problems'][number] {
  return { kind: 'internal', message: `extractor failed: ${String(error)}`, line: 1, column: 1 };
}

/**
 * Custom-loop calls not tied to a model in code (`optimizer.applyGradients(grads)`) go with the models
 * whose other loop calls ran in the same function (the `tf.variableGrads` beside them), else with the
 * file's only model. With several models and no link, guessing would mark the wrong ones trained.
 */
function attachLooseLoops(interp: Interp): void {
  for (const call of interp.looseLoops) {
    const frame = interp.loopFrames.get(call.span.start);
    const peers = interp.models.filter((m) =>
      m.customLoops.some((c) => frame && interp.loopFrames.get(c.span.start) === frame),
    );
    const distinct = new Set(interp.models.map((m) => m.anchor.start));
    const owners = peers.length > 0 ? peers : distinct.size === 1 ? interp.models : [];
    for (const model of owners) {
      if (!model.customLoops.some((c) => c.span.start === call.span.start))
        model.customLoops.push(call);
    }
  }
}
