import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReportHtml, renderWebviewHtml } from '../../src/report';
import { chartPayload } from '../../src/report/chart-data';
import { jsonForScript } from '../../src/report/escape';
import { count, percent, sci } from '../../src/report/format';
import { buildMedia, findingsFor, fixtureReport, hostileReport, XSS } from './helpers';

let mediaDir = '';

function cspOf(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.ok(match, 'has a CSP meta tag');
  return match[1];
}

function scriptTags(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
}

describe('renderReportHtml (standalone file)', () => {
  before(async () => {
    mediaDir = await buildMedia();
  });

  it('is self-contained: no remote src/href, no external stylesheet or script, data inlined', () => {
    const html = renderReportHtml(fixtureReport('deep-sigmoid-mlp'), { mediaDir });
    assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    assert.doesNotMatch(html, /<link\b/i);
    assert.doesNotMatch(html, /<script\b[^>]*\bsrc=/i);
    assert.doesNotMatch(html, /sourceMappingURL/);
    assert.match(html, /<script type="application\/json" id="gl-report-data">\{/);
    assert.ok(html.length > 100_000, 'the chart bundle is inlined');
  });

  it('has a strict CSP whose nonce is on every executable script and the style', () => {
    const html = renderReportHtml(fixtureReport('healthy-mlp'), { mediaDir });
    const csp = cspOf(html);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /img-src data:/);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, 'a crypto nonce');
    const executable = scriptTags(html).filter((tag) => !tag.includes('application/json'));
    assert.equal(executable.length, 1);
    for (const tag of executable) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
    assert.match(html, new RegExp(`<style nonce="${nonce.replace(/[+/]/g, '\\$&')}">`));
    const second = cspOf(renderReportHtml(fixtureReport('healthy-mlp'), { mediaDir }));
    assert.notEqual(second, csp, 'a fresh nonce per render');
  });

  it('escapes every string from user code (XSS case renders as text)', () => {
    const report = hostileReport();
    const html = renderReportHtml(report, { mediaDir, findings: findingsFor(report) });
    const body = html.slice(0, html.indexOf('<script nonce'));
    for (const raw of [
      '<img src=x',
      '<img src=y',
      '<svg',
      '<iframe',
      '<b onclick',
      '<script>alert',
      '" onmouseover="',
    ]) {
      assert.ok(!body.includes(raw), `raw ${raw} in the markup`);
    }
    assert.ok(
      body.includes('&lt;img src=x onerror=alert(1)&gt;'),
      'the layer name is shown as text',
    );
    assert.ok(body.includes('&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;'));
    assert.equal(
      (html.match(/<\/script>/g) ?? []).length,
      scriptTags(html).length,
      'no early </script>',
    );
  });

  it('has one table row per layer, with the probe numbers in compact scientific notation', () => {
    const report = fixtureReport('deep-sigmoid-mlp');
    const html = renderReportHtml(report, { mediaDir });
    assert.equal((html.match(/<tr class="gl-row /g) ?? []).length, report.layers.length);
    assert.ok(html.includes(sci(report.layers[0].gradNorm)));
    assert.ok(html.includes('Vanishing gradients'));
    assert.ok(html.includes(report.assumptions[0].replace(/'/g, '&#39;')));
  });

  it('lists fixes as text in the file (no buttons that cannot work)', () => {
    const report = fixtureReport('deep-sigmoid-mlp');
    const html = renderReportHtml(report, { mediaDir, findings: findingsFor(report) });
    const markup = html.slice(0, html.indexOf('<script nonce'));
    assert.doesNotMatch(markup, /<button/);
    assert.match(html, /Fix: Use &#39;relu&#39; with heNormal \(preferred\)/);
    assert.match(html, /saturating-activation/);
  });

  it('without the bundled script it still renders the table and says why the chart is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'gl-media-'));
    const report = fixtureReport('healthy-mlp');
    const html = renderReportHtml(report, { mediaDir: empty });
    assert.match(html, /The chart is missing/);
    assert.equal((html.match(/<tr class="gl-row /g) ?? []).length, report.layers.length);
    assert.equal(scriptTags(html).filter((t) => !t.includes('application/json')).length, 0);
  });
});

describe('renderWebviewHtml', () => {
  const options = {
    nonce: 'abcdefghijklmnopqrstuv',
    cspSource: 'vscode-webview://x',
    scriptUri: 'vscode-webview://x/dist/media/report.js',
    styleUri: 'vscode-webview://x/dist/media/report.css',
  };

  it('loads script and style from the webview URIs under the nonce, same body as the file', () => {
    const report = fixtureReport('deep-sigmoid-mlp');
    const html = renderWebviewHtml(report, options);
    const csp = cspOf(html);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abcdefghijklmnopqrstuv'/);
    assert.match(
      html,
      /<script nonce="abcdefghijklmnopqrstuv" src="vscode-webview:\/\/x\/dist\/media\/report.js"><\/script>/,
    );
    assert.match(
      html,
      /<link rel="stylesheet" href="vscode-webview:\/\/x\/dist\/media\/report.css">/,
    );
    assert.equal((html.match(/<tr class="gl-row /g) ?? []).length, report.layers.length);
  });

  it('offers a real button per fix that carries the finding key and fix index', () => {
    const report = hostileReport();
    const html = renderWebviewHtml(report, { ...options, findings: findingsFor(report) });
    assert.match(
      html,
      /<button type="button" class="gl-button gl-primary" data-gl-action="applyFix" data-finding="saturating-activation@120" data-fix="0">/,
    );
    assert.match(
      html,
      /data-gl-action="compareFix" data-finding="saturating-activation@120" data-fix="1"/,
    );
    assert.ok(!html.includes(XSS));
  });
});

describe('chart payload and formats', () => {
  it('plots weighted layers only, with estimate, comparison and per-step series', () => {
    const report = fixtureReport('high-learning-rate');
    report.layers.forEach((l, i) => (l.estimate = i === 0 ? null : 0.5));
    const payload = chartPayload(report, fixtureReport('high-learning-rate'), 'after fix');
    const weighted = report.layers.filter((l) => l.params > 0 && l.gradNorm !== null);
    assert.equal(payload.labels.length, weighted.length);
    assert.deepEqual(payload.estimate?.values[0], null);
    assert.equal(payload.comparison?.label, 'after fix');
    // Step 1 is the measured line itself: not drawn twice.
    assert.equal(payload.steps.length, report.steps - 1);
    assert.deepEqual(
      payload.steps.map((s) => s.label),
      ['step 2', 'step 3', 'step 4'],
    );
    // The last step's output gradient is non-finite or zero: those points are gaps, not numbers.
    for (const series of payload.steps)
      for (const v of series.values) assert.ok(v === null || (Number.isFinite(v) && v > 0));
    assert.equal(chartPayload(fixtureReport('deep-sigmoid-mlp')).steps.length, 0);
  });

  it('formats numbers compactly and escapes JSON for a script block', () => {
    assert.equal(sci(0.000123456), '1.23e-4');
    assert.equal(sci(12345), '1.23e4');
    assert.equal(sci(null), '—');
    assert.equal(sci(0), '0');
    assert.equal(sci(Number.POSITIVE_INFINITY), '∞');
    assert.equal(percent(0.125), '12.5%');
    assert.equal(count(1234567), '1,234,567');
    assert.equal(jsonForScript({ a: '</script><!--' }), '{"a":"\\u003c/script\\u003e\\u003c!--"}');
  });
});
