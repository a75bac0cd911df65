import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowProjectTfjs, readSettings } from '../../src/extension/settings-map';
import { readSettings as readServerSettings } from '../../src/server/settings';

const from = (values: Record<string, unknown>) =>
  readSettings(<T>(key: string) => values[key] as T | undefined);

test('defaults match the documented settings', () => {
  const s = from({});
  assert.deepEqual(s.probe, {
    batchSize: 32,
    steps: 1,
    timeoutMs: 60_000,
    maxHeapMb: 2048,
    maxParams: 50_000_000,
    backend: 'auto',
    useWorkspaceTfjs: true,
  });
  assert.deepEqual(s.thresholds, { vanishingRatio: 1e-3, explodingRatio: 70, maxUpdateRatio: 1 });
  // The lint settings are the server's (pulled through workspace/configuration).
  const lint = readServerSettings({});
  assert.equal(lint.enable, true);
  assert.equal(lint.run, 'onType');
  assert.deepEqual(lint.rules, {});
  assert.equal(lint.inlineHints, true);
  assert.equal(lint.codeLens, true);
});

test('user values are used, clamped to sane ranges, and bad types fall back to defaults', () => {
  const s = from({
    'probe.batchSize': 8.6,
    'probe.steps': 1000,
    'probe.timeoutSeconds': 5,
    'probe.maxHeapMb': 1,
    'probe.backend': 'cpu',
    'thresholds.vanishingRatio': 'tiny',
    'thresholds.explodingRatio': 100,
    'thresholds.maxUpdateRatio': 0.25,
  });
  assert.equal(s.probe.batchSize, 9);
  assert.equal(s.probe.steps, 100);
  assert.equal(s.probe.timeoutMs, 5000);
  assert.equal(s.probe.maxHeapMb, 128);
  assert.equal(s.probe.backend, 'cpu');
  assert.equal(s.thresholds.vanishingRatio, 1e-3);
  assert.equal(s.thresholds.explodingRatio, 100);
  assert.equal(s.thresholds.maxUpdateRatio, 0.25);
  assert.equal(from({ 'thresholds.maxUpdateRatio': 'big' }).thresholds.maxUpdateRatio, 1);
  assert.equal(from({ 'thresholds.maxUpdateRatio': -3 }).thresholds.maxUpdateRatio, 1e-12);
  assert.equal(from({ 'probe.backend': 'tpu' }).probe.backend, 'auto');
});

test('the workspace tfjs loads only when allowed in settings and the workspace is trusted', () => {
  assert.equal(allowProjectTfjs(from({}), true), true);
  assert.equal(allowProjectTfjs(from({}), false), false);
  assert.equal(allowProjectTfjs(from({ 'probe.useWorkspaceTfjs': false }), true), false);
});
