/**
 * Disable directives in comments, applied after the rules as a filter (rules never see them):
 *   // gradient-lens-disable-next-line RULE[, RULE2] -- reason
 *   // gradient-lens-disable-line RULE
 *   /* gradient-lens-disable RULE *\/   (the whole file, wherever the comment sits)
 * No rule named means every rule. Line and block comments work for every form.
 */
import type { Span } from '../analysis/ir';
import type { LintMessage } from '../rules/types';
import { scanComments } from './comments';
import { LineIndex } from './positions';
import type { DirectiveKind, LintProblem, UnusedDirective } from './types';

export interface Directive {
  kind: DirectiveKind;
  /** Known rule ids the directive names; null = every rule. */
  ruleIds: string[] | null;
  reason: string | null;
  /** The comment. */
  span: Span;
  /** The line whose findings it suppresses; null for a file-level directive. */
  targetLine: number | null;
}

export interface ParsedDirectives {
  directives: Directive[];
  problems: LintProblem[];
}

const PREFIX = 'gradient-lens-';
const DIRECTIVE =
  /^\s*\**\s*gradient-lens-(disable-next-line|disable-line|disable)(?=\s|$)([\s\S]*)$/;
// As in ESLint: the reason follows two or more dashes surrounded by whitespace.
const REASON_SEPARATOR = /\s-{2,}\s|\s-{2,}$/;

export function parseDirectives(
  source: string,
  isKnownRule: (id: string) => boolean,
  lineIndex?: LineIndex,
): ParsedDirectives {
  let lines = lineIndex;
  const directives: Directive[] = [];
  const problems: LintProblem[] = [];
  for (const comment of scanComments(source, PREFIX)) {
    const match = DIRECTIVE.exec(comment.value);
    if (!match) continue;
    const kind = match[1] as DirectiveKind;
    lines ??= new LineIndex(source); // built only when the file has directives
    const span = lines.span(comment.start, comment.end);
    const { list, reason } = splitReason(match[2]);
    const named = list.split(/[\s,]+/).filter((id) => id.length > 0);
    const unknown = named.filter((id) => !isKnownRule(id));
    for (const id of unknown) {
      problems.push(problemAt(span, 'unknown-rule', 'error', id, unknownMessage(id, kind)));
    }
    if (kind !== 'disable' && span.line !== span.endLine) {
      problems.push(
        problemAt(
          span,
          'invalid-directive',
          'error',
          null,
          `gradient-lens-${kind} must be written on one line; this comment spans several and was ignored.`,
        ),
      );
      continue;
    }
    // A directive that names only unknown rules must not turn into "disable everything".
    if (named.length > 0 && unknown.length === named.length) continue;
    directives.push({
      kind,
      ruleIds: named.length === 0 ? null : named.filter(isKnownRule),
      reason,
      span,
      targetLine: kind === 'disable' ? null : kind === 'disable-line' ? span.line : span.line + 1,
    });
  }
  return { directives, problems };
}

export interface AppliedDirectives {
  kept: LintMessage[];
  unused: UnusedDirective[];
}

/** Drops the messages a directive covers and lists the directives (or named rules) that covered nothing. */
export function applyDirectives(
  messages: LintMessage[],
  directives: Directive[],
): AppliedDirectives {
  if (directives.length === 0) return { kept: messages, unused: [] };
  // Keys "<directive index>" or "<directive index>:<rule id>" that suppressed something.
  const used = new Set<string>();
  const kept = messages.filter((message) => {
    let suppressed = false;
    directives.forEach((directive, index) => {
      if (!covers(directive, message)) return;
      suppressed = true;
      used.add(directive.ruleIds === null ? String(index) : `${index}:${message.ruleId}`);
    });
    return !suppressed;
  });
  const unused: UnusedDirective[] = [];
  directives.forEach((directive, index) => {
    if (directive.ruleIds === null) {
      if (!used.has(String(index)))
        unused.push({ span: directive.span, kind: directive.kind, ruleId: null });
      return;
    }
    for (const ruleId of directive.ruleIds) {
      if (!used.has(`${index}:${ruleId}`))
        unused.push({ span: directive.span, kind: directive.kind, ruleId });
    }
  });
  return { kept, unused };
}

export function unusedDirectiveProblem(unused: UnusedDirective): LintProblem {
  const what =
    unused.ruleId === null
      ? `Unused gradient-lens-${unused.kind} directive (no findings were reported here).`
      : `Unused gradient-lens-${unused.kind} directive (no findings from '${unused.ruleId}' were reported here).`;
  return problemAt(unused.span, 'unused-directive', 'warning', unused.ruleId, what);
}

function covers(directive: Directive, message: LintMessage): boolean {
  if (directive.ruleIds !== null && !directive.ruleIds.includes(message.ruleId)) return false;
  return directive.targetLine === null || directive.targetLine === message.span.line;
}

function splitReason(rest: string): { list: string; reason: string | null } {
  const cleaned = rest.replace(/\*+\s*$/, '');
  const separator = REASON_SEPARATOR.exec(cleaned);
  if (!separator) return { list: cleaned, reason: null };
  const reason = cleaned.slice(separator.index + separator[0].length).trim();
  return { list: cleaned.slice(0, separator.index), reason: reason || null };
}

function unknownMessage(id: string, kind: DirectiveKind): string {
  return `Unknown rule '${id}' in a gradient-lens-${kind} directive; it suppresses nothing.`;
}

function problemAt(
  span: Span,
  kind: LintProblem['kind'],
  severity: LintProblem['severity'],
  ruleId: string | null,
  message: string,
): LintProblem {
  return {
    kind,
    severity,
    message,
    ruleId,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
  };
}
