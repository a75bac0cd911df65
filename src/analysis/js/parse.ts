import { parse, TSError, type TSESTree } from '@typescript-eslint/typescript-estree';
import * as ts from 'typescript';
import type { ParseProblem } from '../ir';
import { htmlScripts, isHtmlFile, withoutPiece, type PageScripts } from './html';

/** Files larger than this are not parsed: a model file is never this big, and parsing would stall the editor. */
export const MAX_SOURCE_LENGTH = 2 * 1024 * 1024;

const PREFIX = '@tensorflow/tfjs';
const SPECIFIER_TAIL = /^(?:-node-gpu|-node|-layers)?['"`/]/;

/**
 * A `tf` used the way tfjs is (`tf.sequential(`, `tf.layers.`, `tf.train.`, ...) with no import: a page
 * that loads tfjs with a `<script>` tag, or a function that gets `tf` as a parameter.
 */
const GLOBAL_TF = /tf\.(?:sequential|model|layers|train|input|load(?:Layers|Graph)Model)\b/g;

/**
 * Cheap pre-check (no parse): a file that neither names a tfjs module nor uses `tf` the way tfjs is
 * used cannot build a tfjs model. Both tests are linear scans with a literal prefix.
 */
export function mentionsTfjs(source: string): boolean {
  return namesTfjsModule(source) || usesGlobalTf(source);
}

function usesGlobalTf(source: string): boolean {
  // One regex scan (a literal-prefix search); a hit preceded by a name character is someone else's `tf`.
  GLOBAL_TF.lastIndex = 0;
  for (let hit = GLOBAL_TF.exec(source); hit; hit = GLOBAL_TF.exec(source)) {
    if (hit.index === 0 || !isIdentifierChar(source.charCodeAt(hit.index - 1))) return true;
  }
  return false;
}

function isIdentifierChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 ||
    code === 36 ||
    code === 46 // `x.tf.layers` is someone's property, not the global
  );
}

export function namesTfjsModule(source: string): boolean {
  for (let at = source.indexOf(PREFIX); at >= 0; at = source.indexOf(PREFIX, at + 1)) {
    const tail = source.slice(at + PREFIX.length, at + PREFIX.length + 12);
    if (SPECIFIER_TAIL.test(tail)) return true;
  }
  return false;
}

export type ParseOutcome =
  { ok: true; ast: TSESTree.Program } | { ok: false; problem: ParseProblem };

/**
 * What the analysis reads from a tree: node ranges and locations. No comments: nothing reads them
 * (the linter scans its directives itself), and converting them walks every token of the file,
 * 30-45% of the parse with them on the tfjs-examples tree (bench/workspace.bench.ts).
 * loc stays: without it typescript-estree makes one more pass over the tree to delete it.
 * JSDoc is not parsed: ESTree has no place for it (the same trees on all 1,643 parsable files of
 * the labelled repositories), and TypeScript's JSDoc parser was 1-2% of a builder file's parse.
 * allowInvalidAST: typescript-estree's grammar checks (modifiers, decorators, two `default`
 * clauses, a catch clause with an initializer...) run on every node and only ever throw; they were
 * about 15% of the parse. A valid file gives the same tree; TypeScript's own parse errors are still
 * syntax problems; a file only the checks would reject is analysed like any other (its models are
 * as plain to read). Of the 4,007 JS/TS files of the mirrored repositories, one parses otherwise:
 * its checks overflowed the stack, so its string chains were flattened first (same models).
 */
export const PARSE_OPTIONS = {
  loc: true,
  range: true,
  jsDocParsingMode: 'none',
  allowInvalidAST: true,
} as const;

/**
 * Parses JS/TS/JSX/TSX, and the scripts of an HTML page. `.js` files may contain JSX, but JSX mode rejects TS-style `<T>x` casts,
 * so plain scripts are tried with JSX first and then without; `.ts` never has JSX.
 */
export function parseSource(source: string, filePath: string): ParseOutcome {
  if (source.length > MAX_SOURCE_LENGTH) {
    return {
      ok: false,
      problem: {
        kind: 'too-large',
        message: `file is larger than ${MAX_SOURCE_LENGTH} characters; not analyzed`,
        line: 1,
        column: 1,
      },
    };
  }
  if (isHtmlFile(filePath)) return parseScripts(htmlScripts(source), filePath);
  return parseCode(source, filePath);
}

function parseCode(code: string, filePath: string): ParseOutcome {
  const attempts = jsxAttempts(filePath);
  let firstError: unknown;
  for (const jsx of attempts) {
    try {
      return { ok: true, ast: parseTree(code, jsx) };
    } catch (error) {
      firstError ??= error;
    }
  }
  // A text pasted in as thousands of `"line\n" +` pieces nests too deep for the parser's stack.
  if (firstError instanceof RangeError) {
    const flat = flattenStringChains(code);
    if (flat !== code) {
      for (const jsx of attempts) {
        try {
          return { ok: true, ast: parseTree(flat, jsx) };
        } catch {
          // the first error is the one reported
        }
      }
    }
  }
  return { ok: false, problem: toProblem(firstError) };
}

const STRING = String.raw`(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')`;
const STRING_CHAIN = new RegExp(String.raw`${STRING}(?:\s*\+\s*${STRING})+`, 'g');
/** Chains shorter than this parse fine; only the long ones are rewritten. */
const LONG_CHAIN = 64;

/**
 * Each long chain of string literals joined by `+` becomes one template literal of the same length
 * (its text blanked, its line breaks kept), so every offset and line of the file stays where it was.
 * What the text said is lost: it is data (a corpus, a word list), not model code.
 */
export function flattenStringChains(code: string): string {
  return code.replace(STRING_CHAIN, (chain) => {
    if ((chain.match(/\+/g)?.length ?? 0) < LONG_CHAIN) return chain;
    return `\`${chain.slice(1, -1).replace(/[^\n\r]/g, ' ')}\``;
  });
}

/**
 * typescript-estree's parse, from a TypeScript tree made here so that it can be let go of once
 * converted. TypeScript (5.5 and later) keeps the children it lists for a node (typescript-estree
 * asks for them around `export` keywords and a few other tokens) in a module-wide WeakMap keyed by
 * the file's tree; V8's young-generation collector keeps such entries alive, so every file's whole
 * tree was promoted to the old generation and died there: 111 KB promoted per generated model file
 * with the map, 29 KB once the entry is moved off the tree (scavenges' pause time halved; measured
 * on 6,000 files of test/lint/model-code.ts, 2026-12-02). The tree is the one parse() makes itself:
 * its file name (which sets the script kind) and options. The entry is moved to one object kept
 * here (each file's replaces the last): TypeScript has no call to delete it.
 */
function parseTree(code: string, jsx: boolean): TSESTree.Program {
  const tree = typescriptTree(code, jsx);
  try {
    // typescript-estree takes a tree where it takes a text (its type says text only).
    return parse(tree as unknown as string, { ...PARSE_OPTIONS, jsx });
  } finally {
    releaseChildren?.(tree, RELEASED);
  }
}

/**
 * TypeScript's tree of a text as typescript-estree's parse() makes it for its own source files:
 * the file name sets the script kind; JSDoc is not parsed (see PARSE_OPTIONS).
 */
export function typescriptTree(code: string, jsx: boolean): ts.SourceFile {
  return ts.createSourceFile(
    jsx ? 'estree.tsx' : 'estree.ts',
    code,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    true,
    jsx ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
}

const RELEASED = {};
const releaseChildren = (
  ts as unknown as { transferSourceFileChildren?: (from: object, to: object) => void }
).transferSourceFileChildren;

const MAX_BROKEN_PIECES = 8;

/** A page's text (a page a script writes out, served-pages.ts) parsed as a `.html` file is. */
export function parsePage(html: string): ParseOutcome {
  return parseScripts(htmlScripts(html), 'page.html');
}

/** A page parses as its scripts, at their own offsets (html.ts); a broken script is left out. */
function parseScripts(scripts: PageScripts, filePath: string): ParseOutcome {
  let first: ParseOutcome | null = null;
  for (let tries = 0; tries <= MAX_BROKEN_PIECES; tries++) {
    const outcome = parseCode(scripts.code, filePath);
    if (outcome.ok) return outcome;
    first ??= outcome;
    const rest = withoutPiece(scripts, offsetOf(scripts.code, outcome.problem));
    if (!rest) break;
    scripts = rest;
  }
  return first!;
}

function offsetOf(code: string, at: { line: number; column: number }): number {
  let offset = 0;
  for (let line = 1; line < at.line; line++) {
    const next = code.indexOf('\n', offset);
    if (next < 0) return code.length;
    offset = next + 1;
  }
  return offset + at.column - 1;
}

/** The JSX settings parseSource tries for a file, in order (the benches parse the same way). */
export function jsxAttempts(filePath: string): boolean[] {
  const lower = filePath.toLowerCase();
  if (lower.endsWith('.tsx') || lower.endsWith('.jsx')) return [true];
  if (/\.[cm]?ts$/.test(lower)) return [false];
  return [true, false];
}

function toProblem(error: unknown): ParseProblem {
  if (error instanceof TSError) {
    return {
      kind: 'syntax',
      message: error.message,
      line: error.location.start.line,
      column: error.location.start.column + 1,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message: `parser failed: ${message}`, line: 1, column: 1 };
}

/**
 * A file that ends in tokens that do nothing (`tf.losses.` left half-typed, a stray `.` after the
 * last call) still says what it builds: its tree without them, or null. Only the end of the file is
 * left out, and only when what is left out calls, assigns and declares nothing, so no model changes;
 * a broken statement anywhere else, or one that calls (`model.add(tf.layers.dense({ units: }))`),
 * keeps the file unread. The syntax problem is reported all the same (analyze keeps it).
 */
export function withoutTrailingJunk(code: string, filePath: string): TSESTree.Program | null {
  if (isHtmlFile(filePath) || code.length > MAX_SOURCE_LENGTH) return null;
  for (const jsx of jsxAttempts(filePath)) {
    const tree = typescriptTree(code, jsx);
    const diagnostics = (tree as unknown as { parseDiagnostics?: { start: number }[] })
      .parseDiagnostics;
    const first = diagnostics?.[0]?.start;
    if (first === undefined) continue;
    const statements = tree.statements;
    const last = statements[statements.length - 1];
    let cut: number;
    if (last && first >= last.getStart(tree) && first <= last.end && doesNothing(last))
      cut = last.getStart(tree);
    else if (!last || first >= last.end) cut = last ? last.end : 0;
    else continue;
    const kept = code.slice(0, cut) + code.slice(cut).replace(/[^\n\r]/g, ' ');
    try {
      return parseTree(kept, jsx);
    } catch {
      // not junk at the end after all
    }
  }
  return null;
}

/** No call, `new`, assignment, update, declaration or function in the node. */
function doesNothing(node: ts.Node): boolean {
  if (
    ts.isCallExpression(node) ||
    ts.isNewExpression(node) ||
    ts.isDeclarationStatement(node) ||
    ts.isVariableStatement(node) ||
    ts.isFunctionLike(node) ||
    ts.isPrefixUnaryExpression(node) ||
    ts.isPostfixUnaryExpression(node) ||
    ts.isDeleteExpression(node) ||
    ts.isAwaitExpression(node) ||
    ts.isTaggedTemplateExpression(node) ||
    (ts.isBinaryExpression(node) &&
      node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      node.operatorToken.kind <= ts.SyntaxKind.LastAssignment)
  )
    return false;
  return !ts.forEachChild(node, (child) => (doesNothing(child) ? undefined : true));
}
