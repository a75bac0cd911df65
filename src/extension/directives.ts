/**
 * Text edits that add `gradient-lens-disable...` directives, computed from the source text alone.
 * The editor turns these plain edits into WorkspaceEdits; keeping them here makes them testable.
 */
import type { TextEdit } from '../rules/types';

const NEXT_LINE = 'gradient-lens-disable-next-line';
const FILE = 'gradient-lens-disable';

/**
 * Disables `ruleId` for the 0-based `line`: extends a `// gradient-lens-disable-next-line ...`
 * directive on the line above when there is one, else inserts a new one with the line's indentation.
 * Returns null when the line above already disables every rule or this one.
 */
export function disableForLineEdit(source: string, line: number, ruleId: string): TextEdit | null {
  const lines = splitLines(source);
  if (line < 0 || line >= lines.length) return null;
  const target = lines[line];
  if (line > 0) {
    const above = lines[line - 1];
    const extended = extendDirective(above.text, NEXT_LINE, ruleId, /^\s*\/\/\s*/);
    if (extended === 'covered') return null;
    if (extended)
      return { start: above.start, end: above.start + above.text.length, text: extended };
  }
  const indent = /^\s*/.exec(target.text)?.[0] ?? '';
  return {
    start: target.start,
    end: target.start,
    text: `${indent}// ${NEXT_LINE} ${ruleId}${eolOf(source)}`,
  };
}

/**
 * Disables `ruleId` for the whole file: extends a `/* gradient-lens-disable ... *\/` block at the
 * top of the file (after a shebang), else inserts one there.
 */
export function disableForFileEdit(source: string, ruleId: string): TextEdit | null {
  const lines = splitLines(source);
  let first = 0;
  if (lines[0]?.text.startsWith('#!')) first = 1;
  for (let i = first; i < lines.length; i++) {
    const { text, start } = lines[i];
    if (text.trim() === '') continue;
    const extended = extendDirective(text, FILE, ruleId, /^\s*\/\*\s*/);
    if (extended === 'covered') return null;
    if (extended) return { start, end: start + text.length, text: extended };
    if (!/^\s*(\/\/|\/\*)/.test(text)) break;
  }
  const at = lines[first]?.start ?? source.length;
  const prefix = first === 1 && at === source.length && !source.endsWith('\n') ? eolOf(source) : '';
  return { start: at, end: at, text: `${prefix}/* ${FILE} ${ruleId} */${eolOf(source)}` };
}

/**
 * If `text` is exactly a directive of `kind` (after the comment opener matched by `opener`),
 * returns it with `ruleId` added to its list, 'covered' when it already applies to the rule,
 * or null when the line is something else.
 */
function extendDirective(
  text: string,
  kind: string,
  ruleId: string,
  opener: RegExp,
): string | 'covered' | null {
  const open = opener.exec(text);
  if (!open) return null;
  const rest = text.slice(open[0].length);
  if (!rest.startsWith(kind)) return null;
  const afterKind = rest.slice(kind.length);
  // `gradient-lens-disable-next-line` also starts with `gradient-lens-disable`: require a boundary.
  if (afterKind !== '' && !/^[\s*]/.test(afterKind)) return null;
  const closeAt = kind === FILE ? afterKind.lastIndexOf('*/') : -1;
  if (kind === FILE && closeAt < 0) return null;
  const body = closeAt >= 0 ? afterKind.slice(0, closeAt) : afterKind;
  const tail = closeAt >= 0 ? afterKind.slice(closeAt) : '';
  const reasonAt = body.search(/\s--\s|\s--$/);
  const listText = reasonAt >= 0 ? body.slice(0, reasonAt) : body;
  const reason = reasonAt >= 0 ? body.slice(reasonAt) : '';
  const rules = listText
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (rules.length === 0 || rules.includes(ruleId)) return 'covered';
  const head = text.slice(0, open[0].length) + kind;
  const spacing = closeAt >= 0 ? ' ' : '';
  return `${head} ${[...rules, ruleId].join(', ')}${reason.trimEnd()}${spacing}${tail}`;
}

interface Line {
  text: string;
  start: number;
}

function splitLines(source: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    lines.push({ text: source.slice(start, m.index), start });
    start = m.index + m[0].length;
  }
  lines.push({ text: source.slice(start), start });
  return lines;
}

function eolOf(source: string): string {
  return source.includes('\r\n') ? '\r\n' : '\n';
}
