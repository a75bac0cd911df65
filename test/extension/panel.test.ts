import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, renderPanelHtml, type PanelView } from '../../src/extension/panel-html';
import { renderReportBody } from '../../src/report';
import { parseWebviewMessage } from '../../src/extension/panel-messages';
import type { ProbeReport } from '../../src/probe/types';
import type { LintMessage } from '../../src/rules/types';

const XSS = '<img src=x onerror=alert(1)>';

function view(overrides: Partial<PanelView> = {}): PanelView {
  const report: ProbeReport = {
    model: { name: 'model', line: 4, source: 'a.js' },
    backend: 'wasm (bundled tfjs 4.22.0)',
    batchSize: 16,
    steps: 2,
    loss: 0.5,
    lossPerStep: [0.6, 0.5],
    learningRate: 0.01,
    layers: [
      {
        index: 0,
        name: XSS,
        className: 'Dense',
        line: 5,
        activation: 'relu',
        params: 40,
        gradNorm: 0.1,
        ratioToOutput: 0.5,
        updateToWeightRatio: null,
        weights: [],
        saturatedFraction: null,
        deadFraction: 0.1,
        nonFinite: 0,
        estimate: 0.4,
        verdict: 'healthy',
      },
    ],
    verdict: 'healthy',
    verdictReason: `fine "${XSS}"`,
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
    assumptions: [`assumed ${XSS}`],
    timings: { loadMs: 1, buildMs: 1, probeMs: 1 },
  };
  const finding: LintMessage = {
    ruleId: 'saturating-activation',
    messageId: 'saturating',
    message: `bad ${XSS}`,
    span: { start: 10, end: 20, line: 5, column: 1, endLine: 5, endColumn: 11 },
    model: 'model',
    layerIndex: 0,
    severity: 'warning',
    fixes: [{ title: `fix ${XSS}`, preferred: true, edits: [] }],
  };
  return {
    title: `model ${XSS}`,
    report,
    reportBody: renderReportBody(report, { interactive: true, findings: [finding] }),
    cspSource: 'vscode-webview://abc',
    nonce: 'bm9uY2U=',
    scriptUri: 'vscode-webview://abc/dist/media/report.js',
    styleUri: 'vscode-webview://abc/dist/media/report.css',
    ...overrides,
  };
}

test('every model-derived string is escaped', () => {
  const html = renderPanelHtml(view());
  assert.ok(!html.includes(XSS), 'the raw markup never appears');
  assert.ok(html.includes(escapeHtml(XSS)));
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&</a>`),
    '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
  );
});

test('strict CSP: no default sources, scripts and styles only with the nonce', () => {
  const html = renderPanelHtml(view());
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-bm9uY2U='/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  // A JSON data block is never executed; every other script must carry the nonce.
  const scripts = (html.match(/<script[^>]*>/g) ?? []).filter(
    (s) => !s.includes('application/json'),
  );
  assert.ok(scripts.length > 0);
  assert.ok(
    scripts.every((s) => s.includes('nonce="bm9uY2U="')),
    scripts.join('\n'),
  );
});

test('the page carries what the user and the e2e suite read: layer count, verdict, controls', () => {
  const html = renderPanelHtml(view());
  assert.match(html, /id="gl-panel" data-verdict="healthy" data-layers="1"/);
  assert.match(html, /id="gl-batch" type="number" min="1" max="4096" value="16"/);
  assert.match(html, /id="gl-steps" type="number" min="1" max="100" value="2"/);
  assert.match(
    html,
    /data-gl-action="applyFix" data-finding="saturating-activation@10" data-fix="0"/,
  );
  assert.match(
    html,
    /<script nonce="bm9uY2U=" src="vscode-webview:\/\/abc\/dist\/media\/report.js">/,
  );
});

test('the toolbar script runs before the report script and shares the one API handle', () => {
  const html = renderPanelHtml(view());
  const own = html.indexOf('window.acquireVsCodeApi = function');
  const report = html.indexOf('report.js"></script>');
  assert.ok(own > 0 && report > own);
});

test('webview messages are validated before use', () => {
  assert.deepEqual(parseWebviewMessage({ command: 'reprobe', batchSize: 8, steps: 3 }), {
    command: 'reprobe',
    batchSize: 8,
    steps: 3,
  });
  assert.deepEqual(parseWebviewMessage({ command: 'applyFix', finding: 'r@1', fix: 0 }), {
    command: 'applyFix',
    finding: 'r@1',
    fix: 0,
  });
  assert.deepEqual(parseWebviewMessage({ command: 'reveal', line: 3 }), {
    command: 'reveal',
    line: 3,
  });
  for (const bad of [
    null,
    'reprobe',
    { command: 'reprobe', batchSize: 0, steps: 1 },
    { command: 'reprobe', batchSize: 8.5, steps: 1 },
    { command: 'applyFix', finding: 7, fix: 0 },
    { command: 'compareFix', finding: 'x', fix: -1 },
    { command: 'reveal', line: '3' },
    { command: 'runShell', cmd: 'rm -rf /' },
  ]) {
    assert.equal(parseWebviewMessage(bad), null, JSON.stringify(bad));
  }
});
