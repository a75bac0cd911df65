import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyze } from '../../src/analysis';
import { runProbe } from '../../src/probe/client';
import { TEST_HOOK_ENV } from '../../src/probe/protocol';
import { ProbeError, type ProbeRequest, type ProbeRuntimeOptions } from '../../src/probe/types';
import { isAlive } from './process-helpers';

// Real probes through the bundled worker (dist/probe-worker.js), on real models from fixtures.
const repoRoot = join(__dirname, '..', '..');
const fixture = join(repoRoot, 'test/fixtures/probe-cli/deep-sigmoid.js');
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-process-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function requestFor(file: string): ProbeRequest {
  const [model] = analyze(readFileSync(file, 'utf8'), file).models;
  assert.ok(model, `a model in ${file}`);
  return {
    target: { kind: 'ir', model, filePath: file },
    values: {},
    batchSize: 16,
    steps: 1,
    seed: 7,
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
    maxParams: 5e7,
  };
}

function runtime(overrides: Partial<ProbeRuntimeOptions>): ProbeRuntimeOptions {
  return {
    backend: 'auto',
    allowProjectTfjs: false,
    searchFrom: scratch,
    timeoutMs: 60_000,
    maxHeapMb: 2048,
    ...overrides,
  };
}

test('the bundled worker measures the same gradients on wasm and cpu', async () => {
  const progress: string[] = [];
  const wasm = await runProbe(
    requestFor(fixture),
    runtime({ backend: 'wasm', onProgress: (m) => progress.push(m) }),
  );
  const cpu = await runProbe(requestFor(fixture), runtime({ backend: 'cpu' }));
  assert.match(wasm.backend, /^wasm \(bundled tfjs 4\.22\.0\)$/);
  assert.match(cpu.backend, /^cpu \(bundled tfjs 4\.22\.0\)$/);
  assert.ok(
    progress.includes('Backend: wasm (bundled tfjs 4.22.0)'),
    `progress relayed: ${progress.join(' | ')}`,
  );
  assert.equal(wasm.layers.length, 11);
  assert.equal(wasm.verdict, 'vanishing');
  // Same seed, same weights and batch: the two backends differ only by float rounding.
  wasm.layers.forEach((layer, i) => {
    const other = cpu.layers[i].gradNorm as number;
    const relative = Math.abs((layer.gradNorm as number) - other) / other;
    assert.ok(relative < 1e-3, `layer ${i}: wasm ${layer.gradNorm} vs cpu ${other}`);
  });
  assert.ok(wasm.timings.loadMs > 0 && wasm.timings.probeMs > 0);
});

test("an allowed project's own tfjs is the one the worker loads", async () => {
  const project = join(scratch, 'project');
  const pkg = join(project, 'node_modules', '@tensorflow', 'tfjs');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: '@tensorflow/tfjs', version: '9.9.9-fake', main: 'index.js' }),
  );
  writeFileSync(
    join(pkg, 'index.js'),
    `module.exports = require(${JSON.stringify(require.resolve('@tensorflow/tfjs'))});\n`,
  );
  const allowed = await runProbe(
    requestFor(fixture),
    runtime({ allowProjectTfjs: true, searchFrom: project }),
  );
  assert.equal(allowed.backend, 'cpu (project tfjs 9.9.9-fake)');
  const denied = await runProbe(
    requestFor(fixture),
    runtime({ allowProjectTfjs: false, searchFrom: project }),
  );
  assert.equal(denied.backend, 'wasm (bundled tfjs 4.22.0)');
});

test('a test hook set in the parent environment is not inherited by the worker', async () => {
  process.env[TEST_HOOK_ENV] = 'crash';
  try {
    const report = await runProbe(requestFor(fixture), runtime({ backend: 'wasm' }));
    assert.equal(report.layers.length, 11);
  } finally {
    delete process.env[TEST_HOOK_ENV];
  }
});

test('a real model that outlasts its timeout is stopped and leaves no process behind', async () => {
  const big = requestFor(join(repoRoot, 'test/fixtures/probe-cli/big.js'));
  let pid = -1;
  const error = await runProbe(
    { ...big, batchSize: 1024 },
    runtime({ backend: 'wasm', timeoutMs: 1000 }),
    { onSpawn: (p) => (pid = p) },
  ).catch((e: unknown) => e);
  assert.ok(error instanceof ProbeError, String(error));
  assert.equal(error.code, 'timeout');
  assert.equal(isAlive(pid), false, `probe process ${pid} is still there`);
});
