/**
 * A probe result describes the code as it was: once the document changes, the CodeLens and the panel say so and
 * offer a re-probe (the server side of it: test/server/client-protocol.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderPanelHtml, type PanelView } from '../../src/extension/panel-html';
import { isStale } from '../../src/extension/presentation';
import type { ProbeReport } from '../../src/probe/types';
import { renderReportBody } from '../../src/report';
const report = JSON.parse(
  readFileSync(join(__dirname, '..', 'report', 'fixtures', 'deep-sigmoid-mlp.json'), 'utf8'),
) as ProbeReport;

test('isStale: only a later version of a source document makes a result stale', () => {
  assert.equal(isStale(3, 3), false);
  assert.equal(isStale(3, 4), true);
  assert.equal(isStale(null, 4), false, 'a model.json probe has no document version');
  assert.equal(isStale(3, undefined), false);
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
