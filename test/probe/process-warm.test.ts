/**
 * The kept-warm probe process: a second probe reuses it (tfjs stays loaded), probes take turns on it, a crashed,
 * timed-out or cancelled one is replaced, an idle one goes after its idle time, and a large model sends a first
 * result before the full one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyze } from '../../src/analysis';
import { runProbe, shutdownProbeWorker } from '../../src/probe/client';
import { TEST_HOOK_ENV } from '../../src/probe/protocol';
import {
  ProbeError,
  type ProbeReport,
  type ProbeRequest,
  type ProbeRuntimeOptions,
} from '../../src/probe/types';
import { isAlive } from './process-helpers';

const repoRoot = join(__dirname, '..', '..');
after(() => shutdownProbeWorker());

function requestFor(source: string, batchSize = 16): ProbeRequest {
  const [model] = analyze(source, 'model.js').models;
  assert.ok(model, 'a model in the source');
  return {
    target: { kind: 'ir', model, filePath: 'model.js' },
    values: {},
    batchSize,
    steps: 1,
    seed: 7,
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
    maxParams: 5e7,
  };
}

const deepSigmoid = readFileSync(join(repoRoot, 'test/fixtures/probe-cli/deep-sigmoid.js'), 'utf8');

function runtime(overrides: Partial<ProbeRuntimeOptions> = {}): ProbeRuntimeOptions {
  return {
    backend: 'wasm',
    allowProjectTfjs: false,
    searchFrom: repoRoot,
    timeoutMs: 60_000,
    maxHeapMb: 2048,
    ...overrides,
  };
}

async function probeTracked(
  request: ProbeRequest,
  options: Partial<ProbeRuntimeOptions> = {},
  env?: Record<string, string>,
): Promise<{
  report: ProbeReport | null;
  error: unknown;
  pid: number;
  reused: boolean;
  wallMs: number;
}> {
  let pid = -1;
  let reused = false;
  const started = performance.now();
  try {
    const report = await runProbe(request, runtime(options), {
      onRun: (p, r) => ((pid = p), (reused = r)),
      ...(env ? { env } : {}),
    });
    return { report, error: null, pid, reused, wallMs: performance.now() - started };
  } catch (error) {
    return { report: null, error, pid, reused, wallMs: performance.now() - started };
  }
}

test('a second probe runs on the warm process: no tfjs load, same measurement, same weight names', async () => {
  const first = await probeTracked(requestFor(deepSigmoid));
  const second = await probeTracked(requestFor(deepSigmoid));
  assert.ok(first.report && second.report, String(first.error ?? second.error));
  assert.equal(second.reused, true);
  assert.equal(second.pid, first.pid);
  assert.ok(isAlive(first.pid));
  assert.ok(second.report.timings.loadMs < first.report.timings.loadMs);
  assert.deepEqual(
    second.report.layers.map((l) => [l.gradNorm, l.weights.map((w) => w.name)]),
    first.report.layers.map((l) => [l.gradNorm, l.weights.map((w) => w.name)]),
  );
  assert.equal(second.report.layers[0]!.weights[0]!.name.endsWith('_1'), false);
});

test('probes started together take turns on one process and both finish', async () => {
  const events: string[] = [];
  const one = runProbe(
    requestFor(deepSigmoid),
    runtime({ onProgress: (m) => m.startsWith('Building') && events.push('a') }),
  );
  const two = runProbe(
    requestFor(deepSigmoid, 8),
    runtime({ onProgress: (m) => m.startsWith('Building') && events.push('b') }),
  );
  const [a, b] = await Promise.all([one, two]);
  assert.equal(a.batchSize, 16);
  assert.equal(b.batchSize, 8);
  assert.deepEqual(events, ['a', 'b']);
});

test('a probe cancelled while it waits for its turn fails at once and the running one is unaffected', async () => {
  const controller = new AbortController();
  const running = runProbe(requestFor(deepSigmoid), runtime());
  const waiting = runProbe(requestFor(deepSigmoid), runtime({ signal: controller.signal }));
  controller.abort();
  await assert.rejects(waiting, { code: 'cancelled' });
  assert.equal((await running).layers.length, 11);
});

test('a model failure keeps the process; a crash or a timeout replaces it', async () => {
  const ok = await probeTracked(requestFor(deepSigmoid));
  // With assuming refused, an open value is a failure of the model, not of the process.
  const unknownValue: ProbeRequest = {
    ...requestFor(`
    import * as tf from '@tensorflow/tfjs';
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: width, inputShape: [4] }));
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  `),
    assume: false,
  };
  const refused = await probeTracked(unknownValue);
  assert.equal((refused.error as ProbeError).code, 'unresolved');
  assert.equal(refused.pid, ok.pid);
  const again = await probeTracked(requestFor(deepSigmoid));
  assert.equal(again.pid, ok.pid);

  const big = readFileSync(join(repoRoot, 'test/fixtures/probe-cli/big.js'), 'utf8');
  const slow = await probeTracked(requestFor(big, 1024), { timeoutMs: 1000 });
  assert.equal((slow.error as ProbeError).code, 'timeout');
  assert.equal(isAlive(slow.pid), false);
  const fresh = await probeTracked(requestFor(deepSigmoid));
  assert.ok(fresh.report);
  assert.equal(fresh.reused, false);
  assert.notEqual(fresh.pid, slow.pid);

  const crashed = await probeTracked(requestFor(deepSigmoid), {}, { [TEST_HOOK_ENV]: 'crash' });
  assert.equal((crashed.error as ProbeError).code, 'internal');
  assert.equal(isAlive(crashed.pid), false);
  const afterCrash = await probeTracked(requestFor(deepSigmoid));
  assert.ok(afterCrash.report);
  assert.notEqual(afterCrash.pid, crashed.pid);
});

test('an idle process goes after its idle time; idleMs 0 ends it with the answer', async () => {
  const kept = await probeTracked(requestFor(deepSigmoid), { idleMs: 400 });
  assert.ok(isAlive(kept.pid));
  for (let i = 0; i < 60 && isAlive(kept.pid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(isAlive(kept.pid), false, 'the idle process ended');
  const once = await probeTracked(requestFor(deepSigmoid), { idleMs: 0 });
  assert.equal(once.reused, false);
  for (let i = 0; i < 40 && isAlive(once.pid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(isAlive(once.pid), false);
});

test('a warm process does not keep a finished command-line run alive, and goes with it', async () => {
  const script = join(__dirname, '..', 'fixtures', 'probe-cli', 'probe-and-return.ts');
  const parent = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => parent.on('close', resolve));
  assert.equal(code, 0);
  const match = /child (\d+) (\w+)/.exec(output);
  assert.ok(match, output);
  assert.equal(match[2], 'vanishing');
  const pid = Number(match[1]);
  for (let i = 0; i < 20 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(isAlive(pid), false, `child ${pid} outlived its parent`);
});

test('a large model sends a first result (one step, smaller batch, stated) before the full one', async () => {
  const wide = `
    import * as tf from '@tensorflow/tfjs';
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 512, activation: 'relu', inputShape: [512] }));
    for (let i = 0; i < 5; i++) model.add(tf.layers.dense({ units: 512, activation: 'relu' }));
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  `;
  const partials: ProbeReport[] = [];
  const report = await runProbe(
    requestFor(wide, 256),
    runtime({ onPartial: (r) => partials.push(r) }),
  );
  assert.equal(partials.length, 1);
  const first = partials[0]!;
  assert.deepEqual(first.preview, { batchSize: 4, steps: 1, fullBatchSize: 256, fullSteps: 1 });
  assert.equal(first.batchSize, 4);
  assert.match(first.assumptions[0]!, /^First result: one step on a batch of 4/);
  assert.equal(report.preview, undefined);
  assert.equal(report.batchSize, 256);
  assert.equal(first.layers.length, report.layers.length);
  // A small model is simply measured: no first result.
  const small: ProbeReport[] = [];
  await runProbe(requestFor(deepSigmoid), runtime({ onPartial: (r) => small.push(r) }));
  assert.equal(small.length, 0);
});

test('a process that holds more than half its memory cap after a probe is not kept warm', async () => {
  // Node with tfjs on wasm holds well over 70 MB resident, above half of a 140 MB cap (about 90 MB measured here).
  const first = await probeTracked(requestFor(deepSigmoid), { maxHeapMb: 140 });
  assert.ok(first.report, String(first.error));
  const second = await probeTracked(requestFor(deepSigmoid), { maxHeapMb: 140 });
  assert.equal(second.reused, false);
  assert.notEqual(second.pid, first.pid);
});
