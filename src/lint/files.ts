/**
 * Which files `gradient-lens lint [paths...]` lints. Files named explicitly are always linted;
 * folders are walked for JS/TS, HTML pages and Vue/Svelte components (their scripts) and Python sources, skipping node_modules, .git and whatever the .gitignore
 * files ignore (those of the folder and its parents up to the repository root, as git reads them).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const SOURCE_EXTENSIONS = [
  '.js',
  '.mjs',
  '.cjs',
  '.jsx',
  '.ts',
  '.mts',
  '.cts',
  '.tsx',
  '.py',
  '.html',
  '.htm',
  '.vue',
  '.svelte',
];
const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

export class FileSelectionError extends Error {
  override name = 'FileSelectionError';
}

interface IgnoreFile {
  base: string;
  matcher: Ignore;
}

/** Absolute paths to lint, sorted and without duplicates. Throws FileSelectionError for a missing path. */
export function collectFiles(paths: readonly string[], cwd: string): string[] {
  const found = new Set<string>();
  for (const given of paths.length > 0 ? paths : ['.']) {
    const path = resolve(cwd, given);
    const stats = statOrNull(path);
    if (!stats) throw new FileSelectionError(`no such file or directory: ${given}`);
    if (stats.isFile()) found.add(path);
    else if (stats.isDirectory()) walk(path, ancestorIgnores(path, cwd), found);
    else throw new FileSelectionError(`not a file or directory: ${given}`);
  }
  return [...found].sort();
}

export function isSourceFile(path: string): boolean {
  return SOURCE_EXTENSIONS.some((ext) => path.endsWith(ext)) && !path.endsWith('.d.ts');
}

function walk(directory: string, inherited: IgnoreFile[], found: Set<string>): void {
  const own = readIgnoreFile(directory);
  const ignores = own ? [...inherited, own] : inherited;
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return; // an unreadable folder inside a tree is skipped, as git would
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (ALWAYS_SKIPPED.has(entry.name)) continue;
    const path = join(directory, entry.name);
    // Symlinked folders are not followed: they can loop.
    if (entry.isDirectory()) {
      if (!isIgnored(path, true, ignores)) walk(path, ignores, found);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && isSourceFile(entry.name)) {
      if (!isIgnored(path, false, ignores) && statOrNull(path)?.isFile()) found.add(path);
    }
  }
}

/** The last matching pattern wins, and deeper .gitignore files come later, as in git. */
function isIgnored(path: string, isDirectory: boolean, ignores: IgnoreFile[]): boolean {
  let ignored = false;
  for (const { base, matcher } of ignores) {
    const rel = relative(base, path).split(sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    const outcome = matcher.test(isDirectory ? `${rel}/` : rel);
    if (outcome.ignored) ignored = true;
    else if (outcome.unignored) ignored = false;
  }
  return ignored;
}

/**
 * .gitignore files above the walked folder still apply to it: those up to the repository root
 * (the nearest folder with .git), or up to the cwd when there is no repository.
 */
function ancestorIgnores(directory: string, cwd: string): IgnoreFile[] {
  const chain: string[] = [];
  let current = dirname(directory);
  const stopAtCwd = !findRepositoryRoot(directory);
  while (current !== directory) {
    if (stopAtCwd && relative(cwd, current).startsWith('..')) break;
    chain.unshift(current);
    if (existsSync(join(current, '.git'))) break;
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (existsSync(join(directory, '.git'))) chain.length = 0;
  return chain.map(readIgnoreFile).filter((file): file is IgnoreFile => file !== null);
}

function findRepositoryRoot(directory: string): string | null {
  for (let current = directory; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return null;
  }
}

function readIgnoreFile(directory: string): IgnoreFile | null {
  let text: string;
  try {
    text = readFileSync(join(directory, '.gitignore'), 'utf8');
  } catch {
    return null;
  }
  return { base: directory, matcher: ignore().add(text) };
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
