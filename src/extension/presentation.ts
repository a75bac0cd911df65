/**
 * Every string the extension shows about findings and probes, computed from plain data
 * (no vscode) so wording and number formatting are unit-tested.
 */
import type { ProbeReport } from '../probe/types';

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

/** While the file does not parse, the last good counts stay beside the parse error. */
export function statusText(
  counts: Counts | null,
  probing: string | null,
  parseError: string | null = null,
): string {
  if (probing) return `$(sync~spin) Probing ${probing}…`;
  if (parseError) return '$(error) Gradient Lens: does not parse';
  if (!counts) return '$(pulse) Gradient Lens';
  const total = counts.errors + counts.warnings + counts.infos;
  return total === 0
    ? '$(pulse) Gradient Lens: no risks'
    : `$(pulse) Gradient Lens: ${plural(total, 'risk')}`;
}

export function statusTooltip(
  counts: Counts | null,
  probing: string | null,
  parseError: string | null = null,
): string {
  if (probing) return `Gradient Lens is probing ${probing}. Click to show the output.`;
  if (parseError)
    return `Gradient Lens: this file does not parse (${parseError}); the findings shown are from the last version that did.`;
  if (!counts) return 'Gradient Lens: this file does not use TensorFlow.js.';
  return `Gradient Lens: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${plural(counts.infos, 'info')} in this file. Click to show the output.`;
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
