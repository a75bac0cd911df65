/**
 * `gradient-lens lint [paths...]`: lint files and folders, print them in a format, optionally fix.
 * Exit codes: 0 clean (warnings allowed up to --max-warnings), 1 error-level findings or too many
 * warnings, 2 usage, input, configuration or internal error (one line on stderr).
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CACHE_FILE, LintCache } from '../../lint/cache';
import {
  ConfigError,
  ConfigLoader,
  mergeConfig,
  parseRuleFlag,
  type LintConfig,
} from '../../lint/config';
import { collectFiles, FileSelectionError } from '../../lint/files';
import type { LintDependencies } from '../../lint/index';
import {
  autoConcurrency,
  LintPool,
  type LintTask,
  type LocalLinter,
  type LocalStats,
  type WorkerStats,
} from '../../lint/pool';
import type { LintResult } from '../../lint/types';
import { rules as registry } from '../../rules';
import type { Rule } from '../../rules/types';
import { formatters } from '../formatters';
import { ruleHelpReader } from '../formatters/rule-help';
import { toolInfo } from '../formatters/tool-info';
import { EXIT, UsageError, processIO, type CliIO } from '../io';
import { formatStats, PhaseClock } from './lint-stats';

const usage = `Usage: gradient-lens lint [paths...] [options]

Lints JS/TS, HTML, Vue/Svelte and Python files and folders (default: .) for vanishing/exploding-gradient risks
in tfjs and Keras models. Folders are searched for .js .mjs .cjs .jsx .ts .mts .cts .tsx .html .htm
.vue .svelte .py files (the <script> blocks of pages and components, and on* handlers),
skipping node_modules and
what .gitignore ignores. Configuration: the nearest .gradientlensrc.json or package.json "gradientLens".

Options:
  --format stylish|json|sarif    output format (default: stylish)
  --fix                          apply each finding's preferred fix and rewrite the files
  --rule ID=SEVERITY             set a rule's severity (off|info|warning|error); repeatable;
                                 wins over the configuration file
  --max-warnings N               exit 1 when there are more than N warnings
  --report-unused-directives     report disable directives that suppress nothing
  --concurrency auto|N           lint on N threads (this one and N-1 worker threads); auto:
                                 one per core when there are enough files to keep them busy
                                 (default: 1, no worker)
  --cache                        reuse the results of files unchanged since the last run
                                 (content hash, configuration and version must match)
  --cache-location PATH          the cache file, or a folder for it (default: ./${DEFAULT_CACHE_FILE})
  --stats                        print where the time went (per thread: start, linting, idle,
                                 CPU time, garbage collection) on stderr
  -h, --help                     show this help

Exit codes: 0 clean, 1 error-level findings or too many warnings, 2 usage/input/internal error.
`;

interface LintOptions {
  paths: string[];
  format: string;
  fix: boolean;
  cliConfig: LintConfig;
  maxWarnings: number | null;
  concurrency: number | 'auto';
  cacheLocation: string | null;
  stats: boolean;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  return runLint(argv, io, {});
}

/** The command with its rules (and analyzer) injectable, for tests. */
export async function runLint(
  argv: string[],
  io: CliIO,
  dependencies: LintDependencies,
): Promise<number> {
  const rules = dependencies.rules ?? registry;
  const options = parseOptions(argv, rules, io.cwd);
  if (!options) {
    io.stdout(usage);
    return EXIT.ok;
  }
  const clock = new PhaseClock(options.stats);
  // Injected rules or analyzers (tests) live in this thread only: workers load the real ones.
  const injected = dependencies.analyze !== undefined || rules !== registry;
  const threads = new Threads(options, io.cwd, !injected);
  try {
    const files = clock.time('discover', () => selectFiles(options.paths, io.cwd));
    // Every configuration is read before any file is fixed, so a bad one stops the run untouched.
    const loader = new ConfigLoader(rules);
    const configs = clock.time('configure', () =>
      files.map((file) => configFor(file, options, loader)),
    );
    const info = toolInfo();
    const cache = options.cacheLocation
      ? new LintCache(options.cacheLocation, `gradient-lens@${info.version}`)
      : null;
    // Only the cache needs the texts here; otherwise each file is read where it is linted.
    const tasks = clock.time('read', () =>
      files.map((file, i): LintTask => {
        const task: LintTask = { file, config: configs[i] };
        if (cache) task.source = readSource(file);
        return task;
      }),
    );
    const { results, linted } = await lintTasks(
      tasks,
      options,
      cache,
      threads,
      clock,
      {
        ...dependencies,
        rules,
      },
      io.cwd,
    );
    if (cache) {
      clock.time('cache', () => {
        cache.prune();
        cache.save();
      });
    }

    const color = io === processIO && process.stdout.isTTY === true && !process.env.NO_COLOR;
    const output = clock.time('format', () =>
      formatters[options.format](results, {
        cwd: io.cwd,
        color,
        rules,
        toolVersion: info.version,
        informationUri: info.informationUri,
        docsBaseUri: info.docsBaseUri,
        ruleHelp: ruleHelpReader(info.docsDir, info.docsBaseUri),
      }),
    );
    io.stdout(output);
    const workers = await threads.close();
    if (options.stats) {
      const count = threads.count;
      const local = threads.local;
      io.stderr(
        formatStats(
          await clock.finish({ files: files.length, linted, threads: count, workers, local }),
        ),
      );
    }
    return exitCode(results, options, io);
  } finally {
    clock.stop();
    await threads.close();
  }
}

/**
 * The lint threads of a run. A count given on the command line starts them at once, so they load
 * the engine while the main thread finds and configures the files; `auto` waits for the count of
 * files to lint.
 */
class Threads {
  private pool: LintPool | null = null;
  private threads = 1;
  private stats: Promise<WorkerStats[]> | null = null;

  constructor(
    private readonly options: LintOptions,
    private readonly cwd: string,
    private readonly allowed: boolean,
  ) {
    if (typeof options.concurrency === 'number') this.start(options.concurrency);
  }

  /** The pool for `files` files to lint, or null to lint them on the main thread. */
  forFiles(files: number): LintPool | null {
    if (this.options.concurrency === 'auto') this.start(autoConcurrency(files));
    if (files > 1) return this.pool;
    this.threads = 1;
    return null;
  }

  /** Threads linting: 1 when the main thread lints alone. */
  get count(): number {
    return this.threads;
  }

  /** The main thread's share when it linted beside workers. */
  get local(): LocalStats | null {
    return this.pool && this.threads > 1 ? this.pool.local : null;
  }

  close(): Promise<WorkerStats[]> {
    this.stats ??= this.pool ? this.pool.close() : Promise.resolve([]);
    return this.stats;
  }

  private start(count: number): void {
    if (this.pool || count < 2 || !this.allowed) return;
    const { fix, stats } = this.options;
    // This thread is one of the `count`: it has loaded the engine already, a worker has not.
    this.pool = new LintPool(count - 1, { fix, cwd: this.cwd, stats });
    this.threads = count;
  }
}

/**
 * Results from the cache where the file is unchanged, the others linted here or, with
 * --concurrency, on worker threads; in the order of `tasks` either way.
 */
async function lintTasks(
  tasks: readonly LintTask[],
  options: LintOptions,
  cache: LintCache | null,
  threads: Threads,
  clock: PhaseClock,
  dependencies: LintDependencies,
  cwd: string,
): Promise<{ results: LintResult[]; linted: number }> {
  const cached = clock.time('cache', () =>
    tasks.map((task) => {
      const hit =
        task.source === undefined ? null : cache?.get(task.file, task.source, task.config);
      // A cached result with fixes still has work for --fix to do.
      return hit && !(options.fix && hit.fixableCount > 0) ? hit : null;
    }),
  );
  const pending = tasks.filter((_, i) => cached[i] === null);
  const pool = threads.forFiles(pending.length);
  const linted = await clock.timeAsync('lint', async () => {
    if (pending.length === 0) return [];
    const here = await localLinter(options.fix, dependencies, cwd);
    return pool ? pool.lint(pending, here) : here(pending);
  });
  let next = 0;
  const results = clock.time('cache', () =>
    tasks.map((task, i) => {
      const hit = cached[i];
      if (hit) return hit;
      const result = linted[next++];
      // --fix may have rewritten the file: the entry is for what is on disk now.
      if (cache) {
        const source =
          options.fix || task.source === undefined ? readSource(task.file) : task.source;
        cache.set(task.file, source, task.config, result);
      }
      return result;
    }),
  );
  return { results, linted: pending.length };
}

function parseOptions(argv: string[], rules: readonly Rule[], cwd: string): LintOptions | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'stylish' },
        fix: { type: 'boolean', default: false },
        rule: { type: 'string', multiple: true, default: [] },
        'max-warnings': { type: 'string' },
        'report-unused-directives': { type: 'boolean', default: false },
        concurrency: { type: 'string', default: '1' },
        cache: { type: 'boolean', default: false },
        'cache-location': { type: 'string' },
        stats: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return null;
  const format = values.format ?? 'stylish';
  if (!Object.hasOwn(formatters, format)) {
    throw new UsageError(`unknown --format "${format}" (expected stylish, json or sarif)`);
  }
  let cliConfig: LintConfig = { rules: {} };
  for (const flag of values.rule ?? []) {
    try {
      cliConfig = mergeConfig(cliConfig, parseRuleFlag(flag, rules));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (values['report-unused-directives']) cliConfig.reportUnusedDirectives = true;
  return {
    paths: positionals,
    format,
    fix: values.fix ?? false,
    cliConfig,
    maxWarnings: parseMaxWarnings(values['max-warnings']),
    concurrency: parseConcurrency(values.concurrency ?? '1'),
    cacheLocation:
      values.cache || values['cache-location'] !== undefined
        ? cacheFile(values['cache-location'], cwd)
        : null,
    stats: values.stats ?? false,
  };
}

function parseConcurrency(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new UsageError(`--concurrency expects auto or a whole number >= 1, got "${value}"`);
  }
  return Number(value);
}

/** As ESLint's --cache-location: a folder (existing, or written with a trailing /) gets the default name. */
function cacheFile(location: string | undefined, cwd: string): string {
  if (location === undefined) return resolve(cwd, DEFAULT_CACHE_FILE);
  const path = resolve(cwd, location);
  const isFolder =
    /[\\/]$/.test(location) || statSync(path, { throwIfNoEntry: false })?.isDirectory();
  return isFolder ? join(path, DEFAULT_CACHE_FILE) : path;
}

function parseMaxWarnings(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(`--max-warnings expects a whole number >= 0, got "${value}"`);
  }
  return Number(value);
}

function selectFiles(paths: string[], cwd: string): string[] {
  let files: string[];
  try {
    files = collectFiles(paths, cwd);
  } catch (error) {
    if (error instanceof FileSelectionError) throw new UsageError(error.message);
    throw error;
  }
  // Linting nothing is almost always a wrong path or an over-broad .gitignore: say so in CI.
  if (files.length === 0) {
    const where = paths.length > 0 ? paths.join(', ') : '.';
    throw new UsageError(
      `no JS/TS, HTML, Vue/Svelte or Python files to lint in ${where} (node_modules and .gitignore'd files are skipped)`,
    );
  }
  return files;
}

function configFor(file: string, options: LintOptions, loader: ConfigLoader): LintConfig {
  try {
    return mergeConfig(loader.forFile(file).config, options.cliConfig);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new UsageError(`invalid configuration: ${error.message}`);
    throw error;
  }
}

function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot read ${file}: ${reason}`);
  }
}

/**
 * Lints in this thread (alone, or beside the workers). The linter (and with it the parser) is
 * loaded only here, so a run whose files all come from the cache never loads it.
 */
async function localLinter(
  fix: boolean,
  dependencies: LintDependencies,
  cwd: string,
): Promise<LocalLinter> {
  const { FileWriteError, lintSource } = await import('../../lint/run-file');
  const { LINT_RUN_ANALYSES, ProjectWorkspaces, workspaceLinter } =
    await import('../../workspace/node-host');
  // Cross-file values resolve through the project's workspace (an injected analyzer means a test
  // that wants the file alone).
  const ws = dependencies.analyze ? null : new ProjectWorkspaces(cwd, false, LINT_RUN_ANALYSES);
  return (tasks) =>
    tasks.map((task) => {
      try {
        const lint = ws ? workspaceLinter(ws, task.file, task.config, dependencies) : undefined;
        const source = task.source ?? readSource(task.file);
        return lintSource(task.file, source, task.config, fix, dependencies, lint);
      } catch (error) {
        if (error instanceof FileWriteError) throw new UsageError(error.message);
        throw error;
      }
    });
}

function exitCode(results: LintResult[], options: LintOptions, io: CliIO): number {
  const crashed = results.filter((r) => r.problems.some((p) => p.kind === 'internal'));
  if (crashed.length > 0) {
    io.stderr(
      `gradient-lens lint: internal error while linting ${crashed.length} file(s), first ${crashed[0].filePath}: ${firstInternal(crashed[0])}\n`,
    );
    return EXIT.error;
  }
  if (results.some((r) => r.errorCount > 0)) return EXIT.findings;
  const warnings = results.reduce((sum, r) => sum + r.warningCount, 0);
  if (options.maxWarnings !== null && warnings > options.maxWarnings) {
    io.stderr(
      `gradient-lens lint: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`,
    );
    return EXIT.findings;
  }
  return EXIT.ok;
}

function firstInternal(result: LintResult): string {
  return result.problems.find((p) => p.kind === 'internal')?.message ?? 'unknown';
}
