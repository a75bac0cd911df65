import type { Span } from './ir';

/**
 * Maps offsets (UTF-16) to 1-based line and column (the IR's convention), built once per text.
 * Line breaks are those the language's parser counts, so these lines agree with the parser's
 * locations: TypeScript's (\n, \r\n, lone \r, U+2028, U+2029) for JavaScript, Python's (\n,
 * \r\n, lone \r) for Python.
 */
export class LineIndex {
  private readonly lineStarts: number[] = [0];
  private lastLine = 0;

  constructor(text: string, language: 'js' | 'python' = 'js') {
    const separators = language === 'js';
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      const breaksLine =
        ch === 10 ||
        (ch === 13 && text.charCodeAt(i + 1) !== 10) ||
        (separators && (ch === 0x2028 || ch === 0x2029));
      if (breaksLine) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): { line: number; column: number } {
    const index = this.lineOf(offset);
    return { line: index + 1, column: offset - this.lineStarts[index] + 1 };
  }

  /** The 0-based line of `offset`. */
  private lineOf(offset: number): number {
    // Offsets come mostly in order: the line of the last one, or the next, is found without a search.
    const last = this.lastLine;
    const starts = this.lineStarts;
    if (starts[last] <= offset) {
      if (last + 1 >= starts.length || offset < starts[last + 1]) return last;
      if (last + 2 >= starts.length || offset < starts[last + 2]) return (this.lastLine = last + 1);
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return (this.lastLine = low);
  }

  span(start: number, end: number): Span {
    // Without position()'s objects: spans are made for most nodes an analysis reads.
    const from = this.lineOf(start);
    const to = this.lineOf(end);
    const starts = this.lineStarts;
    return {
      start,
      end,
      line: from + 1,
      column: start - starts[from] + 1,
      endLine: to + 1,
      endColumn: end - starts[to] + 1,
    };
  }
}

let lastIndex: { text: string; index: LineIndex } | null = null;

/**
 * The LineIndex of `text`, reused while the same text is asked for again (rules compute many
 * positions in one file; scanning from offset 0 for each makes a big file quadratic).
 */
export function lineIndexFor(text: string): LineIndex {
  if (lastIndex === null || lastIndex.text !== text)
    lastIndex = { text, index: new LineIndex(text) };
  return lastIndex.index;
}
