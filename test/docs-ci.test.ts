/**
 * docs/ci.md's GitHub workflow: it grants `security-events: write`, uploads the SARIF log even when
 * the lint step fails, and its lint command, run as written, writes a SARIF log with rule help.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type * as Sarif from 'sarif';
import { main } from '../src/cli/main';

const page = readFileSync(join(__dirname, '..', 'docs', 'ci.md'), 'utf8');
const workflow = /```yaml\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
const temp = mkdtempSync(join(tmpdir(), 'gl-ci-doc-'));
after(() => rmSync(temp, { recursive: true, force: true }));

test('the workflow may upload, and uploads even when findings fail the lint step', () => {
  assert.match(workflow, /^permissions:\n(?: {2}.*\n)*? {2}security-events: write$/m);
  const upload = /- name: Upload[^\n]*\n((?: {8}.*\n)+)/.exec(workflow)?.[1] ?? '';
  assert.match(upload, /^ {8}if: always\(\)$/m);
  assert.match(upload, /uses: github\/codeql-action\/upload-sarif@v\d/);
  assert.match(upload, /sarif_file: gradient-lens\.sarif/);
});

test("the workflow's lint command runs as written and writes SARIF with rule help", async () => {
  const command = /run: npx gradient-lens (lint [^>\n]+?)\s*> gradient-lens\.sarif/.exec(workflow);
  assert.ok(command, 'the lint step redirects to gradient-lens.sarif');
  const argv = command[1].split(/\s+/);
  mkdirSync(join(temp, 'src'));
  writeFileSync(
    join(temp, 'src', 'model.js'),
    `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.lstm({ units: 32, inputShape: [100, 8] }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 10 });
`,
  );
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), cwd: temp };
  const code = await main(argv, io);
  assert.ok(code === 0 || code === 1, err.join(''));
  const log = JSON.parse(out.join('')) as Sarif.Log;
  const run = log.runs[0];
  assert.ok(run.results?.some((r) => r.ruleId === 'rnn-without-clipping'));
  assert.ok(
    run.tool.driver.rules?.every((rule) => rule.help?.markdown?.startsWith(`# ${rule.id}`)),
  );
  assert.match(
    readFileSync(join(temp, '.gradientlenscache'), 'utf8'),
    /model\.js/,
    '--cache wrote',
  );
});
