/**
 * The live-diagnostics controller in plain Node, against a fake `vscode`: cheap skip, published
 * diagnostics equal the linter's, syntax errors clear findings, debouncing, settings errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintText } from '../../src/lint/index';
import { createFakeVscode, FakeDocument, Uri } from './fake-vscode';

const fake = createFakeVscode();
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;
loader._load = (request: string, ...rest: unknown[]) =>
  request === 'vscode' ? fake.module : originalLoad(request, ...rest);

type Controller = import('../../src/extension/lint-controller').LintController;
const { LintController } =
  require('../../src/extension/lint-controller') as typeof import('../../src/extension/lint-controller');
const { isEngineLoaded } =
  require('../../src/extension/engine') as typeof import('../../src/extension/engine');

const log = { info() {}, warn() {}, error() {}, trace() {}, show() {}, dispose() {} };
const docsUri = (ruleId: string) => Uri.file(`/docs/rules/${ruleId}.md`);
const fixture = readFileSync(
  join(__dirname, '..', 'fixtures', 'e2e-workspace', 'deep-sigmoid.js'),
  'utf8',
);

function open(path: string, text: string, languageId = 'javascript'): FakeDocument {
  const document = new FakeDocument(Uri.file(path), text);
  document.languageId = languageId;
  fake.documents.push(document);
  return document;
}

async function openAndLint(controller: Controller, document: FakeDocument): Promise<void> {
  const published = fake.nextDiagnostics(document.uri.toString());
  fake.didOpen.fire(document);
  await published;
  void controller;
}

const controller = new LintController(docsUri as never, log as never);
test.after(() => controller.dispose());

test('a file that never names tfjs gets no diagnostics and does not load the engine', async () => {
  const document = open(
    '/w/plain.js',
    "const layers = { dense: (c) => c };\nlayers.dense({ activation: 'sigmoid' });\n",
  );
  await openAndLint(controller, document);
  assert.deepEqual(fake.diagnostics.get(document.uri.toString()), []);
  assert.equal(controller.get(document.uri as never)?.usesTfjs, false);
  assert.equal(isEngineLoaded(), false);
});

test('diagnostics equal the linter: range, source, rule code with docs link, severity', async () => {
  const document = open('/w/deep-sigmoid.js', fixture);
  await openAndLint(controller, document);
  const expected = lintText(fixture, '/w/deep-sigmoid.js').messages;
  const published = fake.diagnostics.get(document.uri.toString()) ?? [];
  assert.ok(expected.length >= 9);
  assert.equal(published.length, expected.length);
  published.forEach((d, i) => {
    const m = expected[i];
    assert.equal(d.source, 'Gradient Lens');
    assert.equal(d.code?.value, m.ruleId);
    assert.equal(d.code?.target.fsPath, `/docs/rules/${m.ruleId}.md`);
    assert.equal(d.message, m.message);
    assert.equal(d.range.start.line, m.span.line - 1);
    assert.equal(d.range.start.character, m.span.column - 1);
    assert.equal(d.severity, { error: 0, warning: 1, info: 2 }[m.severity]);
  });
});

test('a file that stops parsing keeps no stale findings; fixing the syntax brings them back', async () => {
  const document = open('/w/broken.js', fixture);
  await openAndLint(controller, document);
  assert.ok((fake.diagnostics.get(document.uri.toString()) ?? []).length > 0);
  document.setText(fixture.replace('model.compile({', 'model.compile({{'));
  let published = fake.nextDiagnostics(document.uri.toString());
  fake.didChange.fire({ document, contentChanges: [{}] });
  assert.equal(await published, 0);
  assert.match(controller.get(document.uri as never)?.parseError ?? '', /^line 15: /);
  document.setText(fixture);
  published = fake.nextDiagnostics(document.uri.toString());
  fake.didChange.fire({ document, contentChanges: [{}] });
  assert.ok((await published) > 0);
});

test('typing fast lints once, with the last version', async () => {
  const document = open('/w/typing.js', fixture);
  await openAndLint(controller, document);
  const before = fake.publishCount.get(document.uri.toString()) ?? 0;
  const published = fake.nextDiagnostics(document.uri.toString());
  for (let i = 0; i < 5; i++) {
    document.setText(fixture.replace('units: 10', `units: ${11 + i}`));
    fake.didChange.fire({ document, contentChanges: [{}] });
    await new Promise((r) => setTimeout(r, 20));
  }
  await published;
  await new Promise((r) => setTimeout(r, 400));
  assert.equal((fake.publishCount.get(document.uri.toString()) ?? 0) - before, 1);
  assert.equal(controller.get(document.uri as never)?.version, document.version);
});

test('invalid rules in the settings are reported once, naming the key, and linting goes on', async () => {
  fake.settings['rules'] = { 'no-such-rule': 'warning' };
  try {
    const document = open('/w/settings.js', fixture);
    await openAndLint(controller, document);
    assert.ok((fake.diagnostics.get(document.uri.toString()) ?? []).length > 0, 'still linted');
    const other = open('/w/settings2.js', fixture);
    await openAndLint(controller, other);
    const reported = fake.warnings.filter((w) => w.includes('no-such-rule'));
    assert.equal(reported.length, 1);
    assert.match(reported[0], /gradientLens\.rules.*"rules\.no-such-rule" is not a known rule/);
  } finally {
    delete fake.settings['rules'];
  }
});

test('saving an imported constants file lints its open importer again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-save-'));
  writeFileSync(join(dir, 'package.json'), '{}');
  const sizes = `export const LEARNING_RATE = 0.001;\n`;
  const model = `import * as tf from '@tensorflow/tfjs';
import { LEARNING_RATE } from './sizes.js';
const model = tf.sequential();
model.add(tf.layers.dense({ units: 4, inputShape: [4], activation: 'relu', kernelInitializer: 'heNormal' }));
model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'meanSquaredError' });
`;
  writeFileSync(join(dir, 'sizes.js'), sizes);
  writeFileSync(join(dir, 'model.js'), model);
  const importer = open(join(dir, 'model.js'), model);
  const constants = open(join(dir, 'sizes.js'), sizes);
  await openAndLint(controller, importer);
  const rates = () =>
    (fake.diagnostics.get(importer.uri.toString()) ?? []).filter(
      (d) => d.code?.value === 'high-learning-rate',
    );
  assert.equal(rates().length, 0);
  constants.setText(`export const LEARNING_RATE = 5;\n`);
  const published = fake.nextDiagnostics(importer.uri.toString());
  fake.didSave.fire(constants);
  await published;
  assert.equal(rates().length, 1);
  assert.equal(rates()[0].range.start.line, 4);
});
