/* global document -- page.evaluate callbacks run in the browser */
// Drives the VS Code workbench in Chromium the way a user does: keyboard, clicks, what is on screen.
import { chromium } from 'playwright-core';

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.GRADIENT_LENS_CHROMIUM ?? '/usr/bin/chromium',
    args: chromiumArgs,
    headless: true,
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value; the error names what was awaited. */
export async function waitUntil(what, probe, timeoutMs = 20_000, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await sleep(intervalMs);
  }
  const detail = last instanceof Error ? last.message : JSON.stringify(last);
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
}

export class Workbench {
  constructor(page) {
    this.page = page;
    this.dialogs = [];
    page.on('dialog', async (dialog) => {
      this.dialogs.push(dialog.message());
      await dialog.dismiss();
    });
  }

  static async open(browser, url) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();
    const wb = new Workbench(page);
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    return wb;
  }

  /**
   * A webview (the probe panel) keeps keyboard events to itself: when it has the focus, click the
   * window title (a neutral spot) so the workbench's shortcuts reach the workbench again.
   */
  async ensureWorkbenchFocus() {
    const inFrame = await this.page.evaluate(() => document.activeElement?.tagName === 'IFRAME');
    if (inFrame) {
      const box = await this.page.locator('.part.titlebar').boundingBox();
      await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    }
  }

  /** Runs a command through the palette by its title, as a user would. */
  async runCommand(title) {
    const page = this.page;
    await this.ensureWorkbenchFocus();
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ hasText: title })
      .first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
  }

  async openFile(name) {
    const page = this.page;
    await this.ensureWorkbenchFocus();
    await page.keyboard.press('Escape');
    // Open into the first editor group, not beside the probe panel.
    await page.keyboard.press('Control+1');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    // Recently opened files are listed first: wait until the focused entry is the one asked for.
    await page
      .locator('.quick-input-widget .monaco-list-row.focused')
      .filter({ hasText: name })
      .waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page
      .locator(`.tabs-container .tab.active`)
      .filter({ hasText: name })
      .first()
      .waitFor({ timeout: 15_000 });
    await this.focusEditor();
  }

  async focusEditor() {
    await this.page
      .locator('.editor-instance .monaco-editor .view-lines')
      .first()
      .click({
        position: { x: 5, y: 5 },
      });
  }

  /** Moves the cursor to a 1-based line and column with "Go to Line/Column". */
  async goTo(line, column = 1) {
    const page = this.page;
    await this.ensureWorkbenchFocus();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    await sleep(200);
  }

  /** The text of the active editor (all lines must fit on screen; the fixtures do). */
  async editorText() {
    return this.page.evaluate(() => {
      const lines = [...document.querySelectorAll('.editor-instance .view-lines .view-line')];
      return lines
        .map((el) => ({
          top: parseFloat(el.style.top),
          text: el.textContent.replace(/\u00a0/g, ' '),
        }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text)
        .join('\n');
    });
  }

  /** True when the active editor tab has unsaved changes. */
  async isDirty() {
    return this.page
      .locator('.tabs-container .tab.active.dirty')
      .count()
      .then((n) => n > 0);
  }

  async problems() {
    const page = this.page;
    const visible = await page
      .locator('.markers-panel')
      .isVisible()
      .catch(() => false);
    if (!visible) await this.runCommand('Problems: Focus on Problems View');
    await page.locator('.markers-panel').waitFor({ state: 'visible' });
    return page.evaluate(() =>
      [...document.querySelectorAll('.markers-panel .monaco-list-row')].map((row) => ({
        text: row.textContent.replace(/\u00a0/g, ' '),
        label: row.getAttribute('aria-label') ?? '',
      })),
    );
  }

  async statusBarTexts() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('.statusbar-item')].map((el) => el.textContent.trim()),
    );
  }

  async codeLenses() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('.codelens-decoration a, .codelens-decoration span')]
        .map((el) => el.textContent.replace(/\u00a0/g, ' ').trim())
        .filter((t) => t !== ''),
    );
  }

  /** The webview frame whose document has `selector`, searching every nested frame. */
  async webviewFrame(selector, timeoutMs = 30_000) {
    return waitUntil(
      `a webview with ${selector}`,
      async () => {
        for (const frame of this.page.frames()) {
          const found = await frame.$(selector).catch(() => null);
          if (found) return frame;
        }
        return null;
      },
      timeoutMs,
    );
  }

  async screenshot(path) {
    await this.page.screenshot({ path });
  }

  async notifications() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('.notification-list-item')].map((el) => el.textContent.trim()),
    );
  }
}
