/**
 * Imports of the workspace's own Python modules: `from .blocks import conv_block`, `from model
 * import build_model`, `import blocks as b`. The host finds the file (workspace/index.ts); the
 * module's top level runs once per analysis in its own scope, and its functions and classes then run
 * as the analysed file's do, their spans naming their own file. Models its top level builds belong
 * to that file (reported when it is analysed), not to the importer.
 */
import type { PyInterp, PyModule } from './interpreter';
import { Lines, importMode, parsePython, type PyParse } from './parse';
import { explore } from './paths';
import { Scope } from './values';

export interface PythonModuleHost {
  /** The workspace file a module name names (`blocks`, level 1 for `.blocks`), or null. */
  resolve(module: string, level: number, fromFile: string): string | null;
  /** The file's text, or null when it cannot be read. */
  load(file: string): string | null;
  /** Workspace Python files that import `file`, nearest first (none when the host cannot tell). */
  importers?(file: string): string[];
}

/** More imported modules than this in one analysis are left unknown. */
const MAX_MODULES = 32;
/** Importers run per analysis (a builder imported by every script of a project runs the first). */
const MAX_IMPORTERS = 8;
/** Steps each importer may run (a long data-processing script stops there, not the analysis). */
const IMPORTER_STEPS = 60_000;
/** Tests build toy models and train them a step: as importers they would train models nobody trains. */
const TEST_FILE = /(?:^|[\\/])(?:test_[^\\/]*|[^\\/]*_test|conftest)\.py$|[\\/]tests?[\\/]/;

/** The top-level scope of the workspace module `dotted` names (`.blocks`, `model`), or null. */
export function importModule(ip: PyInterp, dotted: string): Scope | null {
  const host = ip.host;
  if (!host) return null;
  const level = /^\.*/.exec(dotted)![0].length;
  const name = dotted.slice(level);
  const file = host.resolve(name, level, ip.module.file ?? ip.filePath);
  if (!file) return null;
  // An importer being run (runImporters) imports the analysed file: its names are the ones run.
  if (file === ip.filePath) return ip.module === ip.main ? null : ip.mainScope;
  if (ip.loaded.has(file)) return ip.loaded.get(file) ?? null;
  if (ip.loaded.size >= MAX_MODULES) return null;
  const loaded = loadModule(host, file, name.split('.').pop() || '__init__');
  if (!loaded) return null;
  const { module, parsed } = loaded;
  ip.loaded.set(file, null);
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

/**
 * Runs the workspace files that import the analysed one, each as a script (`__main__`): a builder
 * they call gets their arguments, and what they do with the model it returns (compile, fit, a
 * custom loop with its clipping) is recorded on it. Models their own code builds are theirs.
 */
export function runImporters(ip: PyInterp): void {
  const host = ip.host;
  // A file that makes no model (no layer call, no model class) has none for importers to train.
  if (!host?.importers || !ip.mainScope || !buildsModels(ip)) return;
  const files = host
    .importers(ip.filePath)
    .filter((file) => file !== ip.filePath && !TEST_FILE.test(file))
    .slice(0, MAX_IMPORTERS);
  for (const file of files) {
    const loaded = loadModule(host, file, '__main__');
    if (!loaded) continue;
    const { module, parsed } = loaded;
    const kept = [ip.models.length, ip.clipCalls.length, ip.looseLoops.length] as const;
    const scope = new Scope(null);
    ip.aside(IMPORTER_STEPS, () =>
      ip.inModule(module, () =>
        explore(
          ip,
          () => ip.runModule(parsed.tree.topNode, scope),
          () => scope.restore(new Map()),
        ),
      ),
    );
    const made = ip.models.splice(kept[0]);
    const mine = made.filter((m) => m.anchor.file === undefined);
    for (const rec of mine) {
      // Another call of a builder this file calls too: its first build, with this training added.
      const own = ip.models.find((m) => m.anchor.start === rec.anchor.start && !m.speculative);
      if (own) rec.run = own.run;
    }
    ip.models.push(...mine);
    if (mine.length === 0) {
      // It trained none of this file's models: its clipping and loops are about its own.
      ip.clipCalls.length = kept[1];
      ip.looseLoops.length = kept[2];
    }
  }
}

function buildsModels(ip: PyInterp): boolean {
  return (
    ip.models.length > 0 || ip.builderNames !== null || /^class\s+\w+\s*\(/m.test(ip.main.source)
  );
}

/** A workspace file as a module to run (null when it cannot be read or parsed). */
function loadModule(
  host: PythonModuleHost,
  file: string,
  name: string,
): { module: PyModule; parsed: Extract<PyParse, { ok: true }> } | null {
  const source = host.load(file);
  if (source === null) return null;
  const parsed = parseModule(file, source);
  if (!parsed.ok) return null;
  const module = {
    source: parsed.text,
    lines: new Lines(source, file),
    imports: importMode(source),
    name,
    file,
  };
  return { module, parsed };
}

/**
 * The last parse of each workspace module: an editor re-analyses a builder file on every keystroke,
 * and the modules it imports and the scripts that import it are the same texts each time (Lezer's
 * trees are immutable, so analyses may share them).
 */
const parses = new Map<string, { source: string; parsed: PyParse }>();
const MAX_PARSES = 64;

function parseModule(file: string, source: string): PyParse {
  const known = parses.get(file);
  if (known?.source === source) return known.parsed;
  const parsed = parsePython(source);
  parses.delete(file);
  if (parses.size >= MAX_PARSES) parses.delete(parses.keys().next().value!);
  parses.set(file, { source, parsed });
  return parsed;
}
