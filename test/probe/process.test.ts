import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  KILL_GRACE_MS,
  classifyExit,
  findWorkerScript,
  lastMeaningfulLine,
  runProbe,
} from '../../src/probe/client';
import { TEST_HOOK_ENV, TEST_HOOK_READY, type TestHook } from '../../src/probe/protocol';
import { ProbeError, type ProbeRequest, type ProbeRuntimeOptions } from '../../src/probe/types';
import { isAlive } from './process-helpers';

const repoRoot = join(__dirname, '..', '..');

/** A request the hooks never look at: the worker misbehaves before reading it. */
const request: ProbeRequest = {
  target: { kind: 'model-json', path: '/nonexistent/model.json' },
  values: {},
  batchSize: 4,
  steps: 1,
  seed: 1,
  thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
  maxParams: 1e6,
};

function options(overrides: Partial<ProbeRuntimeOptions> = {}): ProbeRuntimeOptions {
  return {
    backend: 'cpu',
    allowProjectTfjs: false,
    searchFrom: repoRoot,
    timeoutMs: 30_000,
    maxHeapMb: 512,
    ...overrides,
  };
}

async function probeWithHook(hook: TestHook, runtime: Partial<ProbeRuntimeOptions>) {
  let pid: number | null = null;
  const started = Date.now();
  const error = await runProbe(request, options(runtime), {
    env: { [TEST_HOOK_ENV]: hook },
    onSpawn: (p) => (pid = p),
  }).then(
    () => assert.fail('the probe should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProbeError, `expected a ProbeError, got ${String(error)}`);
  assert.notEqual(pid, null, 'the child was spawned');
  return { error, pid: pid as unknown as number, elapsed: Date.now() - started };
}

before(() => {
  assert.ok(
    findWorkerScript(),
    'dist/probe-worker.js is missing: run "npm run build" (npm test does)',
  );
});

describe('probe process: reaping', () => {
  test('a probe stopped at its timeout leaves no process behind', async () => {
    const { error, pid } = await probeWithHook('hang', { timeoutMs: 700 });
    assert.equal(error.code, 'timeout');
    assert.match(error.message, /did not finish within 0\.7 s/);
    assert.equal(isAlive(pid), false, `child ${pid} still exists after the timeout`);
  });

  test('a child that ignores SIGTERM is killed with SIGKILL after the grace period', async () => {
    const controller = new AbortController();
    let pid = -1;
    let stopAt = 0;
    const error = await runProbe(
      request,
      options({
        signal: controller.signal,
        onProgress: (message) => {
          if (message !== TEST_HOOK_READY) return;
          stopAt = Date.now();
          controller.abort();
        },
      }),
      { env: { [TEST_HOOK_ENV]: 'hang-ignoring-sigterm' }, onSpawn: (p) => (pid = p) },
    ).catch((e: unknown) => e);
    const elapsed = Date.now() - stopAt;
    assert.ok(error instanceof ProbeError);
    assert.equal(error.code, 'cancelled');
    assert.ok(stopAt > 0, 'the hook armed itself');
    assert.ok(
      elapsed >= KILL_GRACE_MS - 50,
      `settled ${elapsed} ms after SIGTERM, before the grace ran out`,
    );
    assert.equal(isAlive(pid), false, `child ${pid} survived SIGKILL`);
  });

  test('aborting the signal cancels the probe and reaps the child', async () => {
    const controller = new AbortController();
    let pid = -1;
    const error = await runProbe(request, options({ signal: controller.signal }), {
      env: { [TEST_HOOK_ENV]: 'hang' },
      onSpawn: (p) => {
        pid = p;
        setTimeout(() => controller.abort(), 300);
      },
    }).catch((e: unknown) => e);
    assert.ok(error instanceof ProbeError);
    assert.equal(error.code, 'cancelled');
    assert.equal(isAlive(pid), false);
  });

  test('an already-aborted signal fails without spawning anything', async () => {
    let spawned = false;
    const error = await runProbe(request, options({ signal: AbortSignal.abort() }), {
      onSpawn: () => (spawned = true),
    }).catch((e: unknown) => e);
    assert.ok(error instanceof ProbeError);
    assert.equal(error.code, 'cancelled');
    assert.equal(spawned, false);
  });

  test('when the parent process exits, its probe child goes with it', async () => {
    const script = join(__dirname, '..', 'fixtures', 'probe-cli', 'exit-while-probing.ts');
    const parent = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => parent.on('close', resolve));
    assert.equal(code, 0);
    const pid = Number(/child (\d+)/.exec(output)?.[1]);
    assert.ok(pid > 0, `the parent printed its child's pid: ${JSON.stringify(output)}`);
    // SIGKILL from the exit hook is asynchronous at the OS level: give the kernel a moment.
    for (let i = 0; i < 20 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(pid), false, `child ${pid} outlived its parent`);
  });
});

describe('probe process: failures', () => {
  test('a crash is an internal error quoting the last meaningful stderr line', async () => {
    const { error, pid } = await probeWithHook('crash', {});
    assert.equal(error.code, 'internal');
    assert.match(
      error.message,
      /killed by SIGABRT without a result: probe-worker test hook: simulated crash$/,
    );
    assert.equal(isAlive(pid), false);
  });

  test('exhausting the heap is reported as out-of-memory, not as a crash', async () => {
    const { error, pid } = await probeWithHook('heap-exhaustion', { maxHeapMb: 160 });
    assert.equal(error.code, 'out-of-memory');
    assert.match(error.message, /out of memory .*cap 160 MB/);
    assert.equal(isAlive(pid), false);
  });

  test("V8's own heap-limit abort is classified as out-of-memory from its stderr", async () => {
    // A real V8 heap exhaustion, outside the watchdog's reach, to capture what Node prints.
    const child = spawn(
      process.execPath,
      ['--max-old-space-size=24', '-e', 'const a = []; for (;;) a.push(new Array(1e5).fill(1.5));'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    );
    assert.notEqual(code, 0);
    const error = classifyExit(code, signal, stderr, 24);
    assert.equal(error.code, 'out-of-memory');
    assert.equal(
      classifyExit(1, null, 'Error: boom\n    at x (y.js:1:1)\n\nNode.js v20.0.0\n', 24).code,
      'internal',
    );
  });

  test('bad runtime options are rejected before spawning', async () => {
    await assert.rejects(runProbe(request, options({ timeoutMs: 0 })), { code: 'bad-input' });
    await assert.rejects(runProbe(request, options({ maxHeapMb: 16 })), { code: 'bad-input' });
  });

  test('a missing worker script is one clear error', async () => {
    const missing = join(repoRoot, 'dist', 'no-such-worker.js');
    assert.equal(existsSync(missing), false);
    await assert.rejects(
      runProbe(request, options(), { workerPath: missing }),
      (error: unknown) => {
        assert.ok(error instanceof ProbeError);
        assert.equal(error.code, 'internal');
        return true;
      },
    );
  });

  test('lastMeaningfulLine skips stack frames, banners and the Node footer', () => {
    const stderr = [
      '/x/worker.js:10',
      '    throw new Error("bad shape");',
      '    ^',
      '',
      'Error: bad shape',
      '    at run (/x/worker.js:10:11)',
      '----- Native stack trace -----',
      ' 1: 0xd3a3c0  [node]',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    assert.equal(lastMeaningfulLine(stderr), 'Error: bad shape');
    assert.equal(lastMeaningfulLine('\n\n'), null);
  });
});

test('a request that is not plain data is rejected and its process reaped', async () => {
  let pid = -1;
  const bad = { ...request, values: { width: (() => 3) as unknown as string } };
  const error = await runProbe(bad, options(), { onSpawn: (p) => (pid = p) }).catch(
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProbeError);
  assert.equal(error.code, 'bad-input');
  assert.equal(isAlive(pid), false);
});
