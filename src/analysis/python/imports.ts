/**
 * Imports of the workspace's own Python modules: `from .blocks import conv_block`, `from model
 * import build_model`, `import blocks as b`. The host finds the file (workspace/index.ts); the
 * module's top level runs once per analysis in its own scope, and its functions and classes then run
 * as the analysed file's do, their spans naming their own file. Models its top level builds belong
 * to that file (reported when it is analysed), not to the importer.
 */
import type { PyInterp, PyModule } from './interpreter';
import { Lines, importsKeras, parsePython } from './parse';
import { Scope } from './values';

export interface PythonModuleHost {
  /** The workspace file a module name names (`blocks`, level 1 for `.blocks`), or null. */
  resolve(module: string, level: number, fromFile: string): string | null;
  /** The file's text, or null when it cannot be read. */
  load(file: string): string | null;
}

/** More imported modules than this in one analysis are left unknown. */
const MAX_MODULES = 32;

/** The top-level scope of the workspace module `dotted` names (`.blocks`, `model`), or null. */
export function importModule(ip: PyInterp, dotted: string): Scope | null {
  const host = ip.host;
  if (!host) return null;
  const level = /^\.*/.exec(dotted)![0].length;
  const name = dotted.slice(level);
  const file = host.resolve(name, level, ip.module.file ?? ip.filePath);
  if (!file || file === ip.filePath) return null;
  if (ip.loaded.has(file)) return ip.loaded.get(file) ?? null;
  if (ip.loaded.size >= MAX_MODULES) return null;
  const source = host.load(file);
  if (source === null) return null;
  const parsed = parsePython(source);
  if (!parsed.ok) return null;
  ip.loaded.set(file, null);
  const module: PyModule = {
    source: parsed.text,
    lines: new Lines(source, file),
    imports: { globals: !importsKeras(source) },
    name: name.split('.').pop() || '__init__',
    file,
  };
  const scope = new Scope(null);
  const kept = [ip.models.length, ip.clipCalls.length, ip.looseLoops.length] as const;
  const path = ip.path;
  ip.path = null;
  try {
    ip.inModule(module, () => ip.runModule(parsed.tree.topNode, scope));
  } finally {
    ip.path = path;
    ip.models.length = kept[0];
    ip.clipCalls.length = kept[1];
    ip.looseLoops.length = kept[2];
  }
  ip.loaded.set(file, scope);
  return scope;
}
