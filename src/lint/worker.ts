/**
 * A lint worker thread (dist/lint-worker.js): reads and lints the batches of files the CLI sends
 * it, with one workspace kept across batches (the files a batch imports are parsed once).
 */
import { readFileSync } from 'node:fs';
import { parentPort, resourceLimits, workerData } from 'node:worker_threads';
import type { FromWorker, LintTask, ToWorker, WorkerOptions } from './pool';
import { lintSource } from './run-file';
import { GcWatch, threadTime } from './thread-time';
import type { LintResult } from './types';
import { LINT_RUN_ANALYSES, ProjectWorkspaces, workspaceLinter } from '../workspace/node-host';

const options = workerData as WorkerOptions;
const workspaces = new ProjectWorkspaces(options.cwd, false, LINT_RUN_ANALYSES);
const gc = new GcWatch().start();

parentPort?.on('message', (message: ToWorker) => {
  if (message.kind === 'finish') {
    const codeCache = options.codeCache?.status;
    const stats = {
      time: threadTime(),
      gc: gc.stop(),
      youngGenerationMb: resourceLimits.maxYoungGenerationSizeMb,
      ...(codeCache && { codeCache }),
    };
    reply({ kind: 'finished', stats });
    return;
  }
  try {
    const started = performance.now();
    const results = message.tasks.map(lintTask);
    const busyMs = performance.now() - started;
    const bytes = options.stats ? JSON.stringify(results).length : 0;
    reply({ kind: 'results', results, busyMs, bytes });
  } catch (error) {
    reply({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
reply({ kind: 'ready' });

function lintTask(task: LintTask): LintResult {
  const source = task.source ?? readSource(task.file);
  const lint = workspaceLinter(workspaces, task.file, task.config);
  return lintSource(task.file, source, task.config, options.fix, {}, lint);
}

/** The same one-line error as the main thread's, for a file that vanished since it was found. */
function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`cannot read ${file}: ${reason}`);
  }
}

function reply(message: FromWorker): void {
  parentPort?.postMessage(message);
}
