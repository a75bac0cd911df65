/**
 * Fixes written in Python: keyword arguments set or added in a call's argument list, a layer inserted after
 * another (a list item of `Sequential([...])`, a `model.add(...)` line, or in functional code a line
 * `x = layers.BatchNormalization()(x)`), keeping the code's own layout.
 */
import type { LayerNode, Span } from '../../analysis/ir';
import type { TextEdit } from '../types';
import { replaceSpan } from './fix';
import { lineIndent, newline } from './source';
import { coreLayer } from './terms';

/**
 * Makes `key=valueText` hold in the layer's call: replaces the value of the argument the layer's own call
 * writes (keyword or positional), otherwise adds the keyword argument at the end. `key` is Keras's spelling.
 */
export function setKeyword(
  source: string,
  layer: LayerNode,
  configKey: string,
  key: string,
  valueText: string,
): TextEdit | null {
  const target = coreLayer(layer);
  const prop = target.config.props[configKey];
  if (prop && !prop.inherited && prop.valueSpan) return replaceSpan(prop.valueSpan, valueText);
  const parens = target.config.objectSpan;
  if (!parens || source[parens.start] !== '(' || source[parens.end - 1] !== ')') return null;
  return appendArgument(source, parens, `${key}=${valueText}`);
}

/**
 * Inserts `argumentText` as the last argument inside the parentheses at `parens`, matching the layout: one line
 * stays one line; a multi-line list gets a new line at its arguments' indentation, keeping a trailing comma.
 */
export function appendArgument(source: string, parens: Span, argumentText: string): TextEdit {
  const innerStart = parens.start + 1;
  const inner = source.slice(innerStart, parens.end - 1);
  if (codeOf(inner).trim() === '') {
    return { start: innerStart, end: parens.end - 1, text: argumentText };
  }
  const bodyEnd = innerStart + codeEnd(inner);
  const hasTrailingComma = source[bodyEnd - 1] === ',';
  if (inner.includes('\n')) {
    const indent = /\n([ \t]*)[^\s#]/.exec(inner)?.[1] ?? '    ';
    const text = `${hasTrailingComma ? '' : ','}\n${indent}${argumentText}${hasTrailingComma ? ',' : ''}`;
    return { start: bodyEnd, end: bodyEnd, text };
  }
  return {
    start: bodyEnd,
    end: bodyEnd,
    text: hasTrailingComma ? ` ${argumentText},` : `, ${argumentText}`,
  };
}

/** The text with comments blanked (same length), strings kept: what `#` scanning must not be fooled by. */
function codeOf(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      out += ch;
      if (ch === '\\' && i + 1 < text.length) out += text[++i];
      else if (ch === quote) quote = null;
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
      if (i < text.length) out += '\n';
    } else {
      if (ch === '"' || ch === "'") quote = ch;
      out += ch;
    }
  }
  return out;
}

/** Offset just after the last code character of `text` (comments and whitespace after it excluded). */
function codeEnd(text: string): number {
  return codeOf(text).trimEnd().length;
}

/** `layerExpression` is the new layer's constructor call, e.g. "layers.BatchNormalization()". */
export function insertLayerAfterPython(
  source: string,
  layer: LayerNode,
  layerExpression: string,
): TextEdit | null {
  return (
    afterListItem(source, layer.callSpan, layerExpression) ??
    afterAddLine(source, layer.callSpan, layerExpression) ??
    afterFunctionalLine(source, layer.callSpan, layerExpression)
  );
}

/** `Sequential([Dense(64), Dense(1)])`: a new item after the layer's, on its own line when items are. */
function afterListItem(source: string, call: Span, expression: string): TextEdit | null {
  const before = previousCode(source, call.start);
  if (before !== '[' && before !== ',') return null;
  if (!insideList(source, call.start)) return null;
  const after = skipBlanks(source, call.end);
  const next = source[after];
  if (next !== ',' && next !== ']' && next !== '\n' && next !== '\r' && next !== '#') return null;
  const nl = newline(source);
  if (!onlySpacesBefore(source, call.start))
    return { start: call.end, end: call.end, text: `, ${expression}` };
  const indent = lineIndent(source, call.start);
  if (next === ',') {
    // A comment after the item stays with it: the new item goes on the next line.
    const lineEnd = restIsComment(source, after + 1);
    if (lineEnd !== null)
      return { start: lineEnd, end: lineEnd, text: `${nl}${indent}${expression},` };
  }
  return { start: call.end, end: call.end, text: `,${nl}${indent}${expression}` };
}

/** `model.add(Dense(64))` standing alone on its line: `model.add(BatchNormalization())` on the next. */
function afterAddLine(source: string, call: Span, expression: string): TextEdit | null {
  const lineStart = source.lastIndexOf('\n', call.start - 1) + 1;
  const head = /^([ \t]*)([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\.\s*add\s*\(\s*$/.exec(
    source.slice(lineStart, call.start),
  );
  if (!head) return null;
  const close = /^\s*,?\s*\)/.exec(source.slice(call.end, call.end + 200));
  if (!close) return null;
  const lineEnd = restIsComment(source, call.end + close[0].length);
  if (lineEnd === null) return null;
  return {
    start: lineEnd,
    end: lineEnd,
    text: `${newline(source)}${head[1]}${head[2]}.add(${expression})`,
  };
}

/** `x = layers.Dense(64)(x)` alone on its line: `x = layers.BatchNormalization()(x)` on the next. */
function afterFunctionalLine(source: string, call: Span, expression: string): TextEdit | null {
  const lineStart = source.lastIndexOf('\n', call.start - 1) + 1;
  const head = /^([ \t]*)([A-Za-z_]\w*)\s*=\s*$/.exec(source.slice(lineStart, call.start));
  if (!head) return null;
  const apply = /^\s*\(\s*[A-Za-z_]\w*\s*\)/.exec(source.slice(call.end, call.end + 200));
  if (!apply) return null;
  const lineEnd = restIsComment(source, call.end + apply[0].length);
  if (lineEnd === null) return null;
  const [, indent, name] = head;
  return {
    start: lineEnd,
    end: lineEnd,
    text: `${newline(source)}${indent}${name} = ${expression}(${name})`,
  };
}

/** The line break ending this line when only spaces or a comment remain after `offset`; else null. */
function restIsComment(source: string, offset: number): number | null {
  let i = offset;
  while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
  const rest = source.slice(offset, i).trim();
  return rest === '' || rest.startsWith('#') ? i : null;
}

function skipBlanks(source: string, offset: number): number {
  let i = offset;
  while (source[i] === ' ' || source[i] === '\t') i++;
  return i;
}

function onlySpacesBefore(source: string, offset: number): boolean {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return source.slice(lineStart, offset).trim() === '';
}

/** The last character before `offset` that is not whitespace or part of a comment. */
function previousCode(source: string, offset: number): string | undefined {
  let i = offset - 1;
  while (i >= 0) {
    const lineStart = source.lastIndexOf('\n', i) + 1;
    const line = codeOf(source.slice(lineStart, i + 1)).trimEnd();
    if (line !== '') return line[line.length - 1];
    i = lineStart - 2;
  }
  return undefined;
}

/** True when the innermost bracket open before `offset` is `[`. */
function insideList(source: string, offset: number): boolean {
  let depth = 0;
  const text = codeOf(source.slice(Math.max(0, offset - 20000), offset));
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === ')' || ch === ']' || ch === '}') depth++;
    else if (ch === '(' || ch === '[' || ch === '{') {
      if (depth === 0) return ch === '[';
      depth--;
    }
  }
  return false;
}

/**
 * Python's `readsParameter` (source.ts): the value text names something the file never binds by assignment,
 * `def`, `class`, `for` or `import`, in practice a function parameter. Keyword names (`stddev=`) are not reads.
 */
export function pythonReadsParameter(source: string, valueText: string): boolean {
  const names = valueText.match(/(?<![\w.])[A-Za-z_]\w*(?!\w|\s*=(?!=))/g) ?? [];
  return names.some((name) => !PYTHON_WORDS.has(name) && !boundInFile(source).has(name));
}

const PYTHON_WORDS = new Set([
  'True',
  'False',
  'None',
  'and',
  'or',
  'not',
  'if',
  'else',
  'in',
  'is',
]);

/** Names the file binds, computed once per source text (every finding asks). */
function boundInFile(source: string): Set<string> {
  if (boundCache.source === source) return boundCache.names;
  const names = new Set<string>();
  const code = codeOf(source);
  for (const m of code.matchAll(/^[ \t]*([A-Za-z_][\w, \t]*?)\s*(?::[^=\n]+)?=(?!=)/gm))
    for (const name of m[1].split(',')) names.add(name.trim());
  for (const m of code.matchAll(/\b(?:def|class)\s+([A-Za-z_]\w*)/g)) names.add(m[1]);
  for (const m of code.matchAll(/\bfor\s+([\w, \t]+?)\s+in\b/g))
    for (const name of m[1].split(',')) names.add(name.trim());
  for (const m of code.matchAll(/^[ \t]*(?:from\s+[\w.]+\s+)?import\s+(\([^)]*\)|[^\n]+)/gm)) {
    for (const part of m[1].replace(/[()]/g, '').split(',')) {
      const bound = /([\w.]+)(?:\s+as\s+(\w+))?/.exec(part.trim());
      if (bound) names.add(bound[2] ?? bound[1].split('.')[0]);
    }
  }
  boundCache.source = source;
  boundCache.names = names;
  return names;
}

const boundCache = { source: null as string | null, names: new Set<string>() };
