/**
 * The live training view: follows the newest gradient-lens/monitor log in the workspace (a watcher
 * on *.jsonl, plus a slow poll while a run is going), shows its charts and verdict in a webview that
 * updates in place, puts the verdict in the status bar, and annotates each layer's line in the model
 * whose layers match the log with its latest norms. Clicking a layer in the view opens its line.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import * as vscode from 'vscode';
import { buildHistory, type MonitorHistory } from '../monitor/history';
import { LogReader } from '../monitor/reader';
import { isMonitorLog } from '../monitor/records';
import { judge, type MonitorVerdict } from '../monitor/verdict';
import { monitorPayload, type MonitorChartPayload } from '../report/monitor-data';
import { renderMonitorWebviewHtml } from '../report/monitor';
import type { LayerNode, ModelGraph } from '../analysis/ir';
import type { ServerLints } from './server-lints';
import { layerHint, mapLogToSource, type LogMapping } from './monitor-map';
import { parseMonitorMessage, type ToMonitorWebview } from './monitor-messages';

const POLL_MS = 2000;
const THROTTLE_MS = 300;

interface Run {
  uri: vscode.Uri;
  reader: LogReader;
  history: MonitorHistory;
  verdict: MonitorVerdict;
}

export class TrainingMonitorView implements vscode.Disposable {
  private run: Run | null = null;
  private panel: vscode.WebviewPanel | null = null;
  private mapping: LogMapping<vscode.Uri> | null = null;
  /** The models of open documents (from the server), searched for the log's model. */
  private readonly models = new Map<string, { file: vscode.Uri; models: ModelGraph[] }>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private poller: ReturnType<typeof setInterval> | null = null;
  private readonly status = vscode.window.createStatusBarItem(
    'gradientLens.training',
    vscode.StatusBarAlignment.Right,
    99,
  );
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: {
      margin: '0 0 0 2em',
      color: new vscode.ThemeColor('editorCodeLens.foreground'),
      fontStyle: 'italic',
    },
  });
  private readonly badDecoration = vscode.window.createTextEditorDecorationType({
    after: {
      margin: '0 0 0 2em',
      color: new vscode.ThemeColor('errorForeground'),
      fontStyle: 'italic',
    },
  });
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly lints: ServerLints,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.jsonl');
    this.status.name = 'Gradient Lens training';
    this.status.command = 'gradientLens.showTrainingMonitor';
    this.disposables.push(
      watcher,
      this.status,
      this.decoration,
      this.badDecoration,
      watcher.onDidChange((uri) => this.changed(uri)),
      watcher.onDidCreate((uri) => this.changed(uri)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.annotate()),
      lints.onDidLint((status) => {
        const document = vscode.workspace.textDocuments.find(
          (d) => d.uri.toString() === status.uri,
        );
        if (document && this.run && !this.mapping) void this.fetchModels([document]);
        else this.annotate();
      }),
    );
  }

  /** Opens the view on `uri`, or on the newest monitor log in the workspace. */
  async show(uri?: vscode.Uri): Promise<boolean> {
    const target = uri ?? (await newestLog());
    if (!target) {
      void vscode.window.showInformationMessage(
        'Gradient Lens: no training log yet. Add gradientMonitor(model, { logFile }) to a fit call (the light bulb on model.fit offers it) and train.',
      );
      return false;
    }
    if (!this.open(target)) return false;
    this.showPanel();
    return true;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private changed(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || /[\\/]node_modules[\\/]/.test(uri.fsPath)) return;
    if (this.run?.uri.toString() === uri.toString()) return this.schedule();
    if (this.run && !this.run.history.ended && mtime(this.run.uri) >= mtime(uri)) return;
    if (!looksLikeLog(uri.fsPath)) return;
    this.open(uri);
  }

  private open(uri: vscode.Uri): boolean {
    try {
      const reader = new LogReader(uri.fsPath);
      reader.poll();
      this.run = { uri, reader, ...judged(reader) };
    } catch (error) {
      void vscode.window.showWarningMessage(
        `Gradient Lens: cannot read ${uri.fsPath}: ${(error as Error).message}`,
      );
      return false;
    }
    this.mapping = null;
    this.update();
    void this.fetchModels(vscode.workspace.textDocuments);
    return true;
  }

  /** Asks the server for the models of these documents, then looks for the log's model again. */
  private async fetchModels(documents: readonly vscode.TextDocument[]): Promise<void> {
    await Promise.all(
      documents
        .filter((d) => this.lints.get(d.uri)?.analysed)
        .map(async (d) => {
          const details = await this.lints.details(d).catch(() => null);
          if (details) this.models.set(d.uri.toString(), { file: d.uri, models: details.models });
        }),
    );
    this.annotate();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh();
    }, THROTTLE_MS);
  }

  private refresh(): void {
    const run = this.run;
    if (!run) return;
    try {
      const result = run.reader.poll();
      if (result.added.length === 0 && !result.restarted) return;
      Object.assign(run, judged(run.reader));
      if (result.restarted) this.mapping = null;
      this.update();
    } catch {
      // The file went away (a new run is about to replace it): keep showing what was read.
    }
  }

  private update(): void {
    const run = this.run;
    if (!run) return;
    this.mapping ??= this.findMapping();
    const payload = this.payload(run);
    const { verdict } = run;
    const icon =
      verdict.verdict === 'healthy'
        ? '$(pulse)'
        : verdict.verdict === 'no-data'
          ? '$(clock)'
          : '$(warning)';
    this.status.text = `${icon} Training: ${verdict.verdict}${payload.lastStep !== null ? ` · step ${payload.lastStep}` : ''}`;
    this.status.tooltip = `${vscode.workspace.asRelativePath(run.uri)}\n${verdict.reason}`;
    this.status.backgroundColor =
      verdict.verdict === 'healthy' || verdict.verdict === 'no-data'
        ? undefined
        : new vscode.ThemeColor('statusBarItem.warningBackground');
    this.status.show();
    if (this.panel)
      void this.panel.webview.postMessage({
        command: 'update',
        payload,
      } satisfies ToMonitorWebview);
    this.annotate();
    // Watchers can miss appends (watcherExclude, network drives): poll slowly while the run goes on.
    const live = !run.history.ended;
    if (live && !this.poller) this.poller = setInterval(() => this.refresh(), POLL_MS);
    if (!live && this.poller) {
      clearInterval(this.poller);
      this.poller = null;
    }
  }

  private payload(run: Run): MonitorChartPayload {
    const lines = new Map<number, number>();
    for (const [index, layer] of this.mapping?.layers ?? []) lines.set(index, layer.callSpan.line);
    return monitorPayload(run.history, run.verdict, lines);
  }

  /** The open documents' models (analysed by the server) that match the log's layers. */
  private findMapping(): LogMapping<vscode.Uri> | null {
    const start = this.run?.history.start;
    if (!start) return null;
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const candidates = [...this.models]
      .filter(([key]) => open.has(key))
      .flatMap(([, { file, models }]) => models.map((model) => ({ file, model })));
    return mapLogToSource(start.model.layers, candidates);
  }

  private annotate(): void {
    const run = this.run;
    if (!run) return;
    if (!this.mapping) {
      this.mapping = this.findMapping();
      if (this.mapping && this.panel)
        void this.panel.webview.postMessage({
          command: 'update',
          payload: this.payload(run),
        } satisfies ToMonitorWebview);
    }
    const mapping = this.mapping;
    const rows = this.payload(run).rows;
    for (const editor of vscode.window.visibleTextEditors) {
      const good: vscode.DecorationOptions[] = [];
      const bad: vscode.DecorationOptions[] = [];
      if (mapping && editor.document.uri.toString() === mapping.file.toString()) {
        const seen = new Set<number>();
        for (const row of rows) {
          const layer: LayerNode | undefined = mapping.layers.get(row.index);
          const line = layer ? layer.callSpan.line - 1 : -1;
          // A loop builds several layers from one call: its line shows the first of them.
          if (line < 0 || line >= editor.document.lineCount || seen.has(line)) continue;
          seen.add(line);
          const end = editor.document.lineAt(line).range.end;
          const option = {
            range: new vscode.Range(end, end),
            renderOptions: { after: { contentText: layerHint(row) } },
          };
          (row.nonFinite > 0 ? bad : good).push(option);
        }
      }
      editor.setDecorations(this.decoration, good);
      editor.setDecorations(this.badDecoration, bad);
    }
  }

  private showPanel(): void {
    const run = this.run;
    if (!run) return;
    if (this.panel) {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
      void this.panel.webview.postMessage({
        command: 'update',
        payload: this.payload(run),
      } satisfies ToMonitorWebview);
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    const panel = vscode.window.createWebviewPanel(
      'gradientLens.trainingMonitor',
      'Training monitor',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [media] },
    );
    this.panel = panel;
    panel.onDidDispose(() => (this.panel = null), null, this.disposables);
    panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw), null, this.disposables);
    panel.webview.html = renderMonitorWebviewHtml(this.payload(run), {
      nonce: randomBytes(18).toString('base64'),
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'monitor.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.css')).toString(),
      source: vscode.workspace.asRelativePath(run.uri),
    });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseMonitorMessage(raw);
    const layer = message && this.mapping?.layers.get(message.layer);
    if (!layer || !this.mapping) return;
    const document = await vscode.workspace.openTextDocument(this.mapping.file);
    const position = new vscode.Position(
      layer.callSpan.line - 1,
      Math.max(0, layer.callSpan.column - 1),
    );
    await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
    });
  }
}

function judged(reader: LogReader): { history: MonitorHistory; verdict: MonitorVerdict } {
  const history = buildHistory(reader.all);
  return { history, verdict: judge(history) };
}

/** The monitor log with the latest modification among the workspace's .jsonl files. */
async function newestLog(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.jsonl', '**/node_modules/**', 500);
  return files
    .filter((uri) => uri.scheme === 'file' && looksLikeLog(uri.fsPath))
    .sort((a, b) => mtime(b) - mtime(a))[0];
}

/** Reads only the first line's start: .jsonl files can be large data sets. */
function looksLikeLog(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(4096);
      const read = readSync(fd, buffer, 0, buffer.length, 0);
      return isMonitorLog(buffer.subarray(0, read).toString('utf8'));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

function mtime(uri: vscode.Uri): number {
  try {
    return statSync(uri.fsPath).mtimeMs;
  } catch {
    return 0;
  }
}
