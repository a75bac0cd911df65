/**
 * How far a line reaches when its brackets stay open: `model.add(` on one line and its `);` three
 * lines later form one logical line. A `disable-next-line` directive written above a statement
 * covers all of it, so the editor can put the directive above the statement instead of inside a
 * call's parentheses. Works on any text, parsed or not.
 */

import { skipString as skipPythonString } from './python-comments';

const MAX_LINES = 400;

/**
 * The last line (1-based) of the logical line that starts at `offset`, which starts `line`.
 * `python`: comments start with `#` (and `//` is floor division).
 */
export function logicalLineEnd(
  source: string,
  offset: number,
  line: number,
  python = false,
): number {
  let depth = 0;
  let current = line;
  let i = offset;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029') {
      if (depth <= 0 || current - line >= MAX_LINES) return current;
      if (ch === '\r' && source[i + 1] === '\n') i++;
      current++;
      i++;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      depth++;
      i++;
    } else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      i++;
    } else if (python && ch === '#') {
      while (i < source.length && !'\n\r'.includes(source[i])) i++;
    } else if (python && (ch === '"' || ch === "'")) {
      const end = skipPythonString(source, i);
      current += countBreaks(source, i, end);
      i = end;
    } else if (python) {
      i++;
    } else if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && !'\n\r\u2028\u2029'.includes(source[i])) i++;
    } else if (ch === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      const end = close < 0 ? source.length : close + 2;
      current += countBreaks(source, i, end);
      i = end;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      const end = skipString(source, i, ch);
      current += countBreaks(source, i, end);
      i = end;
    } else i++;
  }
  return current;
}

function skipString(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') i += 2;
    else if (c === quote) return i + 1;
    else if (quote !== '`' && (c === '\n' || c === '\r')) return i;
    else i++;
  }
  return source.length;
}

function countBreaks(source: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = source[i];
    if (c === '\n' || c === '\u2028' || c === '\u2029' || (c === '\r' && source[i + 1] !== '\n'))
      n++;
  }
  return n;
}
