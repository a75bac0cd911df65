/**
 * The probe panel: one webview (create-or-show, dispose) showing the last probe of a model, with
 * re-probe, batch/steps controls, and the model's findings with "apply" and "apply and compare".
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LintMessage } from '../rules/types';
import type { TextEdit } from '../rules/types';
import type { LintDetails } from '../server/protocol';
import { renderReportBody } from '../report';
import { escapeHtml, renderPanelHtml } from './panel-html';
import type { ProbeReport } from '../probe/types';
import { isStale, withSourceLayerNames } from './presentation';
import { parseWebviewMessage, type FromWebview, type ToWebview } from './panel-messages';
import type { ProbeController } from './probe-controller';
import { targetKey, type ProbeEntry, type ProbeStore } from './probe-store';
import type { ServerLints } from './server-lints';

export interface PanelDeps {
  extensionUri: vscode.Uri;
  lints: ServerLints;
  store: ProbeStore;
  probes: ProbeController;
}

export class ProbePanel {
  static readonly viewType = 'gradientLens.probePanel';
  private static current: ProbePanel | undefined;

  private entry: ProbeEntry;
  /** The server's findings and models of the probed document, fetched after each of its lints. */
  private details: LintDetails | null = null;
  private findingsSignature = '';
  private shownStale = false;
  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(deps: PanelDeps, entry: ProbeEntry): ProbePanel {
    if (ProbePanel.current) {
      ProbePanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      ProbePanel.current.show(entry);
      return ProbePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      ProbePanel.viewType,
      'Gradient Lens',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [
          vscode.Uri.joinPath(deps.extensionUri, 'media'),
          vscode.Uri.joinPath(deps.extensionUri, 'dist', 'media'),
        ],
      },
    );
    ProbePanel.current = new ProbePanel(panel, deps, entry);
    return ProbePanel.current;
  }

  /** Refreshes the open panel when the model it shows was probed again. */
  static refresh(entry: ProbeEntry): void {
    const current = ProbePanel.current;
    if (current && current.entry.target.uri.toString() === entry.target.uri.toString())
      current.show(entry);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: PanelDeps,
    entry: ProbeEntry,
  ) {
    this.entry = entry;
    this.details = deps.lints.lastDetails(entry.target.uri) ?? null;
    this.panel.onDidDispose(() => this.dispose(), null, this.disposables);
    this.panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw), null, this.disposables);
    this.deps.lints.onDidLint(
      (lint) => {
        if (lint.uri === this.entry.target.uri.toString()) void this.fetchDetails();
      },
      null,
      this.disposables,
    );
    this.show(entry);
  }

  private show(entry: ProbeEntry): void {
    const other = entry.target.uri.toString() !== this.entry.target.uri.toString();
    this.entry = entry;
    if (other) this.details = this.deps.lints.lastDetails(entry.target.uri) ?? null;
    this.render();
    void this.fetchDetails();
  }

  /** Redraws only when the staleness or the model's findings changed, not on every keystroke. */
  private async fetchDetails(): Promise<void> {
    const target = this.entry.target;
    if (target.kind !== 'source') return;
    const document = vscode.workspace.textDocuments.find(
      (d) => d.uri.toString() === target.uri.toString(),
    );
    if (!document) return;
    const details = await this.deps.lints.details(document).catch(() => null);
    if (this.entry.target !== target || !details) return;
    const first = this.details === null;
    this.details = details;
    // The first details bring the source's layer names and the findings the panel lists.
    if (
      first ||
      this.isStale() !== this.shownStale ||
      signature(this.findings()) !== this.findingsSignature
    )
      this.render();
  }

  private render(): void {
    const { target, report } = this.entry;
    const name =
      target.kind === 'source' ? target.model : vscode.workspace.asRelativePath(target.uri);
    this.panel.title = `Gradients: ${name}`;
    const webview = this.panel.webview;
    const names = this.sourceLayerNames();
    const shown = withSourceLayerNames(report, names);
    const findings = this.findings();
    this.findingsSignature = signature(findings);
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'media');
    this.shownStale = this.isStale();
    webview.html = renderPanelHtml({
      title: `Gradients: ${name}`,
      report: shown,
      modelKey: targetKey(target),
      stale: this.shownStale,
      reportBody: this.reportBody(shown, name, findings),
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.css')).toString(),
    });
  }

  private reportBody(report: ProbeReport, name: string, findings: LintMessage[]): string {
    const { target, comparison } = this.entry;
    try {
      return renderReportBody(report, {
        interactive: true,
        title: `Gradients of ${name}`,
        findings: target.kind === 'source' ? findings : undefined,
        // The fixed model's layers keep their own names: the source names here are keyed by the current code's
        // layer positions, which a fix that inserts layers shifts (the report aligns layers by identity).
        comparison: comparison?.report,
        comparisonLabel: comparison && `after fix: ${comparison.fixTitle}`,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return `<p role="alert">The report could not be drawn: ${escapeHtml(message)}</p>`;
    }
  }

  /** The code changed since the probe shown (the latest lint is of a later version). */
  private isStale(): boolean {
    const { target, version } = this.entry;
    if (target.kind !== 'source') return false;
    return isStale(version, this.deps.lints.get(target.uri)?.version);
  }

  private sourceLayerNames(): Map<number, string> {
    const target = this.entry.target;
    const names = new Map<number, string>();
    if (target.kind !== 'source') return names;
    const model = this.details?.models.find((m) => m.name === target.model);
    for (const layer of model?.layers ?? []) {
      const value = layer.config.props['name']?.value;
      if (value?.kind === 'string') names.set(layer.index, value.value);
    }
    return names;
  }

  private findings(): LintMessage[] {
    const target = this.entry.target;
    if (target.kind !== 'source') return [];
    return this.details?.messages.filter((m) => m.model === target.model) ?? [];
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) return;
    try {
      await this.handle(message);
    } finally {
      this.post({ command: 'busy', busy: false });
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    const target = this.entry.target;
    switch (message.command) {
      case 'reveal': {
        const document = await vscode.workspace.openTextDocument(target.uri);
        const position = new vscode.Position(Math.min(message.line, document.lineCount) - 1, 0);
        await vscode.window.showTextDocument(document, {
          viewColumn: vscode.ViewColumn.One,
          selection: new vscode.Range(position, position),
        });
        return;
      }
      case 'reprobe': {
        this.post({ command: 'busy', busy: true, message: 'Probing…' });
        const entry = await this.deps.probes.probe(
          target,
          { batchSize: message.batchSize, steps: message.steps },
          (first) => this.show(first),
        );
        if (entry) this.show(entry);
        return;
      }
      case 'setValues': {
        this.post({ command: 'busy', busy: true, message: 'Probing…' });
        const entry = await this.deps.probes.probe(target, {
          batchSize: message.batchSize,
          steps: message.steps,
          values: message.values,
        });
        if (entry) this.show(entry);
        return;
      }
      case 'applyFix':
      case 'compareFix':
        return this.fix(message.command, message.finding, message.fix);
    }
  }

  private async fix(
    command: 'applyFix' | 'compareFix',
    key: string,
    fixIndex: number,
  ): Promise<void> {
    const target = this.entry.target;
    if (target.kind !== 'source') return;
    const document = await vscode.workspace.openTextDocument(target.uri);
    const lint = await this.deps.lints.details(document);
    const finding = lint?.stale ? undefined : lint?.messages.find((m) => findingKey(m) === key);
    const fix = finding?.fixes[fixIndex];
    if (!finding || !fix) {
      void vscode.window.showWarningMessage(
        'Gradient Lens: that finding changed since the panel was drawn; try again.',
      );
      this.render();
      return;
    }
    if (command === 'applyFix') {
      await vscode.workspace.applyEdit(workspaceEdit(document, fix.edits));
      return;
    }
    this.post({ command: 'busy', busy: true, message: 'Probing the model with the fix applied…' });
    const { batchSize, steps } = this.entry.report;
    const fixed = await this.deps.probes.probeWithEdits(target, fix.edits, { batchSize, steps });
    if (!fixed) return;
    const entry: ProbeEntry = {
      ...this.entry,
      comparison: { fixTitle: fix.title, report: fixed, findingKey: key, fixIndex },
    };
    this.deps.store.set(entry);
    this.show(entry);
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    ProbePanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

export function findingKey(message: LintMessage): string {
  return `${message.ruleId}@${message.span.start}`;
}

/** Changes when the model's findings change (a fix applied, code edited), not on every keystroke. */
function signature(findings: LintMessage[]): string {
  return findings.map((m) => `${findingKey(m)}:${m.message}`).join('\n');
}

function workspaceEdit(
  document: vscode.TextDocument,
  edits: readonly TextEdit[],
): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits)
    edit.replace(
      document.uri,
      new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)),
      e.text,
    );
  return edit;
}
