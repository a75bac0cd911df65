import type { Rule } from '../../rules/types';
import type { LintResult } from '../../lint/types';
import type { RuleHelp } from './rule-help';

export interface FormatContext {
  /** Paths are shown (stylish) and written (SARIF) relative to this directory. */
  cwd: string;
  /** ANSI colors; the CLI turns them on only when stdout is a terminal. */
  color: boolean;
  rules: readonly Rule[];
  toolVersion: string;
  /** Absolute URI of the tool's public home page (SARIF `informationUri`); null when it has none. */
  informationUri: string | null;
  /** Absolute URI of the public folder holding `<rule-id>.md` pages, ending in "/"; or null. */
  docsBaseUri: string | null;
  /** A rule's docs page as help text and Markdown (SARIF `help`); null when it cannot be read. */
  ruleHelp?: (ruleId: string) => RuleHelp | null;
}

export type Formatter = (results: readonly LintResult[], context: FormatContext) => string;
