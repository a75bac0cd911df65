/**
 * Names a framework makes global without an import: in a Nuxt project (a folder with a
 * nuxt.config), what `utils/` and `composables/` export is usable by name in every file of it
 * (https://nuxt.com/docs/guide/concepts/auto-imports). Found by regex over the files' text, as
 * scan.ts finds imports; the linker then reads the file a bare name stands for.
 */
import { dirname, join, relative, sep } from 'node:path';

const CONFIG = /(^|[\\/])nuxt\.config\.[cm]?[jt]s$/;
const AUTO_DIRS = ['utils', 'composables'];
const SOURCE = /\.[cm]?[jt]s$/;
const EXPORTED =
  /\bexport\s+(?:default\s+)?(?:async\s+)?(?:function\s*\*?\s*|(?:const|let|var)\s+)([A-Za-z_$][\w$]*)/g;

export class AutoImports {
  /** Per project root: each auto-imported name and the file that exports it. */
  private readonly roots = new Map<string, Map<string, string>>();

  constructor(files: Iterable<string>, read: (file: string) => string | undefined) {
    const list = [...files];
    for (const config of list.filter((f) => CONFIG.test(f))) {
      const root = dirname(config);
      const names = new Map<string, string>();
      for (const file of list) {
        if (!SOURCE.test(file) || !isAutoImported(root, file)) continue;
        for (const match of (read(file) ?? '').matchAll(EXPORTED)) {
          if (!names.has(match[1])) names.set(match[1], file);
        }
      }
      if (names.size > 0) this.roots.set(root, names);
    }
  }

  /** The file whose export `name` is, for code in `fromFile`; null when the name is not auto-imported. */
  fileOf(name: string, fromFile: string): string | null {
    for (const [root, names] of this.roots) {
      if (!isInside(root, fromFile)) continue;
      const file = names.get(name);
      if (file && file !== fromFile) return file;
    }
    return null;
  }

  /** The auto-import files `fromFile`'s text names (`createModel(` with no import of it). */
  targetsOf(fromFile: string, text: string): string[] {
    const out = new Set<string>();
    for (const [root, names] of this.roots) {
      if (!isInside(root, fromFile)) continue;
      for (const [name, file] of names) {
        if (file !== fromFile && new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\s*\\(`).test(text))
          out.add(file);
      }
    }
    return [...out];
  }

  /** Whether an edit of `file` can change the names (a config or a file of an auto-import folder). */
  affects(file: string): boolean {
    if (CONFIG.test(file)) return true;
    return [...this.roots.keys()].some((root) => isAutoImported(root, file));
  }
}

function isAutoImported(root: string, file: string): boolean {
  return AUTO_DIRS.some((dir) => dirname(file) === join(root, dir));
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return (
    rel !== '' &&
    !rel.startsWith('..') &&
    !rel.startsWith(sep) &&
    !rel.includes(`node_modules${sep}`)
  );
}
