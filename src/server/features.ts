/**
 * Hovers, CodeLens and inlay hints from the last lint of a document and the last probe of its
 * models. Plain LSP data out.
 */
import type { CodeLens, Hover, InlayHint, Range } from 'vscode-languageserver/node';
import { InlayHintKind, MarkupKind } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LayerNode, ModelGraph } from '../analysis/ir';
import { estimateGradients, type LayerEstimate } from '../estimate';
import { formatNorm } from '../report/format';
import type { DocumentLint } from './engine';
import {
  isStaleFor,
  lineEnd,
  measuredHoverLines,
  type MeasuredResult,
  type MeasuredResults,
} from './measured';
import { PROBE_COMMAND, SHOW_REPORT_COMMAND } from './protocol';

/**
 * Hovering a layer call: its estimate, its last measurement, and for each rule that flags it the
 * explanation (`detail`) with a link to the rule's page; the finding's message itself is in the
 * diagnostic, so it is not repeated.
 */
export function layerHover(
  lint: DocumentLint,
  document: TextDocument,
  offset: number,
  batchSize: number,
  docsHref: (ruleId: string) => string,
  measured: MeasuredResults,
): Hover | null {
  if (!lint.analysis || lint.text !== document.getText()) return null;
  for (const model of lint.analysis.models) {
    // A layer made by a helper in another file (`callSpan.file`) has its offsets there.
    const layers = model.layers.filter(
      (l) => !l.callSpan.file && l.callSpan.start <= offset && offset <= l.callSpan.end,
    );
    if (layers.length === 0) continue;
    const indices = layers.map((l) => l.index);
    const estimates = estimatesOf(model, batchSize);
    const lines = [headline(model, layers)];
    lines.push(estimateLine(layers.map((l) => estimates.get(l.index))));
    const result = measured.get(document.uri, model.name, model.variant?.id);
    if (result) {
      const stale = isStaleFor(result, document) ? ' (before your last edit)' : '';
      lines.push(...measuredHoverLines(result, indices).map((line) => line + stale));
    } else {
      lines.push('Not probed yet: "Probe gradients" above the model measures the real gradients.');
    }
    const seen = new Set<string>();
    for (const m of lint.messages) {
      if (m.model !== model.name || m.layerIndex === undefined || !indices.includes(m.layerIndex))
        continue;
      if (seen.has(m.ruleId)) continue;
      seen.add(m.ruleId);
      const link = `[${m.ruleId}](${docsHref(m.ruleId)})`;
      lines.push(m.detail ? `${link}: ${escapeMarkdown(m.detail)}` : `Flagged by ${link}`);
    }
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

/**
 * Above each model (one set per variant of a builder with several paths): "Probe gradients" (a
 * command the client runs), its finding count, and after a probe its verdict.
 */
export function modelLenses(
  lint: DocumentLint,
  document: TextDocument,
  measured: MeasuredResults,
): CodeLens[] {
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
    const variant = model.variant;
    const probeArgs = [document.uri, model.name, model.span.line, ...(variant ? [variant.id] : [])];
    lenses.push({
      range,
      command: {
        title: variant ? `Probe ${variant.label}` : 'Probe gradients',
        command: PROBE_COMMAND,
        arguments: probeArgs,
      },
    });
    const count = lint.messages.filter(
      (m) => m.model === model.name && (!variant || !m.variants || m.variants.includes(variant.id)),
    ).length;
    const stale = lint.stale ? ' (stale: the file does not parse)' : '';
    lenses.push({ range, command: { title: `${findingsTitle(count)}${stale}`, command: '' } });
    const result = measured.get(document.uri, model.name, variant?.id);
    if (result) lenses.push({ range, command: verdictCommand(result, document, probeArgs) });
  }
  return lenses;
}

function verdictCommand(
  result: MeasuredResult,
  document: TextDocument,
  probeArgs: unknown[],
): NonNullable<CodeLens['command']> {
  const { report } = result;
  if (isStaleFor(result, document))
    return {
      title: `measured before your last edit: ${report.verdict} · re-probe`,
      command: PROBE_COMMAND,
      arguments: probeArgs,
    };
  return {
    title: `measured: ${report.verdict} (${report.backend}, batch ${report.batchSize})`,
    command: SHOW_REPORT_COMMAND,
    arguments: [document.uri, result.model, result.variant],
  };
}

function findingsTitle(count: number): string {
  if (count === 0) return 'no gradient risks found';
  return `${count} gradient finding${count === 1 ? '' : 's'}`;
}

/**
 * At the end of each layer line: the static estimate relative to the output layer (a loop line
 * shows its range). Short: VS Code shows at most 43 characters of hints per line, and a probe's
 * measurement goes beside it.
 */
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
          ? `∇≈ ${formatNorm(ratios[0])}×`
          : `∇≈ ${rangeText(ratios)}× over ${ratios.length} layers`;
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

/** User text (names, notes) in markdown: shown as typed, never as markup or HTML. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
