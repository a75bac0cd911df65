/**
 * Where a thread's time went, for `lint --stats`. On a shared machine wall-clock time says little:
 * the CPU time a thread ran and the time it sat ready but waiting for a core tell the two apart.
 * Linux reports both per thread (/proc/thread-self/schedstat, in nanoseconds); elsewhere they are
 * unknown (null), never guessed.
 */
import { readFileSync } from 'node:fs';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

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

/** Garbage-collection pauses of this thread's heap since `start()`, in milliseconds and count. */
export class GcWatch {
  ms = 0;
  count = 0;
  private observer: PerformanceObserver | null = null;

  start(): this {
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as PerformanceEntry[]) {
        this.ms += entry.duration;
        this.count++;
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
    return this;
  }

  stop(): { ms: number; count: number } {
    // Entries are delivered asynchronously: take those still queued before disconnecting.
    for (const entry of this.observer?.takeRecords() ?? []) {
      this.ms += entry.duration;
      this.count++;
    }
    this.observer?.disconnect();
    return { ms: this.ms, count: this.count };
  }
}
