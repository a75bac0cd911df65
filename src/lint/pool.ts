/**
 * `--concurrency N`: lints files on N threads, this one and N - 1 worker threads
 * (dist/lint-worker.js), each running the same lintSource(). This thread also discovers files,
 * formats and collects; the workers read the files themselves and keep one workspace each across
 * batches. Files go out in batches to whichever thread is free, so a slow file does not hold the
 * others up; results come back in input order. Workers start when the pool is made, so they load
 * the engine while this thread is still discovering files, and this thread lints meanwhile.
 * Why this thread lints too rather than N workers: each worker pays its own start (loading the
 * bundle, about 1-2 s of CPU) and its own compilation of the engine; this thread has loaded it
 * already. On 2 busy cores that start is time neither core lints (bench/ci-scale.bench.ts).
 */
import { existsSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LintConfig } from './config';
import type { GcPauses, ThreadTime } from './thread-time';
import type { LintResult } from './types';

export interface LintTask {
  file: string;
  config: LintConfig;
  /** The file's text when the main thread already read it (to look it up in the cache). */
  source?: string;
}

export interface WorkerOptions {
  fix: boolean;
  /** The CLI's working directory: the workspace root when a file is in no project. */
  cwd: string;
  /** Measure message sizes too (`--stats`); the rest is always counted, it costs nothing. */
  stats: boolean;
  /** Set by the pool for a worker started through dist/lint-worker-boot.js. */
  codeCache?: CodeCacheOptions;
}

/**
 * The young generation of a worker's heap, in MB (V8's resourceLimits; its default is 48, that is
 * semi-spaces of 16 MB). Linting a file allocates about 2 MB, nearly all of it garbage by the next
 * file, so a scavenge costs what little is alive then, however large the space: four times the
 * space, a quarter of the scavenges (bench/ci-scale.bench.ts: 260 -> 68 for 2,500 files) and of
 * the garbage-collector threads' CPU, which on two cores is CPU the other lint thread waits for.
 * The cost is the memory: up to about 140 MB more per worker.
 */
export const WORKER_YOUNG_GENERATION_MB = 192;

/** Where the worker keeps V8's code cache of its bundle (dist/lint-worker-boot.js). */
export interface CodeCacheOptions {
  dir: string;
  /** This worker writes the cache at the end of its run when none of this bundle was loaded. */
  write: boolean;
  /** Set by the worker: the bundle ran from the cache, or was compiled. */
  status?: 'loaded' | 'compiled';
}

export type ToWorker = { kind: 'lint'; tasks: LintTask[] } | { kind: 'finish' };

export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'results'; results: LintResult[]; busyMs: number; bytes: number }
  | { kind: 'finished'; stats: WorkerSelfStats }
  | { kind: 'error'; message: string };

/** What a worker measures of itself. */
export interface WorkerSelfStats {
  time: ThreadTime | null;
  /** Its heap's garbage-collection pauses (none counted when the thread failed before measuring). */
  gc: GcPauses;
  /** Whether the engine bundle ran from V8's code cache (unset: no cache in use). */
  codeCache?: CodeCacheOptions['status'];
  /** The young generation its heap was given, in MB (unset: the thread failed before saying). */
  youngGenerationMb?: number;
}

export interface WorkerStats extends WorkerSelfStats {
  /**
   * From the thread's creation to its first message: loading the engine bundle. Timed here: a
   * worker's performance.now() counts from the process's start, not the thread's.
   */
  startMs: number;
  files: number;
  batches: number;
  /** Time spent linting (reading, analysing, rules), summed over batches. */
  busyMs: number;
  /** Ready but without work: waiting for the main thread or for the last batches of others. */
  idleMs: number;
  /** Size of the results sent back, as JSON (only measured with `stats`). */
  replyBytes: number;
}

/**
 * Files per message. Large enough that a round trip is rare next to the linting; small enough that
 * the last batches split evenly between threads.
 */
const BATCH = 16;
/**
 * Files this thread lints between two turns of its event loop, where it hands the workers their
 * next batches: a few, so that a worker (two batches in flight) never waits for it.
 */
const LOCAL_BATCH = 4;
/** Below this many files per thread, starting a thread (loading the parser) costs more than it saves. */
const FILES_PER_THREAD = 100;

/** `auto`: a thread per core, but no more than the files can keep busy; 1 means no worker at all. */
export function autoConcurrency(fileCount: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(fileCount / FILES_PER_THREAD)));
}

/** This thread's share of a pooled run. */
export interface LocalStats {
  files: number;
  batches: number;
  /** Time spent linting here, summed over batches. */
  busyMs: number;
}

/** Lints a batch of files in this thread (the same lintSource() as the workers). */
export type LocalLinter = (tasks: LintTask[]) => LintResult[];

export class LintPool {
  private readonly workers: PoolWorker[];
  readonly local: LocalStats = { files: 0, batches: 0, busyMs: 0 };

  /**
   * `workers` worker threads; lint() may add this thread as one more. `youngGenerationMb`: the
   * size of each worker heap's young generation (0: V8's default).
   */
  constructor(
    workers: number,
    options: WorkerOptions,
    youngGenerationMb = WORKER_YOUNG_GENERATION_MB,
  ) {
    const script = findWorkerScript();
    if (!script)
      throw new Error('the lint worker (dist/lint-worker.js) is missing; run "npm run build"');
    const boot = join(dirname(script), 'lint-worker-boot.js');
    const cacheDir = codeCacheDir();
    this.workers = Array.from({ length: workers }, (_, i) =>
      existsSync(boot) && cacheDir
        ? // One worker writes the cache, the first: the others would only write the same.
          new PoolWorker(
            boot,
            { ...options, bundle: script, codeCache: { dir: cacheDir, write: i === 0 } },
            youngGenerationMb,
          )
        : new PoolWorker(script, options, youngGenerationMb),
    );
  }

  /** Lints `tasks` on every worker, and on this thread with `here`; results in the order of `tasks`. */
  async lint(tasks: readonly LintTask[], here?: LocalLinter): Promise<LintResult[]> {
    const results: LintResult[] = new Array(tasks.length);
    let next = 0;
    let stopped = false;
    const take = (size: number): { start: number; tasks: LintTask[] } | null => {
      if (stopped || next >= tasks.length) return null;
      const start = next;
      next = Math.min(tasks.length, next + size);
      return { start, tasks: tasks.slice(start, next) };
    };
    // Two lanes per worker: two batches in flight, so a worker never waits for a round trip. A
    // lane takes files only once its worker has started: until then this thread lints them.
    const lane = async (worker: PoolWorker): Promise<void> => {
      await worker.started();
      for (let batch = take(BATCH); batch; batch = take(BATCH)) {
        const start = batch.start;
        (await worker.lint(batch.tasks)).forEach((result, i) => (results[start + i] = result));
      }
    };
    const local = async (lint: LocalLinter): Promise<void> => {
      for (let batch = take(LOCAL_BATCH); batch; batch = take(LOCAL_BATCH)) {
        const started = performance.now();
        lint(batch.tasks).forEach((result, i) => (results[batch.start + i] = result));
        this.local.busyMs += performance.now() - started;
        this.local.files += batch.tasks.length;
        this.local.batches++;
        // Let the workers' replies in, and their next batches out.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const lanes = this.workers.flatMap((worker) => [lane(worker), lane(worker)]);
    if (here) lanes.push(local(here));
    try {
      await Promise.all(lanes);
    } catch (error) {
      stopped = true; // the other lanes take no more
      await this.close();
      throw error;
    }
    return results;
  }

  /** Stops every worker; their measurements, in thread order. */
  async close(): Promise<WorkerStats[]> {
    return Promise.all(this.workers.map((worker) => worker.finish()));
  }
}

interface Pending {
  resolve: (reply: FromWorker) => void;
  reject: (error: Error) => void;
}

/** One worker thread and its counters, as the main thread sees it. */
class PoolWorker {
  private readonly worker: Worker;
  private readonly createdAt = performance.now();
  private readyAt: number | null = null;
  private readonly ready: Promise<void>;
  /** Replies arrive in the order of the requests: one entry per request sent. */
  private readonly pending: Pending[] = [];
  private failure: Error | null = null;
  private finished: Promise<WorkerStats> | null = null;
  private readonly counts = { files: 0, batches: 0, busyMs: 0, replyBytes: 0 };

  constructor(
    script: string,
    options: WorkerOptions & { bundle?: string },
    youngGenerationMb: number,
  ) {
    this.worker = new Worker(script, {
      workerData: options,
      ...(youngGenerationMb > 0 && {
        resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb },
      }),
    });
    this.ready = this.expect('ready').then(() => {
      this.readyAt = performance.now();
    });
    // A thread that fails before anyone waits for it: the failure is reported by lint() or finish().
    this.ready.catch(() => {});
    this.worker.on('message', (reply: FromWorker) => {
      if (reply.kind === 'error') this.fail(new Error(reply.message));
      else this.pending.shift()?.resolve(reply);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`a lint worker exited with ${code}`)));
  }

  /** Once the thread has loaded the engine (settles either way: a failure is lint()'s to report). */
  started(): Promise<void> {
    return this.ready.catch(() => {});
  }

  async lint(tasks: LintTask[]): Promise<LintResult[]> {
    await this.ready;
    const reply = this.request({ kind: 'lint', tasks }, 'results');
    const { results, busyMs, bytes } = (await reply) as Extract<FromWorker, { kind: 'results' }>;
    this.counts.files += results.length;
    this.counts.batches++;
    this.counts.busyMs += busyMs;
    this.counts.replyBytes += bytes;
    return results;
  }

  /** Stops the thread (once); what it measured. A thread that failed reports what it counted. */
  finish(): Promise<WorkerStats> {
    this.finished ??= this.measure().then((self) => {
      const lifeMs = this.readyAt === null ? 0 : performance.now() - this.readyAt;
      void this.worker.terminate();
      const startMs = this.readyAt === null ? 0 : this.readyAt - this.createdAt;
      const idleMs = Math.max(0, lifeMs - this.counts.busyMs);
      return { ...self, startMs, ...this.counts, idleMs };
    });
    return this.finished;
  }

  private async measure(): Promise<WorkerSelfStats> {
    const none = { time: null, gc: { ms: 0, count: 0, minor: 0, major: 0 } };
    if (this.failure) return none;
    try {
      await this.ready;
      const reply = await this.request({ kind: 'finish' }, 'finished');
      return (reply as Extract<FromWorker, { kind: 'finished' }>).stats;
    } catch {
      return none;
    }
  }

  private request(message: ToWorker, kind: FromWorker['kind']): Promise<FromWorker> {
    const reply = this.expect(kind);
    this.worker.postMessage(message);
    return reply;
  }

  private expect(kind: FromWorker['kind']): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({
        resolve: (reply) =>
          reply.kind === kind
            ? resolve(reply)
            : reject(new Error(`a lint worker sent "${reply.kind}" where "${kind}" was due`)),
        reject,
      });
    });
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiting of this.pending.splice(0)) waiting.reject(error);
    void this.worker.terminate();
  }
}

/**
 * The folder of the workers' code cache: GRADIENT_LENS_CODE_CACHE names it, or is `off`; by default
 * the user's own cache folder (never a shared one: the cache is code this process runs).
 */
export function codeCacheDir(env = process.env): string | null {
  const chosen = env.GRADIENT_LENS_CODE_CACHE;
  if (chosen === 'off') return null;
  if (chosen) return chosen;
  const base = env.XDG_CACHE_HOME || env.LOCALAPPDATA || join(homedir(), '.cache');
  return join(base, 'gradient-lens');
}

/** dist/lint-worker.js beside the CLI bundle, or under the repository root from sources. */
function findWorkerScript(): string | null {
  const candidates = [
    join(__dirname, 'lint-worker.js'),
    join(__dirname, '..', '..', 'dist', 'lint-worker.js'),
  ];
  return candidates.find((path) => existsSync(path)) ?? null;
}
