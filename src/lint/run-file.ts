/**
 * One file of a `gradient-lens lint` run: lint its text (fixing and rewriting it first with `fix`).
 * Shared by the CLI's own thread and its worker threads, so both lint exactly alike.
 */
import { writeFileSync } from 'node:fs';
import type { LintConfig } from './config';
import { fixUntilStable, type Fixable } from './fix';
import { lintText, type LintDependencies } from './index';
import type { LintResult } from './types';

export class FileWriteError extends Error {
  override name = 'FileWriteError';
}

export function lintSource(
  file: string,
  source: string,
  config: LintConfig,
  fix: boolean,
  dependencies: LintDependencies = {},
  /** Lints one version of the file's text; the default lints it alone (no workspace). */
  lint: (text: string) => LintResult = (text) => lintText(text, file, config, dependencies),
): LintResult {
  if (fix) {
    const fixed = fixUntilStable(source, (text) => fixables(lint(text)));
    if (fixed.output !== source) {
      try {
        writeFileSync(file, fixed.output);
      } catch (error) {
        throw new FileWriteError(`cannot write ${file}: ${(error as Error).message}`);
      }
      source = fixed.output;
    }
  }
  return lint(source);
}

/** Rule findings, plus problems that carry a fix (unused directives, when they are reported). */
function fixables(result: LintResult): Fixable[] {
  const problems = result.problems.flatMap((problem) =>
    problem.fix ? [{ fixes: [problem.fix] }] : [],
  );
  return [...result.messages, ...problems];
}
