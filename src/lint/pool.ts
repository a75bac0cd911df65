/**
 * `--concurrency N`: lints files on N worker threads (dist/lint-worker.js), each running the same
 * lintSource() as the main thread. Files go out in small batches to whichever worker is free, so a
 * slow file does not hold the others up; results come back in input order.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LintConfig } from './config';
import type { LintResult } from './types';

export interface LintTask {
  file: string;
  source: string;
  config: LintConfig;
}

export interface WorkerRequest {
  tasks: LintTask[];
  fix: boolean;
  /** The CLI's working directory: the workspace root when a file is in no project. */
  cwd: string;
}

export type WorkerReply = { ok: true; results: LintResult[] } | { ok: false; message: string };

const BATCH = 20;
/** Below this many files per thread, starting a thread (loading the parser) costs more than it saves. */
const FILES_PER_THREAD = 100;

/** `auto`: a thread per core, but no more than the files can keep busy; 1 means no worker at all. */
export function autoConcurrency(fileCount: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(fileCount / FILES_PER_THREAD)));
}

export async function lintInWorkers(
  tasks: readonly LintTask[],
  fix: boolean,
  threads: number,
  cwd: string,
): Promise<LintResult[]> {
  const script = findWorkerScript();
  if (!script)
    throw new Error('the lint worker (dist/lint-worker.js) is missing; run "npm run build"');
  const results: LintResult[] = new Array(tasks.length);
  let next = 0;
  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(script);
      // Two batches in flight, so a worker never waits for the round trip to get its next one.
      const inFlight: number[] = [];
      const send = (): void => {
        if (next >= tasks.length) return;
        inFlight.push(next);
        const request: WorkerRequest = { tasks: tasks.slice(next, next + BATCH), fix, cwd };
        next = Math.min(tasks.length, next + BATCH);
        worker.postMessage(request);
      };
      worker.on('message', (reply: WorkerReply) => {
        if (!reply.ok) {
          void worker.terminate();
          reject(new Error(reply.message));
          return;
        }
        const start = inFlight.shift() ?? 0;
        reply.results.forEach((result, i) => (results[start + i] = result));
        send();
        if (inFlight.length === 0) void worker.terminate().then(() => resolve());
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (inFlight.length > 0) reject(new Error(`a lint worker exited with ${code}`));
      });
      send();
      send();
      // Fewer batches than workers: this one got none.
      if (inFlight.length === 0) void worker.terminate().then(() => resolve());
    });
  const count = Math.max(1, Math.min(threads, Math.ceil(tasks.length / BATCH)));
  await Promise.all(Array.from({ length: count }, runWorker));
  return results;
}

/** dist/lint-worker.js beside the CLI bundle, or under the repository root from sources. */
function findWorkerScript(): string | null {
  const candidates = [
    join(__dirname, 'lint-worker.js'),
    join(__dirname, '..', '..', 'dist', 'lint-worker.js'),
  ];
  return candidates.find((path) => existsSync(path)) ?? null;
}
