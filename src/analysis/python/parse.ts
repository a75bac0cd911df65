/**
 * Python parsing with Lezer: the tree, syntax problems, spans and a few node helpers. Lezer never
 * throws and recovers from errors, so a broken file still yields every definition that parses; the
 * first error node becomes the file's syntax problem.
 */
import { TreeBuffer, type SyntaxNode, type Tree } from '@lezer/common';
import { parser } from '@lezer/python';
import type { ParseProblem, Span } from '../ir';
import { MAX_SOURCE_LENGTH } from '../js/parse';
import { LineIndex } from '../lines';

/**
 * Cheap pre-check (no parse): a file that never names keras or tensorflow in an import, and never
 * uses Keras's own model classes, cannot build a Keras model. The second test admits snippets
 * written without their imports (as in documentation), which use `Sequential(`, `model.add(Dense(` or
 * subclass `keras.Model`.
 */
const IMPORTS = /^[ \t]*(?:import|from)[ \t]+(?:keras|tensorflow|tf_keras)\b/m;
const BARE_USE =
  /\b(?:Sequential|keras\.Model|keras\.Input)\s*\(|\.add\(\s*[A-Z][A-Za-z0-9]*\(|\(\s*keras\.Model\s*\)\s*:/;

export function mentionsKeras(source: string): boolean {
  return IMPORTS.test(source) || BARE_USE.test(source);
}

/** Whether the file names keras/tensorflow in an import (else Keras names are taken as globals). */
export function importsKeras(source: string): boolean {
  return IMPORTS.test(source);
}

/**
 * A star import of a module no import can name (`from 6.3-0 import *`: a script's file name). The
 * line does not parse, so what the author meant it to bring is unknown: Keras names stay globals.
 */
const STAR_FROM_FILE_NAME = /^[ \t]*from[ \t]+(?:\d|[\w.]*-)[^\s]*[ \t]+import[ \t]+\*/m;

/** How a file's unbound Keras names read: globals unless it imports Keras (see ImportMode). */
export function importMode(source: string): { globals: boolean } {
  return { globals: !importsKeras(source) || STAR_FROM_FILE_NAME.test(source) };
}

/** `text`: the source as parsed, the same length and offsets as the file's (see trailingDots). */
export type PyParse =
  | { ok: true; tree: Tree; problem: ParseProblem | null; text: string }
  | { ok: false; problem: ParseProblem };

export function parsePython(source: string): PyParse {
  if (source.length > MAX_SOURCE_LENGTH) {
    const message = `file is larger than ${MAX_SOURCE_LENGTH} characters; not analyzed`;
    return { ok: false, problem: { kind: 'too-large', message, line: 1, column: 1 } };
  }
  const tree = parser.parse(source);
  if (firstErrorAt(tree, 0) < 0) return { ok: true, tree, problem: null, text: source };
  const text = blankTail(withTargets(trailingDots(source, tree), tree), tree);
  if (text === source) return { ok: true, tree, problem: firstSyntaxError(tree, source), text };
  const patched = parser.parse(text);
  return { ok: true, tree: patched, problem: firstSyntaxError(patched, text), text };
}

const TRAILING_DOT = /(?<![\w.])\d+\.(?![\w.])/g;

/**
 * @lezer/python (1.1.19) reads no float that ends in its dot (`x / 255.`, `rescale=1./255`), which
 * Keras scripts write all the time. Such a dot outside strings and comments becomes a space: the
 * same offsets, the same value for the evaluator.
 */
function trailingDots(source: string, tree: Tree): string {
  let out: string[] | null = null;
  for (const match of source.matchAll(TRAILING_DOT)) {
    const dot = match.index + match[0].length - 1;
    const node = tree.resolveInner(dot, 1);
    if (/String|Comment/.test(node.name) || /String/.test(node.parent?.name ?? '')) continue;
    out ??= source.split('');
    out[dot] = ' ';
  }
  return out ? out.join('') : source;
}

const DOTTED_WITH_TARGET = /\bas[ \t]+[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?=[ \t]*[:,)])/g;

/**
 * @lezer/python reads only a plain name after a `with` statement's `as`; real code writes
 * `with tf.GradientTape() as self.tape:`. Each dot of such a target becomes `_`: one name of the same
 * length, so the offsets hold and `self` is not rebound.
 */
function withTargets(source: string, tree: Tree): string {
  let out: string[] | null = null;
  for (const match of source.matchAll(DOTTED_WITH_TARGET)) {
    const node = tree.resolveInner(match.index, 1);
    if (/String|Comment/.test(node.name) || /String/.test(node.parent?.name ?? '')) continue;
    out ??= source.split('');
    for (let i = match.index; i < match.index + match[0].length; i++)
      if (out[i] === '.') out[i] = '_';
  }
  return out ? out.join('') : source;
}

/**
 * Indentation left on the file's last, empty lines (`return model` then a line of spaces and no final
 * newline) is no statement to Python, but @lezer/python can report an error there. When the first error
 * is in that whitespace tail, its spaces and tabs become newlines: the same offsets, only blank lines.
 */
function blankTail(source: string, tree: Tree): string {
  const start = source.length - (/\s*$/.exec(source)?.[0].length ?? 0);
  if (start === source.length || firstErrorAt(tree, 0) < start) return source;
  return source.slice(0, start) + source.slice(start).replace(/[ \t\f]/g, '\n');
}

function firstSyntaxError(tree: Tree, source: string): ParseProblem | null {
  let at = firstErrorAt(tree, 0);
  if (at >= 5 && source.slice(at - 5, at) === 'yield') at = firstRealError(tree);
  if (at < 0) return null;
  const { line, column } = new Lines(source).position(at);
  const near = source.slice(at, at + 20).split(/[\r\n]/)[0];
  const message = near
    ? `invalid syntax near '${near}'`
    : 'invalid syntax (unexpected end of line or file)';
  return { kind: 'syntax', message, line, column };
}

/**
 * The start of the first error node, or -1. Reads the tree's packed buffers directly (each node is
 * a (type, start, end, endIndex) quad, in prefix order, so the first error met is the earliest)
 * instead of walking node objects, which cost a few percent of the parse itself on large files.
 * Error nodes are always type 0 in a Lezer tree.
 */
function firstErrorAt(tree: Tree, offset: number): number {
  if (tree.type.isError) return offset;
  for (let i = 0; i < tree.children.length; i++) {
    const child = tree.children[i]!;
    const start = offset + tree.positions[i]!;
    if (child instanceof TreeBuffer) {
      const { buffer } = child;
      for (let j = 0; j < buffer.length; j += 4) if (buffer[j] === 0) return start + buffer[j + 1]!;
    } else {
      const at = firstErrorAt(child, start);
      if (at >= 0) return at;
    }
  }
  return -1;
}

/**
 * @lezer/python wants a value after `yield`; a bare `yield` (a generator, a pytest fixture) leaves
 * an empty error node right after the keyword. The tree around it is whole, so it is no syntax error.
 */
function isBareYield(error: SyntaxNode): boolean {
  const parent = error.parent?.name;
  return (
    error.to === error.from &&
    (parent === 'YieldStatement' || parent === 'YieldExpression') &&
    error.prevSibling?.name === 'yield'
  );
}

/** The first error node that is not a bare `yield`'s (walks node objects: only for such files). */
function firstRealError(tree: Tree): number {
  let at = -1;
  tree.iterate({
    enter: (ref) => {
      if (at >= 0) return false;
      if (!ref.type.isError) return undefined;
      if (!isBareYield(ref.node)) at = ref.from;
      return false;
    },
  });
  return at;
}

/** Offsets (UTF-16, as Lezer gives them) to 1-based lines and columns, at Python's line breaks. */
export class Lines extends LineIndex {
  /** `file`: set for another workspace file than the one analysed; its spans say so. */
  constructor(
    text: string,
    readonly file?: string,
  ) {
    super(text, 'python');
  }

  override span(start: number, end: number): Span {
    const span = super.span(start, end);
    if (this.file) span.file = this.file;
    return span;
  }
}

/** The children of a node, without comments (Lezer keeps them in the tree). */
export function kids(node: SyntaxNode): readonly SyntaxNode[] {
  const known = kept?.get(node);
  if (known) return known;
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name !== 'Comment') out.push(child);
  }
  kept?.set(node, out);
  return out;
}

let kept: Map<SyntaxNode, readonly SyntaxNode[]> | null = null;

/**
 * Runs `run` with the children kids() finds kept, for code walked again and again (a loop's body
 * per iteration): Lezer makes new node objects on every walk, while kept children are the same
 * objects, whose own children are then kept in turn. Not for code walked once, which it slows.
 */
export function keepingKids<T>(run: () => T): T {
  if (kept) return run();
  kept = new Map();
  try {
    return run();
  } finally {
    kept = null;
  }
}

export function spanBetween(first: Span, last: Span): Span {
  if (last.end <= first.end) return first;
  return { ...first, end: last.end, endLine: last.endLine, endColumn: last.endColumn };
}
