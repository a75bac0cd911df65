/**
 * Disable directives in comments, applied after the rules as a filter (rules never see them):
 *   // gradient-lens-disable-next-line RULE[, RULE2] -- reason
 *   // gradient-lens-disable-line RULE
 *   /* gradient-lens-disable RULE *\/   (the whole file, wherever the comment sits)
 * No rule named means every rule. Line and block comments work for every form; in Python files the
 * comments are `# gradient-lens-disable-next-line RULE` and so on.
 */
import type { Span } from '../analysis/ir';
import type { Fix, LintMessage, TextEdit } from '../rules/types';
import { logicalLineEnd } from './bracket-extent';
import { scanComments } from './comments';
import { scanPythonComments } from './python-comments';
import { LineIndex } from '../analysis/lines';
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
  /** Last line covered: a next-line directive covers the next line's open brackets to their close. */
  targetEndLine: number | null;
  /** Deletes the comment (and its line when nothing else is on it). */
  removal: TextEdit;
}

export interface ParsedDirectives {
  directives: Directive[];
  problems: LintProblem[];
}

const PREFIX = 'gradient-lens-';
// Written so that no input can make it backtrack badly: comment text is untrusted and may be huge.
const DIRECTIVE = /^\s*(?:\*+\s*)?gradient-lens-(disable-next-line|disable-line|disable)(?=\s|$)/;
// As in ESLint: the reason follows two or more dashes surrounded by whitespace.
const REASON_SEPARATOR = /\s-{2,}\s|\s-{2,}$/;

export function parseDirectives(
  source: string,
  isKnownRule: (id: string) => boolean,
  lineIndex?: LineIndex,
  language?: 'python',
): ParsedDirectives {
  let lines = lineIndex;
  const directives: Directive[] = [];
  const problems: LintProblem[] = [];
  const python = language === 'python';
  const comments = python ? scanPythonComments(source, PREFIX) : scanComments(source, PREFIX);
  for (const comment of comments) {
    const match = DIRECTIVE.exec(comment.value);
    if (!match) continue;
    const kind = match[1] as DirectiveKind;
    lines ??= new LineIndex(source, python ? 'python' : 'js'); // built only when the file has directives
    const span = lines.span(comment.start, comment.end);
    const { list, reason } = splitReason(comment.value.slice(match[0].length));
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
      targetEndLine: targetEndLine(source, kind, span, comment.end, python),
      removal: removalEdit(source, comment.start, comment.end),
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
    const { span, kind } = directive;
    if (directive.ruleIds === null) {
      if (!used.has(String(index))) {
        unused.push({ span, kind, ruleId: null, fix: removalFix(directive) });
      }
      return;
    }
    const unusedIds = directive.ruleIds.filter((ruleId) => !used.has(`${index}:${ruleId}`));
    // Only a directive that is wholly unused can simply be deleted; the fix rides on its first entry.
    const wholly = unusedIds.length === directive.ruleIds.length;
    unusedIds.forEach((ruleId, i) => {
      const fix = wholly && i === 0 ? { fix: removalFix(directive) } : {};
      unused.push({ span, kind, ruleId, ...fix });
    });
  });
  return { kept, unused };
}

export function unusedDirectiveProblem(unused: UnusedDirective): LintProblem {
  const what =
    unused.ruleId === null
      ? `Unused gradient-lens-${unused.kind} directive (no findings were reported here).`
      : `Unused gradient-lens-${unused.kind} directive (no findings from '${unused.ruleId}' were reported here).`;
  const problem = problemAt(unused.span, 'unused-directive', 'warning', unused.ruleId, what);
  return unused.fix ? { ...problem, fix: unused.fix } : problem;
}

function removalFix(directive: Directive): Fix {
  return {
    title: `Remove the unused gradient-lens-${directive.kind} directive`,
    preferred: true,
    edits: [directive.removal],
  };
}

/**
 * The edit that deletes a comment: its whole line when nothing else is on it, otherwise the
 * comment and the blanks before it (`x(); // directive` becomes `x();`).
 */
function removalEdit(source: string, start: number, end: number): TextEdit {
  let before = start;
  while (before > 0 && (source[before - 1] === ' ' || source[before - 1] === '\t')) before--;
  let after = end;
  while (after < source.length && (source[after] === ' ' || source[after] === '\t')) after++;
  const atLineStart = before === 0 || source[before - 1] === '\n' || source[before - 1] === '\r';
  const lineBreak = /^(\r\n|\n|\r|\u2028|\u2029)/.exec(source.slice(after, after + 2));
  if (atLineStart && (lineBreak || after === source.length)) {
    return { start: before, end: after + (lineBreak ? lineBreak[0].length : 0), text: '' };
  }
  // Code follows a block comment on the same line: keep one blank between the neighbours.
  if (!atLineStart && after < source.length && !lineBreak)
    return { start: before, end: after, text: ' ' };
  return { start: atLineStart ? start : before, end: atLineStart ? after : end, text: '' };
}

function covers(directive: Directive, message: LintMessage): boolean {
  if (directive.ruleIds !== null && !directive.ruleIds.includes(message.ruleId)) return false;
  if (directive.targetLine === null) return true;
  const last = directive.targetEndLine ?? directive.targetLine;
  return message.span.line >= directive.targetLine && message.span.line <= last;
}

function targetEndLine(
  source: string,
  kind: DirectiveKind,
  span: Span,
  end: number,
  python: boolean,
): number | null {
  if (kind !== 'disable-next-line') return kind === 'disable' ? null : span.line;
  const lineBreak = /\r\n|[\n\r\u2028\u2029]/g;
  lineBreak.lastIndex = end;
  const found = lineBreak.exec(source);
  if (!found) return span.line + 1;
  return logicalLineEnd(source, found.index + found[0].length, span.line + 1, python);
}

function splitReason(rest: string): { list: string; reason: string | null } {
  // Drop the stars of a `**/` ending (a loop, not a regex, to stay linear on long star runs).
  let end = rest.trimEnd().length;
  while (end > 0 && rest[end - 1] === '*') end--;
  const cleaned = rest.slice(0, end);
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
