/** Reading the source text around IR spans: positions, callees, call arguments, statements. */
import type { LayerNode, Span } from '../../analysis/ir';
import { calleeOf } from './callee';
import { pythonReadsParameter } from './python-edits';
import { isPython, type SourceFile } from './syntax';

/**
 * The span [start, end) inside `outer` (start >= outer.start), with lines and columns counted from `outer`'s
 * known position rather than from the top of the file, so reporting stays cheap in long files.
 */
export function spanWithin(source: string, outer: Span, start: number, end: number): Span {
  let line = outer.line;
  let column = outer.column;
  let from = { line, column };
  for (let i = outer.start; i < end; i++) {
    if (i === start) from = { line, column };
    const ch = source.charCodeAt(i);
    if (ch === 10 || (ch === 13 && source.charCodeAt(i + 1) !== 10)) {
      line++;
      column = 1;
    } else column++;
  }
  if (start === end) from = { line, column };
  return { start, end, line: from.line, column: from.column, endLine: line, endColumn: column };
}

/**
 * The factory name in a layer call written as a member access (`lstm` in `tf.layers.lstm(...)`),
 * the only form where renaming the factory keeps the code valid.
 */
export function memberFactorySpan(source: string, layer: LayerNode): Span | null {
  const callee = calleeOf(source, layer.callSpan);
  if (callee === layer.callSpan) return null;
  const text = source.slice(callee.start, callee.end);
  const match = /\.\s*([A-Za-z_$][\w$]*)$/.exec(text);
  if (!match || match[1] !== layer.factory) return null;
  return spanWithin(source, callee, callee.end - match[1].length, callee.end);
}

/** The first argument of the call at `callSpan`, trimmed; null when the call has none. */
export function firstArgumentSpan(source: string, callSpan: Span): Span | null {
  const open = source.indexOf('(', callSpan.start);
  if (open < 0 || open >= callSpan.end) return null;
  let depth = 0;
  let quote: string | null = null;
  for (let i = open + 1; i < callSpan.end; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    else if (depth === 0 && (ch === ',' || ch === ')')) {
      const raw = source.slice(open + 1, i);
      const start = open + 1 + (raw.length - raw.trimStart().length);
      const end = open + 1 + raw.trimEnd().length;
      return end > start ? spanWithin(source, callSpan, start, end) : null;
    }
  }
  return null;
}

/** The indentation of the line holding `offset`. */
export function lineIndent(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? '';
}

/** True when only whitespace precedes `offset` on its line (the expression starts a statement there). */
export function startsLine(source: string, offset: number): boolean {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return source.slice(lineStart, offset).trim() === '';
}

/** The offset just after the statement whose expression ends at `end` (after its `;`, if any). */
export function statementEnd(source: string, end: number): number {
  if (source[end - 1] === ';') return end;
  let i = end;
  while (source[i] === ' ' || source[i] === '\t') i++;
  return source[i] === ';' ? i + 1 : end;
}

/** The file's line break, so inserted lines match. */
export function newline(source: string): string {
  return source.includes('\r\n') ? '\r\n' : '\n';
}

/** `base`, or `base2`, `base3`, ... : the first name the file does not already use. */
export function freshName(source: string, base: string): string {
  const cached = freshCache.get(base);
  if (freshCache.source === source && cached !== undefined) return cached;
  if (freshCache.source !== source) {
    freshCache.source = source;
    freshCache.clear();
  }
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}${n}`;
    if (!new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(source)) {
      freshCache.set(base, name);
      return name;
    }
  }
}

/** Per source text: every finding in a file asks for the same base name. */
const freshCache = Object.assign(new Map<string, string>(), { source: null as string | null });

/**
 * True when the expression at `span` reads a name the file does not declare with const/let/var, function or
 * import: in practice a function parameter. The extractor resolves such a value from the call sites, but
 * writing a literal in its place would silently ignore what the callers pass, so fixes there are only
 * suggestions.
 */
export function readsParameter(file: SourceFile, span: Span): boolean {
  const { source } = file;
  const text = source.slice(span.start, span.end).replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1/g, '""');
  if (isPython(file)) return pythonReadsParameter(source, text);
  // Object keys (`stddev:` in `{stddev: 0.5}`) are not reads.
  const names = text.match(/(?<![\w$.])[A-Za-z_$][\w$]*(?![\w$]|\s*:)/g) ?? [];
  return names.some((name) => !LITERAL_WORDS.has(name) && !declaredInFile(source, name));
}

const LITERAL_WORDS = new Set(['true', 'false', 'null', 'undefined', 'NaN', 'Infinity', 'Math']);

function declaredInFile(source: string, name: string): boolean {
  return declaredNames(source).has(name);
}

/**
 * Names the file declares (const/let/var including simple destructuring, function, class, import), computed
 * once per source text: every finding of every rule asks.
 */
function declaredNames(source: string): Set<string> {
  if (declaredCache.source === source) return declaredCache.names;
  const names = new Set<string>();
  const declaration =
    /(?<![\w$.])(?:const|let|var|function\*?|class)\s+([A-Za-z_$][\w$]*|[{[][^=;]*)/g;
  for (const match of source.matchAll(declaration)) addNames(names, match[1]);
  for (const match of source.matchAll(/(?<![\w$.])import\s+([^;'"]*?)\s+from\b/g))
    addNames(names, match[1]);
  declaredCache.source = source;
  declaredCache.names = names;
  return names;
}

const declaredCache = { source: null as string | null, names: new Set<string>() };

/** The binding names in a declaration target: `x`, `{ a, b: c }`, `[d, e]`, `* as tf`, `tf, { layers }`. */
function addNames(names: Set<string>, target: string): void {
  for (const match of target.matchAll(/[A-Za-z_$][\w$]*(?![\w$]|\s*:)/g)) names.add(match[0]);
}

/** True when a fix of `key` would replace the layer's own value that reads a parameter (see above). */
export function ownValueReadsParameter(file: SourceFile, layer: LayerNode, key: string): boolean {
  const prop = layer.config.props[key];
  return !!prop && !prop.inherited && !!prop.valueSpan && readsParameter(file, prop.valueSpan);
}
