/**
 * A cheap comment scanner for JS/TS/JSX text. The linter needs comments only to read disable
 * directives, and must read them even when the file does not parse, so it scans the text itself
 * instead of relying on the parser's comment list. It skips strings, template literals (with
 * nested `${}`), and regular expression literals so `"// not a comment"` is never a comment.
 */

export interface Comment {
  kind: 'line' | 'block';
  /** The text between the delimiters (`//`, or `/*` and the closing delimiter). */
  value: string;
  start: number;
  end: number;
}

/** Returns the comments whose text contains `needle` (all comments when needle is empty). */
export function scanComments(source: string, needle = ''): Comment[] {
  if (needle && !source.includes(needle)) return [];
  return new Scanner(source, needle).run();
}

// After these characters a `/` starts a regex literal rather than a division.
const REGEX_PREFIX_CHARS = new Set('(,=:[!&|?{};~+-*%<>^'.split(''));
const REGEX_PREFIX_WORDS = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

class Scanner {
  private pos = 0;
  private readonly comments: Comment[] = [];
  /** One entry per open `${`: the brace depth inside that template expression. */
  private readonly templateDepths: number[] = [];

  constructor(
    private readonly text: string,
    private readonly needle: string,
  ) {}

  run(): Comment[] {
    const text = this.text;
    // Only these characters can change the scanner's state; jump straight from one to the next.
    const special = /['"`/{}]/g;
    while (this.pos < text.length) {
      special.lastIndex = this.pos;
      const found = special.exec(text);
      if (!found) break;
      this.pos = found.index;
      const ch = found[0];
      const next = text[this.pos + 1];
      if (ch === '/' && next === '/') this.lineComment();
      else if (ch === '/' && next === '*') this.blockComment();
      else if (ch === '"' || ch === "'") this.quoted(ch);
      else if (ch === '`') this.template();
      else if (ch === '/' && this.regexAllowed()) this.regex();
      else this.code(ch);
    }
    return this.comments;
  }

  private code(ch: string): void {
    const depths = this.templateDepths;
    if (depths.length > 0) {
      if (ch === '{') depths[depths.length - 1]++;
      else if (ch === '}') {
        if (depths[depths.length - 1] === 0) {
          depths.pop();
          this.pos++;
          this.templateBody();
          return;
        }
        depths[depths.length - 1]--;
      }
    }
    this.pos++;
  }

  private lineComment(): void {
    const start = this.pos;
    const lineBreak = /[\n\r\u2028\u2029]/g;
    lineBreak.lastIndex = start + 2;
    const end = lineBreak.exec(this.text)?.index ?? this.text.length;
    this.push('line', start, end, this.text.slice(start + 2, end));
    this.pos = end;
  }

  private blockComment(): void {
    const start = this.pos;
    const close = this.text.indexOf('*/', start + 2);
    const end = close === -1 ? this.text.length : close + 2;
    const valueEnd = close === -1 ? this.text.length : close;
    this.push('block', start, end, this.text.slice(start + 2, valueEnd));
    this.pos = end;
  }

  private push(kind: Comment['kind'], start: number, end: number, value: string): void {
    if (this.needle && !value.includes(this.needle)) return;
    this.comments.push({ kind, value, start, end });
  }

  private quoted(quote: string): void {
    let i = this.pos + 1;
    while (i < this.text.length) {
      const c = this.text[i];
      if (c === '\\') i += 2;
      else if (c === quote || c === '\n') {
        i++;
        break;
      } else i++;
    }
    this.pos = i;
  }

  private template(): void {
    this.pos++;
    this.templateBody();
  }

  /** Scans template text up to the closing backtick or the next `${`. */
  private templateBody(): void {
    let i = this.pos;
    while (i < this.text.length) {
      const c = this.text[i];
      if (c === '\\') i += 2;
      else if (c === '`') {
        this.pos = i + 1;
        return;
      } else if (c === '$' && this.text[i + 1] === '{') {
        this.templateDepths.push(0);
        this.pos = i + 2;
        return;
      } else i++;
    }
    this.pos = i;
  }

  private regex(): void {
    let i = this.pos + 1;
    let inClass = false;
    while (i < this.text.length) {
      const c = this.text[i];
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (isLineBreak(c)) break;
      i++;
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
    }
    this.pos = i;
  }

  /** Decides from the previous significant token whether a `/` begins a regex literal. */
  private regexAllowed(): boolean {
    let i = this.pos - 1;
    while (i >= 0 && /\s/.test(this.text[i])) i--;
    if (i < 0) return true;
    const prev = this.text[i];
    if (REGEX_PREFIX_CHARS.has(prev)) return true;
    if (!/[A-Za-z_$]/.test(prev)) return false;
    let wordStart = i;
    while (wordStart > 0 && /[A-Za-z0-9_$]/.test(this.text[wordStart - 1])) wordStart--;
    return REGEX_PREFIX_WORDS.has(this.text.slice(wordStart, i + 1));
  }
}

function isLineBreak(ch: string): boolean {
  return ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029';
}
