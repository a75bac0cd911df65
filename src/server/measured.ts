/**
 * Probe results the client sent (`gradientLens/probeResult`), per document: the measured norms the
 * inlay hints, hovers and CodeLens show beside the static estimate. A result belongs to the version
 * that was probed: a later version keeps the numbers but marks them stale, and once lines were
 * added or removed the probe's line numbers no longer point at the layers, so hints are dropped.
 */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Verdict } from '../probe/types';
import { formatNorm, percent } from '../report/format';
import { documentKey } from './paths';
import type { MeasuredLayer, MeasuredReport, ProbeResultParams } from './protocol';

export interface MeasuredResult {
  model: string;
  variant?: string;
  version: number;
  lineCount: number;
  report: MeasuredReport;
}

export class MeasuredResults {
  private readonly byDocument = new Map<string, Map<string, MeasuredResult>>();

  /** Applies a probeResult notification; false when it was malformed (ignored). */
  accept(params: ProbeResultParams | undefined): boolean {
    if (!params || typeof params !== 'object') return false;
    if (params.uri === null) {
      this.byDocument.clear();
      return true;
    }
    if (typeof params.uri !== 'string' || typeof params.model !== 'string') return false;
    const key = documentKey(params.uri);
    const results = this.byDocument.get(key) ?? new Map<string, MeasuredResult>();
    const id = resultId(params.model, params.variant);
    if (!params.report) results.delete(id);
    else if (!Array.isArray(params.report.layers)) return false;
    else
      results.set(id, {
        model: params.model,
        ...(params.variant ? { variant: params.variant } : {}),
        version: params.version,
        lineCount: params.lineCount,
        report: params.report,
      });
    if (results.size > 0) this.byDocument.set(key, results);
    else this.byDocument.delete(key);
    return true;
  }

  forDocument(uri: string): MeasuredResult[] {
    return [...(this.byDocument.get(documentKey(uri))?.values() ?? [])];
  }

  get(uri: string, model: string, variant?: string): MeasuredResult | undefined {
    return this.byDocument.get(documentKey(uri))?.get(resultId(model, variant));
  }

  forget(uri: string): void {
    this.byDocument.delete(documentKey(uri));
  }
}

function resultId(model: string, variant: string | undefined): string {
  return variant ? `${model}\u0000${variant}` : model;
}

export function isStaleFor(result: MeasuredResult, document: TextDocument): boolean {
  return result.version !== document.version;
}

/** At the end of each probed layer line: measured norm, ratio to the output and verdict. */
export function measuredHints(
  results: readonly MeasuredResult[],
  document: TextDocument,
  range: Range,
): InlayHint[] {
  const hints: InlayHint[] = [];
  for (const result of results) {
    if (result.lineCount !== document.lineCount) continue;
    const stale = isStaleFor(result, document);
    const byLine = new Map<number, MeasuredLayer[]>();
    for (const layer of result.report.layers) {
      if (layer.line === null || layer.gradNorm === null) continue;
      const line = layer.line - 1;
      if (line < range.start.line || line > range.end.line || line >= document.lineCount) continue;
      byLine.set(line, [...(byLine.get(line) ?? []), layer]);
    }
    for (const [line, layers] of byLine) {
      hints.push({
        position: lineEnd(document, line),
        label: `${measuredLabel(layers)}${stale ? ' (stale)' : ''}`,
        kind: InlayHintKind.Type,
        paddingLeft: true,
        tooltip: stale
          ? 'Measured by the probe before your last edit: probe again for current numbers'
          : `Measured gradient norm (its ratio to the output layer's) and verdict, by the probe (${result.report.backend}, batch ${result.report.batchSize})`,
      });
    }
  }
  return hints;
}

/**
 * "∇ 1.2e-3 (4.5e-2×) vanishing": the measured norm, its ratio to the output layer, the verdict;
 * a loop line gives the range over its layers. Short enough to sit beside the estimate within the
 * 43 characters of hints VS Code shows per line; the tooltip and the hover say the rest.
 */
export function measuredLabel(layers: readonly MeasuredLayer[]): string {
  const verdict = worstVerdict(layers.map((l) => l.verdict));
  if (layers.length === 1) {
    const [layer] = layers;
    return `∇ ${formatNorm(layer.gradNorm)} (${formatNorm(layer.ratioToOutput)}×) ${verdict}`;
  }
  const norms = layers.map((l) => l.gradNorm ?? 0);
  return `∇ ${formatNorm(Math.min(...norms))} … ${formatNorm(Math.max(...norms))} over ${layers.length} layers ${verdict}`;
}

/** Hover lines for the measured layers of a call (several when a loop repeats the call). */
export function measuredHoverLines(result: MeasuredResult, indices: readonly number[]): string[] {
  const lines: string[] = [];
  for (const layer of result.report.layers) {
    if (!indices.includes(layer.index)) continue;
    lines.push(
      `Last probe: ∇ ${formatNorm(layer.gradNorm)} (${formatNorm(layer.ratioToOutput)}× output), ${layer.verdict}` +
        (layer.saturatedFraction != null ? `, ${percent(layer.saturatedFraction)} saturated` : '') +
        (layer.deadFraction != null ? `, ${percent(layer.deadFraction)} dead` : ''),
    );
  }
  return lines;
}

function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('exploding')) return 'exploding';
  if (verdicts.includes('vanishing')) return 'vanishing';
  return 'healthy';
}

export function lineEnd(document: TextDocument, line: number): { line: number; character: number } {
  const next =
    line + 1 < document.lineCount
      ? document.offsetAt({ line: line + 1, character: 0 })
      : document.getText().length;
  const text = document.getText().slice(document.offsetAt({ line, character: 0 }), next);
  return { line, character: text.replace(/\r?\n$|\r$/, '').length };
}
