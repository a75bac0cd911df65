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
