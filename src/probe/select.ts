/**
 * Picks the model to probe from a file's analysis: by name, by a line inside its definition,
 * or the only one; then, for a model with variants (one per path through its builder), by variant id.
 * Ambiguity is an answer too: the caller lists the candidates to the user.
 */
import type { ModelGraph } from '../analysis/ir';

export interface ModelChoice {
  name?: string;
  /** 1-based line inside the model's definition span. */
  line?: number;
  /** `ModelGraph.variant.id`: which path's model, when the builder has several. */
  variant?: string;
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
  const selection = selectDefinition(models, choice);
  if (!selection.ok && selection.reason !== 'ambiguous') return selection;
  // Variants of one model share its definition: the choice among them is the variant id.
  const group = selection.ok ? variantsOf(models, selection.model) : selection.candidates;
  if (choice.variant !== undefined) return byVariant(group, choice.variant, selection);
  if (selection.ok && group.length > 1) {
    return {
      ok: false,
      reason: 'ambiguous',
      message: `"${selection.model.name}" builds ${group.length} models, one per path; choose one with --variant ID: ${listVariants(group)}`,
      candidates: group,
    };
  }
  return selection;
}

/** `cnn (modelType = 'cnn'), lstm (modelType = 'lstm')`. */
export function listVariants(models: ModelGraph[]): string {
  return models.map((m) => `${m.variant?.id ?? '?'} (${m.variant?.label ?? ''})`).join(', ');
}

function variantsOf(models: ModelGraph[], model: ModelGraph): ModelGraph[] {
  if (!model.variant) return [model];
  const anchor = anchorOf(model);
  return models.filter((m) => m.variant && anchorOf(m) === anchor);
}

function anchorOf(model: ModelGraph): number {
  return model.anchor?.start ?? model.span.start;
}

function byVariant(group: ModelGraph[], id: string, selection: Selection): Selection {
  const found = group.filter((m) => m.variant?.id === id);
  if (found.length === 1) return { ok: true, model: found[0] };
  const withVariants = group.filter((m) => m.variant);
  const message =
    withVariants.length === 0
      ? selection.ok
        ? `"${selection.model.name}" has no variants; leave out --variant`
        : selection.message
      : `no variant "${id}"; the variants are ${listVariants(withVariants)}`;
  return { ok: false, reason: 'not-found', message, candidates: withVariants };
}

function selectDefinition(models: ModelGraph[], choice: ModelChoice): Selection {
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
  if (oneDefinition(models)) return { ok: true, model: models[0] };
  return {
    ok: false,
    reason: 'ambiguous',
    message: `the file defines ${definitionCount(models)} models; choose one with --model NAME or --line N: ${listModels(models)}`,
    candidates: models,
  };
}

/** "model (line 4), encoder (line 20)": how the CLI names models in its messages. */
export function listModels(models: ModelGraph[]): string {
  const seen = new Set<number>();
  const entries: string[] = [];
  for (const model of models) {
    if (model.variant && seen.has(anchorOf(model))) continue;
    seen.add(anchorOf(model));
    entries.push(`${model.name} (line ${model.span.line})`);
  }
  return entries.join(', ');
}

/** Models, counting the variants of one definition once. */
function definitionCount(models: ModelGraph[]): number {
  const anchors = new Set(models.filter((m) => m.variant).map(anchorOf));
  return models.filter((m) => !m.variant).length + anchors.size;
}

/** All the models are variants of one definition (or there is only one). */
function oneDefinition(models: ModelGraph[]): boolean {
  const anchor = anchorOf(models[0]);
  return models.every((m) => m === models[0] || (m.variant && anchorOf(m) === anchor));
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
  if (oneDefinition(named)) return { ok: true, model: named[0] };
  // Two builders may bind the same variable name; a line tells them apart.
  if (line !== undefined) return byLine(named, line);
  return {
    ok: false,
    reason: 'ambiguous',
    message: `${definitionCount(named)} models are named "${name}"; add --line N to choose: ${listModels(named)}`,
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
