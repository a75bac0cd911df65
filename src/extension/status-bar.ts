import * as vscode from 'vscode';
import type { DocumentLint } from './lint-controller';
import { statusText, statusTooltip, type Counts } from './presentation';

/** The active file's finding count, or a spinner while a probe runs. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'gradientLens.status',
    vscode.StatusBarAlignment.Right,
    100,
  );
  private counts: Counts | null = null;
  private probing: string | null = null;

  constructor() {
    this.item.name = 'Gradient Lens';
    this.item.command = 'gradientLens.showOutput';
  }

  showLint(lint: DocumentLint | undefined): void {
    if (!lint || !lint.usesTfjs) {
      this.counts = null;
    } else {
      const counts = { errors: 0, warnings: 0, infos: 0 };
      for (const m of lint.messages) {
        if (m.severity === 'error') counts.errors++;
        else if (m.severity === 'warning') counts.warnings++;
        else counts.infos++;
      }
      this.counts = counts;
    }
    this.render();
  }

  setProbing(label: string | null): void {
    this.probing = label;
    this.render();
  }

  private render(): void {
    if (!this.counts && !this.probing) {
      this.item.hide();
      return;
    }
    this.item.text = statusText(this.counts, this.probing);
    this.item.tooltip = statusTooltip(this.counts, this.probing);
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
