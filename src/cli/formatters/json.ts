/** `--format json`: one object per file, fields as in ESLint's JSON output plus `infoCount`. */
import type { LintResult } from '../../lint/types';
import { entriesOf } from './entries';
import type { Formatter } from './types';

export const formatJson: Formatter = (results) =>
  `${JSON.stringify(results.map(toJson), null, 2)}\n`;

function toJson(result: LintResult) {
  return {
    filePath: result.filePath,
    messages: entriesOf(result).map((entry) => ({
      ruleId: entry.ruleId,
      ...(entry.problem ? { problem: entry.problem } : {}),
      ...(entry.fatal ? { fatal: true } : {}),
      severity: entry.severity,
      message: entry.message,
      ...(entry.detail ? { detail: entry.detail } : {}),
      line: entry.line,
      column: entry.column,
      endLine: entry.endLine,
      endColumn: entry.endColumn,
      fixes: entry.fixes.map((fix) => ({
        title: fix.title,
        preferred: fix.preferred,
        edits: fix.edits,
      })),
    })),
    errorCount: result.errorCount,
    warningCount: result.warningCount,
    infoCount: result.infoCount,
    fixableCount: result.fixableCount,
  };
}
