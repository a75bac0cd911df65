/**
 * The extractor's entry point: source text in, ModelGraph IR out. Never throws: parse failures and
 * internal errors become `problems`.
 *
 * How it works: parse.ts skips files that never name a tfjs module and parses the rest; bindings.ts
 * binds the tfjs imports; then a small abstract interpreter runs the file the way it would run
 * (interpreter.ts: calls and budgets; statements.ts: blocks, branches, loops; expressions.ts and
 * patterns.ts: values, assignment, destructuring; calls.ts and builtins.ts: calls into the file's own
 * functions and JS built-ins; tfjs.ts: what tfjs calls mean). Functions the file never calls run
 * afterwards with unknown parameters (uncalled.ts picks and orders them). models.ts and training.ts
 * turn what was recorded into the IR; convert.ts maps values; catalog.ts is the layer catalog.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { accessOf, bindImports } from './bindings';
import type { AnalysisResult, Span } from './ir';
import { Interp } from './interpreter';
import { finalizeModels } from './models';
import { mentionsTfjs, parseSource } from './parse';
import { Scope } from './values';

export type * from './ir';
export { MAX_SOURCE_LENGTH, mentionsTfjs } from './parse';
export { LAYER_CATALOG, layerInfo, OPTIMIZER_DEFAULT_LR, LOSS_NAMES } from './catalog';
export type { LayerInfo, LayerKind } from './catalog';

export function analyze(source: string, filePath: string): AnalysisResult {
  const empty: AnalysisResult = {
    filePath,
    importsTfjs: false,
    access: { tf: null, layers: null },
    models: [],
    problems: [],
  };
  if (!mentionsTfjs(source)) return empty;
  const parsed = parseSource(source, filePath);
  if (!parsed.ok) return { ...empty, importsTfjs: true, problems: [parsed.problem] };
  return analyzeAst(parsed.ast, source, filePath);
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
): AnalysisResult {
  const result: AnalysisResult = {
    filePath,
    importsTfjs: true,
    access: { tf: null, layers: null },
    models: [],
    problems: [],
  };
  if (!mentionsTfjs(source)) return { ...result, importsTfjs: false };
  const interp = new Interp(source);
  const root = new Scope(null, 0);
  try {
    bindImports(ast, root);
    interp.runProgram(ast, root);
    interp.runUncalled(root);
  } catch (error) {
    result.problems.push(extractorFailure(error));
  }
  for (const stop of interp.stopped) {
    const message = `evaluation stopped early in ${stop.where} (too much computation); models may be incomplete`;
    result.problems.push({ kind: 'internal', message, line: stop.line, column: 1 });
  }
  try {
    result.access = accessOf(root);
    const clipping = interp.clipping;
    const loose: Span[] = clipping.overrides;
    attachLooseLoops(interp);
    result.models = finalizeModels(interp.models, source, clipping, loose);
  } catch (error) {
    result.problems.push(extractorFailure(error));
  }
  return result;
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
