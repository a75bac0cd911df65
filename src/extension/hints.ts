/**
 * After a probe, each layer's line shows its measured gradient norm and verdict at the end of the
 * line (setting gradientLens.inlineHints); hovering a layer call shows its static estimate, last
 * measured norm and findings.
 */
import * as vscode from 'vscode';
import type { LayerNode, ModelGraph } from '../analysis/ir';
import { loadEngine } from './engine';
import type { LintController } from './lint-controller';
import { hoverLines, inlineHints } from './presentation';
import type { ProbeStore } from './probe-store';
import { getSettings } from './settings';

export class InlineHints implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: {
      margin: '0 0 0 2em',
      color: new vscode.ThemeColor('editorCodeLens.foreground'),
      fontStyle: 'italic',
    },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly store: ProbeStore) {
    this.subscriptions = [
      this.decoration,
      store.onDidChange(() => this.refreshAll()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshAll()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (
          e.contentChanges.some(
            (c) => c.text.includes('\n') || c.range.start.line !== c.range.end.line,
          )
        ) {
          this.refreshAll();
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('gradientLens.inlineHints')) this.refreshAll();
      }),
    ];
  }

  refreshAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.refresh(editor);
  }

  private refresh(editor: vscode.TextEditor): void {
    const document = editor.document;
    if (!getSettings(document.uri).inlineHints) {
      editor.setDecorations(this.decoration, []);
      return;
    }
    const options: vscode.DecorationOptions[] = [];
    for (const entry of this.store.forDocument(document.uri)) {
      // Lines added or removed since the probe: its line numbers no longer point at the layers.
      if (entry.lineCount !== null && entry.lineCount !== document.lineCount) continue;
      for (const [line, text] of inlineHints(entry.report)) {
        if (line < 1 || line > document.lineCount) continue;
        const end = document.lineAt(line - 1).range.end;
        options.push({
          range: new vscode.Range(end, end),
          renderOptions: { after: { contentText: text } },
        });
      }
    }
    editor.setDecorations(this.decoration, options);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

export class LayerHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly lints: LintController,
    private readonly store: ProbeStore,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const lint = this.lints.current(document);
    if (!lint?.analysis) return undefined;
    const offset = document.offsetAt(position);
    for (const model of lint.analysis.models) {
      // A layer made by a helper in another file (`callSpan.file`) has its offsets there.
      const layer = model.layers.find(
        (l) => !l.callSpan.file && l.callSpan.start <= offset && offset <= l.callSpan.end,
      );
      if (!layer) continue;
      const lines = hoverLines({
        factory: layer.factory,
        index: layer.index,
        estimate: estimateFor(model, layer, getSettings(document.uri).probe.batchSize),
        measured: (
          this.store.get({ kind: 'source', uri: document.uri, model: model.name })?.report.layers ??
          []
        ).filter((l) => l.index === layer.index),
        findings: lint.messages
          .filter((m) => m.model === model.name && m.layerIndex === layer.index)
          .map((m) => ({ ruleId: m.ruleId, message: m.message })),
      });
      const markdown = new vscode.MarkdownString();
      // Messages quote user code: text is escaped, never interpreted as markdown or HTML.
      lines.forEach((line, i) => {
        if (i === 0) markdown.appendMarkdown(line);
        else markdown.appendText(line);
        markdown.appendMarkdown('  \n');
      });
      const range = new vscode.Range(
        document.positionAt(layer.callSpan.start),
        document.positionAt(layer.callSpan.end),
      );
      return new vscode.Hover(markdown, range);
    }
    return undefined;
  }
}

function estimateFor(
  model: ModelGraph,
  layer: LayerNode,
  batchSize: number,
): { ratio: number | null; note?: string } | null {
  try {
    const estimate = loadEngine().estimateGradients(model, { batchSize });
    const found = estimate.layers.find((l) => l.index === layer.index);
    return found ? { ratio: found.relative, note: found.note } : null;
  } catch {
    return null;
  }
}
