/**
 * Python's `#` comments, for disable directives, found by a scan that skips string literals (single,
 * double and triple quoted, with any prefix) so `"# not a comment"` is never one. Works on any text,
 * parsed or not, like the JavaScript scanner in comments.ts.
 */
import type { Comment } from './comments';

export function scanPythonComments(source: string, needle = ''): Comment[] {
  if (needle && !source.includes(needle)) return [];
  const comments: Comment[] = [];
  const special = /[#'"]/g;
  let pos = 0;
  while (pos < source.length) {
    special.lastIndex = pos;
    const found = special.exec(source);
    if (!found) break;
    pos = found.index;
    if (found[0] === '#') {
      const end = lineEnd(source, pos);
      const value = source.slice(pos + 1, end);
      if (!needle || value.includes(needle))
        comments.push({ kind: 'line', value, start: pos, end });
      pos = end;
    } else pos = skipString(source, pos);
  }
  return comments;
}

function lineEnd(source: string, from: number): number {
  const lineBreak = /[\n\r]/g;
  lineBreak.lastIndex = from;
  return lineBreak.exec(source)?.index ?? source.length;
}

/** The offset just past the string literal that starts at `start` (a quote character). */
export function skipString(source: string, start: number): number {
  const quote = source[start];
  const triple = source.startsWith(quote.repeat(3), start);
  const close = triple ? quote.repeat(3) : quote;
  let i = start + close.length;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') i += 2;
    else if (source.startsWith(close, i)) return i + close.length;
    else if (!triple && (c === '\n' || c === '\r')) return i;
    else i++;
  }
  return source.length;
}
