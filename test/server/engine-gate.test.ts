/**
 * The editor lints the files the CLI lints: a component that never names tfjs but gets it from the
 * project (a local module that re-exports tfjs) is model code in the language server too.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LintEngine } from '../../src/server/engine';
import { readSettings } from '../../src/server/settings';

const BACKEND = `import * as tf from '@tensorflow/tfjs';
export const { layers, sequential } = tf;
export { tf };
`;
const DEEP = `import { layers, sequential } from './backend';
export function tower() {
  const net = sequential();
  net.add(layers.dense({ units: 8, inputShape: [4], activation: 'sigmoid' }));
  for (let i = 0; i < 12; i++) net.add(layers.dense({ units: 8, activation: 'sigmoid' }));
  net.add(layers.dense({ units: 1 }));
  return net;
}
`;

test('a file that gets tfjs from a module of its project is linted by the server', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'gl-engine-gate-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'package.json'), '{"name":"gate"}\n');
  writeFileSync(join(root, 'src', 'backend.js'), BACKEND);
  const file = join(root, 'src', 'tower.js');
  writeFileSync(file, DEEP);
  const engine = new LintEngine();
  const settings = readSettings({});
  const linted = engine.lint(DEEP, file, 1, settings, undefined);
  assert.equal(linted.analysed, true);
  assert.deepEqual(
    linted.analysis?.models.map((m) => m.layers.length),
    [14],
  );
  assert.ok(linted.messages.some((m) => m.ruleId === 'saturating-activation'));
  // A plain script of the same project that imports nothing of tfjs stays unanalysed.
  const plain = join(root, 'src', 'util.js');
  const text = `export const add = (a, b) => a + b;\n`;
  writeFileSync(plain, text);
  assert.equal(engine.lint(text, plain, 1, settings, undefined).analysed, false);
});
