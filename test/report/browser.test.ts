/**
 * The report as a browser sees it: Debian's Chromium through playwright-core. Skipped (with the
 * reason) where /usr/bin/chromium is absent.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderReportHtml, renderWebviewHtml } from '../../src/report';
import { buildMedia, findingsFor, fixtureReport, hostileReport, XSS } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM)
  ? false
  : `Chromium not installed at ${CHROMIUM} (apt-get install -y chromium)`;

let browser: Browser;
let mediaDir = '';
const dir = mkdtempSync(join(tmpdir(), 'gl-report-'));

interface Observed {
  page: Page;
  errors: string[];
  dialogs: string[];
}

async function open(html: string, name: string, init?: string): Promise<Observed> {
  const file = join(dir, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  if (init) await page.addInitScript(init);
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => document.readyState === 'complete');
  await page.waitForTimeout(200);
  return { page, errors, dialogs };
}

/** Pixels on the chart canvas that are not transparent: a drawn chart has thousands. */
function paintedPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.getElementById('gl-chart') as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
  });
}

describe('the report in Chromium', { skip }, () => {
  before(async () => {
    mediaDir = await buildMedia();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  after(async () => {
    await browser?.close();
  });

  it('draws the chart with no console errors or CSP violations, one table row per layer', async () => {
    const report = fixtureReport('high-learning-rate');
    report.layers.forEach((layer) => (layer.estimate = 0.5));
    const { page, errors } = await open(renderReportHtml(report, { mediaDir }), 'plain.html');
    assert.deepEqual(errors, []);
    assert.ok((await paintedPixels(page)) > 5000, 'the canvas has a chart on it');
    assert.equal(await page.locator('tbody tr').count(), report.layers.length);
    assert.equal(await page.locator('#gl-chart-error').isHidden(), true);
    assert.equal(await page.locator('#gl-verdict').textContent(), 'Exploding gradients');
    await page.close();
  });

  it('renders the XSS case as visible text: no dialog, no injected elements', async () => {
    const report = hostileReport();
    const { page, errors, dialogs } = await open(
      renderReportHtml(report, { mediaDir, findings: findingsFor(report) }),
      'xss.html',
    );
    await page.mouse.move(400, 600);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
    assert.equal(await page.locator('img, svg, iframe, b').count(), 0);
    const firstName = await page.locator('tbody th').first().innerText();
    assert.ok(firstName.startsWith(XSS), firstName);
    assert.ok(await page.locator('tbody th').first().isVisible());
    assert.ok(
      await page.getByText(`Layer ${XSS} uses sigmoid`).isVisible(),
      'the finding message too',
    );
    assert.ok((await paintedPixels(page)) > 5000);
    await page.close();
  });

  it('in a webview, fix buttons are keyboard-usable and post applyFix/compareFix messages', async () => {
    const report = fixtureReport('deep-sigmoid-mlp');
    const html = renderWebviewHtml(report, {
      nonce: 'testNonce0123456789abc',
      cspSource: 'file:',
      scriptUri: pathToFileURL(join(mediaDir, 'report.js')).href,
      styleUri: pathToFileURL(join(mediaDir, 'report.css')).href,
      findings: findingsFor(report),
    });
    // Stands in for VS Code's webview API, which the page may acquire once.
    const fakeApi = `window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m) });`;
    const { page, errors } = await open(html, 'webview.html', fakeApi);
    assert.deepEqual(errors, []);
    const apply = page.getByRole('button', { name: "Use 'relu' with heNormal", exact: true });
    await apply.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /Apply fix and compare: Use 'tanh'/ }).click();
    const posted = await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
    assert.deepEqual(posted, [
      { command: 'applyFix', finding: 'saturating-activation@120', fix: 0 },
      { command: 'compareFix', finding: 'saturating-activation@120', fix: 1 },
    ]);
    assert.ok((await paintedPixels(page)) > 5000);
    await page.close();
  });
});
