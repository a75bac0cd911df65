import type { Rule } from '../../rules/types';
import type { LintResult } from '../../lint/types';

export interface FormatContext {
  /** Paths are shown (stylish) and written (SARIF) relative to this directory. */
  cwd: string;
  /** ANSI colors; the CLI turns them on only when stdout is a terminal. */
  color: boolean;
  rules: readonly Rule[];
  toolVersion: string;
  /** Absolute URI of the tool's home page (SARIF `informationUri`). */
  informationUri: string;
  /** Absolute URI of the folder holding `<rule-id>.md` pages, ending in "/". */
  docsBaseUri: string;
}

export type Formatter = (results: readonly LintResult[], context: FormatContext) => string;
