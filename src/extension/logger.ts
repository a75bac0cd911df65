import * as vscode from 'vscode';

/** The "Gradient Lens" output channel (a log channel: levels and timestamps come from VS Code). */
export class Logger implements vscode.Disposable {
  /** Shared with the language client, so the server's log lines land in the same channel. */
  readonly channel = vscode.window.createOutputChannel('Gradient Lens', { log: true });

  info(message: string): void {
    this.channel.info(message);
  }
  warn(message: string): void {
    this.channel.warn(message);
  }
  error(message: string): void {
    this.channel.error(message);
  }
  trace(message: string): void {
    this.channel.trace(message);
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
