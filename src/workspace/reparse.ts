/**
 * Incremental parsing for the files being edited in a workspace (the editor sends a new text per
 * keystroke). Apart from parseSource because only the workspace keeps trees from one text to the
 * next; the CLI and the ESLint plugin parse each text once.
 */
import { parseAndGenerateServices } from '@typescript-eslint/typescript-estree';
import * as ts from 'typescript';
import {
  jsxAttempts,
  MAX_SOURCE_LENGTH,
  PARSE_OPTIONS,
  type ParseOutcome,
  parseSource,
  typescriptTree,
} from '../analysis/js/parse';
import { isHtmlFile } from '../analysis/js/html';

/** A parse with TypeScript's syntax tree kept, so that the next text of the file reuses it. */
export interface KeptParse {
  outcome: ParseOutcome;
  /** TypeScript's tree of this text, parsed with the file's first JSX setting. */
  syntax?: KeptSyntax;
}

export interface KeptSyntax {
  tree: ts.SourceFile;
  jsx: boolean;
}

/**
 * parseSource for a file being edited: TypeScript's incremental parser reparses only what changed
 * since `previous` (the syntax kept from the file's last text), then typescript-estree converts that
 * tree as it converts its own. The tree is the one parseSource gets (typescript-estree's file name
 * and script kind for its own source files); on a syntax error parseSource decides, as it would
 * have. `previous` must not be used afterwards: TypeScript takes its nodes over.
 */
export function parseKeeping(source: string, filePath: string, previous?: KeptSyntax): KeptParse {
  // A page's scripts are cut out of its markup first; only whole scripts are kept as trees.
  if (source.length > MAX_SOURCE_LENGTH || isHtmlFile(filePath)) {
    return { outcome: parseSource(source, filePath) };
  }
  const jsx = jsxAttempts(filePath)[0];
  const tree =
    previous && previous.jsx === jsx
      ? ts.updateSourceFile(previous.tree, source, changeBetween(previous.tree.text, source))
      : typescriptTree(source, jsx);
  const syntax = { tree, jsx };
  try {
    const options = { ...PARSE_OPTIONS, jsx, preserveNodeMaps: false };
    return { outcome: { ok: true, ast: parseAndGenerateServices(tree, options).ast }, syntax };
  } catch {
    return { outcome: parseSource(source, filePath), syntax };
  }
}

/** The span of `before` that `after` replaces: what lies between their common prefix and suffix. */
function changeBetween(before: string, after: string): ts.TextChangeRange {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (
    tail < shorter - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  )
    tail++;
  return ts.createTextChangeRange(
    ts.createTextSpan(start, before.length - tail - start),
    after.length - tail - start,
  );
}
