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
