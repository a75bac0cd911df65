/**
 * The probe process (bundled to dist/probe-worker.js). It receives one `run` message, loads
 * tfjs, runs the engine, sends back the report or one failure, and exits. It never outlives its
 * parent: losing the IPC channel ends it.
 */
import {
  OUT_OF_MEMORY_PATTERN,
  TEST_HOOK_ENV,
  TEST_HOOK_READY,
  isRunMessage,
  type FailureMessage,
  type RunMessage,
  type WorkerMessage,
} from './protocol';
import { ProbeError } from './types';

if (!process.send) {
  process.stderr.write(
    'probe-worker: must be started by the Gradient Lens probe client (no IPC channel)\n',
  );
  process.exit(2);
}

process.on('disconnect', () => process.exit(0));
process.once('message', (message: unknown) => {
  if (!isRunMessage(message)) {
    void finish({
      type: 'failure',
      code: 'internal',
      message: 'probe worker received a malformed request',
      details: {},
    });
    return;
  }
  run(message).then(finish, (error: unknown) => finish(toFailure(error)));
});

async function run(message: RunMessage): Promise<WorkerMessage> {
  if (process.env[TEST_HOOK_ENV]) await runTestHook(process.env[TEST_HOOK_ENV]);
  const progress = (text: string): void => {
    process.send?.({ type: 'progress', message: text } satisfies WorkerMessage);
  };
  const started = performance.now();
  // Loaded lazily so that nothing tfjs-related is evaluated before the backend is chosen.
  const { loadBackend } = await import('./backend');
  const backend = await loadBackend(message.backend, progress);
  const loadMs = performance.now() - started;
  progress(`Backend: ${backend.label}`);
  const { probeModel } = await import('./engine');
  const report = await probeModel(backend.tf, message.request, backend.label, progress);
  // The engine names the backend itself (it may fall back to cpu for a missing kernel); loading
  // tfjs is added to its own load time (reading a model.json's weights).
  report.timings = { ...report.timings, loadMs: Math.round(loadMs + report.timings.loadMs) };
  report.assumptions = [...report.assumptions, ...backend.notes];
  return { type: 'result', report };
}

function toFailure(error: unknown): FailureMessage {
  if (error instanceof ProbeError) {
    // The engine wraps unexpected errors as 'internal'; a wasm or typed-array allocation failure
    // inside it is still memory running out.
    const outOfMemory = error.code === 'internal' && OUT_OF_MEMORY_PATTERN.test(error.message);
    return {
      type: 'failure',
      code: outOfMemory ? 'out-of-memory' : error.code,
      message: error.message,
      details: { ...error.details },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (OUT_OF_MEMORY_PATTERN.test(message)) {
    return {
      type: 'failure',
      code: 'out-of-memory',
      message: `the probe ran out of memory (${message})`,
      details: {},
    };
  }
  return { type: 'failure', code: 'internal', message: `probe failed: ${message}`, details: {} };
}

async function finish(message: WorkerMessage): Promise<void> {
  await new Promise<void>((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
  process.exit(0);
}

/** Misbehaviours used only by test/probe/process.test.ts to prove the client always reaps the child. */
function runTestHook(hook: string | undefined): Promise<never> | void {
  switch (hook) {
    case 'hang':
      for (;;) spin();
    case 'hang-ignoring-sigterm':
      // With a listener installed, SIGTERM waits for the event loop, which the spin never frees.
      // The test waits for this message, so it knows the listener is in place before it stops us.
      process.on('SIGTERM', () => {});
      process.send?.({ type: 'progress', message: TEST_HOOK_READY } satisfies WorkerMessage, () => {
        for (;;) spin();
      });
      return new Promise<never>(() => {});
    case 'crash':
      process.stderr.write('probe-worker test hook: simulated crash\n');
      process.abort();
      break;
    case 'heap-exhaustion': {
      const hoard: number[][] = [];
      for (;;) hoard.push(Array.from({ length: 1e5 }, (_, i) => i + hoard.length));
    }
  }
}

function spin(): void {
  const until = Date.now() + 50;
  while (Date.now() < until) {
    // A real probe blocks the event loop the same way while a kernel runs.
  }
}
