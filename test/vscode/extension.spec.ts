/// <reference types="mocha" />
/**
 * The end-to-end assertions that a test-electron run can make through the API (for contributors
 * with internet: `npm run test:vscode` downloads VS Code). The code-server suite (test/e2e) checks
 * the same behaviour on screen and is the one CI runs.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProbeReport } from '../../src/probe/types';

const workspace = () => vscode.workspace.workspaceFolders![0].uri;
const fixture = (name: string) => vscode.Uri.joinPath(workspace(), name);

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Gradient Lens');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

suite('Gradient Lens in VS Code', function () {
  this.timeout(120_000);

  teardown(() => vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor'));

  test('diagnostics carry the source, the rule id as code and a docs link', async () => {
    const uri = fixture('deep-sigmoid.js');
    await vscode.window.showTextDocument(uri);
    const diagnostics = await waitFor('diagnostics', () => {
      const found = ours(uri).filter((d) => codeOf(d) === 'saturating-activation');
      return found.length === 9 && found;
    });
    const first = diagnostics.sort((a, b) => a.range.start.line - b.range.start.line)[0];
    assert.equal(first.range.start.line, 4);
    assert.equal(first.severity, vscode.DiagnosticSeverity.Warning);
    const target = (first.code as { target: vscode.Uri }).target;
    assert.equal(path.basename(target.fsPath), 'saturating-activation.md');
  });

  test('a file that does not import tfjs gets no diagnostics', async () => {
    const uri = fixture('no-tfjs.js');
    await vscode.window.showTextDocument(uri);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(ours(uri), []);
  });

  test('quick fixes: the rule fix (preferred), disable for line/file, docs; applying one clears it', async () => {
    const uri = fixture('deep-sigmoid.js');
    const editor = await vscode.window.showTextDocument(uri);
    const diagnostic = await waitFor('the line-6 diagnostic', () =>
      ours(uri).find((d) => d.range.start.line === 5),
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((a) => a.title);
    for (const title of [
      "Use activation 'relu' with He initialization",
      'Disable saturating-activation for this line',
      'Disable saturating-activation for this file',
      'Show documentation for saturating-activation',
    ]) {
      assert.ok(titles.includes(title), `${title} in ${titles.join(' | ')}`);
    }
    const fix = actions.find((a) => a.isPreferred)!;
    await vscode.workspace.applyEdit(fix.edit!);
    assert.match(
      editor.document.lineAt(5).text,
      /activation: 'relu', kernelInitializer: 'heNormal'/,
    );
    await waitFor('the diagnostic gone', () => !ours(uri).some((d) => d.range.start.line === 5));
  });

  test('disable for this line inserts a directive', async () => {
    const uri = fixture('deep-sigmoid.js');
    const editor = await vscode.window.showTextDocument(uri);
    const diagnostic = await waitFor('the line-8 diagnostic', () =>
      ours(uri).find((d) => d.range.start.line === 7),
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
    );
    const disable = actions.find((a) => a.title === 'Disable saturating-activation for this line')!;
    await vscode.workspace.applyEdit(disable.edit!);
    assert.equal(
      editor.document.lineAt(7).text,
      '// gradient-lens-disable-next-line saturating-activation',
    );
    await waitFor(
      'the diagnostic gone',
      () =>
        !ours(uri).some((d) => d.range.start.line === 8 && codeOf(d) === 'saturating-activation'),
    );
  });

  test('CodeLens above the model, and a probe from it: 10 layers, vanishing', async () => {
    const uri = fixture('deep-sigmoid.js');
    await vscode.window.showTextDocument(uri);
    let lenses: vscode.CodeLens[] = [];
    for (
      let i = 0;
      i < 50 && !lenses.some((l) => l.command?.title.includes('Probe gradients'));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 200));
      lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        uri,
        10,
      );
    }
    const probe = lenses.find((l) => l.command?.title.includes('Probe gradients'));
    assert.ok(probe?.command, 'a Probe gradients lens');
    const report = await vscode.commands.executeCommand<ProbeReport>(
      probe.command.command,
      ...(probe.command.arguments ?? []),
    );
    assert.equal(report.layers.length, 10);
    assert.equal(report.verdict, 'vanishing');
  });

  test('untrusted workspaces: declared as limited support', () => {
    const extension = vscode.extensions.getExtension('gradient-lens.gradient-lens')!;
    const trust = extension.packageJSON.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    // Restricted mode itself needs a window opened without trust: the code-server suite covers it.
  });
});
