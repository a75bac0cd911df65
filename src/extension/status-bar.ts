import * as vscode from 'vscode';
import type { LintStatus } from '../server/protocol';
import { statusText, statusTooltip, type Counts } from './presentation';

/** The active file's finding count (or that it does not parse), or a spinner while a probe runs. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'gradientLens.status',
    vscode.StatusBarAlignment.Right,
    100,
  );
  private counts: Counts | null = null;
  private parseError: string | null = null;
  private probing: string | null = null;

  constructor() {
    this.item.name = 'Gradient Lens';
    this.item.command = 'gradientLens.showOutput';
  }

  showLint(status: LintStatus | undefined): void {
    this.counts = status?.analysed ? status.counts : null;
    this.parseError = status?.analysed ? status.parseError : null;
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
    this.item.text = statusText(this.counts, this.probing, this.parseError);
    this.item.tooltip = statusTooltip(this.counts, this.probing, this.parseError);
    this.item.backgroundColor = this.parseError
      ? new vscode.ThemeColor('statusBarItem.warningBackground')
      : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
