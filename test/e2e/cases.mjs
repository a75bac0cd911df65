// The end-to-end cases: each one is something a user does, checked by what they see.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './lib/code-server.mjs';
import { sleep, waitUntil } from './lib/workbench.mjs';

/** Marker the fake workspace tfjs writes when something loads it (see writeFakeWorkspaceTfjs). */
export const WORKSPACE_TFJS_MARKER = '.workspace-tfjs-was-loaded';
const XSS_NAME = '<img src=x onerror=alert(1)>';

export const trustedCases = [
  {
    name: 'activates and logs to its output channel',
    async run({ wb, page }) {
      await wb.openFile('deep-sigmoid.js');
      await wb.runCommand('Gradient Lens: Show Output');
      await waitUntil('the activation line in the output channel', async () =>
        (await outputText(page)).includes('Gradient Lens activated'),
      );
    },
  },
  {
    name: 'shows the same diagnostics as the CLI, with source, rule code and status-bar count',
    async run({ wb, workspace }) {
      const expected = cliLint(join(workspace, 'deep-sigmoid.js'));
      assert.ok(
        expected.filter((m) => m.ruleId === 'saturating-activation').length === 9,
        'fixture sanity',
      );
      await wb.openFile('deep-sigmoid.js');
      const rows = await waitUntil(`${expected.length} problems`, async () => {
        const found = (await wb.problems()).filter((r) => r.text.includes('Gradient Lens'));
        return found.length === expected.length ? found : null;
      });
      for (const m of expected) {
        // Source, then the rule code (its docs link), then the position: "Gradient Lens" + code + "[Ln 5, Col 52]".
        const row = rows.find((r) =>
          r.text.includes(`Gradient Lens${m.ruleId}[Ln ${m.line}, Col ${m.column}]`),
        );
        assert.ok(
          row,
          `a problem for ${m.ruleId} at ${m.line}:${m.column} in ${JSON.stringify(rows.map((r) => r.text))}`,
        );
      }
      assert.match(
        rows.find((r) => r.text.includes('Ln 5, Col 52')).text,
        /sigmoid hidden layers: layer 0's gradient is about [\d.e+-]+x the output's/,
      );
      const status = await waitUntil('the status-bar count', async () =>
        (await wb.statusBarTexts()).find((t) => t.includes('Gradient Lens:')),
      );
      assert.match(status, new RegExp(`Gradient Lens: ${expected.length} risks`));
    },
  },
  {
    name: 'lints the script of an HTML page that loads tfjs with a script tag, at the page lines',
    async run({ wb, workspace }) {
      const expected = cliLint(join(workspace, 'page.html'));
      assert.equal(expected.length, 1, 'fixture sanity');
      const [m] = expected;
      // The Problems list renders only the rows that fit: the other files' findings go first.
      await wb.runCommand('View: Close All Editors');
      await wb.openFile('page.html');
      await waitUntil(`the page's ${m.ruleId} problem at ${m.line}:${m.column}`, async () =>
        (await wb.problems()).some((r) =>
          r.text.includes(`Gradient Lens${m.ruleId}[Ln ${m.line}, Col ${m.column}]`),
        ),
      );
    },
  },
  {
    name: 'stays silent on a file that does not import tfjs',
    async run({ wb }) {
      await wb.openFile('no-tfjs.js');
      await sleep(1000);
      const rows = await wb.problems();
      assert.ok(!rows.some((r) => r.text.includes('no-tfjs.js')), 'no problems for no-tfjs.js');
      const texts = await wb.statusBarTexts();
      assert.ok(!texts.some((t) => t.includes('Gradient Lens:')), `no finding count in ${texts}`);
    },
  },
  {
    name: 'shows CodeLenses above the model',
    async run({ wb, workspace }) {
      const count = cliLint(join(workspace, 'deep-sigmoid.js')).length;
      await wb.openFile('deep-sigmoid.js');
      const lenses = await waitUntil('the CodeLenses', async () => {
        const all = await wb.codeLenses();
        return all.some((t) => t.includes('Probe gradients')) ? all : null;
      });
      assert.ok(
        lenses.includes(`${count} gradient findings`),
        `finding count lens in ${JSON.stringify(lenses)}`,
      );
    },
  },
  {
    name: 'offers quick fixes; applying one removes its diagnostic',
    async run({ wb, page, artifacts }) {
      await wb.openFile('deep-sigmoid.js');
      await waitUntil('the diagnostic on line 6', async () =>
        (await wb.problems()).some((r) => r.text.includes('saturating-activation[Ln 6, Col 52]')),
      );
      await wb.goTo(6, 55);
      const items = await openQuickFixMenu(page);
      for (const title of [
        "Use activation 'relu' with He initialization",
        'Disable saturating-activation for this line',
        'Disable saturating-activation for this file',
        'Show documentation for saturating-activation',
      ]) {
        assert.ok(
          items.some((t) => t.includes(title)),
          `"${title}" in ${JSON.stringify(items)}`,
        );
      }
      await wb.screenshot(join(artifacts, 'editor-quick-fix.png'));
      if (docsImages) await wb.screenshot(join(repoRoot, 'docs', 'images', 'editor.png'));
      await clickMenuItem(page, "Use activation 'relu' with He initialization");
      await waitUntil('the fixed line', async () =>
        (await wb.editorText()).includes(
          "model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));",
        ),
      );
      await waitUntil('8 problems left', async () => {
        const rows = (await wb.problems()).filter((r) => r.text.includes('saturating-activation'));
        return rows.length === 8 && !rows.some((r) => r.text.includes('Ln 6,'));
      });
    },
  },
  {
    name: 'inserts a disable comment for the line',
    async run({ wb, page }) {
      await wb.openFile('deep-sigmoid.js');
      await wb.goTo(8, 55);
      await openQuickFixMenu(page);
      await clickMenuItem(page, 'Disable saturating-activation for this line');
      await waitUntil('the directive above line 8', async () => {
        const lines = (await wb.editorText()).split('\n');
        return (
          lines[7] === '// gradient-lens-disable-next-line saturating-activation' &&
          lines[8].includes("activation: 'sigmoid'")
        );
      });
      await waitUntil('7 problems left', async () => {
        const rows = (await wb.problems()).filter((r) => r.text.includes('saturating-activation'));
        return rows.length === 7;
      });
    },
  },
  {
    name: 'opens rule documentation rendered, from the quick fix and from the Problems panel',
    async run({ wb, page }) {
      const tabs = () => page.locator('.tabs-container .tab .label-name').allTextContents();
      const rendered = async () => {
        await waitUntil('the rendered rule page', async () =>
          (await tabs()).some((t) => t.includes('Preview saturating-activation.md')),
        );
        assert.ok(
          !(await tabs()).includes('saturating-activation.md'),
          `no text editor on the page: ${JSON.stringify(await tabs())}`,
        );
        // The preview is a webview holding the focus: its tab's close button, not the palette.
        await page
          .locator('.tabs-container .tab', { hasText: 'Preview saturating-activation.md' })
          .locator('.codicon-close')
          .click();
      };
      await wb.openFile('deep-sigmoid.js');
      const lines = (await wb.editorText()).split('\n');
      const line = lines.findIndex(
        (l, i) => l.includes("activation: 'sigmoid'") && !lines[i - 1]?.includes('disable'),
      );
      await wb.goTo(line + 1, 55);
      await openQuickFixMenu(page);
      await clickMenuItem(page, 'Show documentation for saturating-activation');
      await rendered();
      await wb.openFile('deep-sigmoid.js');
      await wb.problems();
      await page
        .locator('.markers-panel .monaco-list-row a', { hasText: 'saturating-activation' })
        .first()
        .click();
      await rendered();
    },
  },
  {
    name: 'probes from the CodeLens: panel with 10 layers and a vanishing verdict',
    async run({ wb, page, artifacts, workspace }) {
      await wb.openFile('deep-sigmoid.js');
      await wb.runCommand('File: Revert File');
      await clickCodeLens(wb, page, 'Probe gradients');
      const frame = await wb.webviewFrame('#gl-panel', 90_000);
      const panel = await frame.$eval('#gl-panel', (el) => ({
        layers: el.dataset.layers,
        verdict: el.dataset.verdict,
        text: el.textContent,
      }));
      assert.equal(panel.layers, '10');
      assert.equal(panel.verdict, 'vanishing');
      assert.match(panel.text, /vanish/i);
      // The report view drew its chart (Chart.js on a canvas) without replacing it by an error.
      await waitUntil('the chart', async () =>
        frame.$eval('#gl-chart', (c) => c.width > 0 && c.height > 0).catch(() => false),
      );
      const chartError = await frame
        .$eval('#gl-chart-error', (e) => (e.hidden ? '' : e.textContent))
        .catch(() => '');
      assert.equal(chartError, '');
      // The trusted workspace's own tfjs was tried first (it is a fake that refuses to load).
      assert.ok(
        existsSync(join(workspace, WORKSPACE_TFJS_MARKER)),
        'the workspace tfjs was loaded',
      );
      await sleep(500);
      await wb.screenshot(join(artifacts, 'panel.png'));
      // Re-probe from the panel with another batch size.
      await frame.fill('#gl-batch', '8');
      await frame.click('#gl-reprobe');
      const reprobed = await wb.webviewFrame(
        '#gl-panel[data-layers="10"] #gl-batch[value="8"]',
        90_000,
      );
      assert.match(
        await reprobed.$eval('#gl-report', (el) => el.textContent.replace(/\s+/g, ' ')),
        /Batch\s*8\s*Steps/i,
      );
      if (docsImages) await captureDocsPanel(wb, page);
    },
  },
  {
    name: 'shows inline gradient hints and the verdict lens after the probe',
    async run({ wb }) {
      await wb.openFile('deep-sigmoid.js');
      // Measured hints ("∇ 1e-7 (…× output) ⚠ vanishing") sit beside the static estimate ("∇≈ …").
      // Injected text renders its spaces as no-break spaces.
      // Inlay hints are text injected into the editor's lines (no-break spaces read as spaces).
      const measured = (text) => text.split('\n').filter((l) => l.includes('∇ '));
      const hints = await waitUntil('inline hints', async () => {
        const texts = measured(await wb.editorText());
        return texts.length >= 10 ? texts : null;
      });
      assert.ok(
        hints.some((t) => t.includes('vanishing')),
        JSON.stringify(hints),
      );
      await waitUntil('the verdict lens', async () =>
        (await wb.codeLenses()).some((t) => t.includes('measured: vanishing')),
      );
      // A new line shifts the layers: the probe's line numbers are stale, so the hints go.
      await wb.goTo(3, 1);
      await wb.page.keyboard.press('Enter');
      await waitUntil(
        'stale hints hidden',
        async () => measured(await wb.editorText()).length === 0,
      );
      await wb.page.keyboard.press('Control+Z');
      await waitUntil(
        'hints back after undo',
        async () => measured(await wb.editorText()).length >= 10,
      );
    },
  },
  {
    name: 'hovering a layer call shows its estimate, last measured norm and findings',
    async run({ wb, page }) {
      await wb.openFile('deep-sigmoid.js');
      await wb.goTo(5, 20);
      await wb.runCommand('Show or Focus Hover');
      const hover = await waitUntil('the layer hover', async () => {
        const texts = await page.locator('.monaco-hover').allTextContents();
        return texts.map((t) => t.replace(/\s+/g, ' ')).find((t) => t.includes('Gradient Lens'));
      });
      assert.match(hover, /layer 0 \(dense\)/);
      assert.match(hover, /Static estimate: gradient norm ≈ ?[0-9.e-]+× the output layer/);
      assert.match(hover, /Last probe: ∇ [0-9.e-]+ \([0-9.e-]+× output\), vanishing/);
      assert.match(hover, /saturating-activation/);
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'applies a fix in memory and compares both probes before the edit',
    async run({ wb, page, artifacts }) {
      const frame = await wb.webviewFrame('#gl-panel[data-verdict="vanishing"]');
      const compare = frame
        .locator('button[data-gl-action="compareFix"][data-finding^="saturating-activation@"]')
        .first();
      await compare.focus();
      await page.keyboard.press('Enter');
      const compared = await wb.webviewFrame('#gl-panel th:has-text("After fix")', 90_000);
      const ratios = await compared.$$eval('#gl-panel tbody tr', (rows) => rows.length);
      assert.equal(ratios, 10);
      await compared.locator('#gl-chart').scrollIntoViewIfNeeded();
      await wb.screenshot(join(artifacts, 'panel-compare.png'));
      await wb.openFile('deep-sigmoid.js');
      assert.equal(
        await wb.isDirty(),
        false,
        'the document is untouched until the user applies the fix',
      );
    },
  },
  {
    name: 'renders a layer named like HTML as text in the panel',
    async run({ wb, page, artifacts }) {
      await wb.openFile('xss.js');
      await clickCodeLens(wb, page, 'Probe gradients');
      const frame = await wb.webviewFrame('#gl-panel[data-layers="3"]', 90_000);
      const names = await frame.$$eval('.gl-name', (cells) =>
        cells.map((c) => c.firstChild?.textContent ?? ''),
      );
      assert.ok(names.includes(XSS_NAME), `layer names ${JSON.stringify(names)}`);
      const images = await frame.$$eval('img', (imgs) => imgs.length);
      assert.equal(images, 0, 'no <img> element was created');
      assert.deepEqual(wb.dialogs, [], 'no script ran (no alert)');
      await wb.screenshot(join(artifacts, 'panel-xss.png'));
    },
  },
  {
    name: 'shows progress with Cancel and a status-bar spinner while probing; Cancel stops the probe',
    async run({ wb, page }) {
      // wide.js: two 4096-unit layers, seconds of probe, so the Cancel click lands while it runs.
      await wb.openFile('wide.js');
      await clickCodeLens(wb, page, 'Probe gradients');
      const spinner = await waitUntil('the status-bar spinner', async () =>
        (await wb.statusBarTexts()).find((t) => t.includes('Probing buildWide')),
      );
      assert.ok(spinner);
      const toast = page
        .locator('.notification-toast')
        .filter({ hasText: 'Probing gradients of buildWide' });
      await toast.waitFor({ timeout: 10_000 });
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await wb.runCommand('Gradient Lens: Show Output');
      await waitUntil('the cancellation in the log', async () =>
        (await outputText(page)).includes('probe of buildWide cancelled'),
      );
      await waitUntil(
        'the spinner gone',
        async () => !(await wb.statusBarTexts()).some((t) => t.includes('Probing')),
      );
      await wb.openFile('wide.js');
      await wb.runCommand('View: Close Editor');
    },
  },
  {
    name: 'assumes a value the code leaves open, and the panel form changes it',
    async run({ wb, page }) {
      await wb.openFile('unresolved.js');
      await waitUntil('the extension active on this file (its CodeLens)', async () =>
        (await wb.codeLenses()).some((t) => t.includes('Probe gradients')),
      );
      await wb.goTo(5, 10);
      await wb.runCommand('Gradient Lens: Probe Gradients of Model at Cursor');
      // One click: no input box; hiddenSize is assumed (64 hidden units: 16 * 64 + 64 = 1,088).
      let frame = await wb.webviewFrame('#gl-values', 90_000);
      assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'no input box');
      let text = await frame.$eval('#gl-panel', (el) => el.textContent);
      assert.match(text, /1,088/, 'layer 0 measured with the assumed 64 units');
      const field = frame.getByLabel('Value for hiddenSize');
      await field.fill('12');
      await frame.getByRole('button', { name: 'Re-probe with these values' }).click();
      await waitUntil('the re-probe with 12 units', async () => {
        frame = await wb.webviewFrame('#gl-panel[data-layers="2"]', 90_000);
        text = await frame.$eval('#gl-panel', (el) => el.textContent).catch(() => '');
        return /204/.test(text);
      });
      assert.match(text, /set by you/, 'the value is listed as set');
    },
  },
  {
    name: 'probes a model.json from the explorer context menu',
    async run({ wb, page }) {
      const folder = page
        .locator('.explorer-folders-view .monaco-list-row')
        .filter({ hasText: 'checkpoint' });
      await folder.click();
      const file = page
        .locator('.explorer-folders-view .monaco-list-row')
        .filter({ hasText: 'model.json' });
      await file.waitFor();
      await file.click({ button: 'right' });
      const item = page
        .locator('.context-view .action-menu-item')
        .filter({ hasText: 'Probe Gradients of a model.json' });
      await item.waitFor();
      // A hovered menu item takes the keyboard focus; Enter runs it (clicks here proved flaky).
      await item.hover();
      await page.keyboard.press('Enter');
      const frame = await wb.webviewFrame('#gl-panel[data-layers="3"]', 90_000);
      const verdict = await frame.$eval('#gl-panel', (el) => el.dataset.verdict);
      assert.equal(verdict, 'healthy');
    },
  },
  {
    name: 're-validates when the config file or the settings change',
    async run({ wb, workspace }) {
      await wb.openFile('deep-sigmoid.js');
      const count = (rows, ruleId) =>
        rows.filter((r) => r.text.includes(`Gradient Lens${ruleId}[`)).length;
      await waitUntil(
        'saturating-activation problems',
        async () => count(await wb.problems(), 'saturating-activation') === 9,
      );
      const rc = join(workspace, '.gradientlensrc.json');
      writeFileSync(rc, JSON.stringify({ rules: { 'saturating-activation': 'off' } }));
      await waitUntil('the rule turned off by .gradientlensrc.json', async () => {
        const rows = await wb.problems();
        return (
          count(rows, 'saturating-activation') === 0 &&
          count(rows, 'deep-without-normalization') === 1
        );
      });
      writeFileSync(rc, JSON.stringify({ rules: { 'saturating-activaton': 'warning' } }));
      const notice = await waitUntil('a notification naming the bad key', async () =>
        (await wb.notifications()).find((t) => t.includes('invalid configuration')),
      );
      assert.match(notice, /rules\.saturating-activaton/);
      rmSync(rc);
      await waitUntil(
        'the rule back after the config file is deleted',
        async () => count(await wb.problems(), 'saturating-activation') === 9,
      );
      // Workspace settings: .vscode/settings.json (VS Code watches the workspace folder).
      const settingsFile = join(workspace, '.vscode', 'settings.json');
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      const settings = {};
      writeFileSync(
        settingsFile,
        JSON.stringify({ 'gradientLens.rules': { 'saturating-activation': 'error' } }),
      );
      await waitUntil(
        'the severity from the settings',
        async () =>
          (await wb.page.locator('.markers-panel .monaco-list-row .codicon-error').count()) === 9,
      );
      writeFileSync(settingsFile, JSON.stringify(settings));
      await waitUntil(
        'warnings again',
        async () =>
          (await wb.page.locator('.markers-panel .monaco-list-row .codicon-error').count()) === 0,
      );
    },
  },
  {
    name: 'fixes all problems of a file with one command, as the CLI --fix does',
    // Fix-all on save (source.fixAll) is still checked below; the CLI --fix path by test/cli-lint.test.ts.
    async run({ wb, page, workspace }) {
      // Only this file's problems are counted: other open files (with their info hints) close.
      await wb.runCommand('View: Close All Editors');
      await wb.openFile('deep-sigmoid.js');
      const file = join(workspace, 'deep-sigmoid.js');
      await page.keyboard.press('Control+S');
      const before = await waitUntil(
        'the saved file',
        async () => !(await wb.isDirty()) && readFileSync(file, 'utf8'),
      );
      const expected = cliFix(file);
      assert.notEqual(expected, before, 'the CLI has something to fix');
      await wb.runCommand('Gradient Lens: Fix All Problems in This File');
      await waitUntil('the fixed text', async () => (await wb.editorText()).includes('heNormal'));
      await page.keyboard.press('Control+S');
      await waitUntil(
        'the saved fixed file',
        async () => !(await wb.isDirty()) && readFileSync(file, 'utf8') !== before,
      );
      assert.equal(readFileSync(file, 'utf8'), expected);
      const after = cliLint(file);
      assert.ok(
        after.every((m) => m.fixes.length === 0),
        'nothing fixable is left',
      );
      await waitUntil(
        `${after.length} problems left`,
        async () =>
          (await wb.problems()).filter((r) => r.text.includes('Gradient Lens')).length ===
          after.length,
      );
    },
  },
  {
    name: 'fixes on save with editor.codeActionsOnSave source.fixAll.gradientLens',
    async run({ wb, page, workspace }) {
      const settingsFile = join(workspace, '.vscode', 'settings.json');
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(
        settingsFile,
        JSON.stringify({
          'editor.codeActionsOnSave': { 'source.fixAll.gradientLens': 'explicit' },
        }),
      );
      const file = join(workspace, 'training.js');
      const expected = cliFix(file);
      assert.match(
        expected,
        /tf\.train\.adam\(0\.001\)/,
        'fixture sanity: the CLI lowers the learning rate',
      );
      await wb.openFile('training.js');
      await sleep(1000);
      // Any edit, then save: the save runs the fix-all source action.
      await wb.goTo(1, 1);
      await page.keyboard.press('End');
      await page.keyboard.press('Space');
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Control+S');
      await waitUntil(
        'the file fixed on save',
        async () => !(await wb.isDirty()) && readFileSync(file, 'utf8') === expected,
      );
      rmSync(settingsFile);
    },
  },
  {
    name: 'lints the whole workspace into the Problems panel',
    async run({ wb, workspace }) {
      await wb.runCommand('View: Close All Editors');
      const expected = cliLint(workspace).length;
      await wb.runCommand('Gradient Lens: Lint Workspace');
      // The Problems list only renders the rows that fit: give it the whole window to count them.
      await wb.problems();
      if (expected > 8) await wb.runCommand('View: Toggle Maximized Panel');
      await waitUntil(
        `${expected} problems from the workspace lint`,
        async () =>
          (await wb.problems()).filter((r) => r.text.includes('Gradient Lens')).length === expected,
      );
    },
  },
  {
    name: 'typing stays responsive while a large workspace is analysed',
    async run({ wb, page, workspace }) {
      // 150 files of 40 builders each (about 480 lines a file): many seconds of analysis in the
      // server, so that the typing below lands while it runs even on a fast machine.
      const big = join(workspace, 'big');
      mkdirSync(big, { recursive: true });
      for (let i = 0; i < 150; i++) writeFileSync(join(big, `models-${i}.js`), bigModelFile(40));
      try {
        await wb.openFile('deep-sigmoid.js');
        await wb.goTo(2, 1);
        await wb.runCommand('Gradient Lens: Lint Workspace');
        // The progress shows as a toast, and in the status bar once the toast is hidden.
        const busy = async () =>
          (await page
            .locator('.notifications-toasts')
            .filter({ hasText: 'linting workspace' })
            .count()) > 0 ||
          (await wb.statusBarTexts()).some((t) => t.includes('linting workspace'));
        await waitUntil('the workspace lint under way', busy);
        await wb.focusEditor();
        const typed = '// typed while the workspace is analysed';
        const started = Date.now();
        await page.keyboard.type(typed, { delay: 20 });
        await waitUntil('the typed line in the editor', async () =>
          (await wb.editorText()).includes(typed),
        );
        const typingMs = Date.now() - started;
        // Checked here, before the command below gives the lint more time to finish.
        assert.ok(await busy(), 'the workspace lint was still running while typing');
        // A command the extension host runs answers while the server is busy.
        const asked = Date.now();
        await wb.runCommand('Gradient Lens: Show Output');
        await waitUntil('the output channel', async () =>
          (await outputText(page)).includes('[info]'),
        );
        const commandMs = Date.now() - asked;
        assert.ok(typingMs < 2000 + typed.length * 20, `typing took ${typingMs} ms`);
        assert.ok(commandMs < 5000, `a command took ${commandMs} ms`);
        await page.keyboard.press('Control+Z');
      } finally {
        rmSync(big, { recursive: true, force: true });
      }
    },
  },
];

/** A model file as large projects have them: `builders` sigmoid/tanh MLP builders. */
function bigModelFile(builders) {
  let out = "import * as tf from '@tensorflow/tfjs';\n";
  for (let i = 0; i < builders; i++) {
    out += `
export function build${i}() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: 'sigmoid', inputShape: [16] }));
  for (let j = 0; j < 6; j++) {
    model.add(tf.layers.dense({ units: 32, activation: 'tanh' }));
  }
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
  return model;
}
`;
  }
  return out;
}

export const untrustedCases = [
  {
    name: 'untrusted: lints, and probes with the bundled tfjs only',
    async run({ wb, page, workspace, artifacts }) {
      const restricted = await waitUntil('Restricted Mode in the status bar', async () =>
        (await wb.statusBarTexts()).find((t) => t.includes('Restricted Mode')),
      );
      assert.ok(restricted);
      await wb.openFile('deep-sigmoid.js');
      await waitUntil(
        'diagnostics in restricted mode',
        async () =>
          (await wb.problems()).filter((r) => r.text.includes('saturating-activation')).length ===
          9,
      );
      await clickCodeLens(wb, page, 'Probe gradients');
      const frame = await wb.webviewFrame('#gl-panel', 90_000);
      const text = await frame.$eval('#gl-panel', (el) => el.textContent);
      assert.match(text, /bundled tfjs/);
      assert.ok(
        !existsSync(join(workspace, WORKSPACE_TFJS_MARKER)),
        'the workspace tfjs was never loaded',
      );
      await wb.screenshot(join(artifacts, 'untrusted-panel.png'));
    },
  },
];

/**
 * A stand-in for the workspace's own @tensorflow/tfjs: loading it leaves a marker file and then
 * fails, so the probe falls back to the bundled tfjs. Proves whether workspace code was loaded.
 */
export function writeFakeWorkspaceTfjs(workspace) {
  const dir = join(workspace, 'node_modules', '@tensorflow', 'tfjs');
  mkdirSync(dir, { recursive: true });
  const marker = JSON.stringify(join(workspace, WORKSPACE_TFJS_MARKER));
  const files = {
    'package.json': JSON.stringify({
      name: '@tensorflow/tfjs',
      version: '4.22.0',
      main: 'index.js',
    }),
    'index.js': `require('fs').writeFileSync(${marker}, String(process.pid));\nthrow new Error('fake workspace tfjs (e2e): refusing to load');\n`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

/** `--docs-images`: also refresh the README's screenshots (docs/images/*.png). */
const docsImages = process.argv.includes('--docs-images');

/** The README's panel picture: sidebar and bottom panel hidden, a taller window, the report beside the code. */
async function captureDocsPanel(wb, page) {
  mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true });
  const viewport = page.viewportSize();
  // The new panel may hold the keyboard focus: give it back to the editor first.
  await wb.focusEditor();
  await wb.runCommand('View: Close Primary Side Bar');
  if (await page.locator('.part.panel').isVisible()) await wb.runCommand('View: Hide Panel');
  await page.setViewportSize({ width: 1400, height: 940 });
  await sleep(1500);
  await wb.screenshot(join(repoRoot, 'docs', 'images', 'panel.png'));
  await page.setViewportSize(viewport);
  await wb.runCommand('View: Toggle Primary Side Bar Visibility');
  await sleep(500);
}

/** The CLI's findings for a file: what the editor must show. */
function cliLint(file) {
  const result = spawnSync(
    process.execPath,
    [join(repoRoot, 'bin', 'gradient-lens.js'), 'lint', '--format', 'json', file],
    {
      encoding: 'utf8',
    },
  );
  const parsed = JSON.parse(result.stdout);
  return parsed.flatMap((f) => f.messages);
}

/** What `gradient-lens lint --fix` makes of the file's current text (run on a copy). */
function cliFix(file) {
  const dir = mkdtempSync(join(tmpdir(), 'gl-e2e-fix-'));
  try {
    const copy = join(dir, 'model.js');
    copyFileSync(file, copy);
    spawnSync(
      process.execPath,
      [join(repoRoot, 'bin', 'gradient-lens.js'), 'lint', '--fix', copy],
      { encoding: 'utf8' },
    );
    return readFileSync(copy, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function outputText(page) {
  return (await page.locator('.panel .view-lines').allTextContents())
    .join('\n')
    .replace(/\u00a0/g, ' ');
}

async function openQuickFixMenu(page) {
  const rows = page.locator('.action-widget .monaco-list-row');
  // Right after start-up the TypeScript server is still loading and the first request can come
  // back empty ("No code actions available"): ask again, as a user would.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await rows.first().waitFor({ state: 'visible', timeout: 5_000 });
      return rows.allTextContents();
    } catch (error) {
      if (attempt === 4) throw error;
      await page.keyboard.press('Escape');
      await sleep(1000);
    }
  }
}

/** Moves the focus down the code action menu to `title` and accepts it, as a keyboard user does. */
async function clickMenuItem(page, title) {
  for (let i = 0; i < 30; i++) {
    const focused = await page
      .locator('.action-widget .monaco-list-row.focused')
      .getAttribute('aria-label');
    if (focused?.includes(title)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`"${title}" is not in the code action menu`);
}

async function clickCodeLens(wb, page, title) {
  const lens = page.locator('.codelens-decoration a').filter({ hasText: title }).first();
  await lens.waitFor({ state: 'visible', timeout: 20_000 });
  await lens.click();
}
