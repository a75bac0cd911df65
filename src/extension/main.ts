import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Gradient Lens', { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('gradientLens.showOutput', () => output.show(true)),
  );
  output.info('Gradient Lens activated');
}

export function deactivate(): void {}
