/**
 * The light-bulb action on a `model.fit(...)` / `fitDataset(...)` line: "Add training monitor",
 * which imports gradient-lens/monitor and adds it to the call's callbacks. The edit is computed by
 * the engine (it parses); this provider only asks when the line can hold such a call.
 */
import * as vscode from 'vscode';
import { loadEngine, mayUseTfjs } from './engine';

export const MONITOR_ACTION_KIND = vscode.CodeActionKind.Refactor.append('gradientLens.monitor');

export class MonitorCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [MONITOR_ACTION_KIND],
  };

  provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    if (
      context.only &&
      !context.only.contains(MONITOR_ACTION_KIND) &&
      !MONITOR_ACTION_KIND.contains(context.only)
    )
      return [];
    const line = document.lineAt(range.start.line).text;
    if (!/\.fit(Dataset)?\s*\(/.test(line)) return [];
    const text = document.getText();
    if (!mayUseTfjs(text)) return [];
    const column = Math.max(line.search(/\.fit(Dataset)?\s*\(/) + 1, range.start.character);
    const offset = document.offsetAt(new vscode.Position(range.start.line, column));
    const insertion = loadEngine().monitorInsertion(text, document.uri.fsPath, offset);
    if (!insertion) return [];
    const action = new vscode.CodeAction(insertion.title, MONITOR_ACTION_KIND);
    const edit = new vscode.WorkspaceEdit();
    for (const e of insertion.edits)
      edit.replace(
        document.uri,
        new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)),
        e.text,
      );
    action.edit = edit;
    return [action];
  }
}
