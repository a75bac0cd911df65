/** Shared helpers for the extractor tests: plain views of IR values and source-text checks of spans. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/index';
import type { AnalysisResult, LayerNode, ModelGraph, Span, Value } from '../../src/analysis/ir';
import { plainValue } from '../../src/analysis/plain';

/** IR value -> plain JS; unknown values become the string `?<expression text>`. */
export function plain(value: Value): unknown {
  return plainValue(value, {
    call: (v) => `call:${v.path}`,
    unknown: (v) => `?${v.text}`,
  });
}

export function config(layer: LayerNode): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(layer.config.props).map(([k, p]) => [k, plain(p.value)]),
  );
}

/** `dense(units=64,activation=relu)`: the factory with the listed config keys that are present. */
export function summary(layer: LayerNode, keys = ['units', 'filters', 'activation']): string {
  const cfg = config(layer);
  const parts = keys.filter((k) => k in cfg).map((k) => `${k}=${JSON.stringify(cfg[k])}`);
  return `${layer.factory}(${parts.join(',')})`;
}

export function run(source: string, file = 'model.ts'): AnalysisResult {
  const result = analyze(source, file);
  assert.deepEqual(result.problems, [], `unexpected problems: ${JSON.stringify(result.problems)}`);
  return result;
}

export function onlyModel(source: string, file = 'model.ts'): ModelGraph {
  const result = run(source, file);
  assert.equal(
    result.models.length,
    1,
    `expected one model, got ${result.models.map((m) => m.name).join(', ')}`,
  );
  return result.models[0];
}

export function textOf(source: string, span: Span | null | undefined): string {
  assert.ok(span, 'span is missing');
  return source.slice(span.start, span.end);
}

/** Checks that line/column agree with the offsets (1-based both). */
export function assertSpanConsistent(source: string, span: Span): void {
  const before = source.slice(0, span.start).split('\n');
  assert.equal(span.line, before.length, 'line');
  assert.equal(span.column, before[before.length - 1].length + 1, 'column');
  const through = source.slice(0, span.end).split('\n');
  assert.equal(span.endLine, through.length, 'endLine');
  assert.equal(span.endColumn, through[through.length - 1].length + 1, 'endColumn');
}

/** A file of test/fixtures/analysis. */
export function analysisFixture(name: string): string {
  return readFileSync(join(import.meta.dirname, '../fixtures/analysis', name), 'utf8');
}

/** Each model as name, kind, layer factories (`?` after a conditional one) and whether it is trained. */
export function modelRows(source: string, file: string) {
  return run(source, file).models.map((m) => ({
    name: m.name,
    kind: m.kind,
    layers: m.layers.map((l) => l.factory + (l.conditional ? '?' : '')).join(' '),
    trained: m.training.trained,
  }));
}
