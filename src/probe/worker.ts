/**
 * The probe process (bundled to dist/probe-worker.js). It answers `run` messages one after another: loads tfjs
 * once (kept for the next probe), runs the engine, sends back the report (after a first partial one for a large
 * model when asked) or one failure. It never outlives its parent: losing the IPC channel ends it, which is also
 * how the parent lets an idle process go.
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
import { ProbeError, type ProbeReport } from './types';

if (!process.send) {
  process.stderr.write(
    'probe-worker: must be started by the Gradient Lens probe client (no IPC channel)\n',
  );
  process.exit(2);
}

process.on('disconnect', () => process.exit(0));
/** Requests are answered in order; the parent never sends a second before the first is answered. */
let turn: Promise<void> = Promise.resolve();
process.on('message', (message: unknown) => {
  if (!isRunMessage(message)) {
    turn = turn.then(() =>
      send({
        type: 'failure',
        code: 'internal',
        message: 'probe worker received a malformed request',
        details: {},
      }),
    );
    return;
  }
  turn = turn.then(() => run(message).then(send, (error: unknown) => send(toFailure(error))));
});

type Backend = Awaited<ReturnType<typeof import('./backend').loadBackend>>;
/** Loaded backends by plan: the second probe on this process skips loading tfjs. */
const backends = new Map<string, Promise<Backend>>();

async function run(message: RunMessage): Promise<WorkerMessage> {
  if (process.env[TEST_HOOK_ENV]) await runTestHook(process.env[TEST_HOOK_ENV]);
  const progress = (text: string): void => {
    process.send?.({ type: 'progress', message: text } satisfies WorkerMessage);
  };
  const started = performance.now();
  const planKey = JSON.stringify(message.backend);
  let loading = backends.get(planKey);
  if (!loading) {
    // Loaded lazily so that nothing tfjs-related is evaluated before the backend is chosen.
    loading = import('./backend').then(({ loadBackend }) => loadBackend(message.backend, progress));
    backends.set(planKey, loading);
    loading.catch(() => backends.delete(planKey));
  }
  const backend = await loading;
  const loadMs = performance.now() - started;
  progress(`Backend: ${backend.label}`);
  const { probeModel } = await import('./engine');
  const finish = (report: ProbeReport): ProbeReport => {
    // The engine names the backend itself (it may fall back to cpu for a missing kernel); loading
    // tfjs is added to its own load time (reading a model.json's weights).
    report.timings = { ...report.timings, loadMs: Math.round(loadMs + report.timings.loadMs) };
    report.assumptions = [...report.assumptions, ...backend.notes];
    return report;
  };
  const onPartial = message.preview
    ? (report: ProbeReport) => send({ type: 'partial', report: finish(report) })
    : undefined;
  const report = await probeModel(backend.tf, message.request, backend.label, progress, onPartial);
  return { type: 'result', report: finish(report) };
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

function send(message: WorkerMessage): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
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
