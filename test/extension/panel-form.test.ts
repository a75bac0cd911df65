/**
 * The panel's assumptions form, round trip: the report's open values render as one field each, the page
 * posts them as a typed setValues message, the extension validates and merges them, and the next probe
 * request fills the model with them. Runs the real page in Debian's Chromium (skipped where it is absent).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { renderPanelHtml } from '../../src/extension/panel-html';
import { mergeValues, parseWebviewMessage } from '../../src/extension/panel-messages';
import { resolveUnknowns } from '../../src/probe/resolve';
import { renderReportBody } from '../../src/report';
import { buildMedia, fixtureReport, XSS } from '../report/helpers';
import { sequential, unknown } from '../fixtures/probe/ir';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `Chromium not installed at ${CHROMIUM}`;
const dir = mkdtempSync(join(tmpdir(), 'gl-panel-form-'));
let browser: Browser;
let mediaDir = '';

// The model the report was measured on: two builder parameters and a hostile expression text.
const model = sequential(
  'buildModel',
  [
    { factory: 'dense', config: { units: unknown('hiddenSize'), inputShape: [unknown(XSS)] } },
    { factory: 'dense', config: { units: unknown('numClasses'), activation: 'softmax' } },
  ],
  { loss: 'categoricalCrossentropy', optimizer: 'adam' },
);

function panelPage(): string {
  const report = fixtureReport('healthy-mlp');
  report.assumedValues = resolveUnknowns(model, { numClasses: '3' }, { assume: true }).assumed;
  const nonce = 'testNonce0123456789abc';
  return renderPanelHtml({
    title: 'Gradients: buildModel',
    report,
    reportBody: renderReportBody(report, { interactive: true }),
    cspSource: 'file:',
    nonce,
    scriptUri: pathToFileURL(join(mediaDir, 'report.js')).href,
    styleUri: pathToFileURL(join(mediaDir, 'report.css')).href,
  });
}

describe('the assumptions form in the panel', { skip }, () => {
  before(async () => {
    mediaDir = await buildMedia();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('one field per open value; changed, cleared and untouched fields post as they should', async () => {
    const file = join(dir, 'panel.html');
    writeFileSync(file, panelPage());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.addInitScript(
      `window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => undefined, setState: () => {} });`,
    );
    await page.goto(pathToFileURL(file).href);

    const fields = page.locator('#gl-values input[data-gl-name]');
    assert.equal(await fields.count(), 3);
    // The hostile expression is a label and a data attribute, never markup.
    assert.equal(await page.locator('#gl-values img').count(), 0);
    assert.equal(await page.getByLabel(`Value for ${XSS}`).inputValue(), '32');
    assert.equal(await page.getByLabel('Value for numClasses').inputValue(), '3');

    await page.getByLabel('Value for hiddenSize').fill('128');
    await page.getByLabel('Value for numClasses').fill('');
    await page.getByRole('button', { name: 'Re-probe with these values' }).click();
    const posted = await page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
    assert.deepEqual(errors, []);
    assert.equal(posted.length, 1);

    const message = parseWebviewMessage(posted[0]);
    assert.ok(message?.command === 'setValues', JSON.stringify(posted[0]));
    // Untouched assumed values stay assumed (empty), a changed one is set, a cleared one is dropped.
    assert.deepEqual(message.values, { [XSS]: '', hiddenSize: '128', numClasses: '' });
    const stored = mergeValues({ numClasses: '3', other: '7' }, message.values);
    assert.deepEqual(stored, { other: '7', hiddenSize: '128' });

    const next = resolveUnknowns(model, stored, { assume: true });
    const sources = Object.fromEntries(next.assumed.map((a) => [a.name, [a.value, a.source]]));
    assert.deepEqual(sources, {
      [XSS]: [32, 'role-default'],
      hiddenSize: [128, 'set'],
      numClasses: [10, 'role-default'],
    });
    await page.close();
  });
});

test('setValues messages are validated: strings only, bounded, no prototype keys leak', () => {
  assert.equal(
    parseWebviewMessage({ command: 'setValues', values: { a: 1 }, batchSize: 8, steps: 1 }),
    null,
  );
  assert.equal(
    parseWebviewMessage({ command: 'setValues', values: ['a'], batchSize: 8, steps: 1 }),
    null,
  );
  assert.equal(
    parseWebviewMessage({
      command: 'setValues',
      values: { a: 'x'.repeat(3000) },
      batchSize: 8,
      steps: 1,
    }),
    null,
  );
  const parsed = parseWebviewMessage(
    JSON.parse('{"command":"setValues","values":{"__proto__":"9"},"batchSize":8,"steps":1}'),
  );
  assert.ok(parsed?.command === 'setValues');
  assert.deepEqual(Object.keys(parsed.values), ['__proto__']);
  assert.equal(Object.getPrototypeOf(parsed.values), Object.prototype);
});
