/**
 * Text edits that add `gradient-lens-disable...` directives. "For this line" goes on its own line
 * above the statement that holds the finding (never inside a call's parentheses, where it would
 * split the call's arguments and the config-editing fixes of other rules); a next-line directive
 * covers that statement's lines up to where its brackets close. "For this file" goes at the top.
 */
import type { SyntaxNode } from '@lezer/common';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isPythonFile } from '../analysis';
import { forEachChild } from '../analysis/js/ast';
import { parseSource } from '../analysis/js/parse';
import { parsePython } from '../analysis/python/parse';
import { logicalLineEnd } from './bracket-extent';
import type { Span } from '../analysis/ir';
import type { TextEdit } from '../rules/types';

const NEXT_LINE = 'gradient-lens-disable-next-line';
const FILE = 'gradient-lens-disable';

export function disableForLineEdit(
  source: string,
  filePath: string,
  span: Span,
  ruleId: string,
): TextEdit | null {
  const lines = splitLines(source);
  const python = isPythonFile(filePath);
  const line =
    (python ? pythonTarget(source, span, lines) : directiveTarget(source, filePath, span, lines)) -
    1;
  if (line < 0 || line >= lines.length) return null;
  if (line > 0) {
    const above = lines[line - 1];
    const opener = python ? /^\s*#\s*/ : /^\s*\/\/\s*/;
    const extended = extendDirective(above.text, NEXT_LINE, ruleId, opener, false);
    if (extended === 'covered') return null;
    if (extended)
      return { start: above.start, end: above.start + above.text.length, text: extended };
  }
  const indent = /^\s*/.exec(lines[line].text)?.[0] ?? '';
  return {
    start: lines[line].start,
    end: lines[line].start,
    text: `${indent}${python ? '#' : '//'} ${NEXT_LINE} ${ruleId}${eolOf(source)}`,
  };
}

/**
 * Extends a `/* gradient-lens-disable ... *\/` block at the top of the file, else inserts one
 * (Python: a `# gradient-lens-disable ...` line).
 */
export function disableForFileEdit(source: string, ruleId: string, filePath = ''): TextEdit | null {
  if (isPythonFile(filePath)) return pythonFileEdit(source, ruleId);
  const lines = splitLines(source);
  const first = lines[0]?.text.startsWith('#!') ? 1 : 0;
  for (let i = first; i < lines.length; i++) {
    const { text, start } = lines[i];
    if (text.trim() === '') continue;
    const extended = extendDirective(text, FILE, ruleId, /^\s*\/\*\s*/, true);
    if (extended === 'covered') return null;
    if (extended) return { start, end: start + text.length, text: extended };
    if (!/^\s*(\/\/|\/\*)/.test(text)) break;
  }
  const at = lines[first]?.start ?? source.length;
  const prefix = first === 1 && at === source.length && !source.endsWith('\n') ? eolOf(source) : '';
  return { start: at, end: at, text: `${prefix}/* ${FILE} ${ruleId} */${eolOf(source)}` };
}

/**
 * The 1-based line the directive must precede: the start of the innermost statement holding the
 * finding, when a next-line directive there reaches the finding's line; else the finding's line.
 */
function directiveTarget(source: string, filePath: string, span: Span, lines: Line[]): number {
  const parsed = parseSource(source, filePath);
  if (!parsed.ok) return span.line;
  const statement = innermostStatement(parsed.ast, span.start);
  if (!statement) return span.line;
  const line = statement.loc.start.line;
  const start = lines[line - 1]?.start;
  if (start === undefined) return span.line;
  return logicalLineEnd(source, start, line) >= span.line ? line : span.line;
}

const NOT_STATEMENTS = new Set(['Program', 'BlockStatement', 'ClassBody', 'StaticBlock']);

function innermostStatement(program: TSESTree.Program, offset: number): TSESTree.Node | null {
  let found: TSESTree.Node | null = null;
  const visit = (node: TSESTree.Node): void => {
    if (offset < node.range[0] || offset >= node.range[1]) return;
    if (isStatementLike(node)) found = node;
    forEachChild(node, visit);
  };
  visit(program);
  return found;
}

function isStatementLike(node: TSESTree.Node): boolean {
  if (NOT_STATEMENTS.has(node.type)) return false;
  return (
    node.type.endsWith('Statement') ||
    node.type.endsWith('Declaration') ||
    node.type === 'PropertyDefinition' ||
    node.type === 'MethodDefinition'
  );
}

/**
 * If `text` is exactly a directive of `kind`, returns it with `ruleId` added to its list,
 * 'covered' when it already applies to the rule, or null when the line is something else.
 */
function extendDirective(
  text: string,
  kind: string,
  ruleId: string,
  opener: RegExp,
  block: boolean,
): string | 'covered' | null {
  const open = opener.exec(text);
  if (!open) return null;
  const rest = text.slice(open[0].length);
  if (!rest.startsWith(kind)) return null;
  const afterKind = rest.slice(kind.length);
  // `gradient-lens-disable-next-line` also starts with `gradient-lens-disable`: require a boundary.
  if (afterKind !== '' && !/^[\s*]/.test(afterKind)) return null;
  const closeAt = block ? afterKind.lastIndexOf('*/') : -1;
  if (block && closeAt < 0) return null;
  const body = closeAt >= 0 ? afterKind.slice(0, closeAt) : afterKind;
  const tail = closeAt >= 0 ? afterKind.slice(closeAt) : '';
  const reasonAt = body.search(/\s--\s|\s--$/);
  const listText = reasonAt >= 0 ? body.slice(0, reasonAt) : body;
  const reason = reasonAt >= 0 ? body.slice(reasonAt) : '';
  const ids = listText
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (ids.length === 0 || ids.includes(ruleId)) return 'covered';
  const head = text.slice(0, open[0].length) + kind;
  const spacing = closeAt >= 0 ? ' ' : '';
  return `${head} ${[...ids, ruleId].join(', ')}${reason.trimEnd()}${spacing}${tail}`;
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

/** Python: the line of the innermost simple statement holding the finding (Lezer's tree). */
function pythonTarget(source: string, span: Span, lines: Line[]): number {
  const parsed = parsePython(source);
  if (!parsed.ok) return span.line;
  let node: SyntaxNode | null = parsed.tree.resolveInner(span.start, 1);
  while (node && !/Statement$/.test(node.name)) node = node.parent;
  if (!node) return span.line;
  let line = 1;
  while (line < lines.length && lines[line].start <= node.from) line++;
  return logicalLineEnd(source, lines[line - 1].start, line, true) >= span.line ? line : span.line;
}

/** `# gradient-lens-disable RULE` below a shebang and encoding line, or extended when present. */
function pythonFileEdit(source: string, ruleId: string): TextEdit | null {
  const lines = splitLines(source);
  let first = 0;
  while (first < lines.length && first < 2 && /^#(!|.*coding[:=])/.test(lines[first].text)) first++;
  for (let i = first; i < lines.length; i++) {
    const { text, start } = lines[i];
    if (text.trim() === '') continue;
    const extended = extendDirective(text, FILE, ruleId, /^\s*#\s*/, false);
    if (extended === 'covered') return null;
    if (extended) return { start, end: start + text.length, text: extended };
    if (!/^\s*#/.test(text)) break;
  }
  const at = lines[first]?.start ?? source.length;
  const prefix =
    at === source.length && source.length > 0 && !/\n$/.test(source) ? eolOf(source) : '';
  return { start: at, end: at, text: `${prefix}# ${FILE} ${ruleId}${eolOf(source)}` };
}
