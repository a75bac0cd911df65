/**
 * Picks the model to probe from a file's analysis: by name, by a line inside its definition,
 * or the only one. Ambiguity is an answer too: the caller lists the candidates to the user.
 */
import type { ModelGraph } from '../analysis/ir';

export interface ModelChoice {
  name?: string;
  /** 1-based line inside the model's definition span. */
  line?: number;
}

export type Selection =
  | { ok: true; model: ModelGraph }
  | {
      ok: false;
      reason: 'none' | 'not-found' | 'ambiguous';
      message: string;
      candidates: ModelGraph[];
    };

export function selectModel(models: ModelGraph[], choice: ModelChoice): Selection {
  if (models.length === 0) {
    return {
      ok: false,
      reason: 'none',
      message: 'no TensorFlow.js model was found in this file',
      candidates: [],
    };
  }
  if (choice.name !== undefined) return byName(models, choice.name, choice.line);
  if (choice.line !== undefined) return byLine(models, choice.line);
  if (models.length === 1) return { ok: true, model: models[0] };
  return {
    ok: false,
    reason: 'ambiguous',
    message: `the file defines ${models.length} models; choose one with --model NAME or --line N: ${listModels(models)}`,
    candidates: models,
  };
}

/** "model (line 4), encoder (line 20)": how the CLI names models in its messages. */
export function listModels(models: ModelGraph[]): string {
  return models.map((model) => `${model.name} (line ${model.span.line})`).join(', ');
}

function byName(models: ModelGraph[], name: string, line: number | undefined): Selection {
  const named = models.filter((model) => model.name === name);
  if (named.length === 0) {
    return {
      ok: false,
      reason: 'not-found',
      message: `no model named "${name}"; the file defines ${listModels(models)}`,
      candidates: models,
    };
  }
  if (named.length === 1) return { ok: true, model: named[0] };
  // Two builders may bind the same variable name; a line tells them apart.
  if (line !== undefined) return byLine(named, line);
  return {
    ok: false,
    reason: 'ambiguous',
    message: `${named.length} models are named "${name}"; add --line N to choose: ${listModels(named)}`,
    candidates: named,
  };
}

function byLine(models: ModelGraph[], line: number): Selection {
  const containing = models.filter(
    (model) => model.span.line <= line && line <= model.span.endLine,
  );
  if (containing.length === 0) {
    return {
      ok: false,
      reason: 'not-found',
      message: `no model is defined around line ${line}; the file defines ${listModels(models)}`,
      candidates: models,
    };
  }
  // Nested definitions (a model built inside another's builder): the innermost is the one meant.
  const innermost = containing.reduce((best, model) =>
    model.span.endLine - model.span.line < best.span.endLine - best.span.line ? model : best,
  );
  return { ok: true, model: innermost };
}
