/** Turning a rule's message template and data into a finding. */
import type { LayerNode, ModelGraph, Span } from '../../analysis/ir';
import type { Finding, Fix, Rule, RuleContext } from '../types';
import { dialectOf, term, type Dialect } from './dialect';

export type MessageData = Record<string, string | number>;

/**
 * Fills `{{name}}` placeholders from `data` and `{{kind:argument}}` framework terms from the dialect (see
 * dialect.ts); a placeholder without data stays visible so tests catch it.
 */
export function format(template: string, data: MessageData = {}, dialect: Dialect = TFJS): string {
  const parts = templateParts(template);
  let text = parts[0];
  for (let i = 1; i < parts.length; i += 4) {
    const key = parts[i + 1];
    const argument = parts[i + 2];
    const value = argument ? term(dialect, key, argument) : key in data ? String(data[key]) : null;
    text += (value ?? parts[i]) + parts[i + 3];
  }
  return text;
}

const TFJS = dialectOf({});

/**
 * A template split once into [text, whole placeholder, key, argument, text, ...]: every finding formats one
 * of a few templates, and a regex replace with a callback per finding showed up in the lint profile.
 */
function templateParts(template: string): string[] {
  let parts = templateCache.get(template);
  if (parts) return parts;
  parts = [];
  const placeholder = /\{\{\s*(\w+)(?::([^}]+?))?\s*\}\}/g;
  let last = 0;
  for (let match = placeholder.exec(template); match; match = placeholder.exec(template)) {
    parts.push(template.slice(last, match.index), match[0], match[1], match[2] ?? '');
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  templateCache.set(template, parts);
  return parts;
}

const templateCache = new Map<string, string[]>();

export interface Report {
  messageId: string;
  data?: MessageData;
  span: Span;
  layer?: LayerNode;
  fixes?: (Fix | null)[];
  /** Below the material level: an info hint whatever the configured severity. */
  hint?: boolean;
  /** The static estimate did not cover the model (see Finding.uncovered). */
  uncovered?: boolean;
}

export function report(rule: Rule, model: ModelGraph, r: Report): Finding {
  const template = rule.meta.messages[r.messageId];
  if (template === undefined) throw new Error(`${rule.id}: no message '${r.messageId}'`);
  const detail = rule.meta.details?.[r.messageId];
  const dialect = dialectOf(model);
  return {
    ruleId: rule.id,
    messageId: r.messageId,
    message: format(template, r.data, dialect),
    ...(detail === undefined ? {} : { detail: format(detail, r.data, dialect) }),
    ...(r.hint ? { hint: true } : {}),
    ...(r.uncovered ? { uncovered: true } : {}),
    span: r.span,
    model: model.name,
    layerIndex: r.layer?.index,
    fixes: (r.fixes ?? []).filter((f): f is Fix => f !== null),
  };
}

/** A numeric option, falling back to the rule's declared default when the value is not a number. */
export function numberOption(rule: Rule, context: RuleContext, key: string): number {
  const value = context.options[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const fallback = rule.meta.options[key]?.default;
  return typeof fallback === 'number' ? fallback : 0;
}

/** Numbers in messages: short, and never "0.30000000000000004". */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e4 || abs < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

/** Keeps the first finding per message and range: a loop-repeated layer is one place in the source. */
export function uniqueFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.messageId}:${f.span.start}:${f.span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
