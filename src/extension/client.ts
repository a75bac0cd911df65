/**
 * Starts the language server (dist/server.js, a Node process over IPC) and connects it to VS Code:
 * diagnostics, code actions, hovers, CodeLens and inlay hints all come from it. Middleware only
 * where VS Code differs from other editors: rule documentation opens rendered.
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { LANGUAGES, SHARED_DIAGNOSTIC_FIELDS } from '../server/protocol';
import { fillSharedFields } from './diagnostic-fields';
import type { Logger } from './logger';

export function createClient(
  extensionUri: vscode.Uri,
  log: Logger,
  openDocs: (uri: vscode.Uri) => Promise<boolean>,
): LanguageClient {
  const module = vscode.Uri.joinPath(extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { language, scheme: 'file' },
      { language, scheme: 'untitled' },
    ]),
    outputChannel: log.channel,
    // The server pulls `gradientLens` per document; this tells it when to pull again.
    synchronize: { configurationSection: 'gradientLens' },
    initializationOptions: {
      docsUrl: vscode.Uri.joinPath(extensionUri, 'docs', 'rules').toString(),
      [SHARED_DIAGNOSTIC_FIELDS]: true,
    },
    // Hover links to a rule's page must open it, which a markdown link does only when trusted.
    markdown: { isTrusted: true },
    middleware: {
      // The server sends the source and each rule's docs link once per report.
      provideDiagnostics: async (document, previousResultId, token, next) => {
        const report = await next(document, previousResultId, token);
        if (report?.kind === 'full') fillSharedFields(report.items);
        return report;
      },
      window: {
        // "Show documentation" (a quick fix, run by the server) asks the editor to show the page:
        // VS Code renders it, as the hover link and the Problems panel's code link do.
        showDocument: async (params, token, next) =>
          (await openDocs(vscode.Uri.parse(params.uri))) ? { success: true } : next(params, token),
      },
    },
  };
  return new LanguageClient('gradientLens', 'Gradient Lens', serverOptions, clientOptions);
}
