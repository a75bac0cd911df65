/**
 * One row per thing to show for a file: rule findings and the linter's own problems
 * (parse errors, crashed rules, directive problems), merged in position order.
 * Every formatter reads this, so they cannot disagree about what a file contains.
 */
import type { LintMessage, LintProblem, LintResult } from '../../lint/types';
import type { Fix } from '../../rules/types';

export interface Entry {
  /** The rule that found it; null for the linter's own problems. */
  ruleId: string | null;
  /** For problems: what kind (syntax, internal, unknown-rule, ...). */
  problem: LintProblem['kind'] | null;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** A finding's explanation (JSON shows it; stylish and SARIF keep to the short message). */
  detail?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fixes: Fix[];
  /** The file could not be analyzed at all. */
  fatal: boolean;
}

export function entriesOf(result: LintResult): Entry[] {
  const entries = [...result.messages.map(fromMessage), ...result.problems.map(fromProblem)];
  return entries.sort((a, b) => a.line - b.line || a.column - b.column);
}

function fromMessage(message: LintMessage): Entry {
  const { span } = message;
  return {
    ruleId: message.ruleId,
    problem: null,
    severity: message.severity,
    message: message.message,
    ...(message.detail ? { detail: message.detail } : {}),
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
    fixes: message.fixes,
    fatal: false,
  };
}

function fromProblem(problem: LintProblem): Entry {
  return {
    ruleId: null,
    problem: problem.kind,
    severity: problem.severity,
    message: problem.message,
    line: problem.line,
    column: problem.column,
    endLine: problem.endLine,
    endColumn: problem.endColumn,
    fixes: problem.fix ? [problem.fix] : [],
    fatal: problem.kind === 'syntax' || problem.kind === 'too-large',
  };
}
