/**
 * `--format stylish` (the default): findings grouped by file, one aligned row each
 * (line:column, severity, message, rule id), then a summary line, as ESLint's stylish does.
 */
import { isAbsolute, relative } from 'node:path';
import type { LintResult } from '../../lint/types';
import { entriesOf, type Entry } from './entries';
import type { FormatContext, Formatter } from './types';

const SEVERITY_COLOR = { error: 31, warning: 33, info: 36 } as const;

export const formatStylish: Formatter = (results, context) => {
  const paint = painter(context.color);
  const blocks: string[] = [];
  for (const result of results) {
    const entries = entriesOf(result);
    if (entries.length === 0) continue;
    blocks.push(fileBlock(result, entries, context, paint));
  }
  if (blocks.length === 0) return '';
  return `\n${blocks.join('\n\n')}\n\n${summary(results, paint)}\n`;
};

type Paint = (code: number, text: string) => string;

function painter(color: boolean): Paint {
  return color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
}

function fileBlock(
  result: LintResult,
  entries: Entry[],
  context: FormatContext,
  paint: Paint,
): string {
  const rows = entries.map((entry) => [
    `${entry.line}:${entry.column}`,
    entry.severity,
    oneLine(entry.message),
    entry.ruleId ?? '',
  ]);
  const widths = [0, 1, 2].map((col) => Math.max(...rows.map((row) => row[col].length)));
  const lines = rows.map((row, index) => {
    const position = paint(2, row[0].padEnd(widths[0]));
    const severity = paint(SEVERITY_COLOR[entries[index].severity], row[1].padEnd(widths[1]));
    const rule = row[3] ? `  ${paint(2, row[3])}` : '';
    return `  ${position}  ${severity}  ${row[2].padEnd(row[3] ? widths[2] : 0)}${rule}`.trimEnd();
  });
  return [paint(4, displayPath(result.filePath, context.cwd)), ...lines].join('\n');
}

function summary(results: readonly LintResult[], paint: Paint): string {
  const total = (key: 'errorCount' | 'warningCount' | 'infoCount' | 'fixableCount') =>
    results.reduce((sum, result) => sum + result[key], 0);
  const errors = total('errorCount');
  const warnings = total('warningCount');
  const infos = total('infoCount');
  const problems = errors + warnings + infos;
  const line = `\u2716 ${plural(problems, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} info)`;
  const fixable = total('fixableCount');
  const color =
    errors > 0 ? SEVERITY_COLOR.error : warnings > 0 ? SEVERITY_COLOR.warning : SEVERITY_COLOR.info;
  const fixLine = fixable > 0 ? `\n  ${plural(fixable, 'problem')} fixable with --fix` : '';
  return paint(1, paint(color, line)) + fixLine;
}

/** Folds a multi-line message onto one row (split + trim: linear, unlike a \s*\n\s* regex). */
function oneLine(message: string): string {
  return message
    .split(/\r\n|\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function displayPath(filePath: string, cwd: string): string {
  const rel = relative(cwd, filePath);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : filePath;
}
