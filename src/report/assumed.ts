/**
 * The assumed values and assumption sentences as every view shows them: one row per name, values as people
 * type them (`[28, 28, 1]`, "tfjs default"), sentences once each with code quoted as text rather than backticks.
 */
import type { AssumedValue, ProbeReport } from '../probe/types';
import { escapeHtml as h } from './escape';

export interface AssumedRow {
  name: string;
  value: string;
  role: string;
  source: AssumedValue['source'];
}

const SOURCE_TEXT: Record<AssumedValue['source'], string> = {
  code: 'from the code',
  'role-default': 'assumed',
  set: 'set by you',
};

/** One row per name (the first wins), values rendered as text. */
export function assumedRows(report: ProbeReport): AssumedRow[] {
  const seen = new Set<string>();
  const rows: AssumedRow[] = [];
  for (const item of report.assumedValues ?? []) {
    if (seen.has(item.name)) continue;
    seen.add(item.name);
    rows.push({
      name: item.name,
      value: valueText(item.value),
      role: item.role,
      source: item.source,
    });
  }
  return rows;
}

export function sourceText(source: AssumedValue['source']): string {
  return SOURCE_TEXT[source] ?? source;
}

/** A plain JSON value as a user would type it; null means tfjs's default applies. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'tfjs default';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === null ? 'null' : valueText(v))).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The assumption sentences, each once, in their order. */
export function uniqueSentences(report: ProbeReport): string[] {
  return [...new Set(report.assumptions.map((a) => a.trim()).filter((a) => a.length > 0))];
}

/** A sentence for plain text: `code` becomes "code". */
export function sentenceText(sentence: string): string {
  return sentence.replace(/`([^`]*)`/g, '"$1"');
}

/** A sentence for HTML: escaped, with `code` as a <code> element. */
export function sentenceHtml(sentence: string): string {
  return sentence
    .split(/(`[^`]*`)/)
    .map((part) => (/^`[^`]*`$/.test(part) ? `<code>${h(part.slice(1, -1))}</code>` : h(part)))
    .join('');
}
