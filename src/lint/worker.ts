/** A lint worker thread (dist/lint-worker.js): lints the batches of files the CLI sends it. */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './pool';
import { lintSource } from './run-file';
import { ProjectWorkspaces, workspaceLinter } from '../workspace/node-host';

// One workspace per thread, kept across batches: the files a batch imports are parsed once.
let workspaces: ProjectWorkspaces | null = null;

parentPort?.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    workspaces ??= new ProjectWorkspaces(request.cwd);
    const ws = workspaces;
    const results = request.tasks.map((task) =>
      lintSource(
        task.file,
        task.source,
        task.config,
        request.fix,
        {},
        workspaceLinter(ws, task.file, task.config),
      ),
    );
    reply = { ok: true, results };
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
