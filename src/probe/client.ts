/**
 * Runs probes in a child process (dist/probe-worker.js) so that a slow or greedy model never blocks or crashes the
 * caller (the CLI or the VS Code extension host; no `vscode` here). One process is kept warm between probes (tfjs
 * and its backend stay loaded), for `idleMs` after its last answer; probes take turns on it, never two at once.
 * A probe that times out, is cancelled, overruns its memory cap or crashes takes its process with it (always
 * reaped, also when the parent exits); the next probe starts a fresh one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_OF_MEMORY_PATTERN, TEST_HOOK_ENV, isWorkerMessage, type RunMessage } from './protocol';
import {
  ProbeError,
  type ProbeErrorCode,
  type ProbeReport,
  type ProbeRequest,
  type ProbeRuntimeOptions,
} from './types';

/** Extra knobs for tests and embedders; none of them changes what is measured. */
export interface ProbeProcessHooks {
  /** Called once a new child process exists. */
  onSpawn?: (pid: number) => void;
  /** Called when a probe starts on a process; `reused` when it was already warm. */
  onRun?: (pid: number, reused: boolean) => void;
  /** Overrides the worker script (default: dist/probe-worker.js). */
  workerPath?: string;
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
}

/** How long a child gets to exit after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 1500;
/** How long a retired child gets to exit on its own once its channel is closed. */
const EXIT_AFTER_ANSWER_MS = 2000;
const MEMORY_POLL_MS = 200;
/** Below this, Node and tfjs alone would exceed the cap. */
export const MIN_MEMORY_MB = 128;
/** How long a probe process stays warm after its last answer, unless the caller says otherwise. */
export const DEFAULT_IDLE_MS = 5 * 60_000;
/** Failures the engine reports about the model itself: the process is still sound and stays warm. */
const MODEL_FAILURES = new Set<ProbeErrorCode>([
  'unresolved',
  'unknown-layer',
  'shape',
  'too-large',
  'bad-input',
]);

interface Worker {
  child: ChildProcess;
  /** Which processes can serve a request: same script, heap cap, environment and backend plan. */
  key: string;
  stderr: TextTail;
  idle: NodeJS.Timeout | null;
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
let warm: Worker | null = null;
/** Probes take turns: each waits for the one before it to settle. */
let queue: Promise<unknown> = Promise.resolve();

export function runProbe(
  request: ProbeRequest,
  options: ProbeRuntimeOptions,
  hooks: ProbeProcessHooks = {},
): Promise<ProbeReport> {
  const invalid = validateOptions(options);
  if (invalid) return Promise.reject(new ProbeError('bad-input', invalid));
  if (options.signal?.aborted) return Promise.reject(cancelled());
  const workerPath = hooks.workerPath ?? findWorkerScript();
  if (!workerPath) {
    return Promise.reject(
      new ProbeError(
        'internal',
        'the probe worker (dist/probe-worker.js) is missing; run "npm run build"',
      ),
    );
  }
  return new Promise<ProbeReport>((resolve, reject) => {
    // A probe cancelled while it waits for its turn fails at once and never reaches a process.
    const onAbortWaiting = (): void => reject(cancelled());
    options.signal?.addEventListener('abort', onAbortWaiting, { once: true });
    const turn = queue.then(() => {
      options.signal?.removeEventListener('abort', onAbortWaiting);
      if (options.signal?.aborted) throw cancelled();
      return runOnWorker(request, options, hooks, workerPath);
    });
    queue = turn.catch(() => undefined);
    turn.then(resolve, reject);
  });
}

/** Ends the warm probe process, if any (the extension calls this on deactivation). */
export function shutdownProbeWorker(): void {
  if (warm) retire(warm);
}

function runOnWorker(
  request: ProbeRequest,
  options: ProbeRuntimeOptions,
  hooks: ProbeProcessHooks,
  workerPath: string,
): Promise<ProbeReport> {
  const backend = {
    choice: options.backend,
    allowProjectTfjs: options.allowProjectTfjs,
    searchFrom: options.searchFrom,
  };
  const key = JSON.stringify([workerPath, Math.floor(options.maxHeapMb), hooks.env ?? {}, backend]);
  const reused = warm !== null && warm.key === key && isRunning(warm.child);
  if (!reused && warm) retire(warm);
  const worker = reused ? warm! : spawnWorker(workerPath, key, options, hooks.env);
  warm = null;
  if (worker.idle) clearTimeout(worker.idle);
  worker.idle = null;
  setReferenced(worker.child, true);
  worker.stderr.clear();
  if (!reused && worker.child.pid !== undefined) hooks.onSpawn?.(worker.child.pid);
  if (worker.child.pid !== undefined) hooks.onRun?.(worker.child.pid, reused);
  const { child } = worker;

  return new Promise<ProbeReport>((resolve, reject) => {
    // Set when the probe must stop with this error: the process is stopped and the error given once it closed.
    let stopping: ProbeError | null = null;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const cleanup = (): void => {
      settled = true;
      timers.forEach(clearTimeout);
      timers.length = 0;
      options.signal?.removeEventListener('abort', onAbort);
      child.off('message', onMessage);
      child.off('close', onClose);
      child.off('error', onError);
    };
    const stop = (error: ProbeError): void => {
      if (settled || stopping) return;
      stopping = error;
      terminate(child, timers);
    };
    const onAbort = (): void => stop(cancelled());
    const onMessage = (message: unknown): void => {
      if (settled || stopping || !isWorkerMessage(message)) return;
      if (message.type === 'progress') options.onProgress?.(message.message);
      else if (message.type === 'partial') options.onPartial?.(message.report);
      else if (message.type === 'result') {
        cleanup();
        park(worker, options);
        resolve(message.report);
      } else {
        cleanup();
        // The engine's own complaints about the model leave the process sound; anything else retires it.
        if (MODEL_FAILURES.has(message.code)) park(worker, options);
        else retire(worker);
        reject(new ProbeError(message.code, message.message, message.details));
      }
    };
    const onClose = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      reject(stopping ?? classifyExit(code, signal, worker.stderr.text(), options.maxHeapMb));
    };
    const onError = (error: Error): void => {
      stop(new ProbeError('internal', `could not run the probe process: ${error.message}`));
    };

    child.on('message', onMessage);
    child.on('close', onClose);
    child.on('error', onError);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    timers.push(
      setTimeout(() => stop(timedOut(options.timeoutMs)), options.timeoutMs),
      setInterval(() => {
        const rssMb = residentMemoryMb(child.pid);
        if (rssMb !== null && rssMb > options.maxHeapMb) {
          stop(outOfMemory(options.maxHeapMb, `resident memory reached ${Math.round(rssMb)} MB`));
        }
      }, MEMORY_POLL_MS),
    );
    const run: RunMessage = {
      type: 'run',
      request: request.budget
        ? request
        : { ...request, budget: { timeoutMs: options.timeoutMs, maxHeapMb: options.maxHeapMb } },
      backend,
      ...(options.onPartial ? { preview: true } : {}),
    };
    try {
      // A failed send means the child already died; its 'close' says why better than EPIPE would.
      child.send(run, () => {});
    } catch (error) {
      // The request could not be serialised (it must be plain data).
      stop(
        new ProbeError(
          'bad-input',
          `the probe request is not plain data: ${(error as Error).message}`,
        ),
      );
    }
  });
}

/**
 * Keeps an answered process warm for the next probe, unless the caller wants none or it holds more than half its
 * memory cap: wasm memory never shrinks, and a model that large gains little from a warm start anyway.
 */
function park(worker: Worker, options: ProbeRuntimeOptions): void {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const rssMb = residentMemoryMb(worker.child.pid);
  if (
    !(idleMs > 0) ||
    !isRunning(worker.child) ||
    (rssMb !== null && rssMb > options.maxHeapMb / 2)
  ) {
    retire(worker);
    return;
  }
  if (warm && warm !== worker) retire(warm);
  warm = worker;
  worker.idle = setTimeout(() => retire(worker), idleMs);
  worker.idle.unref();
  // An idle process must not keep the caller alive (a CLI exits when its work is done; the exit hook reaps it).
  setReferenced(worker.child, false);
}

/** Lets a process go: closing its channel ends it; SIGTERM then SIGKILL if it lingers. */
function retire(worker: Worker): void {
  if (warm === worker) warm = null;
  if (worker.idle) clearTimeout(worker.idle);
  worker.idle = null;
  const { child } = worker;
  if (!isRunning(child)) return;
  if (child.connected) child.disconnect();
  const timers: NodeJS.Timeout[] = [];
  timers.push(setTimeout(() => terminate(child, timers), EXIT_AFTER_ANSWER_MS));
  timers.forEach((t) => t.unref());
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function setReferenced(child: ChildProcess, referenced: boolean): void {
  type Handle = { ref(): void; unref(): void };
  const channel = (child as { channel?: Handle | null }).channel;
  const stderr = child.stderr as unknown as Partial<Handle> | null;
  if (referenced) {
    child.ref();
    channel?.ref();
    stderr?.ref?.();
  } else {
    child.unref();
    channel?.unref();
    stderr?.unref?.();
  }
}

/** dist/probe-worker.js, next to the CLI and extension bundles, or under the repo root from sources. */
export function findWorkerScript(): string | null {
  const candidates = [
    join(__dirname, 'probe-worker.js'),
    join(__dirname, '..', '..', 'dist', 'probe-worker.js'),
  ];
  return candidates.find((path) => existsSync(path)) ?? null;
}

function spawnWorker(
  workerPath: string,
  key: string,
  options: ProbeRuntimeOptions,
  env: Record<string, string> = {},
): Worker {
  installExitHook();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  // The probe decides its own V8 flags; an inherited NODE_OPTIONS could override the heap cap.
  delete childEnv.NODE_OPTIONS;
  // The worker's misbehaviour hooks are reachable only through `hooks.env`, never inherited.
  delete childEnv[TEST_HOOK_ENV];
  Object.assign(childEnv, env);
  const child = fork(workerPath, [], {
    execArgv: [`--max-old-space-size=${Math.floor(options.maxHeapMb)}`],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
    env: childEnv,
  });
  liveChildren.add(child);
  const worker: Worker = { child, key, stderr: new TextTail(16_384), idle: null };
  child.stderr?.on('data', (chunk: Buffer) => worker.stderr.push(chunk.toString('utf8')));
  // Without a listener, a spawn failure would be thrown as an uncaught 'error' event.
  child.on('error', () => undefined);
  child.on('close', () => {
    liveChildren.delete(child);
    if (worker.idle) clearTimeout(worker.idle);
    if (warm === worker) warm = null;
  });
  return worker;
}

function terminate(child: ChildProcess, timers: NodeJS.Timeout[]): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  timers.push(
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, KILL_GRACE_MS),
  );
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only signal that cannot be ignored.
  process.on('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

/** Why a child that sent no answer ended; exported for tests that feed it real V8 output. */
export function classifyExit(
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
  maxHeapMb: number,
): ProbeError {
  if (OUT_OF_MEMORY_PATTERN.test(stderr))
    return outOfMemory(maxHeapMb, 'JavaScript heap exhausted');
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const last = lastMeaningfulLine(stderr);
  return new ProbeError(
    'internal',
    `the probe process ${how} without a result${last ? `: ${last}` : ''}`,
  );
}

/** Stack frames (JS and native), section banners, caret markers and Node's version footer. */
const NOISE = [/^at /, /^\d+: /, /^-{3,}.*-{3,}$/, /^\^+$/, /^Node\.js v\d/];

/** The line of stderr that says what went wrong, skipping stack frames and Node's version footer. */
export function lastMeaningfulLine(text: string): string | null {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !NOISE.some((pattern) => pattern.test(line)));
  const errorLine = [...lines].reverse().find((line) => /error|fatal|abort/i.test(line));
  return errorLine ?? lines.at(-1) ?? null;
}

/** Linux only (from /proc); elsewhere the V8 heap flag is the only cap. */
function residentMemoryMb(pid: number | undefined): number | null {
  if (pid === undefined || process.platform !== 'linux') return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function validateOptions(options: ProbeRuntimeOptions): string | null {
  if (!(options.timeoutMs > 0) || !Number.isFinite(options.timeoutMs))
    return 'the probe timeout must be a positive number';
  if (!(options.maxHeapMb >= MIN_MEMORY_MB) || !Number.isFinite(options.maxHeapMb)) {
    return `the probe memory cap must be at least ${MIN_MEMORY_MB} MB`;
  }
  return null;
}

function cancelled(): ProbeError {
  return new ProbeError('cancelled', 'the probe was cancelled');
}

function timedOut(timeoutMs: number): ProbeError {
  const seconds = Number((timeoutMs / 1000).toPrecision(3));
  return new ProbeError(
    'timeout',
    `the probe did not finish within ${seconds} s and was stopped; raise the timeout or use a smaller batch`,
  );
}

function outOfMemory(maxHeapMb: number, why: string): ProbeError {
  return new ProbeError(
    'out-of-memory',
    `the probe ran out of memory (${why}; cap ${maxHeapMb} MB) and was stopped; use a smaller batch or raise the memory cap`,
  );
}

/** Keeps the last `limit` characters of a stream. */
class TextTail {
  private buffer = '';
  constructor(private readonly limit: number) {}
  push(chunk: string): void {
    this.buffer = (this.buffer + chunk).slice(-this.limit);
  }
  text(): string {
    return this.buffer;
  }
  clear(): void {
    this.buffer = '';
  }
}
