/**
 * `gradient-lens monitor LOGFILE` on logs written by the monitor during real training: the verdict
 * and exit code, the table, JSON and HTML formats, a log whose last line is still being written, and
 * --follow reading a log as another writer appends to it (split mid-line) until the end record.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/io';
import { gradientMonitor } from '../../src/monitor';
import {
  classificationData,
  cpu,
  explodingRegressor,
  healthyClassifier,
  regressionData,
} from './models';

const dir = mkdtempSync(join(tmpdir(), 'gl-monitor-cli-'));
const explodeLog = join(dir, 'runs', 'explode.jsonl');
const healthyLog = join(dir, 'runs', 'healthy.jsonl');

before(async () => {
  await cpu();
  const exploding = explodingRegressor();
  const r = regressionData();
  await exploding.fit(r.x, r.y, {
    batchSize: 32,
    epochs: 1,
    shuffle: false,
    verbose: 0,
    callbacks: [gradientMonitor(exploding, { logFile: explodeLog })],
  });
  const healthy = healthyClassifier();
  const c = classificationData();
  await healthy.fit(c.x, c.y, {
    batchSize: 32,
    epochs: 3,
    shuffle: false,
    verbose: 0,
    callbacks: [gradientMonitor(healthy, { logFile: healthyLog, sampleEvery: 3 })],
  });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: dir,
  };
  const code = await main(['monitor', ...args], io);
  return { code, stdout, stderr };
}

test('an exploding run: exit 1, the first bad step and the layer in the table', async () => {
  const { code, stdout } = await cli(['runs/explode.jsonl']);
  assert.equal(code, 1);
  assert.match(
    stdout,
    /^Verdict: NON-FINITE - Non-finite gradient at step 3 \(epoch 0, batch 3\): layer dense_Dense\d+ /m,
  );
  assert.match(stdout, /^First bad step: 3$/m);
  assert.match(stdout, /^ +3\* +0 +Inf +NaN +NaN +NaN$/m);
});

test('a healthy run: exit 0, every layer by its code name, all records in JSON', async () => {
  const table = await cli(['runs/healthy.jsonl']);
  assert.equal(table.code, 0, table.stdout);
  assert.match(
    table.stdout,
    /^Verdict: HEALTHY - No problem in 12 sampled steps \(up to step 33\)\.$/m,
  );
  const json = await cli(['runs/healthy.jsonl', '--format', 'json']);
  assert.equal(json.code, 0);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.verdict, 'healthy');
  assert.deepEqual(parsed.steps, [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33]);
  assert.deepEqual(
    parsed.layers.map((l: { name: string }) => l.name),
    ['hidden1', 'hidden2', 'probs'],
  );
  assert.equal(parsed.layers[0].grad.length, 12);
  assert.equal(parsed.ended, true);
});

test('JSON keeps non-finite values as strings; thresholds can be set', async () => {
  const { code, stdout } = await cli([
    'runs/explode.jsonl',
    '--format',
    'json',
    '--growth-factor',
    '10',
  ]);
  assert.equal(code, 1);
  const parsed = JSON.parse(stdout);
  assert.equal(parsed.firstBadStep, 3);
  assert.equal(parsed.layers[0].grad[1], 'NaN');
  assert.equal(parsed.loss[1], 'Infinity');
  assert.equal(parsed.thresholds.growthFactor, 10);
});

test("HTML: one self-contained file, nonce-only scripts, the log's data escaped", async () => {
  const { code, stdout } = await cli([
    'runs/explode.jsonl',
    '--format',
    'html',
    '--out',
    'report/explode.html',
  ]);
  assert.equal(code, 1);
  assert.match(stdout, /Wrote report\/explode\.html \(verdict: non-finite\)/);
  const html = readFileSync(join(dir, 'report/explode.html'), 'utf8');
  assert.match(
    html,
    /Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;nonce-/,
  );
  assert.doesNotMatch(html, /<script[^>]+src=|<link /);
  assert.match(html, /Non-finite gradients/);
  // A layer name from user code is markup nowhere.
  const log = readFileSync(healthyLog, 'utf8').replaceAll(
    '"hidden1"',
    '"<img src=x onerror=alert(1)>"',
  );
  writeFileSync(join(dir, 'hostile.jsonl'), log);
  const hostile = await cli(['hostile.jsonl', '--format', 'html']);
  assert.doesNotMatch(hostile.stdout, /<img src=x/);
  assert.match(hostile.stdout, /&lt;img src=x onerror=alert\(1\)&gt;/);
});

test('--out into a path that cannot be written is a one-line error (exit 2)', async () => {
  writeFileSync(join(dir, 'a-file'), 'not a folder');
  const { code, stdout, stderr } = await cli([
    'runs/explode.jsonl',
    '--format',
    'html',
    '--out',
    'a-file/report.html',
  ]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(
    stderr,
    /^gradient-lens monitor: cannot write a-file\/report\.html: (ENOTDIR|EEXIST)\n$/,
  );
});

test('a log still being written: the half-written last line is ignored', async () => {
  const full = readFileSync(healthyLog, 'utf8').split('\n').filter(Boolean);
  const cut = full.slice(0, 5).join('\n') + '\n' + full[5].slice(0, 40);
  writeFileSync(join(dir, 'partial.jsonl'), cut);
  const table = await cli(['partial.jsonl']);
  assert.equal(table.code, 0);
  assert.match(table.stdout, /4 records up to step 9 · run in progress/);
  const json = JSON.parse((await cli(['partial.jsonl', '--format', 'json'])).stdout);
  assert.equal(json.partialLastLine, true);
  assert.deepEqual(json.skippedLines, []);
});

test('--follow reads the log as it grows, line halves included, and stops at the end record', async () => {
  const lines = readFileSync(explodeLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => `${l}\n`);
  const path = join(dir, 'growing.jsonl');
  writeFileSync(path, lines[0]);
  const chunks = lines.slice(1).flatMap((line) => [line.slice(0, 25), line.slice(25)]);
  const writer = setInterval(() => {
    const chunk = chunks.shift();
    if (chunk === undefined) clearInterval(writer);
    else appendFileSync(path, chunk);
  }, 15);
  const { code, stdout } = await cli([
    'growing.jsonl',
    '--follow',
    '--interval',
    '20',
    '--idle',
    '10',
  ]);
  clearInterval(writer);
  assert.equal(code, 1);
  assert.match(stdout, /^step 0 · epoch 0 · loss \d\.\de1 · first\/output \d\.\de-?\d$/m);
  assert.match(
    stdout,
    /^step 3 · epoch 0 · loss Inf · first\/output - · non-finite in dense_Dense\d+, dense_Dense\d+, dense_Dense\d+$/m,
  );
  assert.match(stdout, /run ended/);
});

test('bad input: a missing file, a file that is no monitor log, a bad flag', async () => {
  assert.equal((await cli(['nope.jsonl'])).code, 2);
  writeFileSync(join(dir, 'other.jsonl'), '{"a":1}\n{"b":2}\n');
  const other = await cli(['other.jsonl']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /no monitor records/);
  assert.equal((await cli(['runs/healthy.jsonl', '--format', 'xml'])).code, 2);
  assert.equal((await cli(['runs/healthy.jsonl', '--interval', 'fast'])).code, 2);
});
