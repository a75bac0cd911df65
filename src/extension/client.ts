/**
 * Starts the language server (dist/server.js, a Node process over IPC) and connects it to VS Code:
 * diagnostics, code actions, hovers, CodeLens and inlay hints all come from it. Middleware only
 * where VS Code differs from other editors: rule documentation opens rendered, and what it asks
 * after every keystroke costs its extension host little (the server sends no more diagnostics than
 * VS Code keeps, their shared fields once, and lenses only when they changed).
 */
import * as vscode from 'vscode';
import {
  CodeLensRequest,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  CODE_LENSES,
  LANGUAGES,
  MAX_DIAGNOSTICS_PER_FILE,
  SHARED_DIAGNOSTIC_FIELDS,
  type CodeLensesParams,
  type CodeLensesResult,
} from '../server/protocol';
import { CodeLensCache } from './code-lens-cache';
import { VSCODE_MAX_DIAGNOSTICS_PER_FILE, fillSharedFields } from './diagnostic-fields';
import type { Logger } from './logger';

const NO_LENSES: CodeLensesResult = { resultId: '' };

export function createClient(
  extensionUri: vscode.Uri,
  log: Logger,
  openDocs: (uri: vscode.Uri) => Promise<boolean>,
): LanguageClient {
  const module = vscode.Uri.joinPath(extensionUri, 'dist', 'server.js').fsPath;
  // The middleware's requests go through the client, made below (they run once it is).
  const lenses = new CodeLensCache({
    send: async (params, token) => {
      try {
        return await client.sendRequest<CodeLensesResult>(
          CODE_LENSES,
          params satisfies CodeLensesParams,
          token,
        );
      } catch (error) {
        // As the client's own CodeLens request: a cancellation answers nothing, errors are logged.
        return client.handleFailedRequest(CodeLensRequest.type, token, error, NO_LENSES);
      }
    },
    convert: (lens) => client.protocol2CodeConverter.asCodeLens(lens),
  });
  const serverUri = (uri: vscode.Uri) => client.code2ProtocolConverter.asUri(uri);
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
      [MAX_DIAGNOSTICS_PER_FILE]: VSCODE_MAX_DIAGNOSTICS_PER_FILE,
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
      // A keystroke that moves no lens gets the lenses converted (and resolved) before.
      provideCodeLenses: (document, token) => lenses.provide(serverUri(document.uri), token),
      resolveCodeLens: async (lens, token, next) => {
        const resolved = await next(lens, token);
        lenses.resolved(lens, resolved);
        return resolved;
      },
      didClose: async (document, next) => {
        lenses.forget(serverUri(document.uri));
        return next(document);
      },
      window: {
        // "Show documentation" (a quick fix, run by the server) asks the editor to show the page:
        // VS Code renders it, as the hover link and the Problems panel's code link do.
        showDocument: async (params, token, next) =>
          (await openDocs(vscode.Uri.parse(params.uri))) ? { success: true } : next(params, token),
      },
    },
  };
  const client = new LanguageClient('gradientLens', 'Gradient Lens', serverOptions, clientOptions);
  return client;
}
