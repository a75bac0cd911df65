/**
 * Module resolution inside one workspace root, the way bundlers and TypeScript resolve relative
 * specifiers: the exact file, the file with a source extension, a `.js` specifier naming its `.ts`
 * source, a directory's `index` file; bare specifiers through the project's tsconfig/jsconfig path
 * aliases. Never a path outside the root or inside node_modules.
 */
import { dirname, isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';
import * as ts from 'typescript';

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
 * workspace (or it leaves the root, or enters node_modules). A bare specifier names a file only
 * through the workspace's path aliases (`@acme/helpers` mapped to `packages/helpers/src/index.ts`).
 */
export function resolveSpecifier(
  specifier: string,
  fromFile: string,
  root: string,
  exists: (file: string) => boolean,
  aliases: readonly PathAlias[] = [],
): string | null {
  if (!isRelativeSpecifier(specifier)) {
    for (const target of aliasTargets(specifier, aliases)) {
      for (const file of candidates(target, fromFile)) {
        if (mayRead(root, file) && exists(file)) return file;
      }
    }
    return null;
  }
  for (const file of candidates(specifier, fromFile)) {
    if (!mayRead(root, file)) return null;
    if (exists(file)) return file;
  }
  return null;
}

/** One `compilerOptions.paths` entry: a pattern (at most one `*`) and its absolute targets. */
export interface PathAlias {
  pattern: string;
  targets: string[];
}

const CONFIG_FILES = ['tsconfig.json', 'tsconfig.base.json', 'jsconfig.json'];

/**
 * The path aliases of the root's TypeScript/JavaScript configs (`tsconfig.json`, an Nx or monorepo
 * `tsconfig.base.json`, `jsconfig.json`, and the configs they extend inside the root), the way
 * TypeScript maps a bare specifier to a file of the project: targets are relative to `baseUrl`
 * (else to the config's folder). A config that cannot be read or parsed adds nothing.
 */
export function readPathAliases(
  root: string,
  readFile: (file: string) => string | undefined,
): PathAlias[] {
  const out: PathAlias[] = [];
  const seen = new Set<string>();
  const visit = (file: string, depth: number): void => {
    if (depth > 4 || seen.has(file) || !mayRead(root, file)) return;
    seen.add(file);
    const config = parseJsonc(file, readFile(file));
    if (!config) return;
    if (typeof config.extends === 'string' && isRelativeSpecifier(config.extends)) {
      const base = resolvePath(dirname(file), config.extends);
      visit(base.endsWith('.json') ? base : `${base}.json`, depth + 1);
    }
    const options = config.compilerOptions;
    if (!isRecord(options) || !isRecord(options.paths)) return;
    const baseDir =
      typeof options.baseUrl === 'string'
        ? resolvePath(dirname(file), options.baseUrl)
        : dirname(file);
    for (const [pattern, targets] of Object.entries(options.paths)) {
      if (!Array.isArray(targets)) continue;
      const absolute = targets.filter((t): t is string => typeof t === 'string');
      out.push({ pattern, targets: absolute.map((t) => resolvePath(baseDir, t)) });
    }
  };
  for (const name of CONFIG_FILES) visit(join(root, name), 0);
  return out;
}

/** The absolute paths a bare specifier maps to, exact patterns first, then the longest prefix. */
function aliasTargets(specifier: string, aliases: readonly PathAlias[]): string[] {
  const exact = aliases.filter((a) => a.pattern === specifier).flatMap((a) => a.targets);
  const wild = aliases
    .map((a) => ({ a, star: a.pattern.indexOf('*') }))
    .filter(({ a, star }) => {
      if (star < 0) return false;
      const prefix = a.pattern.slice(0, star);
      const suffix = a.pattern.slice(star + 1);
      return (
        specifier.length >= prefix.length + suffix.length &&
        specifier.startsWith(prefix) &&
        specifier.endsWith(suffix)
      );
    })
    .sort((x, y) => y.star - x.star)
    .flatMap(({ a, star }) => {
      const matched = specifier.slice(star, specifier.length - (a.pattern.length - star - 1));
      return a.targets.map((t) => t.replace('*', matched));
    });
  return [...exact, ...wild];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A config as TypeScript reads it (comments, trailing commas); null when it is not an object. */
function parseJsonc(file: string, text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return null;
  const { config, error } = ts.parseConfigFileTextToJson(file, text);
  return !error && isRecord(config) ? config : null;
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
