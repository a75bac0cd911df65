/**
 * A file's module specifiers found without a parse (one regex pass): enough to know which files
 * may import which, so only the files that matter are parsed. Over-matching (a specifier inside a
 * string or comment) costs at most one extra parse; the parse decides what is really imported.
 */
export interface ScannedImports {
  /**
   * Every specifier the file imports, requires or re-exports: relative ones, and package names
   * (a workspace path alias may map one to a file of the workspace).
   */
  imports: string[];
  /** The subset the file re-exports (`export * from`, `export {x} from`). */
  reexports: string[];
}

const SPECIFIER =
  /\b(?:(export)\s[^;'"`]*?\bfrom|import(?:\s[^;'"`]*?\bfrom)?|require\s*\(|import\s*\()\s*['"]([^'"\n\s]+)['"]/g;

export function scanImports(source: string): ScannedImports {
  const imports = new Set<string>();
  const reexports = new Set<string>();
  for (const match of source.matchAll(SPECIFIER)) {
    imports.add(match[2]);
    if (match[1]) reexports.add(match[2]);
  }
  return { imports: [...imports], reexports: [...reexports] };
}

const TFJS_SPECIFIER = `['"]@tensorflow/tfjs(?:-node-gpu|-node|-layers|-core)?['"]`;
const TFJS_IMPORT = new RegExp(
  `\\bimport\\s+(?:type\\s+)?([^;'"\`]*?)\\s+from\\s*${TFJS_SPECIFIER}|\\b(?:const|let|var)\\s+([\\w$]+)\\s*=\\s*require\\s*\\(\\s*${TFJS_SPECIFIER}`,
  'g',
);
const TFJS_REEXPORT = new RegExp(
  `\\bexport\\s[^;'"\`]*?\\bfrom\\s*${TFJS_SPECIFIER}|module\\.exports\\s*=\\s*require\\s*\\(\\s*${TFJS_SPECIFIER}`,
);

/**
 * Whether a module hands tfjs on: it re-exports tfjs (`export * from '@tensorflow/tfjs'`) or
 * exports names it imported from tfjs (`import * as tf from '@tensorflow/tfjs-node';
 * export { tf, layers }`, `export default tf`, `module.exports = tf`). A file importing such a
 * module can build a model without naming tfjs itself (`import { layers } from './tf'`).
 */
export function reexportsTfjs(source: string): boolean {
  if (TFJS_REEXPORT.test(source)) return true;
  const names = new Set<string>();
  for (const match of source.matchAll(TFJS_IMPORT)) {
    const bound = match[1] ?? match[2];
    for (const name of bound.matchAll(/(?:\bas\s+)?([\w$]+)\s*(?=,|}|$)/g)) names.add(name[1]);
  }
  if (names.size === 0) return false;
  const exported = (list: string) =>
    list.split(',').some((part) => names.has(part.trim().split(/\s+as\s+/)[0]));
  for (const match of source.matchAll(/\bexport\s*\{([^}]*)\}(?!\s*from)/g))
    if (exported(match[1])) return true;
  const single = /\b(?:export\s+default|module\.exports\s*=)\s*([\w$]+)\s*;?\s*$/gm;
  for (const match of source.matchAll(single)) if (names.has(match[1])) return true;
  return false;
}

/** A Python import's module: its dotted name and its level (the leading dots of a relative one). */
export interface PythonImport {
  module: string;
  level: number;
}

const PY_FROM = /^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([^\n#)]*)/gm;
const PY_IMPORT = /^[ \t]*import[ \t]+([\w., \t]+)/gm;

/**
 * The modules a Python file imports, found by one pass over its lines: `from x import a` names `x`
 * and, when `x` is a package, its module `x.a`; `import a.b as c` names `a.b`. Keras and other
 * libraries are named too; the workspace keeps those that are its files.
 */
export function scanPythonImports(source: string): PythonImport[] {
  const out: PythonImport[] = [];
  for (const match of source.matchAll(PY_FROM)) {
    const level = match[1].length;
    const module = match[2];
    if (module) out.push({ module, level });
    for (const name of match[3].split(',')) {
      const imported = /^\s*(\w+)/.exec(name)?.[1];
      if (imported) out.push({ module: module ? `${module}.${imported}` : imported, level });
    }
  }
  for (const match of source.matchAll(PY_IMPORT)) {
    for (const part of match[1].split(',')) {
      const module = /^\s*([\w.]+)/.exec(part)?.[1];
      if (module) out.push({ module, level: 0 });
    }
  }
  return out;
}
