/**
 * Runs a probe in a child process (dist/probe-worker.js) so that a slow or greedy model never
 * blocks or crashes the caller (the CLI or the VS Code extension host; no `vscode` here).
 * The child is always reaped: on success, failure, timeout, cancellation, memory overrun, and
 * when the parent process exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_OF_MEMORY_PATTERN, TEST_HOOK_ENV, isWorkerMessage, type RunMessage } from './protocol';
import { ProbeError, type ProbeReport, type ProbeRequest, type ProbeRuntimeOptions } from './types';

/** Extra knobs for tests and embedders; none of them changes what is measured. */
export interface ProbeProcessHooks {
  /** Called once the child process exists. */
  onSpawn?: (pid: number) => void;
  /** Overrides the worker script (default: dist/probe-worker.js). */
  workerPath?: string;
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
}

/** How long a child gets to exit after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 1500;
/** How long a child that already answered gets to exit on its own. */
const EXIT_AFTER_ANSWER_MS = 2000;
const MEMORY_POLL_MS = 200;
/** Below this, Node and tfjs alone would exceed the cap. */
export const MIN_MEMORY_MB = 128;

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

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
    const child = spawnWorker(workerPath, options, hooks.env);
    const stderr = new TextTail(16_384);
    let outcome: { report: ProbeReport } | { error: ProbeError } | null = null;
    const timers: NodeJS.Timeout[] = [];

    const settle = (
      next: { report: ProbeReport } | { error: ProbeError },
      stopNow: boolean,
    ): void => {
      if (outcome) return;
      outcome = next;
      options.signal?.removeEventListener('abort', onAbort);
      if (stopNow) terminate(child, timers);
      else timers.push(setTimeout(() => terminate(child, timers), EXIT_AFTER_ANSWER_MS));
    };
    const onAbort = (): void => settle({ error: cancelled() }, true);

    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    child.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.type === 'progress') options.onProgress?.(message.message);
      else if (message.type === 'result') settle({ report: message.report }, false);
      else settle({ error: new ProbeError(message.code, message.message, message.details) }, false);
    });
    child.on('error', (error) => {
      settle(
        { error: new ProbeError('internal', `could not run the probe process: ${error.message}`) },
        true,
      );
    });
    child.on('close', (code, signal) => {
      liveChildren.delete(child);
      timers.forEach(clearTimeout);
      options.signal?.removeEventListener('abort', onAbort);
      const final = outcome ?? {
        error: classifyExit(code, signal, stderr.text(), options.maxHeapMb),
      };
      if ('report' in final) resolve(final.report);
      else reject(final.error);
    });

    options.signal?.addEventListener('abort', onAbort, { once: true });
    timers.push(
      setTimeout(() => settle({ error: timedOut(options.timeoutMs) }, true), options.timeoutMs),
      setInterval(() => {
        const rssMb = residentMemoryMb(child.pid);
        if (rssMb !== null && rssMb > options.maxHeapMb) {
          settle(
            {
              error: outOfMemory(
                options.maxHeapMb,
                `resident memory reached ${Math.round(rssMb)} MB`,
              ),
            },
            true,
          );
        }
      }, MEMORY_POLL_MS),
    );
    if (child.pid !== undefined) hooks.onSpawn?.(child.pid);
    const run: RunMessage = {
      type: 'run',
      request,
      backend: {
        choice: options.backend,
        allowProjectTfjs: options.allowProjectTfjs,
        searchFrom: options.searchFrom,
      },
    };
    try {
      // A failed send means the child already died; its 'close' says why better than EPIPE would.
      child.send(run, () => {});
    } catch (error) {
      // The request could not be serialised (it must be plain data).
      settle(
        {
          error: new ProbeError(
            'bad-input',
            `the probe request is not plain data: ${(error as Error).message}`,
          ),
        },
        true,
      );
    }
  });
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
  options: ProbeRuntimeOptions,
  env: Record<string, string> = {},
) {
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
  return child;
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
}
