/**
 * Where a thread's time went, for `lint --stats`. On a shared machine wall-clock time says little:
 * the CPU time a thread ran and the time it sat ready but waiting for a core tell the two apart.
 * Linux reports both per thread (/proc/thread-self/schedstat, in nanoseconds); elsewhere they are
 * unknown (null), never guessed.
 */
import { readFileSync } from 'node:fs';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface ThreadTime {
  /** Milliseconds this thread ran on a core. */
  cpuMs: number;
  /** Milliseconds this thread was ready to run but waited for a core (other load on the machine). */
  waitMs: number;
}

export function threadTime(): ThreadTime | null {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return Number.isFinite(run) && Number.isFinite(wait)
      ? { cpuMs: run / 1e6, waitMs: wait / 1e6 }
      : null;
  } catch {
    return null;
  }
}

/** The difference of two readings; null when either is unknown. */
export function elapsedThreadTime(
  from: ThreadTime | null,
  to: ThreadTime | null,
): ThreadTime | null {
  return from && to ? { cpuMs: to.cpuMs - from.cpuMs, waitMs: to.waitMs - from.waitMs } : null;
}

/** Garbage-collection pauses of one thread's heap: total, and how many of each kind. */
export interface GcPauses {
  ms: number;
  count: number;
  /** Scavenges of the young generation: their number follows the allocation rate. */
  minor: number;
  /** Mark-compacts of the whole heap: their cost follows what stays alive. */
  major: number;
}

/** Garbage-collection pauses of this thread's heap since `start()`. */
export class GcWatch {
  private readonly pauses: GcPauses = { ms: 0, count: 0, minor: 0, major: 0 };
  private observer: PerformanceObserver | null = null;

  start(): this {
    this.observer = new PerformanceObserver((list) => this.add(list.getEntries()));
    this.observer.observe({ entryTypes: ['gc'] });
    return this;
  }

  stop(): GcPauses {
    // Entries are delivered asynchronously: take those still queued before disconnecting.
    this.add(this.observer?.takeRecords() ?? []);
    this.observer?.disconnect();
    return { ...this.pauses };
  }

  private add(entries: PerformanceEntry[]): void {
    for (const entry of entries) {
      this.pauses.ms += entry.duration;
      this.pauses.count++;
      const kind = (entry.detail as { kind?: number } | undefined)?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) this.pauses.minor++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.pauses.major++;
    }
  }
}
