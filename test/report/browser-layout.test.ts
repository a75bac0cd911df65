/**
 * The report as a person sees it at the widths it is used at: a panel beside the editor (500 px) and a full
 * window (1200 px), in Debian's Chromium. Skipped (with the reason) where /usr/bin/chromium is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderPanelHtml } from '../../src/extension/panel-html';
import { renderReportBody, renderReportHtml } from '../../src/report';
import { buildMedia, findingsFor, fixtureReport } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM)
  ? false
  : `Chromium not installed at ${CHROMIUM} (apt-get install -y chromium)`;

let browser: Browser;
let mediaDir = '';
const dir = mkdtempSync(join(tmpdir(), 'gl-layout-'));

async function open(
  html: string,
  name: string,
  width: number,
): Promise<{ page: Page; errors: string[] }> {
  const file = join(dir, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => document.readyState === 'complete');
  await page.waitForTimeout(200);
  return { page, errors };
}

/** Header texts of the table columns a reader can see. */
function visibleColumns(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.gl-table thead th'))
      .filter((th) => (th as HTMLElement).offsetParent !== null)
      .map((th) => (th.textContent ?? '').trim().toLowerCase()),
  );
}

describe('the report layout in Chromium', { skip }, () => {
  before(async () => {
    mediaDir = await buildMedia();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
  });

  it('at 500 px the page does not scroll sideways and the key columns stay, with class and activation folded in', async () => {
    const before8 = fixtureReport('deep-sigmoid-8');
    const html = renderReportHtml(before8, {
      mediaDir,
      comparison: fixtureReport('deep-sigmoid-8-batchnorm'),
      findings: findingsFor(before8),
    });
    const { page, errors } = await open(html, 'narrow.html', 500);
    assert.deepEqual(errors, []);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scrollWidth <= 500, `page is ${scrollWidth} px wide`);
    assert.deepEqual(await visibleColumns(page), [
      'layer',
      'grad norm',
      'ratio',
      'after fix',
      'verdict',
    ]);
    const table = await page.locator('.gl-table').boundingBox();
    assert.ok(table && table.x + table.width <= 500, 'the table fits without scrolling');
    assert.match(
      await page.locator('tbody th').first().innerText(),
      /L0_dense\s+line 4\s+Dense · sigmoid/,
    );
    await page.close();
  });

  it('at 1200 px every column shows and the sub-line under the name does not repeat them', async () => {
    const { page } = await open(
      renderReportHtml(fixtureReport('deep-sigmoid-8'), { mediaDir }),
      'wide.html',
      1200,
    );
    assert.deepEqual(await visibleColumns(page), [
      '#',
      'layer',
      'class',
      'activation',
      'params',
      'grad norm',
      'ratio',
      'sat. / dead',
      'estimate',
      'verdict',
    ]);
    assert.equal(await page.locator('.gl-sub').first().isVisible(), false);
    await page.close();
  });

  it('draws the gradient-through-time chart for a recurrent model at both widths', async () => {
    for (const width of [500, 1200]) {
      const { page, errors } = await open(
        renderReportHtml(fixtureReport('recurrent-120-steps'), { mediaDir }),
        `temporal-${width}.html`,
        width,
      );
      assert.deepEqual(errors, []);
      const painted = await page.evaluate(() => {
        const canvas = document.getElementById('gl-temporal-chart') as HTMLCanvasElement;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      });
      assert.ok(painted > 5000, `the temporal chart is drawn at ${width} px (${painted} pixels)`);
      assert.ok(await page.getByText('it lasts about 26 steps of 120').first().isVisible());
      await page.close();
    }
  });
});

describe('the probe panel page in Chromium', { skip }, () => {
  let panelBrowser: Browser;
  before(async () => {
    mediaDir ||= await buildMedia();
    panelBrowser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  });
  after(async () => {
    await panelBrowser?.close();
  });

  /** Opens the panel page with a fake webview API whose state starts as `state`; returns the state it ends with. */
  async function openPanel(state: unknown, modelKey: string) {
    const report = fixtureReport('deep-sigmoid-8');
    const html = renderPanelHtml({
      title: 'Gradients',
      report,
      reportBody: renderReportBody(report, { interactive: true, findings: findingsFor(report) }),
      cspSource: 'file:',
      nonce: 'panelNonce0123456789',
      scriptUri: pathToFileURL(join(mediaDir, 'report.js')).href,
      styleUri: pathToFileURL(join(mediaDir, 'report.css')).href,
      modelKey,
    });
    const file = join(dir, `panel-${Math.random().toString(36).slice(2)}.html`);
    writeFileSync(file, html);
    const page = await panelBrowser.newPage({ viewport: { width: 500, height: 500 } });
    // A string, not a function: the test runner's transform would add helpers the page does not have.
    await page.addInitScript(`(() => {
      let saved = ${JSON.stringify(state)};
      const api = {
        postMessage() {},
        getState: () => saved,
        setState: (next) => { saved = next; window.savedState = next; },
      };
      window.acquireVsCodeApi = () => api;
    })();`);
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.readyState === 'complete');
    await page.waitForTimeout(300);
    return page;
  }

  const verdictInView = (page: Page) =>
    page.evaluate(() => {
      const box = document.getElementById('gl-verdict-box')!.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });

  it('a new model opens at its verdict; a re-render of the same model keeps the reader where they were', async () => {
    const fresh = await openPanel(
      { model: 'file:///other.js#net', scrollY: 900 },
      'file:///a.js#model',
    );
    assert.equal(await verdictInView(fresh), true);
    assert.deepEqual(
      await fresh.evaluate(() => (window as unknown as { savedState: unknown }).savedState),
      {
        model: 'file:///a.js#model',
        scrollY: await fresh.evaluate(() => window.scrollY),
      },
    );
    await fresh.close();

    const same = await openPanel(
      { model: 'file:///a.js#model', scrollY: 700 },
      'file:///a.js#model',
    );
    assert.equal(await same.evaluate(() => Math.round(window.scrollY)), 700);
    await same.close();
  });
});
