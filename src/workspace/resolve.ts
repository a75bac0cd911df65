/**
 * Module resolution inside one workspace root, the way bundlers and TypeScript resolve relative
 * specifiers: the exact file, the file with a source extension, a `.js` specifier naming its `.ts`
 * source, a directory's `index` file. Never a path outside the root or inside node_modules.
 */
import { dirname, isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';

const EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
/** TypeScript's rule: `import './model.js'` in a .ts project names model.ts. */
const SOURCE_FOR_OUTPUT: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

export function isRelativeSpecifier(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || /^\.\.?\//.test(specifier);
}

/** True when `file` is inside `root` and not under a node_modules folder. */
export function mayRead(root: string, file: string): boolean {
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
  return !rel.split(sep).includes('node_modules');
}

/** The candidate files a relative specifier may name, in resolution order. */
export function candidates(specifier: string, fromFile: string): string[] {
  const base = resolvePath(dirname(fromFile), specifier);
  const out = [base];
  const ext = EXTENSIONS.find((e) => base.endsWith(e));
  if (ext) {
    const stem = base.slice(0, -ext.length);
    for (const source of SOURCE_FOR_OUTPUT[ext] ?? []) out.push(stem + source);
  } else {
    for (const e of EXTENSIONS) out.push(base + e);
  }
  for (const e of EXTENSIONS) out.push(join(base, `index${e}`));
  return out;
}

/**
 * The file a relative specifier names, or null when none of its candidates exists in the
 * workspace (or the specifier is not relative, or it leaves the root, or enters node_modules).
 */
export function resolveSpecifier(
  specifier: string,
  fromFile: string,
  root: string,
  exists: (file: string) => boolean,
): string | null {
  if (!isRelativeSpecifier(specifier)) return null;
  for (const file of candidates(specifier, fromFile)) {
    if (!mayRead(root, file)) return null;
    if (exists(file)) return file;
  }
  return null;
}

/**
 * The files a Python import may name, in the order Python would find them: relative imports
 * (`from .blocks import x`, level 1) from the importing file's package; absolute ones (`from model
 * import build`) from the script's own folder, then each folder up to the root (a project run from
 * its root, a package imported by its dotted path). A module is `name.py` or `name/__init__.py`.
 */
export function pythonCandidates(
  module: string,
  level: number,
  fromFile: string,
  root: string,
): string[] {
  const bases: string[] = [];
  if (level > 0) {
    let base = dirname(fromFile);
    for (let i = 1; i < level; i++) base = dirname(base);
    bases.push(base);
  } else {
    for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
      const rel = relative(root, dir);
      if (rel.startsWith('..') || isAbsolute(rel)) break;
      bases.push(dir);
      if (rel === '' || dirname(dir) === dir) break;
    }
  }
  const parts = module ? module.split('.') : [];
  const out: string[] = [];
  for (const base of bases) {
    const stem = join(base, ...parts);
    if (parts.length > 0) out.push(`${stem}.py`);
    out.push(join(stem, '__init__.py'));
  }
  return out.filter((file) => mayRead(root, file));
}
