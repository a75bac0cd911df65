/**
 * Test client: spawns the built server (`gradient-lens lsp --stdio`) and talks to it with
 * vscode-jsonrpc's client-side connection, answering workspace/configuration from `settings`
 * and collecting what the server pushes (diagnostics, log messages, documents it asks to show).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import {
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'gradient-lens.js');

export interface Client {
  connection: MessageConnection;
  child: ChildProcessWithoutNullStreams;
  /** The section returned for every workspace/configuration request; change it, then notify. */
  settings: Record<string, unknown>;
  published: PublishDiagnosticsParams[];
  logs: string[];
  shown: string[];
  configurationRequests: number;
  /** The server's answer to `initialize`. */
  initialized: InitializeResult | null;
  open(uri: string, text: string, languageId?: string): void;
  change(uri: string, version: number, text: string): void;
  /** The next published diagnostics for `uri` that satisfy `accept`. */
  diagnostics(
    uri: string,
    accept?: (p: PublishDiagnosticsParams) => boolean,
  ): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

export const PUSH_CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
  textDocument: { publishDiagnostics: { versionSupport: true }, codeAction: {}, hover: {} },
  window: { showDocument: { support: true } },
};

export const PULL_CAPABILITIES: ClientCapabilities = {
  ...PUSH_CAPABILITIES,
  textDocument: { ...PUSH_CAPABILITIES.textDocument, diagnostic: { dynamicRegistration: false } },
  workspace: { ...PUSH_CAPABILITIES.workspace, diagnostics: { refreshSupport: true } },
};

export async function startClient(
  capabilities: ClientCapabilities = PUSH_CAPABILITIES,
  initializationOptions: Record<string, unknown> = { debounceMs: 20 },
): Promise<Client> {
  const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: ROOT });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const published: PublishDiagnosticsParams[] = [];
  const listeners = new Set<() => boolean>();
  const client: Client = {
    connection,
    child,
    settings: {},
    published,
    logs: [],
    shown: [],
    configurationRequests: 0,
    initialized: null,
    open(uri, text, languageId = 'javascript') {
      void connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId, version: 1, text },
      });
    },
    change(uri, version, text) {
      void connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ text }],
      });
    },
    diagnostics(uri, accept = () => true) {
      return new Promise((resolve, reject) => {
        const seen = published.length;
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}`)), 20_000);
        const check = (): boolean => {
          const found = published.slice(seen).find((p) => p.uri === uri && accept(p));
          if (!found) return false;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(found.diagnostics);
          return true;
        };
        listeners.add(check);
      });
    },
    async close() {
      if (child.exitCode === null) {
        await connection.sendRequest('shutdown').catch(() => undefined);
        await connection.sendNotification('exit').catch(() => undefined);
        await new Promise((resolve) => child.once('exit', resolve));
      }
      connection.dispose();
    },
  };
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    published.push(p);
    for (const listener of [...listeners]) listener();
  });
  connection.onNotification('window/logMessage', (p: { message: string }) => {
    client.logs.push(p.message);
  });
  connection.onNotification('window/showMessage', (p: { message: string }) => {
    client.logs.push(p.message);
  });
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => {
    client.configurationRequests++;
    return p.items.map(() => client.settings);
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/showDocument', (p: { uri: string }) => {
    client.shown.push(p.uri);
    return { success: true };
  });
  connection.onRequest('window/showMessageRequest', () => null);
  connection.onRequest('workspace/codeLens/refresh', () => null);
  connection.onRequest('workspace/inlayHint/refresh', () => null);
  connection.onRequest('workspace/diagnostic/refresh', () => null);
  connection.listen();
  client.initialized = await connection.sendRequest<InitializeResult>('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities,
    initializationOptions,
  });
  await connection.sendNotification('initialized', {});
  return client;
}
