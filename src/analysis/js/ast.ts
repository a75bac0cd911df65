/** Walking typescript-estree trees without a visitor per node type. */
import type { TSESTree } from '@typescript-eslint/typescript-estree';

export function isNode(value: unknown): value is TSESTree.Node {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/** Calls `visit` on each child node (not the parent link, nor locations). */
export function forEachChild(node: TSESTree.Node, visit: (child: TSESTree.Node) => void): void {
  for (const key in node) {
    if (key === 'parent' || key === 'loc' || key === 'range') continue;
    const child = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(child)) {
      for (const c of child) if (isNode(c)) visit(c);
    } else if (isNode(child)) visit(child);
  }
}
