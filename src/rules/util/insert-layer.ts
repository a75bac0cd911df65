/**
 * Inserting a new layer right after an existing one in a sequential model's source, when the layer is
 * written where a sibling can be placed safely: as an element of a layers array, or as the argument of a
 * `model.add(...)` statement that stands on its own (not the body of a brace-less if/for/arrow).
 * Python files are handled by python-edits.ts.
 */
import type { LayerNode } from '../../analysis/ir';
import type { TextEdit } from '../types';
import { insertLayerAfterPython } from './python-edits';
import { lineIndent, newline } from './source';
import { isPython, type SourceFile } from './syntax';

const lineBreakCache = { source: null as string | null, lineBreak: '\n' };

/** The file's line break; asked once per insertion, so remembered for the file at hand. */
function lineBreak(source: string): string {
  if (source !== lineBreakCache.source) {
    lineBreakCache.source = source;
    lineBreakCache.lineBreak = newline(source);
  }
  return lineBreakCache.lineBreak;
}

/**
 * `layerExpression` is the new layer's call text, e.g. "tf.layers.batchNormalization()" (Python:
 * "layers.BatchNormalization()", placed by python-edits.ts).
 */
export function insertLayerAfter(
  file: SourceFile,
  layer: LayerNode,
  layerExpression: string,
): TextEdit | null {
  const { source } = file;
  if (isPython(file)) return insertLayerAfterPython(source, layer, layerExpression);
  const { start, end } = layer.callSpan;
  return (
    afterArrayElement(source, start, end, layerExpression) ??
    afterAddStatement(source, start, end, layerExpression)
  );
}

function afterArrayElement(
  source: string,
  start: number,
  end: number,
  expression: string,
): TextEdit | null {
  const previous = source[previousCodeIndex(source, start)];
  if (previous !== '[' && previous !== ',') return null;
  if (previous === ',' && !insideArray(source, start)) return null;
  const afterOffset = skipSpaces(source, end);
  const next = source[afterOffset];
  if (next !== ',' && next !== ']' && next !== '\n' && next !== '\r') return null;
  const nl = lineBreak(source);
  if (!startsLineAt(source, start)) return { start: end, end, text: `, ${expression}` };
  const indent = lineIndent(source, start);
  if (next === ',') {
    // Keep a trailing comment with the original element: insert after the end of its line.
    const lineEnd = endOfLine(source, afterOffset + 1);
    if (lineEnd !== null)
      return { start: lineEnd, end: lineEnd, text: `${nl}${indent}${expression},` };
  }
  return { start: end, end, text: `,${nl}${indent}${expression}` };
}

/** `model.add(` or, for a layers array filled before `tf.sequential({layers})`, `layers.push(`. */
const ADD_CALL = /([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\.\s*(add|push)\s*\(\s*$/;

/**
 * Where ADD_CALL's text can begin: at most 200 characters back, and never before a character that no
 * match can contain (anything but identifier characters, dots and spaces before the final `(`). The same
 * match on a short window: an unanchored regex over 200 characters per layer showed up in the profile.
 */
function addCallWindowStart(source: string, start: number): number {
  const limit = Math.max(0, start - 200);
  let i = start;
  while (i > limit && /\s/.test(source[i - 1])) i--;
  if (i > limit && source[i - 1] === '(') i--;
  while (i > limit && /[\w$.\s]/.test(source[i - 1])) i--;
  return i;
}

function afterAddStatement(
  source: string,
  start: number,
  end: number,
  expression: string,
): TextEdit | null {
  const head = ADD_CALL.exec(source.slice(addCallWindowStart(source, start), start));
  if (!head) return null;
  const receiverStart = start - head[0].length;
  if (!atStatementBoundary(source, receiverStart)) return null;
  // `model.add(\n  layer,\n)`: a multi-line call with a trailing comma (Prettier's style) is fine too.
  const close = /^\s*(?:,\s*)?\)/.exec(source.slice(end, end + 200));
  if (!close) return null;
  const closeOffset = end + close[0].length - 1;
  const afterCall = skipSpaces(source, closeOffset + 1);
  const hasSemicolon = source[afterCall] === ';';
  const statementEnd = hasSemicolon ? afterCall + 1 : closeOffset + 1;
  const receiver = head[1].replace(/\s+/g, '');
  const statement = `${receiver}.${head[2]}(${expression})${hasSemicolon ? ';' : ''}`;
  const lineEnd = endOfLine(source, statementEnd);
  if (lineEnd === null) {
    // More code follows on the same line: only safe when the statement was closed by a semicolon.
    return hasSemicolon ? { start: statementEnd, end: statementEnd, text: ` ${statement}` } : null;
  }
  const indent = lineIndent(source, receiverStart);
  return { start: lineEnd, end: lineEnd, text: `${lineBreak(source)}${indent}${statement}` };
}

/**
 * True when a statement may start at `offset`: the code before it ends a statement (`;`, `{`, `}`, or a
 * line break after a complete expression, as semicolon-free code relies on). A brace-less
 * `if (c) model.add(x)`, `for (...)`, `else` or arrow body fails this, so nothing is inserted outside the
 * branch or loop body.
 */
function atStatementBoundary(source: string, offset: number): boolean {
  const previous = previousCodeIndex(source, offset);
  if (previous < 0) return true;
  const ch = source[previous];
  if (';{}'.includes(ch)) return true;
  if (!/[\r\n]/.test(source.slice(previous, offset))) return false;
  if (ch === ')') {
    const open = matchingOpen(source, previous);
    if (open < 0) return false;
    const keyword = /([A-Za-z_$][\w$]*)\s*$/.exec(source.slice(Math.max(0, open - 20), open))?.[1];
    return !CONTROL_KEYWORDS.has(keyword ?? '');
  }
  if (/[\w$]/.test(ch)) {
    const word = /[A-Za-z_$][\w$]*$/.exec(
      source.slice(Math.max(0, previous - 20), previous + 1),
    )?.[0];
    return !CONTROL_KEYWORDS.has(word ?? '');
  }
  return ch === ']' || ch === "'" || ch === '"' || ch === '`';
}

/** Words after which a statement on the next line is still governed by them. */
const CONTROL_KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'with',
  'else',
  'do',
  'return',
  'await',
  'yield',
  'typeof',
  'new',
  'void',
  'in',
  'of',
  'instanceof',
]);

/** The `(` matching the `)` at `close`, scanning backwards; -1 when unbalanced. */
function matchingOpen(source: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (source[i] === ')') depth++;
    else if (source[i] === '(' && --depth === 0) return i;
  }
  return -1;
}

/** Index of the last character before `offset` that is neither whitespace nor inside a comment; -1 if none. */
function previousCodeIndex(source: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0) {
    const ch = source[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i--;
      continue;
    }
    if (ch === '/' && source[i - 1] === '*') {
      const open = source.lastIndexOf('/*', i - 2);
      if (open < 0) return i;
      i = open - 1;
      continue;
    }
    const lineStart = lineStartOf(source, i);
    const comment = lineCommentStart(source.slice(lineStart, i + 1));
    if (comment >= 0) {
      i = lineStart + comment - 1;
      continue;
    }
    return i;
  }
  return -1;
}

/** Where a `//` comment starts in a line (outside string literals); -1 when there is none. */
function lineCommentStart(line: string): number {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '/' && line[i + 1] === '/') return i;
  }
  return -1;
}

/** The offset of the line break ending this line when only spaces or a line comment remain; else null. */
function endOfLine(source: string, offset: number): number | null {
  let i = offset;
  while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
  const rest = source.slice(offset, i).trim();
  return rest === '' || rest.startsWith('//') ? i : null;
}

function skipSpaces(source: string, offset: number): number {
  let i = offset;
  while (source[i] === ' ' || source[i] === '\t') i++;
  return i;
}

function startsLineAt(source: string, offset: number): boolean {
  const lineStart = lineStartOf(source, offset - 1);
  return source.slice(lineStart, offset).trim() === '';
}

/** True when the innermost open bracket before `offset` is `[` (the call is an array element). */
function insideArray(source: string, offset: number): boolean {
  let depth = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const ch = source[i];
    if (ch === ')' || ch === ']' || ch === '}') depth++;
    else if (ch === '(' || ch === '[' || ch === '{') {
      if (depth === 0) return ch === '[';
      depth--;
    }
  }
  return false;
}

/** Offset of the first character of the line holding `offset` (after a \n or \r line break). */
function lineStartOf(source: string, offset: number): number {
  let i = offset;
  while (i >= 0 && source[i] !== '\n' && source[i] !== '\r') i--;
  return i + 1;
}
