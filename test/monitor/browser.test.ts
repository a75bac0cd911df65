/**
 * The training view as a browser runs it (Debian's Chromium through playwright-core): the webview
 * page draws its charts, takes a live update by message (verdict, progress and table change, names
 * from the log stay text), and a click on a mapped layer posts a typed reveal message.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { buildHistory, gradientMonitor, judge } from '../../src/monitor';
import { monitorPayload, type MonitorChartPayload } from '../../src/report/monitor-data';
import { renderMonitorWebviewHtml } from '../../src/report/monitor';
import {
  classificationData,
  cpu,
  explodingRegressor,
  healthyClassifier,
  regressionData,
} from './models';

const CHROMIUM = '/usr/bin/chromium';
const media = join(__dirname, '../../dist/media');
const skip = !existsSync(CHROMIUM)
  ? `Chromium not installed at ${CHROMIUM}`
  : !existsSync(join(media, 'monitor.js')) && 'run npm run build first (dist/media/monitor.js)';

let browser: Browser;
let healthy: MonitorChartPayload;
let exploding: MonitorChartPayload;

before(async () => {
  if (skip) return;
  await cpu();
  const run = async (
    model: ReturnType<typeof healthyClassifier>,
    data: { x: unknown; y: unknown },
    epochs: number,
  ) => {
    const monitor = gradientMonitor(model, { sampleEvery: 2 });
    await model.fit(data.x as never, data.y as never, {
      batchSize: 32,
      epochs,
      shuffle: false,
      verbose: 0,
      callbacks: [monitor],
    });
    const history = buildHistory(monitor.records());
    return { history, verdict: judge(history) };
  };
  const h = await run(healthyClassifier(), classificationData(), 2);
  healthy = monitorPayload(
    h.history,
    h.verdict,
    new Map([
      [0, 12],
      [1, 13],
      [2, 14],
    ]),
  );
  const e = await run(explodingRegressor(), regressionData(), 1);
  exploding = monitorPayload(e.history, e.verdict);
  exploding.rows[0].name = '<img src=x onerror="window.__xss=1">';
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
});

after(() => browser?.close());

test(
  'the webview page: charts drawn, live update by message, reveal on click',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-monitor-view-'));
    const file = join(dir, 'view.html');
    writeFileSync(
      file,
      renderMonitorWebviewHtml(healthy, {
        nonce: 'n0nce',
        cspSource: 'file:',
        scriptUri: pathToFileURL(join(media, 'monitor.js')).href,
        styleUri: pathToFileURL(join(media, 'report.css')).href,
        source: 'runs/exp1.jsonl',
      }),
    );
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    // A string, not a function: tsx's name helpers do not exist in the page.
    await page.addInitScript(
      'window.__sent = []; window.acquireVsCodeApi = function () { return { postMessage: function (m) { window.__sent.push(m); } }; };',
    );
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.readyState === 'complete');
    const painted = await page.evaluate(() => {
      const canvas = document.getElementById('gl-m-ratio') as HTMLCanvasElement;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
    assert.ok(painted > 2000, `chart painted ${painted} pixels;`);
    assert.equal(await page.textContent('#gl-verdict'), 'Healthy training');

    await page.click('button[data-gl-reveal="1"]');
    assert.deepEqual(
      await page.evaluate(() => (window as unknown as { __sent: unknown[] }).__sent),
      [{ command: 'reveal', layer: 1 }],
    );

    await page.evaluate(
      (payload) => window.postMessage({ command: 'update', payload }, '*'),
      exploding,
    );
    await page.waitForFunction(
      () => document.getElementById('gl-verdict')?.textContent === 'Non-finite gradients',
    );
    assert.match((await page.textContent('#gl-verdict-reason')) ?? '', /step 3/);
    assert.equal(await page.locator('#gl-monitor-rows tr').count(), 3);
    assert.equal(
      await page.textContent('#gl-monitor-rows tr:first-child th'),
      '<img src=x onerror="window.__xss=1">',
    );
    assert.equal(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
      undefined,
    );
    assert.deepEqual(errors, []);
    await page.close();
  },
);
