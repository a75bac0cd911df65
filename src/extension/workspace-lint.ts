import * as vscode from 'vscode';
import type { Logger } from './logger';
import type { ServerLints } from './server-lints';
import { getSettings } from './settings';
import { LINTED_FILES_GLOB } from '../server/protocol';

/** Files per request: progress moves, Cancel lands between batches, typing is never starved. */
const BATCH = 20;

/**
 * "Lint Workspace": the server lints every matching file that is not open (open files it lints
 * already) and the findings go into the Problems panel, with progress. Opening a file hands it
 * to the live diagnostics, so its entry here goes.
 */
export class WorkspaceLint implements vscode.Disposable {
  private readonly diagnostics =
    vscode.languages.createDiagnosticCollection('gradientLens.workspace');
  private readonly subscriptions: vscode.Disposable[] = [
    this.diagnostics,
    vscode.workspace.onDidOpenTextDocument((d) => this.diagnostics.delete(d.uri)),
  ];

  constructor(
    private readonly lints: ServerLints,
    private readonly log: Logger,
  ) {}

  async run(): Promise<void> {
    const files = await vscode.workspace.findFiles(
      LINTED_FILES_GLOB,
      getSettings().lintWorkspaceExclude,
    );
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    let withFindings = 0;
    let total = 0;
    for (const document of vscode.workspace.textDocuments) {
      const status = this.lints.get(document.uri);
      if (!status || !files.some((f) => f.toString() === document.uri.toString())) continue;
      const count = status.counts.errors + status.counts.warnings + status.counts.infos;
      total += count;
      if (count > 0) withFindings++;
    }
    const closed = files.filter((f) => !open.has(f.toString()));
    this.diagnostics.clear();
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Gradient Lens: linting workspace',
        cancellable: true,
      },
      async (progress, token) => {
        for (let i = 0; i < closed.length && !token.isCancellationRequested; i += BATCH) {
          const batch = closed.slice(i, i + BATCH);
          progress.report({
            message: vscode.workspace.asRelativePath(batch[0]),
            increment: (100 * batch.length) / closed.length,
          });
          for (const { uri, diagnostics } of await this.lints.lintFiles(batch, token)) {
            if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()))
              continue;
            this.diagnostics.set(uri, diagnostics);
            total += diagnostics.length;
            if (diagnostics.length > 0) withFindings++;
          }
        }
      },
    );
    this.log.info(
      `workspace lint: ${files.length} files, ${total} findings in ${withFindings} files`,
    );
    void vscode.window.showInformationMessage(
      `Gradient Lens: ${total} finding${total === 1 ? '' : 's'} in ${withFindings} of ${files.length} files.`,
    );
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
