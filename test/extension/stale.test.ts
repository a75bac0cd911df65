/**
 * A probe result describes the code as it was: once the document changes, the CodeLens and the panel say so and
 * offer a re-probe. Against a fake `vscode`, with the real lint controller and probe store.
 */
import assert from 'node:assert/strict';
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderPanelHtml, type PanelView } from '../../src/extension/panel-html';
import { isStale, verdictLensTitle } from '../../src/extension/presentation';
import type { ProbeReport } from '../../src/probe/types';
import { renderReportBody } from '../../src/report';
import { createFakeVscode, FakeDocument, Uri } from './fake-vscode';

const fake = createFakeVscode();
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;
loader._load = (request: string, ...rest: unknown[]) =>
  request === 'vscode' ? fake.module : originalLoad(request, ...rest);

const { LintController } =
  require('../../src/extension/lint-controller') as typeof import('../../src/extension/lint-controller');
const { ProbeStore } =
  require('../../src/extension/probe-store') as typeof import('../../src/extension/probe-store');
const { CodeLensProvider } =
  require('../../src/extension/code-lens') as typeof import('../../src/extension/code-lens');

const log = { info() {}, warn() {}, error() {}, trace() {}, show() {}, dispose() {} };
const source = readFileSync(
  join(__dirname, '..', 'fixtures', 'e2e-workspace', 'deep-sigmoid.js'),
  'utf8',
);
const report = JSON.parse(
  readFileSync(join(__dirname, '..', 'report', 'fixtures', 'deep-sigmoid-mlp.json'), 'utf8'),
) as ProbeReport;

interface Lens {
  command?: { title: string; command: string; arguments?: unknown[] };
}

test('the verdict CodeLens turns into a re-probe offer once the code changes', async () => {
  const lints = new LintController(
    ((id: string) => Uri.file(`/docs/${id}.md`)) as never,
    log as never,
  );
  const store = new ProbeStore();
  const lenses = new CodeLensProvider(lints, store);
  try {
    const document = new FakeDocument(Uri.file('/work/model.js'), source);
    document.languageId = 'javascript';
    fake.documents.push(document);
    const linted = fake.nextDiagnostics(document.uri.toString());
    fake.didOpen.fire(document);
    await linted;
    const model = lints.get(document.uri as never)!.analysis!.models[0]!;
    store.set({
      target: {
        kind: 'source',
        uri: document.uri as never,
        model: model.name,
        line: model.span.line,
      },
      report,
      version: document.version,
      lineCount: document.lineCount,
      at: new Date(),
    });
    const verdictLens = (): Lens =>
      (lenses.provideCodeLenses(document as never) as unknown as Lens[]).find((l) =>
        /measured/.test(l.command?.title ?? ''),
      )!;
    assert.equal(verdictLens().command!.command, 'gradientLens.showReport');
    assert.match(verdictLens().command!.title, /measured: vanishing/);

    const relinted = fake.nextDiagnostics(document.uri.toString());
    document.setText(source.replace('units: 32', 'units: 48'));
    fake.didChange.fire({ document, contentChanges: [{}] });
    await relinted;
    const stale = verdictLens();
    assert.equal(stale.command!.command, 'gradientLens.probeModel');
    assert.equal(
      stale.command!.title,
      '$(history) measured before your last edit: vanishing · re-probe',
    );
    assert.deepEqual(stale.command!.arguments, [document.uri, model.name, model.span.line]);
  } finally {
    lenses.dispose();
    store.dispose();
    lints.dispose();
  }
});

test('isStale: only a later version of a source document makes a result stale', () => {
  assert.equal(isStale(3, 3), false);
  assert.equal(isStale(3, 4), true);
  assert.equal(isStale(null, 4), false, 'a model.json probe has no document version');
  assert.equal(isStale(3, undefined), false);
  assert.match(verdictLensTitle(report), /^\$\(arrow-down\) measured: vanishing/);
});

function view(extra: Partial<PanelView>): PanelView {
  return {
    title: 'Gradients',
    report,
    reportBody: renderReportBody(report, { interactive: true }),
    cspSource: 'vscode-webview://x',
    nonce: 'bm9uY2U=',
    scriptUri: 'vscode-webview://x/report.js',
    styleUri: 'vscode-webview://x/report.css',
    ...extra,
  };
}

test('a stale panel says the numbers are of the earlier code and offers a re-probe inside the controls', () => {
  const html = renderPanelHtml(view({ stale: true, modelKey: 'file:///m.js#"><b>' }));
  const form = html.slice(html.indexOf('<form id="gl-controls"'), html.indexOf('</form>'));
  assert.match(form, /The code changed since this probe/);
  assert.match(form, /<button type="submit" class="gl-button">Re-probe the current code<\/button>/);
  assert.match(html, /data-stale="true"/);
  assert.match(html, /data-model="file:\/\/\/m\.js#&quot;&gt;&lt;b&gt;"/);
  const fresh = renderPanelHtml(view({ stale: false }));
  assert.doesNotMatch(fresh, /id="gl-stale"|data-stale="true"/);
});

test('while a first result shows, the controls keep the full batch and steps for the next re-probe', () => {
  const first = { ...report, batchSize: 4, steps: 1 };
  first.preview = { batchSize: 4, steps: 1, fullBatchSize: 256, fullSteps: 3 };
  const html = renderPanelHtml(
    view({ report: first, reportBody: renderReportBody(first, { interactive: true }) }),
  );
  assert.match(html, /id="gl-batch" type="number" min="1" max="4096" value="256"/);
  assert.match(html, /id="gl-steps" type="number" min="1" max="100" value="3"/);
  assert.match(html, /First result: one step on a batch of 4/);
});
