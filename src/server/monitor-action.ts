/**
 * "Add training monitor" on a `model.fit(...)` / `fitDataset(...)` line: imports gradient-lens/monitor
 * and adds it to the call's callbacks (src/lint/monitor-insert computes the edits).
 */
import type { CodeAction, Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { monitorInsertion } from '../lint/monitor-insert';

export const MONITOR_KIND = 'refactor.gradientLens.monitor';
const FIT_CALL = /\.fit(Dataset)?\s*\(/;

export function monitorAction(
  document: TextDocument,
  filePath: string,
  range: Range,
): CodeAction | null {
  const line = range.start.line;
  const lineText = document.getText({
    start: { line, character: 0 },
    end: { line: line + 1, character: 0 },
  });
  const at = lineText.search(FIT_CALL);
  if (at < 0) return null;
  const text = document.getText();
  if (!text.includes('@tensorflow/tfjs')) return null;
  const offset = document.offsetAt({ line, character: Math.max(at + 1, range.start.character) });
  const insertion = monitorInsertion(text, filePath, offset);
  if (!insertion) return null;
  return {
    title: insertion.title,
    kind: MONITOR_KIND,
    edit: {
      changes: {
        [document.uri]: insertion.edits.map((e) => ({
          range: { start: document.positionAt(e.start), end: document.positionAt(e.end) },
          newText: e.text,
        })),
      },
    },
  };
}
