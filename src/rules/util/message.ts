/** Turning a rule's message template and data into a finding. */
import type { LayerNode, ModelGraph, Span } from '../../analysis/ir';
import type { Finding, Fix, Rule, RuleContext } from '../types';

export type MessageData = Record<string, string | number>;

/** Fills `{{name}}` placeholders; a placeholder without data stays visible so tests catch it. */
export function format(template: string, data: MessageData = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    key in data ? String(data[key]) : whole,
  );
}

export interface Report {
  messageId: string;
  data?: MessageData;
  span: Span;
  layer?: LayerNode;
  fixes?: (Fix | null)[];
}

export function report(rule: Rule, model: ModelGraph, r: Report): Finding {
  const template = rule.meta.messages[r.messageId];
  if (template === undefined) throw new Error(`${rule.id}: no message '${r.messageId}'`);
  return {
    ruleId: rule.id,
    messageId: r.messageId,
    message: format(template, r.data),
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
