/**
 * Linting one file of a workspace. A model's spans can lie in several files (layers in model.js,
 * its fit call in train.js, the learning rate in config.js), and every finding is shown in the
 * file its range is in. So the rules run on each model that reaches this file, with the spans of
 * other files moved past the end of this file's text: findings and fixes computed from them fall
 * outside the text and the linter drops them, while this file's spans stay exact.
 */
import type { AnalysisResult, ModelGraph, Span } from '../analysis/ir';
import { lintText, type LintConfig, type LintDependencies } from '../lint';
import type { LintResult } from '../lint/types';
import type { Workspace } from '.';

/** Far past the end of any text the linter reads (MAX_SOURCE_LENGTH is 2 MiB). */
const ELSEWHERE = 2 ** 40;

export interface WorkspaceLint {
  result: LintResult;
  /** The file's own analysis (its models, with spans in other files marked by `Span.file`). */
  analysis: AnalysisResult;
}

export function lintWorkspaceFile(
  ws: Workspace,
  file: string,
  source: string,
  config?: LintConfig,
  dependencies: LintDependencies = {},
): WorkspaceLint {
  ws.update(file, source);
  const analysis = ws.analyzeFile(file);
  const ruleModels = modelsReaching(ws, file, analysis);
  const result = lintText(source, file, config, {
    ...dependencies,
    analyze: () => analysis,
    ruleModels,
  });
  return { result, analysis };
}

/** This file's models and other files' models with a span here, as this file's rules see them. */
export function modelsReaching(
  ws: Workspace,
  file: string,
  analysis: AnalysisResult,
): ModelGraph[] {
  const out = analysis.models.map((m) => projected(m, file, file));
  // A model two analyses hold (a Python builder's, run with its trainer, and the trainer's, run
  // with its import) is linted once: this file's own copy first.
  const seen = new Set(analysis.models.map((m) => identity(m, file)));
  for (const other of ws.linkedFiles(file)) {
    for (const model of ws.analyzeFile(other).models) {
      if (!reaches(model, file) || seen.has(identity(model, other))) continue;
      seen.add(identity(model, other));
      out.push(projected(model, other, file));
    }
  }
  return out;
}

/** Where a model is created, and its variant: the same in every analysis that holds it. */
function identity(model: ModelGraph, owner: string): string {
  return `${model.anchor.file ?? owner}\0${model.anchor.start}\0${model.variant?.id ?? ''}`;
}

/** True when one of the model's spans lies in `file`. */
export function reaches(model: ModelGraph, file: string): boolean {
  let found = false;
  visitSpans(model, (span) => {
    if (span.file === file) found = true;
  });
  return found;
}

/**
 * A copy of `model` (analysed in `owner`) in which only the spans in `file` keep their offsets.
 * A model of this file whose spans all lie in it is itself: copying every model of every file
 * was most of a lint's garbage (CPU profile of bench/ci-scale.bench.ts).
 */
function projected(model: ModelGraph, owner: string, file: string): ModelGraph {
  if (owner === file && !spansElsewhere(model)) return model;
  const copy = structuredClone(model);
  visitSpans(copy, (span) => {
    if ((span.file ?? owner) !== file) {
      span.start += ELSEWHERE;
      span.end += ELSEWHERE;
    }
    delete span.file;
  });
  return copy;
}

/** True when a span of the model names a file (another one: spans in their own file name none). */
function spansElsewhere(model: ModelGraph): boolean {
  let found = false;
  visitSpans(model, (span) => {
    if (span.file !== undefined) found = true;
  });
  return found;
}

/** Visits each span object once (the IR shares span objects between places). */
function visitSpans(value: unknown, visit: (span: Span) => void, seen = new Set<object>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) visitSpans(item, visit, seen);
    return;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.start === 'number' && typeof record.line === 'number') visit(value as Span);
  for (const key in record) visitSpans(record[key], visit, seen);
}
