import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Span } from './ir';

/** A node's span. typescript-estree columns are 0-based; the IR's are 1-based. */
export function spanOf(node: TSESTree.Node | TSESTree.Token): Span {
  return {
    start: node.range[0],
    end: node.range[1],
    line: node.loc.start.line,
    column: node.loc.start.column + 1,
    endLine: node.loc.end.line,
    endColumn: node.loc.end.column + 1,
  };
}

/** The span from the start of one node to the end of another (e.g. creation through the last add). */
export function spanBetween(first: Span, last: Span): Span {
  if (last.end <= first.end) return first;
  return { ...first, end: last.end, endLine: last.endLine, endColumn: last.endColumn };
}

export function contains(outer: Span, inner: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}
