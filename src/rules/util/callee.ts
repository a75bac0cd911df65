/**
 * Where findings about a whole call point: its callee (`tf.layers.dense` in `tf.layers.dense({...})`).
 * Positions are counted from the call's own span, never from the start of the file, so reporting stays
 * cheap in long files with many findings.
 */
import type { LayerNode, Span } from '../../analysis/ir';

/** The callee of the call at `call`; the whole call when no `(` follows a callee. */
export function calleeOf(source: string, call: Span): Span {
  const open = source.indexOf('(', call.start);
  if (open < 0 || open >= call.end) return call;
  const end = call.start + source.slice(call.start, open).trimEnd().length;
  return end > call.start ? subSpan(source, call, call.start, end) : call;
}

/** The layer's own value of `key` when written in its literal, else the layer's callee. */
export function propOrCallee(source: string, layer: LayerNode, key: string): Span {
  const prop = layer.config.props[key];
  if (prop && !prop.inherited && prop.valueSpan) return prop.valueSpan;
  return calleeOf(source, layer.callSpan);
}

/** The span [start, end) inside `outer`, with lines and columns counted from `outer`'s start. */
function subSpan(source: string, outer: Span, start: number, end: number): Span {
  let line = outer.line;
  let column = outer.column;
  let from = { line, column };
  for (let i = outer.start; i < end; i++) {
    if (i === start) from = { line, column };
    const ch = source[i];
    if (ch === '\n' || (ch === '\r' && source[i + 1] !== '\n')) {
      line++;
      column = 1;
    } else column++;
  }
  if (start === end) from = { line, column };
  return { start, end, line: from.line, column: from.column, endLine: line, endColumn: column };
}
