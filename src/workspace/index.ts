/**
 * The workspace: every source file under one root, analysed with its imports. Files are read
 * through the host (the CLI reads the disk, the editor its open documents first), parsed once per
 * content and scanned for their imports; an analysis remembers every file it read, so an edit
 * re-analyses only that file and the files whose analyses read it.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import {
  analyze,
  isPythonFile,
  type LoadedModule,
  type ModuleHost,
  type PythonModuleHost,
} from '../analysis';
import type { AnalysisResult } from '../analysis/ir';
import { MAX_SOURCE_LENGTH, mentionsTfjs, parseSource } from '../analysis/js/parse';
import { type KeptSyntax, parseKeeping } from './reparse';
import { BUILDS } from '../analysis/js/paths';
import {
  mayRead,
  pythonCandidates,
  readPathAliases,
  resolveSpecifier,
  type PathAlias,
} from './resolve';
import { reexportsTfjs, scanImports, scanPythonImports, type ScannedImports } from './scan';
import { AutoImports } from './auto-imports';
import { InstanceGlobals } from './instance-globals';

export { mayRead, resolveSpecifier } from './resolve';

export interface WorkspaceHost {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(file: string): string | undefined;
  /** The workspace's source files (absolute paths); read once, to find who imports whom. */
  listFiles(): readonly string[];
}

export interface WorkspaceOptions {
  /** Files beyond this many (in listing order) are not indexed. */
  maxFiles?: number;
  /** Larger files are never parsed; imports of them stay unknown. */
  maxFileSize?: number;
  /**
   * Analyses kept for reuse, the least recently used dropped first (a dropped one is redone when
   * asked for again, with the same result). Unset: all of them, as an editor needs to tell which
   * files an edit makes stale (dependents). A lint run visits each file once: keeping every
   * file's analysis only grows the heap the garbage collector walks (bench/ci-scale.bench.ts).
   */
  maxAnalyses?: number;
}

export interface Workspace {
  readonly root: string;
  /** The file's models, with values, builder calls and training from the files it is linked to. */
  analyzeFile(file: string): AnalysisResult;
  /** The file's new text (an edit in the editor, a save): drops what depended on the old one. */
  update(file: string, text: string | undefined): void;
  /** Files whose analysis read `file` (they change when it changes). */
  dependents(file: string): string[];
  /** Files the analysis of `file` read besides itself (imports, importers, their imports). */
  linkedFiles(file: string): string[];
  /**
   * Whether a script that never names tfjs gets it from the workspace: a module it imports hands
   * tfjs on, or the app installs tfjs on every component (`this.$tf`).
   */
  getsTfjsFromWorkspace(file: string): boolean;
  /** How many parses and analyses ran (for tests and benchmarks). */
  readonly stats: { parses: number; analyses: number };
  /** The files parsed at least once (every file an analysis needed). */
  parsedFiles(): string[];
}

export const DEFAULT_MAX_FILES = 5000;
const MAX_CACHED_PARSES = 48;
/** Edited files whose TypeScript syntax tree is kept for the next edit's incremental reparse. */
const MAX_KEPT_SYNTAX = 4;

interface FileEntry {
  /** Undefined when the file is missing, unreadable or too large. */
  text: string | undefined;
  scan?: ScannedImports;
  /** A Python file's imported modules (scan.ts), resolved per lookup. */
  pythonImports?: ReturnType<typeof scanPythonImports>;
  parsed?: { program: TSESTree.Program | null };
  /**
   * Set for a text given by update() (an edit): it is parsed incrementally from the file's last
   * TypeScript tree, `previous` until its parse, then `syntax` (its own, for the next edit).
   */
  edited?: { previous?: KeptSyntax; syntax?: KeptSyntax };
}

interface CachedAnalysis {
  result: AnalysisResult;
  /**
   * Every file the analysis read, with the text it saw (undefined: none). The text itself, not a
   * hash: comparing two strings costs less than hashing one (mostly a pointer or a length check),
   * and it keeps no old text alive, since an edit drops the analyses that read the old one (update).
   */
  reads: Map<string, string | undefined>;
  /**
   * Set for a file that cannot build a model itself (a trainer that imports a builder): it was
   * analysed alone, since nothing another file holds can change its own models, and these are
   * the files it imports, whose models may still lie partly in it (its fit call, its learning rate).
   */
  links?: string[];
}

export function createWorkspace(
  root: string,
  host: WorkspaceHost,
  options: WorkspaceOptions = {},
): Workspace {
  return new WorkspaceIndex(root, host, options);
}

class WorkspaceIndex implements Workspace {
  readonly stats = { parses: 0, analyses: 0 };
  private readonly files = new Map<string, FileEntry>();
  private readonly analyses = new Map<string, CachedAnalysis>();
  /** Entries holding a parse, least recently used first. */
  private readonly recentParses = new Set<FileEntry>();
  /** Edited entries holding a TypeScript tree (previous or their own), least recently first. */
  private readonly keptSyntax = new Set<FileEntry>();
  private readonly everParsed = new Set<string>();
  private listed: Set<string> | null = null;
  private readonly resolved = new Map<string, string | null>();
  private readonly resolvedFrom = new Map<string, Map<string, string | null>>();
  private reverse: Map<string, Set<string>> | null = null;
  /** The root configs' path aliases (read once; an edit of a config clears them). */
  private aliases: PathAlias[] | null = null;
  private autoImports: AutoImports | null = null;
  private instanceGlobals: InstanceGlobals | null = null;
  private readonly maxFiles: number;
  private readonly maxFileSize: number;
  private readonly maxAnalyses: number;

  constructor(
    readonly root: string,
    private readonly host: WorkspaceHost,
    options: WorkspaceOptions,
  ) {
    this.maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
    this.maxFileSize = Math.min(options.maxFileSize ?? MAX_SOURCE_LENGTH, MAX_SOURCE_LENGTH);
    this.maxAnalyses = options.maxAnalyses ?? Infinity;
  }

  analyzeFile(file: string): AnalysisResult {
    const cached = this.analyses.get(file);
    if (cached && this.stillValid(cached)) {
      if (this.maxAnalyses < Infinity) {
        // Most recently used last: the first entry is the one to drop.
        this.analyses.delete(file);
        this.analyses.set(file, cached);
      }
      return cached.result;
    }
    const entry = this.entry(file);
    const text = entry?.text ?? '';
    const reads = new Map<string, string | undefined>();
    reads.set(file, entry?.text);
    const program = () => programOption(entry && this.parse(file, entry).program);
    let links: string[] | undefined;
    let result: AnalysisResult;
    if (isPythonFile(file)) {
      result = analyze(text, file, { python: this.pythonHost(reads) });
      // A trainer that never names Keras (`m = build(); m.compile('adam', 'mse')`) is not analysed,
      // yet its calls train the models of the files it imports: their lint reaches it.
      links = this.pythonTargets(file);
    } else ({ result, links } = this.analyzeScript(file, text, reads, program));
    this.stats.analyses++;
    this.analyses.delete(file);
    this.analyses.set(file, links ? { result, reads, links } : { result, reads });
    while (this.analyses.size > this.maxAnalyses) {
      this.analyses.delete(this.analyses.keys().next().value!);
    }
    return result;
  }

  private analyzeScript(
    file: string,
    text: string,
    reads: Map<string, string | undefined>,
    program: () => { program?: TSESTree.Program },
  ): { result: AnalysisResult; links?: string[] } {
    if (!mentionsTfjs(text) && !this.getsTfjsFromWorkspace(file))
      return { result: analyze(text, file) };
    if (buildsNothing(file, text)) {
      // Its models are other files' (reported there): linking would only redo their work on
      // every edit of them. Its own result is the same alone; the lint still sees them (links).
      return { result: analyze(text, file, program()), links: this.linkTargets(file) };
    }
    const modules = this.moduleHost(reads);
    // `this.$tf.sequential()` in a component of an app that installed tfjs as `Vue.prototype.$tf`.
    const instanceTf = this.instanceGlobalsIndex().usedIn(text);
    const globals = instanceTf.length > 0 ? { instanceTf } : {};
    return {
      result: analyze(text, file, { modules, reachesTfjs: true, ...globals, ...program() }),
    };
  }

  getsTfjsFromWorkspace(file: string): boolean {
    const text = this.entry(file)?.text;
    if (text === undefined || isPythonFile(file)) return false;
    return (
      this.instanceGlobalsIndex().usedIn(text).length > 0 || this.importsTfjsThroughModule(file)
    );
  }

  /** Whether one of the modules `file` imports hands tfjs on (see reexportsTfjs). */
  private importsTfjsThroughModule(file: string): boolean {
    if ((this.scanOf(file)?.imports.length ?? 0) === 0) return false;
    return this.linkTargets(file).some((target) => {
      const text = this.entry(target)?.text;
      return text !== undefined && reexportsTfjs(text);
    });
  }

  /** The files `file` imports, and what those re-export, as far as the linker would follow. */
  private linkTargets(file: string): string[] {
    const out = new Set<string>();
    let frontier = [file];
    for (let depth = 0; depth < 3 && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const from of frontier) {
        for (const target of this.importTargets(from)) {
          if (target === file || out.has(target)) continue;
          out.add(target);
          if ((this.scanOf(target)?.reexports.length ?? 0) > 0) next.push(target);
        }
      }
      frontier = next;
    }
    return [...out];
  }

  update(file: string, text: string | undefined): void {
    const known = this.files.get(file);
    if (known && known.text === text) return;
    const appears =
      text !== undefined && (known ? known.text === undefined : !this.listedFiles().has(file));
    // The files it imported before and after the edit: their importers (this file) changed.
    const before = this.importTargets(file);
    if (known) this.recentParses.delete(known);
    const entry = this.makeEntry(text);
    // Typing: the next parse reuses what TypeScript parsed of the text before this one.
    const previous = known?.edited && (known.edited.syntax ?? known.edited.previous);
    if (known) {
      this.keptSyntax.delete(known);
      known.edited = undefined;
    }
    if (entry.text !== undefined) {
      entry.edited = previous ? { previous } : {};
      if (previous) this.keepSyntax(entry);
    }
    this.files.set(file, entry);
    const after = this.importTargets(file);
    if (text !== undefined && mayRead(this.root, file)) this.listedFiles().add(file);
    else if (text === undefined) this.listedFiles().delete(file);
    const config = /(^|[\\/])[tj]sconfig(\.[\w-]+)?\.json$/.test(file);
    if (config) this.aliases = null;
    if (
      appears ||
      text === undefined ||
      config ||
      this.autoImports?.affects(file, known?.text, text) ||
      InstanceGlobals.affects(file, known?.text, text)
    ) {
      // A new or deleted file can change what any specifier resolves to (an edited auto-import
      // folder, what any bare name stands for).
      this.reverse = null;
      this.autoImports = null;
      this.instanceGlobals = null;
      this.resolved.clear();
      this.resolvedFrom.clear();
      this.analyses.clear();
      return;
    }
    if (this.reverse) {
      for (const target of before) this.reverse.get(target)?.delete(file);
      for (const target of after) this.importersSet(this.reverse, target).add(file);
    }
    const touched = [...before, ...after];
    for (const dependent of this.readers(file)) this.analyses.delete(dependent);
    for (const target of touched) this.analyses.delete(target);
    this.analyses.delete(file);
  }

  private importTargets(file: string): string[] {
    if (isPythonFile(file)) return this.pythonTargets(file);
    const targets: string[] = [];
    for (const specifier of this.scanOf(file)?.imports ?? []) {
      const target = this.resolveFrom(specifier, file);
      if (target) targets.push(target);
    }
    const text = this.entry(file)?.text;
    if (text !== undefined) targets.push(...this.autoImportIndex().targetsOf(file, text));
    return targets;
  }

  /** The workspace modules a Python file imports (its scan's modules that are files here). */
  private pythonTargets(file: string): string[] {
    const entry = this.entry(file);
    if (entry?.text === undefined) return [];
    entry.pythonImports ??= scanPythonImports(entry.text);
    const targets = new Set<string>();
    for (const { module, level } of entry.pythonImports) {
      const target = this.resolvePython(module, level, file);
      if (target && target !== file) targets.add(target);
    }
    return [...targets];
  }

  private resolvePython(module: string, level: number, fromFile: string): string | null {
    const key = `${fromFile}\0py${level}:${module}`;
    const known = this.resolved.get(key);
    if (known !== undefined) return known;
    const candidates = pythonCandidates(module, level, fromFile, this.root);
    const target = candidates.find((f) => this.exists(f)) ?? null;
    this.resolved.set(key, target);
    return target;
  }

  private instanceGlobalsIndex(): InstanceGlobals {
    this.instanceGlobals ??= new InstanceGlobals(this.listedFiles(), (f) => this.entry(f)?.text);
    return this.instanceGlobals;
  }

  private autoImportIndex(): AutoImports {
    this.autoImports ??= new AutoImports(this.listedFiles(), (f) => this.entry(f)?.text);
    return this.autoImports;
  }

  dependents(file: string): string[] {
    // Readers' results change; files that only link to the file or to a reader keep their own
    // analysis but lint those models, so they are listed too (the editor re-lints them).
    const changed = new Set([file, ...this.readers(file)]);
    const out = new Set(this.readers(file));
    for (const [path, cached] of this.analyses) {
      if (path !== file && cached.links?.some((l) => changed.has(l))) out.add(path);
    }
    return [...out].sort();
  }

  /** Files whose cached analysis read `file` (an edit of it makes them stale). */
  private readers(file: string): string[] {
    const out: string[] = [];
    for (const [path, cached] of this.analyses) {
      if (path !== file && cached.reads.has(file)) out.push(path);
    }
    return out;
  }

  parsedFiles(): string[] {
    return [...this.everParsed];
  }

  linkedFiles(file: string): string[] {
    const cached = this.analyses.get(file) ?? (this.analyzeFile(file), this.analyses.get(file));
    const read = [...(cached?.reads.keys() ?? []), ...(cached?.links ?? [])];
    return [...new Set(read)].filter((f) => f !== file).sort();
  }

  private stillValid(cached: CachedAnalysis): boolean {
    for (const [file, text] of cached.reads) if (this.entry(file)?.text !== text) return false;
    return true;
  }

  /** The view of the workspace one analysis gets; it records each file it reads. */
  private moduleHost(reads: Map<string, string | undefined>): ModuleHost {
    return {
      resolve: (specifier, fromFile) => this.resolveFrom(specifier, fromFile),
      load: (file): LoadedModule | null => {
        const entry = this.entry(file);
        reads.set(file, entry?.text);
        if (!entry || entry.text === undefined) return null;
        return { file, source: entry.text, program: this.parse(file, entry).program };
      },
      importers: (file) => this.importersOf(file),
      autoImport: (name, fromFile) => this.autoImportIndex().fileOf(name, fromFile),
    };
  }

  /** Python imports of workspace modules; each module read is recorded like a JS import. */
  private pythonHost(reads: Map<string, string | undefined>): PythonModuleHost {
    return {
      resolve: (module, level, fromFile) => this.resolvePython(module, level, fromFile),
      load: (file) => {
        const entry = this.entry(file);
        reads.set(file, entry?.text);
        return entry?.text ?? null;
      },
      importers: (file) => this.importersOf(file).filter(isPythonFile),
    };
  }

  private exists(file: string): boolean {
    if (!mayRead(this.root, file)) return false;
    const known = this.files.get(file);
    if (known) return known.text !== undefined;
    return this.listedFiles().has(file);
  }

  private entry(file: string): FileEntry | undefined {
    // A file given by update() is known even outside the root; the host is asked only inside it.
    let entry = this.files.get(file);
    if (!entry && !mayRead(this.root, file)) return undefined;
    if (!entry) {
      entry = this.makeEntry(this.host.readFile(file));
      this.files.set(file, entry);
    }
    return entry;
  }

  private makeEntry(text: string | undefined): FileEntry {
    const readable = text !== undefined && text.length <= this.maxFileSize ? text : undefined;
    return { text: readable };
  }

  private parse(file: string, entry: FileEntry): { program: TSESTree.Program | null } {
    if (entry.parsed) {
      this.recentParses.delete(entry);
      this.recentParses.add(entry);
      return entry.parsed;
    }
    this.stats.parses++;
    this.everParsed.add(file);
    const outcome = entry.edited
      ? this.parseEdited(file, entry, entry.edited)
      : parseSource(entry.text ?? '', file);
    entry.parsed = { program: outcome.ok ? outcome.ast : null };
    this.recentParses.add(entry);
    // Syntax trees are large: a bounded set of recent ones keeps the heap (and its collections)
    // small, and the files linked together are analysed together, so they stay in it.
    if (this.recentParses.size > MAX_CACHED_PARSES) {
      const oldest = this.recentParses.values().next().value;
      if (oldest) {
        this.recentParses.delete(oldest);
        oldest.parsed = undefined;
      }
    }
    return entry.parsed;
  }

  /** The parse of an edited file's text, from its last TypeScript tree when one is kept. */
  private parseEdited(
    file: string,
    entry: FileEntry,
    edited: NonNullable<FileEntry['edited']>,
  ): ReturnType<typeof parseSource> {
    const kept = parseKeeping(entry.text ?? '', file, edited.previous ?? edited.syntax);
    edited.previous = undefined;
    edited.syntax = kept.syntax;
    this.keptSyntax.delete(entry);
    if (kept.syntax) this.keepSyntax(entry);
    return kept.outcome;
  }

  /** Counts an entry holding a TypeScript tree; beyond the bound, the oldest one lets go of its. */
  private keepSyntax(entry: FileEntry): void {
    this.keptSyntax.add(entry);
    if (this.keptSyntax.size <= MAX_KEPT_SYNTAX) return;
    const oldest = this.keptSyntax.values().next().value;
    if (!oldest) return;
    this.keptSyntax.delete(oldest);
    if (oldest.edited) oldest.edited = {};
  }

  private listedFiles(): Set<string> {
    if (!this.listed) {
      const all = this.host.listFiles().filter((f) => mayRead(this.root, f));
      this.listed = new Set(all.slice(0, this.maxFiles));
    }
    return this.listed;
  }

  /**
   * Files that import `file`, directly or through files that only re-export it, nearest first.
   * Found from the regex scans; the analysis that runs them parses them.
   */
  private importersOf(file: string): string[] {
    const reverse = this.reverseIndex();
    const out: string[] = [];
    const seen = new Set([file]);
    let frontier = [file];
    for (let depth = 0; depth < 3 && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const target of frontier) {
        for (const importer of [...(reverse.get(target) ?? [])].sort()) {
          if (seen.has(importer)) continue;
          seen.add(importer);
          out.push(importer);
          if (this.reexports(importer, target)) next.push(importer);
        }
      }
      frontier = next;
    }
    return out;
  }

  private reexports(file: string, target: string): boolean {
    const scan = this.scanOf(file);
    return (scan?.reexports ?? []).some((s) => this.resolveFrom(s, file) === target);
  }

  private reverseIndex(): Map<string, Set<string>> {
    if (this.reverse) return this.reverse;
    const reverse = new Map<string, Set<string>>();
    for (const file of this.listedFiles()) {
      for (const target of this.importTargets(file)) {
        if (target !== file) this.importersSet(reverse, target).add(file);
      }
    }
    this.reverse = reverse;
    return reverse;
  }

  private importersSet(reverse: Map<string, Set<string>>, target: string): Set<string> {
    let set = reverse.get(target);
    if (!set) reverse.set(target, (set = new Set()));
    return set;
  }

  private resolveFrom(specifier: string, file: string): string | null {
    // What a specifier names changes only when a file appears or goes (update clears this).
    // Per importing file, then per specifier: no key string built per lookup.
    let fromFile = this.resolvedFrom.get(file);
    if (!fromFile) this.resolvedFrom.set(file, (fromFile = new Map()));
    const known = fromFile.get(specifier);
    if (known !== undefined) return known;
    this.aliases ??= readPathAliases(this.root, (f) => this.entry(f)?.text);
    const target = resolveSpecifier(
      specifier,
      file,
      this.root,
      (f) => this.exists(f),
      this.aliases,
    );
    fromFile.set(specifier, target);
    return target;
  }

  private scanOf(file: string): ScannedImports | undefined {
    const entry = this.entry(file);
    if (!entry || entry.text === undefined || isPythonFile(file)) return undefined;
    entry.scan ??= scanImports(entry.text);
    return entry.scan;
  }
}

/**
 * True when nothing in a JavaScript/TypeScript file's own text creates a model or layer (no layer
 * factory, no `sequential(`/`model({`, no `add`/`apply`, no model class): whatever its imports hold,
 * it has no models of its own.
 */
function buildsNothing(file: string, text: string): boolean {
  return (
    !/\.py$/.test(file) && !BUILDS.test(text) && !/\bmodel\s*\(\s*\{|\bLayersModel\b/.test(text)
  );
}

function programOption(program: TSESTree.Program | null | undefined): {
  program?: TSESTree.Program;
} {
  return program ? { program } : {};
}
