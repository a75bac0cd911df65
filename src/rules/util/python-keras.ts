/**
 * Keras classes as the file reaches them (`keras.optimizers.Adam`, `layers.BatchNormalization`, a name it
 * imports), and gradient clipping for Keras code, where the optimizer does it: `clipnorm=1.0` added to the optimizer's call
 * (`Adam(learning_rate=1e-3, clipnorm=1.0)`), and a string optimizer (`'adam'`) written as the optimizer
 * object it names, through the file's own way of reaching Keras (`keras.optimizers.Adam(clipnorm=1.0)`).
 * Keras applies clipnorm in `fit` and in `apply_gradients`, so custom loops are clipped too.
 */
import type { LayerNode, OptimizerInfo, Span } from '../../analysis/ir';
import { calleeOf } from './callee';
import { spanWithin } from './source';
import type { TextEdit } from '../types';
import { KERAS_OPTIMIZERS } from './dialect';
import { replaceSpan } from './fix';
import { appendArgument } from './python-edits';

const CLIP_KEYWORDS = /\b(?:clipnorm|clipvalue|global_clipnorm)\s*=/;

/** The edit that makes the optimizer clip each gradient to norm `clipNorm`; null when none is safe. */
export function clipOptimizerEdit(
  source: string,
  optimizer: OptimizerInfo,
  clipNorm: number,
): TextEdit[] | null {
  const { span } = optimizer;
  if (span.file) return null;
  const text = source.slice(span.start, span.end);
  const argument = `clipnorm=${pythonFloat(clipNorm)}`;
  if (optimizer.form === 'string') {
    // The string's own class (`'adamw'` -> AdamW), never another of its kind.
    const className =
      optimizer.name ??
      (optimizer.kind === 'momentum' ? undefined : KERAS_OPTIMIZERS[optimizer.kind]);
    const reach = className ? optimizerClassOrImport(source, className, span.start) : null;
    if (!reach || !/^(['"])\w+\1$/.test(text)) return null;
    return [...(reach.edit ? [reach.edit] : []), replaceSpan(span, `${reach.name}(${argument})`)];
  }
  if (optimizer.form !== 'call' || CLIP_KEYWORDS.test(text)) return null;
  const open = text.indexOf('(');
  if (open < 0 || !text.endsWith(')') || matchingClose(text, open) !== text.length - 1) return null;
  const parens = { ...span, start: span.start + open };
  const edit = appendArgument(source, parens, argument);
  return edit ? [edit] : null;
}

/**
 * The optimizer class as the file can name it, or imported: added to a `from ...optimizers import` line,
 * else a new `from tensorflow.keras.optimizers import Adam` line above the file's first top-level Keras
 * import from the same package (`from tensorflow.keras.models import Sequential`).
 */
function optimizerClassOrImport(
  source: string,
  className: string,
  at: number,
): { name: string; edit: TextEdit | null } | null {
  const found = kerasClassOrImport(source, 'optimizers', className);
  if (found) return found;
  // The package the model's own imports use (`tensorflow.keras.layers`), not a utility's (`keras.preprocessing`).
  const first =
    /^from\s+((?:tensorflow\.)?keras)\.(?:layers|models)\b[\w.]*\s+import\b/m.exec(source) ??
    /^from\s+((?:tensorflow\.)?keras)(?:\.\w+)+\s+import\b/m.exec(source);
  if (!first || first.index > at) return null;
  const nl = source.includes('\r\n') ? '\r\n' : '\n';
  const line = `from ${first[1]}.optimizers import ${className}${nl}`;
  return { name: className, edit: { start: first.index, end: first.index, text: line } };
}

/** 1 -> "1.0": Keras's examples write norms as floats. */
export function pythonFloat(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function matchingClose(text: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * How the file names a class of one of Keras's modules (`optimizers`, `layers`): the class itself when imported
 * by name (`from keras.optimizers import Adam`), else through the module or the Keras package the file
 * imports (`optimizers.Adam`, `keras.optimizers.Adam`, `tf.keras.optimizers.Adam`). Null when the file
 * reaches Keras in none of these ways.
 */
export function kerasClass(
  source: string,
  module: 'optimizers' | 'layers',
  className: string,
): string | null {
  // Ranked: the module itself (`from keras import layers`), then the Keras package, then TensorFlow's.
  const found: [number, string][] = [];
  for (const [, from, names] of source.matchAll(IMPORT)) {
    const origin = from ?? '';
    const ofModule = origin.replace(/^tensorflow\./, '') === `keras.${module}`;
    if (ofModule && names.trim() === '*') return className;
    const bound = boundNames(names);
    const local = (name: string) => bound.get(name);
    if (ofModule && local(className)) return local(className)!;
    if (/^(?:tensorflow\.)?keras$/.test(origin) && local(module))
      found.push([0, `${local(module)}.${className}`]);
    else if ((origin === 'tensorflow' || !from) && local('keras'))
      found.push([1, `${local('keras')}.${module}.${className}`]);
    else if (!from && local('tensorflow'))
      found.push([2, `${local('tensorflow')}.keras.${module}.${className}`]);
  }
  return found.sort((a, b) => a[0] - b[0])[0]?.[1] ?? null;
}

const IMPORT = /^[ \t]*(?:from\s+([\w.]+)\s+)?import\s+(\([^)]*\)|[^\n#]+)/gm;

export function optimizerClass(source: string, className: string): string | null {
  return kerasClass(source, 'optimizers', className);
}

/**
 * `kerasClass`, or when the file only imports other classes of the module by name
 * (`from keras.layers import Dense, LSTM`), the class added to that import.
 */
export function kerasClassOrImport(
  source: string,
  module: 'optimizers' | 'layers',
  className: string,
): { name: string; edit: TextEdit | null } | null {
  const name = kerasClass(source, module, className);
  if (name) return { name, edit: null };
  for (const match of source.matchAll(IMPORT)) {
    const [whole, from, names] = match;
    if (from?.replace(/^tensorflow\./, '') !== `keras.${module}` || names.includes('(')) continue;
    const end = match.index + whole.trimEnd().length;
    return { name: className, edit: { start: end, end, text: `, ${className}` } };
  }
  return null;
}

/** `a, b as c` / `(a, b)` -> imported name -> local name. */
function boundNames(names: string): Map<string, string> {
  const bound = new Map<string, string>();
  for (const part of names.replace(/[()\\]/g, '').split(',')) {
    const match = /^\s*([\w.]+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
    if (match) bound.set(match[1], match[2] ?? match[1]);
  }
  return bound;
}

/** The class name a Python layer call is written with (`SimpleRNN` in `layers.SimpleRNN(32)`), when it is that. */
export function classNameSpan(source: string, layer: LayerNode, className: string): Span | null {
  const callee = calleeOf(source, layer.callSpan);
  const text = source.slice(callee.start, callee.end);
  if (!new RegExp(`(?:^|\\.\\s*)${className}$`).test(text)) return null;
  return spanWithin(source, callee, callee.end - className.length, callee.end);
}

/**
 * Edits that call `className` instead of the class named at `name`: in place after a module
 * (`layers.SimpleRNN` -> `layers.LSTM`); a bare name becomes the class as the file reaches it, importing it
 * next to the file's other imports of the module when needed. Null when there is no way to name it.
 */
export function renameClass(source: string, name: Span, className: string): (TextEdit | null)[] {
  if (/\.\s*$/.test(source.slice(Math.max(0, name.start - 20), name.start)))
    return [replaceSpan(name, className)];
  const reach = kerasClassOrImport(source, 'layers', className);
  if (!reach) return [null];
  return [replaceSpan(name, reach.name), ...(reach.edit ? [reach.edit] : [])];
}
