import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Span } from '../ir';

/**
 * The file whose code the interpreter is running when that is not the analyzed file (workspace
 * analysis): spans made meanwhile say so. Set only through Interp.inHome, reset by analyze().
 */
let foreignFile: string | undefined;

export function setSpanFile(file: string | undefined): void {
  foreignFile = file;
}

/** A node's span. typescript-estree columns are 0-based; the IR's are 1-based. */
export function spanOf(node: TSESTree.Node | TSESTree.Token): Span {
  const span: Span = {
    start: node.range[0],
    end: node.range[1],
    line: node.loc.start.line,
    column: node.loc.start.column + 1,
    endLine: node.loc.end.line,
    endColumn: node.loc.end.column + 1,
  };
  if (foreignFile !== undefined) span.file = foreignFile;
  return span;
}

/** The span from the start of one node to the end of another (e.g. creation through the last add). */
export function spanBetween(first: Span, last: Span): Span {
  if (last.end <= first.end || last.file !== first.file) return first;
  return { ...first, end: last.end, endLine: last.endLine, endColumn: last.endColumn };
}

export function contains(outer: Span, inner: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}
