import * as vscode from 'vscode';
import { loadEngine, mayUseTfjs } from './engine';
import type { LintController } from './lint-controller';
import type { Logger } from './logger';
import { getSettings } from './settings';

const SOURCE_GLOB = '**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}';

/** "Lint Workspace": every matching file's findings into the Problems panel, with progress. */
export async function lintWorkspace(lints: LintController, log: Logger): Promise<void> {
  const settings = getSettings();
  const files = await vscode.workspace.findFiles(SOURCE_GLOB, settings.lintWorkspaceExclude);
  let withFindings = 0;
  let total = 0;
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Gradient Lens: linting workspace',
      cancellable: true,
    },
    async (progress, token) => {
      for (const [i, uri] of files.entries()) {
        if (token.isCancellationRequested) break;
        progress.report({
          message: vscode.workspace.asRelativePath(uri),
          increment: 100 / files.length,
        });
        const open = vscode.workspace.textDocuments.find(
          (d) => d.uri.toString() === uri.toString(),
        );
        if (open) {
          const lint = lints.current(open);
          total += lint?.messages.length ?? 0;
          if (lint?.messages.length) withFindings++;
          continue;
        }
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        if (!mayUseTfjs(text)) continue;
        const fileSettings = getSettings(uri);
        if (!fileSettings.enable) continue;
        const outcome = loadEngine().lintDocument(text, uri.fsPath, {
          rules: fileSettings.rules,
          reportUnusedDirectives: fileSettings.reportUnusedDirectives,
        });
        const document = lineOffsets(text);
        lints.diagnostics.set(
          uri,
          outcome.result.messages.map((m) => {
            const diagnostic = lints.toDiagnostic(document, m);
            return diagnostic;
          }),
        );
        total += outcome.result.messages.length;
        if (outcome.result.messages.length) withFindings++;
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 0));
      }
    },
  );
  log.info(`workspace lint: ${files.length} files, ${total} findings in ${withFindings} files`);
  void vscode.window.showInformationMessage(
    `Gradient Lens: ${total} finding${total === 1 ? '' : 's'} in ${withFindings} of ${files.length} files.`,
  );
  await vscode.commands.executeCommand('workbench.actions.view.problems');
}

/** Enough of a TextDocument to turn offsets into positions for a file that is not open. */
function lineOffsets(text: string): vscode.TextDocument {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const positionAt = (offset: number): vscode.Position => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return new vscode.Position(lo, offset - starts[lo]);
  };
  return { positionAt } as vscode.TextDocument;
}
