/**
 * `lint --stats`: where a run's time went, on stderr. Per thread it separates time spent linting,
 * idle time and the CPU time the thread actually got, because on a shared machine wall-clock time
 * mostly measures the other processes. V8's own threads (garbage collector, compiler) are the
 * process's CPU time that no JavaScript thread accounts for.
 * With GRADIENT_LENS_STATS=json the same figures are printed as one JSON object (for benchmarks).
 */
import type { LocalStats, WorkerStats } from '../../lint/pool';
import { GcWatch, threadTime, type GcPauses, type ThreadTime } from '../../lint/thread-time';

export const PHASES = ['discover', 'configure', 'read', 'cache', 'lint', 'format'] as const;
export type Phase = (typeof PHASES)[number];

export interface LintRunStats {
  files: number;
  linted: number;
  threads: number;
  /** Since the process started (node's own start and loading the CLI included). */
  wallMs: number;
  /** Wall-clock milliseconds of the main thread per phase. */
  phases: Record<Phase, number>;
  /** The main thread's CPU and run-queue time since the process started; null off Linux. */
  main: ThreadTime | null;
  /** The main thread's garbage-collection pauses since the command started. */
  mainGc: GcPauses | null;
  /** CPU time of every thread of the process together. */
  processCpuMs: number;
  workers: WorkerStats[];
  /** What the main thread linted beside the workers (null when it linted alone, or no file). */
  local: LocalStats | null;
}

/** Times the main thread's phases of a run. */
export class PhaseClock {
  readonly phases = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  private readonly gc: GcWatch | null;

  /** `watchGc`: count the main thread's garbage-collection pauses too (`--stats`). */
  constructor(watchGc = false) {
    this.gc = watchGc ? new GcWatch().start() : null;
  }

  time<T>(phase: Phase, work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      this.phases[phase] += performance.now() - started;
    }
  }

  async timeAsync<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.phases[phase] += performance.now() - started;
    }
  }

  async finish(
    counts: Pick<LintRunStats, 'files' | 'linted' | 'threads' | 'workers' | 'local'>,
  ): Promise<LintRunStats> {
    // Node records a pause once the event loop turns: a run linted in one go has them all queued.
    await new Promise((resolve) => setImmediate(resolve));
    const cpu = process.cpuUsage();
    return {
      ...counts,
      wallMs: performance.now(),
      phases: this.phases,
      main: threadTime(),
      mainGc: this.stop(),
      processCpuMs: (cpu.user + cpu.system) / 1000,
    };
  }

  /** Stops watching garbage collection; the pauses seen (null when not watched). */
  stop(): GcPauses | null {
    return this.gc?.stop() ?? null;
  }
}

export function formatStats(stats: LintRunStats): string {
  if (process.env.GRADIENT_LENS_STATS === 'json') return `${JSON.stringify(stats)}\n`;
  const threadCpu = stats.workers.map((w) => w.time?.cpuMs ?? 0);
  const helpers =
    stats.main && stats.workers.every((w) => w.time)
      ? stats.processCpuMs - stats.main.cpuMs - threadCpu.reduce((a, b) => a + b, 0)
      : null;
  const workers = stats.workers.length;
  const where =
    workers === 0
      ? 'the main thread'
      : stats.local
        ? `${workers + 1} lint threads (the main thread and ${workers} worker${workers > 1 ? 's' : ''})`
        : `${workers} lint threads`;
  const lines = [
    `gradient-lens lint --stats: ${stats.files} files, ${stats.linted} linted ` +
      `(${stats.files - stats.linted} from the cache) on ${where}, ${s(stats.wallMs)} since start`,
    `  CPU ${s(stats.processCpuMs)}: main thread ${stats.main ? s(stats.main.cpuMs) : 'unknown'}` +
      (stats.workers.length > 0 ? `, worker threads ${threadCpu.map(s).join(' + ')}` : '') +
      (helpers === null ? '' : `, V8 helper threads (GC, compiler) ${s(helpers)}`),
    `  main thread: ${PHASES.map((p) => `${p} ${s(stats.phases[p])}`).join(', ')}` +
      (stats.main ? `; waited for a core ${s(stats.main.waitMs)}` : '') +
      (stats.mainGc ? `; ${gcText(stats.mainGc)}` : '') +
      (stats.local ? `; ${localLine(stats.local)}` : ''),
    ...stats.workers.map((w, i) => `  thread ${i + 1}: ${workerLine(w)}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** "linted 2400 files in 600 batches, 9.20 s (3.8 ms a file)": the main thread's own share. */
function localLine(local: LocalStats): string {
  const perFile = local.files > 0 ? ` (${(local.busyMs / local.files).toFixed(1)} ms a file)` : '';
  return `linted ${local.files} files in ${local.batches} batches, ${s(local.busyMs)}${perFile}`;
}

function workerLine(w: WorkerStats): string {
  const perFile = w.files > 0 ? ` (${(w.busyMs / w.files).toFixed(1)} ms a file)` : '';
  const time = w.time
    ? `, CPU ${s(w.time.cpuMs)}, waited for a core ${s(w.time.waitMs)}`
    : ', CPU unknown';
  return (
    `started in ${s(w.startMs)}${w.codeCache === 'loaded' ? ' (from the code cache)' : ''}, ${w.files} files in ${w.batches} batches, ` +
    `linting ${s(w.busyMs)}${perFile}, idle ${s(w.idleMs)}${time}, ` +
    gcText(w.gc) +
    (w.replyBytes > 0 ? `, results ${(w.replyBytes / 1e6).toFixed(1)} MB` : '')
  );
}

/** "GC 1.20 s in 310 pauses (305 scavenges, 5 mark-compacts)". */
export function gcText(gc: GcPauses): string {
  return `GC ${s(gc.ms)} in ${gc.count} pauses (${gc.minor} scavenges, ${gc.major} mark-compacts)`;
}

function s(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
