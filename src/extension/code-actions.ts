/**
 * Quick fixes for each finding (every fix the rule offers, the preferred one marked), disable
 * directives for the line or the file, the rule's documentation, and "Fix all" as a source action
 * that `editor.codeActionsOnSave: { "source.fixAll.gradientLens": "explicit" }` runs.
 */
import * as vscode from 'vscode';
import type { LintMessage, TextEdit } from '../rules/types';
import { disableForFileEdit, disableForLineEdit } from './directives';
import { loadEngine } from './engine';
import { SOURCE, type DocumentLint, type LintController } from './lint-controller';
import type { Logger } from './logger';
import { getSettings } from './settings';
import { minimalEdit } from './text-diff';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('gradientLens');

export class CodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(
    private readonly lints: LintController,
    private readonly log: Logger,
  ) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const lint = this.lints.current(document);
    if (!lint?.usesTfjs || lint.messages.length === 0) return [];
    const only = context.only;
    const actions: vscode.CodeAction[] = [];
    if (!only || only.contains(vscode.CodeActionKind.QuickFix)) {
      for (const diagnostic of context.diagnostics) {
        if (diagnostic.source !== SOURCE) continue;
        const message = findMessage(document, lint, diagnostic);
        if (message) actions.push(...quickFixes(document, message, diagnostic));
      }
    }
    // Fix-all re-lints the file until stable: computed only when asked for (Source Action menu,
    // codeActionsOnSave), never for the light bulb that VS Code requests on every cursor move.
    if (only?.contains(FIX_ALL_KIND) && lint.messages.some((m) => m.fixes.length > 0)) {
      try {
        const fixAll = fixAllAction(document);
        if (fixAll) actions.push(fixAll);
      } catch (error) {
        // A crash while computing the fix-all must not take the quick fixes down with it.
        this.log.error(
          `fix-all failed on ${document.uri.fsPath}: ${(error as Error)?.stack ?? error}`,
        );
      }
    }
    return actions;
  }
}

function quickFixes(
  document: vscode.TextDocument,
  message: LintMessage,
  diagnostic: vscode.Diagnostic,
): vscode.CodeAction[] {
  const actions: vscode.CodeAction[] = [];
  for (const fix of message.fixes) {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.edit = workspaceEdit(document, fix.edits);
    action.diagnostics = [diagnostic];
    action.isPreferred = fix.preferred;
    actions.push(action);
  }
  const text = document.getText();
  const line = document.positionAt(message.span.start).line;
  const disableLine = disableForLineEdit(text, line, message.ruleId);
  if (disableLine) {
    const action = new vscode.CodeAction(
      `Disable ${message.ruleId} for this line`,
      vscode.CodeActionKind.QuickFix,
    );
    action.edit = workspaceEdit(document, [disableLine]);
    action.diagnostics = [diagnostic];
    actions.push(action);
  }
  const disableFile = disableForFileEdit(text, message.ruleId);
  if (disableFile) {
    const action = new vscode.CodeAction(
      `Disable ${message.ruleId} for this file`,
      vscode.CodeActionKind.QuickFix,
    );
    action.edit = workspaceEdit(document, [disableFile]);
    action.diagnostics = [diagnostic];
    actions.push(action);
  }
  const docs = new vscode.CodeAction(
    `Show documentation for ${message.ruleId}`,
    vscode.CodeActionKind.QuickFix,
  );
  docs.command = {
    title: docs.title,
    command: 'gradientLens.showRuleDocs',
    arguments: [message.ruleId],
  };
  actions.push(docs);
  return actions;
}

export function fixAllAction(document: vscode.TextDocument): vscode.CodeAction | null {
  const edit = fixAllEdit(document);
  if (!edit) return null;
  const action = new vscode.CodeAction('Fix all Gradient Lens problems', FIX_ALL_KIND);
  action.edit = edit;
  return action;
}

export function fixAllEdit(document: vscode.TextDocument): vscode.WorkspaceEdit | null {
  const settings = getSettings(document.uri);
  const before = document.getText();
  const after = loadEngine().fixAll(before, document.uri.fsPath, {
    rules: settings.rules,
    reportUnusedDirectives: settings.reportUnusedDirectives,
  });
  const edit = minimalEdit(before, after);
  return edit ? workspaceEdit(document, [edit]) : null;
}

function findMessage(
  document: vscode.TextDocument,
  lint: DocumentLint,
  diagnostic: vscode.Diagnostic,
): LintMessage | undefined {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return lint.messages.find(
    (m) =>
      m.ruleId === code &&
      m.message === diagnostic.message &&
      document.positionAt(m.span.start).isEqual(diagnostic.range.start) &&
      document.positionAt(m.span.end).isEqual(diagnostic.range.end),
  );
}

export function workspaceEdit(
  document: vscode.TextDocument,
  edits: readonly TextEdit[],
): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) {
    edit.replace(
      document.uri,
      new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)),
      e.text,
    );
  }
  return edit;
}
