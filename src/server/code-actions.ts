/**
 * Code actions from the fixes recorded per diagnostic key (as vscode-eslint does): each fix (the
 * preferred one marked), disable for this line / this file, show the rule's documentation, and
 * `source.fixAll.gradientLens`, which editor.codeActionsOnSave runs.
 */
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../analysis/ir';
import type { Fix, TextEdit } from '../rules/types';
import { disableForFileEdit, disableForLineEdit } from '../lint/disable-edits';
import { FIX_ALL_KIND, SHOW_DOCS_COMMAND } from './protocol';

export { FIX_ALL_KIND };

/** What a diagnostic stands for: its fixes and, for rule findings, the rule to disable. */
export interface RecordedFix {
  ruleId: string | null;
  span: Span;
  fixes: Fix[];
}

export function diagnosticKey(diagnostic: Diagnostic): string {
  const { start, end } = diagnostic.range;
  const code = typeof diagnostic.code === 'object' ? '' : String(diagnostic.code ?? '');
  return `${code}|${start.line}:${start.character}-${end.line}:${end.character}|${diagnostic.message}`;
}

export function quickFixes(
  document: TextDocument,
  filePath: string,
  diagnostic: Diagnostic,
  recorded: RecordedFix,
): CodeAction[] {
  const uri = document.uri;
  const actions: CodeAction[] = [];
  for (const fix of recorded.fixes) {
    actions.push({
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: fix.preferred,
      edit: { changes: { [uri]: fix.edits.map((e) => toLspEdit(document, e)) } },
    });
  }
  const ruleId = recorded.ruleId;
  if (ruleId === null) return actions;
  const text = document.getText();
  const line = disableForLineEdit(text, filePath, recorded.span, ruleId);
  if (line) {
    actions.push({
      title: `Disable ${ruleId} for this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: [toLspEdit(document, line)] } },
    });
  }
  const file = disableForFileEdit(text, ruleId, filePath);
  if (file) {
    actions.push({
      title: `Disable ${ruleId} for this file`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: [toLspEdit(document, file)] } },
    });
  }
  const title = `Show documentation for ${ruleId}`;
  actions.push({
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    command: { title, command: SHOW_DOCS_COMMAND, arguments: [ruleId] },
  });
  return actions;
}

/** One edit from the document's text to the fixed text: the changed middle only. */
export function fixAllAction(document: TextDocument, fixed: string): CodeAction | null {
  const before = document.getText();
  if (fixed === before) return null;
  let start = 0;
  while (start < before.length && start < fixed.length && before[start] === fixed[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < fixed.length - start &&
    before[before.length - 1 - end] === fixed[fixed.length - 1 - end]
  )
    end++;
  const edit = { start, end: before.length - end, text: fixed.slice(start, fixed.length - end) };
  return {
    title: 'Fix all Gradient Lens problems',
    kind: FIX_ALL_KIND,
    edit: { changes: { [document.uri]: [toLspEdit(document, edit)] } },
  };
}

/** Whether a client's `only` filter asks for this kind (kinds are hierarchical, dot-separated). */
export function wants(only: string[] | undefined, kind: string): boolean {
  if (!only || only.length === 0) return kind === CodeActionKind.QuickFix;
  return only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function toLspEdit(document: TextDocument, edit: TextEdit): LspTextEdit {
  return {
    range: { start: document.positionAt(edit.start), end: document.positionAt(edit.end) },
    newText: edit.text,
  };
}
