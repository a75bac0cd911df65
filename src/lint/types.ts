/** What the linter returns for one file. Plain data: the CLI formatters and the editor read it. */
import type { Span } from '../analysis/ir';
import type { Fix, LintMessage } from '../rules/types';

export type { LintMessage };

/**
 * Anything reported about the file that is not a rule finding:
 * - `syntax`, `too-large`: the file could not be analyzed (from the parser);
 * - `internal`: the analyzer or a rule crashed (`ruleId` names the rule); the rest of the lint went on;
 * - `incomplete` (info): the analysis stopped at a limit (too much computation, too many paths); the
 *   models it found are linted, others may be missing or partial;
 * - `unknown-rule`: a disable directive names a rule that does not exist (`ruleId` is that name);
 * - `invalid-directive`: a directive that cannot apply (e.g. a -line directive spanning lines);
 * - `unused-directive`: a directive that suppressed nothing (only with `reportUnusedDirectives`).
 */
export interface LintProblem {
  kind:
    | 'syntax'
    | 'too-large'
    | 'internal'
    | 'incomplete'
    | 'unknown-rule'
    | 'invalid-directive'
    | 'unused-directive';
  severity: 'error' | 'warning' | 'info';
  message: string;
  ruleId: string | null;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Unused directives: removing the comment (preferred, so `--fix` applies it). */
  fix?: Fix;
}

export interface UnusedDirective {
  /** The directive comment. */
  span: Span;
  kind: DirectiveKind;
  /** The rule that was named but never suppressed; null for a directive that names no rule. */
  ruleId: string | null;
  /** Removes the whole comment; set (on one entry) when nothing the directive names was used. */
  fix?: Fix;
}

export type DirectiveKind = 'disable' | 'disable-line' | 'disable-next-line';

export interface LintResult {
  filePath: string;
  /** Rule findings after configuration and directives, sorted by position. */
  messages: LintMessage[];
  /** Parse, internal and directive problems, sorted by position. */
  problems: LintProblem[];
  /** Counts over messages and problems together. */
  errorCount: number;
  warningCount: number;
  infoCount: number;
  /** Messages and problems that carry a preferred fix (what `--fix` would change). */
  fixableCount: number;
  /** Directives that suppressed nothing; always computed, reported as problems only on request. */
  unusedDirectives: UnusedDirective[];
  /** Other workspace files the analysis read (imports, importers), as absolute paths. */
  readFiles?: string[];
}
