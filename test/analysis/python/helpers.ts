/** Shared helpers for the Python front end's tests: plain views of the IR and span checks. */
import assert from 'node:assert/strict';
import { analyze } from '../../../src/analysis/index';
import type { AnalysisResult, LayerNode, ModelGraph, Span } from '../../../src/analysis/ir';
import { config } from '../helpers';

export { config } from '../helpers';

export function runPy(source: string, file = 'model.py'): AnalysisResult {
  const result = analyze(source, file);
  assert.deepEqual(result.problems, [], `unexpected problems: ${JSON.stringify(result.problems)}`);
  return result;
}

export function onlyPyModel(source: string): ModelGraph {
  const result = runPy(source);
  assert.equal(result.models.length, 1, `models: ${result.models.map((m) => m.name).join(', ')}`);
  return result.models[0];
}

/** `dense(units=64,activation="relu")`; wrappers show their inner layer: `bidirectional<lstm(units=8)>`. */
export function pySummary(
  layer: LayerNode,
  keys = ['units', 'filters', 'activation', 'rate'],
): string {
  const cfg = config(layer);
  const parts = keys.filter((k) => k in cfg).map((k) => `${k}=${JSON.stringify(cfg[k])}`);
  const inner = layer.inner ? `<${pySummary(layer.inner, keys)}>` : '';
  return `${layer.factory}${inner}(${parts.join(',')})`;
}

export function layersOf(model: ModelGraph): string[] {
  return model.layers.map((l) => pySummary(l));
}

/** The source text a span covers, checked against its line/column fields. */
export function textAt(source: string, span: Span | null | undefined): string {
  assert.ok(span, 'expected a span');
  const lines = source.split('\n');
  const before = lines.slice(0, span.line - 1).join('\n').length + (span.line > 1 ? 1 : 0);
  assert.equal(before + span.column - 1, span.start, 'line/column agree with the start offset');
  return source.slice(span.start, span.end);
}

/** A model's layer factories in order, as the labels write them (`Conv2D MaxPooling2D Dense`). */
export const factories = (model: ModelGraph) => model.layers.map((l) => l.factory).join(' ');

/** Each node as `Factory<-inputs`, for checks of the wiring (skips, merges, shared layers). */
export const wiring = (model: ModelGraph) =>
  model.nodes.map((n) => `${model.layers[n.layer].factory}<-${n.inputs.join('+')}`);

/** The model of that name, or a failure that lists the names found. */
export const named = (models: ModelGraph[], name: string) => {
  const found = models.find((m) => m.name === name);
  assert.ok(found, `no model ${name}: ${models.map((m) => m.name).join(', ')}`);
  return found;
};
