/**
 * What a keystroke costs the editor's side: after a change the client asks for diagnostics,
 * lenses and hints itself, so the server sends no refresh on top; a request the client cancelled
 * (a newer change came) gets RequestCancelled instead of a list to parse and throw away; a client
 * that fills in the fields diagnostics share (VS Code's) gets each of them once per report; a
 * client that shows at most N diagnostics a file gets no more; lenses asked with the id of the
 * same list come back as "the same".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CancellationTokenSource,
  ResponseError,
  type CodeLens,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { NOT_SHOWN_CODE, withinLimit } from '../../src/server/diagnostics';
import {
  CODE_LENSES,
  LINT_STATUS,
  MAX_DIAGNOSTICS_PER_FILE,
  SHARED_DIAGNOSTIC_FIELDS,
  type CodeLensesResult,
  type LintStatus,
} from '../../src/server/protocol';
import { generateModelFile } from '../lint/model-code';
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

describe('language server: at most the diagnostics the client shows', () => {
  const LIMIT = 25;
  const text = generateModelFile(400, 7);
  let full: Client;
  let limited: Client;
  let pushed: Client;
  before(async () => {
    [full, limited, pushed] = await Promise.all([
      startClient(CAPABILITIES),
      startClient(CAPABILITIES, {
        debounceMs: 20,
        [SHARED_DIAGNOSTIC_FIELDS]: true,
        [MAX_DIAGNOSTICS_PER_FILE]: LIMIT,
      }),
      startClient(undefined, { debounceMs: 20, [MAX_DIAGNOSTICS_PER_FILE]: LIMIT }),
    ]);
  });
  after(() => Promise.all([full.close(), limited.close(), pushed.close()]));

  const items = async (client: Client, uri: string) => {
    client.open(uri, text);
    const report = (await client.connection.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
    })) as { items: Diagnostic[] };
    return report.items;
  };

  it('pulled: those the client keeps and the note; filled in, the full report within the limit', async () => {
    const uri = 'file:///project/many.js';
    const status = new Promise<LintStatus>((resolve) =>
      limited.connection.onNotification(LINT_STATUS, resolve),
    );
    const [all, sent] = await Promise.all([items(full, uri), items(limited, uri)]);
    assert.ok(all.length > LIMIT, `${all.length} findings`);
    assert.equal(sent.length, LIMIT);
    assert.equal(sent.at(-1)?.code, NOT_SHOWN_CODE);
    assert.match(String(sent.at(-1)?.message), new RegExp(`^${all.length - LIMIT + 1} more `));
    // Each code's docs link is on the first of its diagnostics that is sent.
    const links = new Map(sent.filter((d) => d.codeDescription).map((d) => [d.code, d]));
    const filled = sent.map((d) => ({
      ...d,
      source: 'Gradient Lens',
      ...(d.code === NOT_SHOWN_CODE ? {} : { codeDescription: links.get(d.code)?.codeDescription }),
    }));
    assert.deepEqual(filled, withinLimit(all, LIMIT));
    const { counts } = await status;
    assert.equal(counts.errors + counts.warnings + counts.infos, all.length);
  });

  it('pushed: the same choice', async () => {
    const uri = 'file:///project/many-pushed.js';
    const published = pushed.diagnostics(uri);
    const [all] = await Promise.all([items(full, uri), Promise.resolve(pushed.open(uri, text))]);
    assert.deepEqual(await published, withinLimit(all, LIMIT));
  });
});

describe('language server: lenses of an unchanged list', () => {
  let client: Client;
  before(async () => {
    client = await startClient({
      ...CAPABILITIES,
      textDocument: {
        ...CAPABILITIES.textDocument,
        codeLens: { resolveSupport: { properties: ['command'] } },
      },
    });
  });
  after(() => client.close());

  const decode = ({ lenses }: CodeLensesResult): CodeLens[] => {
    const { list, ranges } = lenses ?? { list: 0, ranges: [] };
    return Array.from({ length: ranges.length / 4 }, (_, i) => ({
      range: {
        start: { line: ranges[4 * i], character: ranges[4 * i + 1] },
        end: { line: ranges[4 * i + 2], character: ranges[4 * i + 3] },
      },
      data: [list, i],
    }));
  };
  const ask = (uri: string, previousResultId?: string) =>
    client.connection.sendRequest(CODE_LENSES, {
      textDocument: { uri },
      previousResultId,
    }) as Promise<CodeLensesResult>;

  it('answers "the same" while no lens moves or changes, and the full list when one does', async () => {
    const uri = 'file:///project/same-lenses.js';
    client.open(uri, DEEP_SIGMOID);
    const first = await ask(uri);
    // The lenses textDocument/codeLens answers, as four numbers each and the list's id.
    const standard = (await client.connection.sendRequest('textDocument/codeLens', {
      textDocument: { uri },
    })) as CodeLens[];
    assert.equal(standard.length, 2);
    assert.deepEqual(decode(first), standard);
    // A space at the end of a line moves no lens: the same list, and its lenses still resolve.
    client.change(uri, 2, DEEP_SIGMOID.replace('return model;', 'return model; '));
    assert.deepEqual(await ask(uri, first.resultId), { resultId: first.resultId });
    const resolved = (await client.connection.sendRequest(
      'codeLens/resolve',
      standard[0],
    )) as CodeLens;
    assert.equal(resolved.command?.title, 'Probe gradients');
    // Without the id (a client that has not kept the lenses): the lenses.
    assert.deepEqual(decode(await ask(uri)), standard);
    // A new line above the model moves its lenses.
    client.change(uri, 3, `\n${DEEP_SIGMOID}`);
    const moved = await ask(uri, first.resultId);
    assert.notEqual(moved.resultId, first.resultId);
    assert.deepEqual(
      decode(moved).map((lens) => lens.range.start.line),
      standard.map((lens) => lens.range.start.line + 1),
    );
  });
});
