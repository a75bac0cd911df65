/**
 * Pages a script writes out as text: a Node server that sends a page whose `<script>` blocks or
 * `onclick` handlers build the model, the page held in a template literal (its parts possibly joined
 * by `+` around values: `` `<script>msg = '` + note + `'</script>` ``). The page is the file's text
 * with everything but those literals' own text blanked (line breaks kept), so its scripts keep the
 * file's lines, columns and offsets; html.ts then takes the scripts out of the page as for a `.html`
 * file. Only literals whose text has a script (a `<script>` block or an `on...=` handler) that
 * mentions tfjs make a page.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { forEachChild } from './ast';
import { mentionsTfjs } from './parse';

const HAS_SCRIPT = /<script\b|<[a-z][\w-]*\s[^<>]*\bon[a-z]+\s*=/i;

/** The file's served pages as one page text of the file's length, or null when it writes none. */
export function servedPage(ast: TSESTree.Program, source: string): string | null {
  if (!source.includes('`') || !HAS_SCRIPT.test(source)) return null;
  const kept: [number, number][] = [];
  const visit = (node: TSESTree.Node): void => {
    const chain = pieces(node);
    if (!chain) return forEachChild(node, visit);
    const text = chain.parts.map(([from, to]) => source.slice(from, to)).join('');
    if (chain.parts.length > 0 && HAS_SCRIPT.test(text) && mentionsTfjs(text))
      kept.push(...chain.parts);
    // A chain's `+` spine is walked once: only what its pieces hold (`${...}`, calls) is visited.
    else for (const inner of chain.inner) visit(inner);
  };
  visit(ast);
  if (kept.length === 0) return null;
  const out = source.replace(/[^\n\r]/g, ' ').split('');
  for (const [from, to] of kept) for (let i = from; i < to; i++) out[i] = source[i]!;
  return out.join('');
}

interface Chain {
  /** [start, end) offsets of each literal piece's characters, delimiters left out. */
  parts: [number, number][];
  /** The nodes inside the chain that are not its literal text: substitutions, other operands. */
  inner: TSESTree.Node[];
}

/** A template literal, or a `+` chain of operands: its literal text and what else it holds. */
function pieces(node: TSESTree.Node): Chain | null {
  if (node.type === 'TemplateLiteral') return { parts: quasis(node), inner: node.expressions };
  if (node.type !== 'BinaryExpression' || node.operator !== '+') return null;
  const leaves: TSESTree.Node[] = [];
  const flatten = (n: TSESTree.Node): void => {
    if (n.type === 'BinaryExpression' && n.operator === '+') {
      flatten(n.left);
      flatten(n.right);
    } else leaves.push(n);
  };
  flatten(node);
  const chain: Chain = { parts: [], inner: [] };
  const templated = leaves.some((leaf) => leaf.type === 'TemplateLiteral');
  for (const leaf of leaves) {
    if (leaf.type === 'TemplateLiteral') {
      chain.parts.push(...quasis(leaf));
      chain.inner.push(...leaf.expressions);
    } else if (leaf.type === 'Literal' && typeof leaf.value === 'string') {
      // Without a template literal in it the chain is no page (plain strings are data).
      if (templated) chain.parts.push([leaf.range[0] + 1, leaf.range[1] - 1]);
    } else chain.inner.push(leaf);
  }
  return chain;
}

/** A template's text pieces: each quasi without its `` ` ``, `${` or `}` delimiters. */
function quasis(node: TSESTree.TemplateLiteral): [number, number][] {
  return node.quasis.map((q) => [q.range[0] + 1, q.range[1] - (q.tail ? 1 : 2)]);
}
