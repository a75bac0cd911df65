import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver/node';
import { DEEP_SIGMOID, HEALTHY, lineOf } from './fixtures';
import { PULL_CAPABILITIES, startClient, type Client } from './lsp-client';

const rules = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code).sort();

describe('language server: pushed diagnostics', () => {
  let client: Client;
  before(async () => {
    client = await startClient();
  });
  after(() => client.close());

  it('publishes findings with the rule id as code and a link to its docs page', async () => {
    const uri = 'file:///project/model.js';
    const pending = client.diagnostics(uri);
    client.open(uri, DEEP_SIGMOID);
    const diagnostics = await pending;
    assert.ok(
      rules(diagnostics).includes('saturating-activation'),
      JSON.stringify(rules(diagnostics)),
    );
    const saturating = diagnostics.find((d) => d.code === 'saturating-activation')!;
    assert.equal(saturating.source, 'Gradient Lens');
    assert.match(saturating.codeDescription!.href, /docs\/rules\/saturating-activation\.md$/);
    assert.equal(saturating.range.start.line, lineOf(DEEP_SIGMOID, 'inputShape: [FEATURES]'));
  });

  it('a file without tfjs gets an empty list, a healthy model no findings', async () => {
    const plain = client.diagnostics('file:///project/util.js');
    client.open('file:///project/util.js', 'export const add = (a, b) => a + b;\n');
    assert.deepEqual(await plain, []);
    const healthy = client.diagnostics('file:///project/healthy.js');
    client.open('file:///project/healthy.js', HEALTHY);
    assert.deepEqual(await healthy, []);
  });

  it('while the file does not parse: a Parsing error, and the last findings stay marked stale', async () => {
    const uri = 'file:///project/typing.js';
    const first = client.diagnostics(uri);
    client.open(uri, DEEP_SIGMOID);
    const good = await first;
    const broken = DEEP_SIGMOID.replace("activation: 'softmax' }));", "activation: 'softmax' })");
    const next = client.diagnostics(uri, (p) => p.version === 2);
    client.change(uri, 2, broken.replace('return model;', 'return model;\n  const x = ;'));
    const stale = await next;
    const parse = stale.find((d) => d.code === 'parse-error');
    assert.ok(parse, JSON.stringify(stale));
    assert.match(String(parse.message), /^Parsing error: /);
    const kept = stale.filter((d) => d.code !== 'parse-error');
    assert.equal(kept.length, good.length);
    for (const d of kept) assert.match(String(d.message), /\(stale: the file does not parse\)$/);
    // Fixed again: fresh findings, no stale marks.
    const fixed = client.diagnostics(uri, (p) => p.version === 3);
    client.change(uri, 3, DEEP_SIGMOID);
    const fresh = await fixed;
    assert.deepEqual(rules(fresh), rules(good));
    assert.ok(fresh.every((d) => !String(d.message).includes('stale')));
  });

  it('drops the work for versions typed over before it starts: one lint for a burst of changes', async () => {
    const uri = 'file:///project/burst.js';
    const opened = client.diagnostics(uri);
    client.open(uri, HEALTHY);
    await opened;
    const before = client.published.filter((p) => p.uri === uri).length;
    const last = client.diagnostics(uri, (p) => p.version === 11);
    for (let v = 2; v <= 11; v++) {
      client.change(uri, v, v === 11 ? DEEP_SIGMOID : `${HEALTHY}// edit ${v}\n`);
    }
    const diagnostics = await last;
    assert.ok(rules(diagnostics).includes('saturating-activation'));
    const burst = client.published.filter((p) => p.uri === uri).slice(before);
    assert.deepEqual(
      burst.map((p) => p.version),
      [11],
    );
  });

  it('clears the diagnostics of a closed document', async () => {
    const uri = 'file:///project/model.js';
    const cleared = client.diagnostics(uri, (p) => p.diagnostics.length === 0);
    void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual(await cleared, []);
  });
});

describe('language server: pulled diagnostics (textDocument/diagnostic)', () => {
  let client: Client;
  before(async () => {
    client = await startClient(PULL_CAPABILITIES);
  });
  after(() => client.close());

  it('answers the pull with the findings of the current version and pushes nothing', async () => {
    const uri = 'file:///project/pulled.js';
    client.open(uri, DEEP_SIGMOID);
    const report = (await client.connection.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
    })) as { kind: string; items: Diagnostic[] };
    assert.equal(report.kind, 'full');
    assert.ok(rules(report.items).includes('saturating-activation'));
    client.change(uri, 2, HEALTHY);
    const again = (await client.connection.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
    })) as { kind: string; items: Diagnostic[] };
    assert.deepEqual(again.items, []);
    assert.equal(client.published.length, 0);
  });

  it('after a settings change the next pull answers with the new lint, and the server asks for it', async () => {
    const uri = 'file:///project/settings.js';
    client.open(uri, DEEP_SIGMOID);
    const pull = async () =>
      (await client.connection.sendRequest('textDocument/diagnostic', {
        textDocument: { uri },
      })) as { kind: string; items: Diagnostic[] };
    assert.ok(rules((await pull()).items).includes('saturating-activation'));
    let refreshes = 0;
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      refreshes++;
      return null;
    });
    client.settings = { rules: { 'saturating-activation': 'off' } };
    void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    // The pull right after the change must not be served from the lint made under the old settings.
    const after = await pull();
    assert.equal(after.kind, 'full');
    assert.ok(
      !rules(after.items).includes('saturating-activation'),
      JSON.stringify(rules(after.items)),
    );
    const deadline = Date.now() + 5000;
    while (refreshes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(refreshes > 0, 'the server asks the client to pull again after re-linting');
    client.settings = {};
  });
});
