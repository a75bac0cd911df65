/**
 * Every string the extension shows about findings and probes, computed from plain data
 * (no vscode) so wording and number formatting are unit-tested.
 */
import type { LayerProbe, ProbeReport, Verdict } from '../probe/types';

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

/** Compact scientific notation for gradient norms, which span many orders of magnitude. */
export function formatNorm(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 0.01 && abs < 1000) return String(Number(value.toPrecision(3)));
  const [mantissa, exponent] = value.toExponential(1).split('e');
  return `${mantissa.replace(/\.0$/, '')}e${Number(exponent)}`;
}

export function statusText(counts: Counts | null, probing: string | null): string {
  if (probing) return `$(sync~spin) Probing ${probing}…`;
  if (!counts) return '$(pulse) Gradient Lens';
  const total = counts.errors + counts.warnings + counts.infos;
  return total === 0
    ? '$(pulse) Gradient Lens: no risks'
    : `$(pulse) Gradient Lens: ${plural(total, 'risk')}`;
}

export function statusTooltip(counts: Counts | null, probing: string | null): string {
  if (probing) return `Gradient Lens is probing ${probing}. Click to show the output.`;
  if (!counts) return 'Gradient Lens: this file does not use TensorFlow.js.';
  return `Gradient Lens: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${plural(counts.infos, 'info')} in this file. Click to show the output.`;
}

export function findingsLensTitle(count: number): string {
  return count === 0
    ? '$(check) no gradient risks found'
    : `$(warning) ${plural(count, 'finding')}`;
}

export const VERDICT_ICON: Record<Verdict, string> = {
  vanishing: '$(arrow-down)',
  exploding: '$(flame)',
  healthy: '$(pass)',
};

export function verdictLensTitle(report: ProbeReport, stale = false): string {
  if (stale) return `$(history) measured before your last edit: ${report.verdict} · re-probe`;
  return `${VERDICT_ICON[report.verdict]} measured: ${report.verdict} (${report.backend}, batch ${report.batchSize})`;
}

/**
 * Whether a probe result describes an earlier version of its document: any edit since, including a fix applied
 * from the panel, makes the numbers those of other code. A model.json probe (no version) never is.
 */
export function isStale(
  probedVersion: number | null,
  documentVersion: number | undefined,
): boolean {
  return (
    probedVersion !== null && documentVersion !== undefined && documentVersion !== probedVersion
  );
}

/**
 * End-of-line text for each source line that holds layers, after a probe. A line that a loop
 * repeats holds several layers: it shows their range.
 */
export function inlineHints(report: ProbeReport): Map<number, string> {
  const byLine = new Map<number, LayerProbe[]>();
  for (const layer of report.layers) {
    if (layer.line === null || layer.gradNorm === null) continue;
    byLine.set(layer.line, [...(byLine.get(layer.line) ?? []), layer]);
  }
  const hints = new Map<number, string>();
  for (const [line, layers] of byLine) hints.set(line, hintForLayers(layers));
  return hints;
}

function hintForLayers(layers: LayerProbe[]): string {
  const verdict = worstVerdict(layers.map((l) => l.verdict));
  if (layers.length === 1) {
    const [layer] = layers;
    return `∇ ${formatNorm(layer.gradNorm)} (${formatNorm(layer.ratioToOutput)}× output) ${verdictMark(verdict)} ${verdict}`;
  }
  const norms = layers.map((l) => l.gradNorm ?? 0);
  const low = Math.min(...norms);
  const high = Math.max(...norms);
  return `∇ ${formatNorm(low)} … ${formatNorm(high)} over ${layers.length} layers ${verdictMark(verdict)} ${verdict}`;
}

function verdictMark(verdict: Verdict): string {
  return verdict === 'healthy' ? '✓' : '⚠';
}

function worstVerdict(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('exploding')) return 'exploding';
  if (verdicts.includes('vanishing')) return 'vanishing';
  return 'healthy';
}

export interface HoverInput {
  factory: string;
  index: number;
  /** Static estimate of gradient norm relative to the output layer; null when not estimated. */
  estimate: { ratio: number | null; note?: string } | null;
  measured: LayerProbe[];
  findings: { ruleId: string; message: string }[];
}

/** Markdown for hovering a layer call (user-derived text is escaped by the caller's MarkdownString). */
export function hoverLines(input: HoverInput): string[] {
  const lines = [`**Gradient Lens** · layer ${input.index} (\`${input.factory}\`)`];
  if (input.estimate?.ratio != null) {
    lines.push(
      `Static estimate: gradient norm ≈ ${formatNorm(input.estimate.ratio)}× the output layer's`,
    );
  } else if (input.estimate) {
    lines.push(
      `Static estimate: not available${input.estimate.note ? ` (${input.estimate.note})` : ''}`,
    );
  }
  for (const m of input.measured) {
    lines.push(
      `Last probe: ∇ ${formatNorm(m.gradNorm)} (${formatNorm(m.ratioToOutput)}× output), ${m.verdict}` +
        (m.saturatedFraction != null ? `, ${percent(m.saturatedFraction)} saturated` : '') +
        (m.deadFraction != null ? `, ${percent(m.deadFraction)} dead` : ''),
    );
  }
  if (input.measured.length === 0)
    lines.push('Not probed yet: use "Probe gradients" above the model.');
  for (const f of input.findings) lines.push(`⚠ ${f.message} (${f.ruleId})`);
  return lines;
}

/**
 * Validates a value typed for an unresolved expression; returns a message or null when valid.
 * Accepted: numbers, JSON arrays/objects/strings, true/false, bare identifiers (as strings).
 */
export function validateUnknownValue(text: string): string | null {
  const value = text.trim();
  if (value === '') return 'Enter a value, e.g. 64, [28, 28, 1] or relu';
  if (/^[A-Za-z_$][\w$]*$/.test(value) || /^'.*'$/s.test(value) || /^\[.*\]$/s.test(value)) {
    return null;
  }
  try {
    JSON.parse(value);
    return null;
  } catch {
    return 'Not a value: use a number (64), a shape ([28, 28, 1]), a name (relu) or JSON';
  }
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The probe names layers `L3_dense` (tensor-name safe); users know them by the names in their code.
 * Shows the source name where the code gives one. Names are user text: renderers must escape them.
 */
export function withSourceLayerNames(
  report: ProbeReport,
  sourceNames: ReadonlyMap<number, string>,
): ProbeReport {
  if (sourceNames.size === 0) return report;
  return {
    ...report,
    layers: report.layers.map((layer) => {
      const name = sourceNames.get(layer.index);
      return name === undefined ? layer : { ...layer, name };
    }),
  };
}
