/**
 * What a keystroke costs the editor's side: after a change the client asks for diagnostics,
 * lenses and hints itself, so the server sends no refresh on top; a request the client cancelled
 * (a newer change came) gets RequestCancelled instead of a list to parse and throw away; a client
 * that fills in the fields diagnostics share (VS Code's) gets each of them once per report.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CancellationTokenSource,
  ResponseError,
  type CodeLens,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { SHARED_DIAGNOSTIC_FIELDS } from '../../src/server/protocol';
import { DEEP_SIGMOID, lineOf } from './fixtures';
import { PULL_CAPABILITIES, startClient, type Client } from './lsp-client';

const CAPABILITIES = {
  ...PULL_CAPABILITIES,
  workspace: {
    ...PULL_CAPABILITIES.workspace,
    codeLens: { refreshSupport: true },
    inlayHint: { refreshSupport: true },
  },
  textDocument: { ...PULL_CAPABILITIES.textDocument, codeLens: {}, inlayHint: {} },
};

describe('language server: per keystroke', () => {
  let client: Client;
  const refreshes = { codeLens: 0, inlayHint: 0, diagnostic: 0 };
  before(async () => {
    client = await startClient(CAPABILITIES, { debounceMs: 200 });
    for (const kind of ['codeLens', 'inlayHint', 'diagnostic'] as const) {
      client.connection.onRequest(`workspace/${kind}/refresh`, () => {
        refreshes[kind]++;
        return null;
      });
    }
  });
  after(() => client.close());

  const pull = async (uri: string) =>
    (await client.connection.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
    })) as { kind: string; items: Diagnostic[] };
  const lensLines = async (uri: string) =>
    (
      (await client.connection.sendRequest('textDocument/codeLens', {
        textDocument: { uri },
      })) as CodeLens[]
    ).map((lens) => lens.range.start.line);

  it('after a change: no refresh, and lenses asked at once answer for the new text', async () => {
    const uri = 'file:///project/typing.js';
    client.open(uri, DEEP_SIGMOID);
    await pull(uri);
    const modelLine = lineOf(DEEP_SIGMOID, 'export function buildClassifier');
    assert.deepEqual(await lensLines(uri), [modelLine, modelLine]);
    const before = { ...refreshes };
    client.change(uri, 2, `\n${DEEP_SIGMOID}`);
    // Asked before the lint of version 2 ran (debounce): the answer waits for it.
    assert.deepEqual(await lensLines(uri), [modelLine + 1, modelLine + 1]);
    const report = await pull(uri);
    assert.ok(report.items.every((d) => d.range.start.line > 0));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(refreshes, before);
  });

  it('after a settings change (same text, new lint): diagnostics, lenses and hints are refreshed', async () => {
    const uri = 'file:///project/settings.js';
    client.open(uri, DEEP_SIGMOID);
    await pull(uri);
    const before = { ...refreshes };
    client.settings = { rules: { 'saturating-activation': 'off' } };
    void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const deadline = Date.now() + 5000;
    const refreshed = () =>
      refreshes.codeLens > before.codeLens &&
      refreshes.inlayHint > before.inlayHint &&
      refreshes.diagnostic > before.diagnostic;
    while (!refreshed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(refreshed(), JSON.stringify({ before, after: refreshes }));
    client.settings = {};
  });

  it('a pull cancelled while its lint waits answers RequestCancelled; the next one the findings', async () => {
    const uri = 'file:///project/cancelled.js';
    client.open(uri, DEEP_SIGMOID);
    await pull(uri);
    client.change(uri, 2, `${DEEP_SIGMOID}\n`);
    const source = new CancellationTokenSource();
    const cancelled = client.connection.sendRequest(
      'textDocument/diagnostic',
      { textDocument: { uri } },
      source.token,
    );
    source.cancel();
    await assert.rejects(cancelled, (error: unknown) => {
      assert.ok(error instanceof ResponseError, String(error));
      assert.equal(error.code, -32800);
      return true;
    });
    const report = await pull(uri);
    assert.equal(report.kind, 'full');
    assert.ok(report.items.some((d) => d.code === 'saturating-activation'));
  });
});

describe('language server: shared diagnostic fields', () => {
  let full: Client;
  let shared: Client;
  before(async () => {
    [full, shared] = await Promise.all([
      startClient(CAPABILITIES),
      startClient(CAPABILITIES, { debounceMs: 20, [SHARED_DIAGNOSTIC_FIELDS]: true }),
    ]);
  });
  after(() => Promise.all([full.close(), shared.close()]));

  const items = async (client: Client, uri: string) => {
    client.open(uri, DEEP_SIGMOID);
    const report = (await client.connection.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
    })) as { items: Diagnostic[] };
    return report.items;
  };

  it('sends no source and each docs link once; filled in, the report is the full one', async () => {
    const uri = 'file:///project/shared.js';
    const [expected, sent] = await Promise.all([items(full, uri), items(shared, uri)]);
    const codes = expected.map((d) => d.code);
    assert.ok(new Set(codes).size < codes.length, `a code found twice: ${JSON.stringify(codes)}`);
    assert.ok(sent.every((d) => d.source === undefined));
    for (const code of new Set(codes)) {
      const linked = sent.filter((d) => d.code === code && d.codeDescription);
      assert.equal(linked.length, 1, String(code));
      assert.equal(
        linked[0],
        sent.find((d) => d.code === code),
      );
    }
    const links = new Map(sent.filter((d) => d.codeDescription).map((d) => [d.code, d]));
    const filled = sent.map((d) => ({
      ...d,
      source: 'Gradient Lens',
      codeDescription: links.get(d.code)?.codeDescription,
    }));
    assert.deepEqual(filled, expected);
  });
});

describe('language server: CodeLens resolved by the client', () => {
  let full: Client;
  let resolving: Client;
  before(async () => {
    [full, resolving] = await Promise.all([
      startClient(CAPABILITIES),
      startClient({
        ...CAPABILITIES,
        textDocument: {
          ...CAPABILITIES.textDocument,
          codeLens: { resolveSupport: { properties: ['command'] } },
        },
      }),
    ]);
  });
  after(() => Promise.all([full.close(), resolving.close()]));

  const lenses = async (client: Client, uri: string) =>
    (await client.connection.sendRequest('textDocument/codeLens', {
      textDocument: { uri },
    })) as CodeLens[];

  it('a client that resolves commands gets ranges only, and on resolve the full lenses', async () => {
    assert.equal(full.initialized?.capabilities.codeLensProvider?.resolveProvider, false);
    assert.equal(resolving.initialized?.capabilities.codeLensProvider?.resolveProvider, true);
    const uri = 'file:///project/lenses.js';
    full.open(uri, DEEP_SIGMOID);
    resolving.open(uri, DEEP_SIGMOID);
    const [expected, sent] = await Promise.all([lenses(full, uri), lenses(resolving, uri)]);
    assert.ok(expected.length >= 2 && expected.every((lens) => lens.command));
    assert.equal(sent.length, expected.length);
    assert.ok(sent.every((lens) => lens.command === undefined && lens.data !== undefined));
    assert.deepEqual(
      sent.map((lens) => lens.range),
      expected.map((lens) => lens.range),
    );
    const resolved = await Promise.all(
      sent.map(
        (lens) => resolving.connection.sendRequest('codeLens/resolve', lens) as Promise<CodeLens>,
      ),
    );
    assert.deepEqual(resolved, expected);
  });

  it('a lens of a list answered before the last one resolves to an empty title', async () => {
    const uri = 'file:///project/replaced.js';
    resolving.open(uri, DEEP_SIGMOID);
    const [old] = await lenses(resolving, uri);
    resolving.change(uri, 2, `\n${DEEP_SIGMOID}`);
    const [current] = await lenses(resolving, uri);
    const stale = (await resolving.connection.sendRequest('codeLens/resolve', old)) as CodeLens;
    assert.equal(stale.command?.title, '');
    const fresh = (await resolving.connection.sendRequest('codeLens/resolve', current)) as CodeLens;
    assert.equal(fresh.command?.title, 'Probe gradients');
    assert.equal(fresh.range.start.line, old.range.start.line + 1);
  });
});
