/** A lint worker thread (dist/lint-worker.js): lints the batches of files the CLI sends it. */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './pool';
import { lintSource } from './run-file';

parentPort?.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const results = request.tasks.map((task) =>
      lintSource(task.file, task.source, task.config, request.fix),
    );
    reply = { ok: true, results };
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
