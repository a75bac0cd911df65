/**
 * Hovers, CodeLens and inlay hints from the last lint of a document. Plain LSP data out; the
 * wording of norms matches the extension's (compact scientific notation).
 */
import type { CodeLens, Hover, InlayHint, Range } from 'vscode-languageserver/node';
import { InlayHintKind, MarkupKind } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LayerNode, ModelGraph } from '../analysis/ir';
import { estimateGradients, type LayerEstimate } from '../estimate';
import type { DocumentLint } from './engine';

export const PROBE_COMMAND = 'gradientLens.probeModel';
export const SHOW_DOCS_COMMAND = 'gradientLens.showRuleDocs';

/** Hovering a layer call: its estimate and which rules flag it; the findings' text is in the diagnostics. */
export function layerHover(
  lint: DocumentLint,
  document: TextDocument,
  offset: number,
  batchSize: number,
  docsHref: (ruleId: string) => string,
): Hover | null {
  if (!lint.analysis || lint.text !== document.getText()) return null;
  for (const model of lint.analysis.models) {
    const layers = model.layers.filter(
      (l) => l.callSpan.start <= offset && offset <= l.callSpan.end,
    );
    if (layers.length === 0) continue;
    const estimates = estimatesOf(model, batchSize);
    const lines = [headline(model, layers)];
    lines.push(estimateLine(layers.map((l) => estimates.get(l.index))));
    const ruleIds = [
      ...new Set(
        lint.messages
          .filter((m) => m.model === model.name && layers.some((l) => l.index === m.layerIndex))
          .map((m) => m.ruleId),
      ),
    ];
    if (ruleIds.length > 0) {
      lines.push(`Flagged by ${ruleIds.map((id) => `[${id}](${docsHref(id)})`).join(', ')}`);
    }
    lines.push('Measure the real gradients: "Probe gradients" above the model.');
    const [first] = layers;
    return {
      contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') },
      range: {
        start: document.positionAt(first.callSpan.start),
        end: document.positionAt(first.callSpan.end),
      },
    };
  }
  return null;
}

function headline(model: ModelGraph, layers: LayerNode[]): string {
  const factory = `\`${escapeMarkdown(layers[0].factory)}\``;
  const name = `model \`${escapeMarkdown(model.name)}\``;
  if (layers.length === 1)
    return `**Gradient Lens** · layer ${layers[0].index} (${factory}) of ${name}`;
  const first = layers[0].index;
  const last = layers[layers.length - 1].index;
  return `**Gradient Lens** · this line stands for ${layers.length} layers (${factory}, layers ${first}–${last} of ${name}, repeated by a loop)`;
}

function estimateLine(found: (LayerEstimate | undefined)[]): string {
  const ratios = found.map((e) => e?.relative).filter((r): r is number => r != null);
  if (ratios.length === 0) {
    const note = found.find((e) => e?.note)?.note;
    return `Static estimate: not available${note ? ` (${escapeMarkdown(note)})` : ''}`;
  }
  if (found.length === 1)
    return `Static estimate: gradient norm ≈ ${formatNorm(ratios[0])}× the output layer's`;
  return `Static estimate: gradient norm ≈ ${rangeText(ratios)}× the output layer's over these layers`;
}

/** Above each model: "Probe gradients" (run by the client) and its finding count. */
export function modelLenses(lint: DocumentLint, document: TextDocument): CodeLens[] {
  if (!lint.analysis) return [];
  const positions = lint.text === document.getText() ? document : null;
  const lenses: CodeLens[] = [];
  for (const model of lint.analysis.models) {
    // Stale (the file does not parse): the model's line as last seen, clamped to the document.
    const line = Math.min(
      positions ? positions.positionAt(model.span.start).line : model.span.line - 1,
      document.lineCount - 1,
    );
    const range: Range = { start: { line, character: 0 }, end: { line, character: 0 } };
    lenses.push({
      range,
      command: {
        title: 'Probe gradients',
        command: PROBE_COMMAND,
        arguments: [document.uri, model.name, model.span.line],
      },
    });
    const count = lint.messages.filter((m) => m.model === model.name).length;
    const stale = lint.stale ? ' (stale: the file does not parse)' : '';
    lenses.push({
      range,
      command: { title: `${findingsTitle(count)}${stale}`, command: '' },
    });
  }
  return lenses;
}

function findingsTitle(count: number): string {
  if (count === 0) return 'no gradient risks found';
  return `${count} gradient finding${count === 1 ? '' : 's'}`;
}

/** At the end of each layer line: the static estimate (a loop line shows its range). */
export function estimateHints(
  lint: DocumentLint,
  document: TextDocument,
  range: Range,
  batchSize: number,
): InlayHint[] {
  if (!lint.analysis || lint.text !== document.getText()) return [];
  const hints: InlayHint[] = [];
  for (const model of lint.analysis.models) {
    const estimates = estimatesOf(model, batchSize);
    const byLine = new Map<number, number[]>();
    for (const layer of model.layers) {
      const ratio = estimates.get(layer.index)?.relative;
      if (ratio == null) continue;
      const line = document.positionAt(layer.callSpan.start).line;
      if (line < range.start.line || line > range.end.line) continue;
      byLine.set(line, [...(byLine.get(line) ?? []), ratio]);
    }
    for (const [line, ratios] of byLine) {
      const end = lineEnd(document, line);
      const label =
        ratios.length === 1
          ? `∇≈ ${formatNorm(ratios[0])}× output`
          : `∇≈ ${rangeText(ratios)}× output over ${ratios.length} layers`;
      hints.push({
        position: end,
        label,
        kind: InlayHintKind.Type,
        paddingLeft: true,
        tooltip:
          'Static gradient estimate (mean field, at initialisation) relative to the output layer',
      });
    }
  }
  return hints;
}

function lineEnd(document: TextDocument, line: number): { line: number; character: number } {
  const next =
    line + 1 < document.lineCount
      ? document.offsetAt({ line: line + 1, character: 0 })
      : document.getText().length;
  const text = document.getText().slice(document.offsetAt({ line, character: 0 }), next);
  return { line, character: text.replace(/\r?\n$|\r$/, '').length };
}

const estimateCache = new WeakMap<
  ModelGraph,
  { batchSize: number; byIndex: Map<number, LayerEstimate> }
>();

function estimatesOf(model: ModelGraph, batchSize: number): Map<number, LayerEstimate> {
  const cached = estimateCache.get(model);
  if (cached && cached.batchSize === batchSize) return cached.byIndex;
  const byIndex = new Map(estimateGradients(model, { batchSize }).layers.map((l) => [l.index, l]));
  estimateCache.set(model, { batchSize, byIndex });
  return byIndex;
}

function rangeText(ratios: number[]): string {
  const low = Math.min(...ratios);
  const high = Math.max(...ratios);
  return low === high ? formatNorm(low) : `${formatNorm(low)} … ${formatNorm(high)}`;
}

/** Compact scientific notation: gradient norms span many orders of magnitude. */
export function formatNorm(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 0.01 && abs < 1000) return String(Number(value.toPrecision(3)));
  const [mantissa, exponent] = value.toExponential(1).split('e');
  return `${mantissa.replace(/\.0$/, '')}e${Number(exponent)}`;
}

/** User text (names, notes) in markdown: shown as typed, never as markup or HTML. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
