/** Building fixes as plain text edits on the source. Every helper returns null when no safe edit exists. */
import type { LayerNode, Span } from '../../analysis/ir';
import type { Fix, TextEdit } from '../types';
import { dialectOf } from './dialect';
import { setKeyword } from './python-edits';
import { isPython, type SourceFile } from './syntax';
import { coreLayer } from './terms';

export function replaceSpan(span: Span, text: string): TextEdit {
  return { start: span.start, end: span.end, text };
}

export function fix(title: string, edits: (TextEdit | null)[], preferred = false): Fix | null {
  if (edits.some((e) => e === null)) return null;
  return { title, edits: edits as TextEdit[], preferred };
}

/** The string-literal quote the file mostly uses, so fixes look like the code around them. */
export function quoteOf(source: string): string {
  // Counting is O(file) and every fix of every finding asks: remember the answer for the file at hand.
  if (source === quoteCache.source) return quoteCache.quote;
  const single = source.split("'").length;
  const double = source.split('"').length;
  const quote = double > single ? '"' : "'";
  quoteCache.source = source;
  quoteCache.quote = quote;
  return quote;
}

const KERAS = dialectOf({ framework: 'keras' });

const quoteCache = { source: null as string | null, quote: "'" };

export function stringLiteral(source: string, value: string): string {
  const q = quoteOf(source);
  return `${q}${value.replaceAll('\\', '\\\\').replaceAll(q, `\\${q}`)}${q}`;
}

/** A literal in the file's language and quote style (`true` / `True`). */
export function literal(file: SourceFile, value: string | number | boolean): string {
  if (typeof value === 'string') return stringLiteral(file.source, value);
  if (typeof value === 'boolean' && isPython(file)) return value ? 'True' : 'False';
  return String(value);
}

/**
 * An edit that makes `key: valueText` hold in the layer's config: replaces the value when the layer's own
 * literal has the key, otherwise adds the property at the end of the literal (after any spread, so it wins),
 * or writes a config object into an empty call. Null when the config is not an inline literal.
 * In Python the keyword argument `key=valueText` (Keras's spelling of the key) is set in the call instead.
 */
export function setConfigProp(
  file: SourceFile,
  layer: LayerNode,
  key: string,
  valueText: string,
): TextEdit | null {
  const { source } = file;
  if (isPython(file)) return setKeyword(source, layer, key, KERAS.key(key), valueText);
  const target = coreLayer(layer);
  const prop = target.config.props[key];
  if (prop && !prop.inherited && prop.valueSpan) {
    // Shorthand `{ activation }`: the key is the value, so both must be written.
    const shorthand =
      prop.span?.start === prop.valueSpan.start && prop.span.end === prop.valueSpan.end;
    return replaceSpan(prop.valueSpan, shorthand ? `${key}: ${valueText}` : valueText);
  }
  if (target.config.objectSpan)
    return appendProperty(source, target.config.objectSpan, `${key}: ${valueText}`);
  if (!target.config.opaque && target.config.text.trim() === '') {
    const close = source.lastIndexOf(')', target.callSpan.end);
    if (close > target.callSpan.start)
      return { start: close, end: close, text: `{${key}: ${valueText}}` };
  }
  return null;
}

/** Inserts `propertyText` as the last property of the object literal at `objectSpan`, matching its layout. */
export function appendProperty(source: string, objectSpan: Span, propertyText: string): TextEdit {
  const inner = source.slice(objectSpan.start + 1, objectSpan.end - 1);
  if (inner.trim() === '') {
    return { start: objectSpan.start + 1, end: objectSpan.end - 1, text: propertyText };
  }
  const bodyEnd = objectSpan.start + 1 + inner.trimEnd().length;
  const hasTrailingComma = source[bodyEnd - 1] === ',';
  if (inner.includes('\n')) {
    const indent = /\n([ \t]*)\S/.exec(inner)?.[1] ?? '  ';
    const text = `${hasTrailingComma ? '' : ','}\n${indent}${propertyText}${hasTrailingComma ? ',' : ''}`;
    return { start: bodyEnd, end: bodyEnd, text };
  }
  const text = hasTrailingComma ? ` ${propertyText},` : `, ${propertyText}`;
  return { start: bodyEnd, end: bodyEnd, text };
}
