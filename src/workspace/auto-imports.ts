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
        for (const name of exportedNames(read(file))) if (!names.has(name)) names.set(name, file);
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

  /**
   * Whether an edit of `file` from `before` to `after` can change what a bare name stands for: a
   * config, or a file of an auto-import folder that now exports other names (an edit of a body,
   * most keystrokes there, changes only that file's readers, as any edit does).
   */
  affects(file: string, before: string | undefined, after: string | undefined): boolean {
    if (CONFIG.test(file)) return true;
    if (![...this.roots.keys()].some((root) => isAutoImported(root, file))) return false;
    return exportedNames(before).join('\0') !== exportedNames(after).join('\0');
  }
}

function exportedNames(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(EXPORTED)].map((match) => match[1]);
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
