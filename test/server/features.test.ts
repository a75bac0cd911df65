import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type {
  CodeLens,
  Diagnostic,
  Hover,
  InlayHint,
  MarkupContent,
} from 'vscode-languageserver/node';
import { DEEP_SIGMOID, lineOf } from './fixtures';
import { startClient, type Client } from './lsp-client';

describe('language server: hovers, CodeLens, inlay hints', () => {
  let client: Client;
  const uri = 'file:///project/features.js';
  let diagnostics: Diagnostic[];
  before(async () => {
    client = await startClient();
    const opened = client.diagnostics(uri);
    client.open(uri, DEEP_SIGMOID);
    diagnostics = await opened;
  });
  after(() => client.close());

  const hover = async (line: number, needle: string) => {
    const character = DEEP_SIGMOID.split('\n')[line].indexOf(needle);
    const result = (await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line, character },
    })) as Hover | null;
    return result ? (result.contents as MarkupContent).value : null;
  };

  it('a loop line that stands for 7 layers says so, with the estimate, without repeating the findings', async () => {
    const line = lineOf(DEEP_SIGMOID, "activation: 'sigmoid' }));");
    const text = (await hover(line, 'dense'))!;
    assert.match(text, /this line stands for 7 layers/);
    assert.match(text, /layers 1–7/);
    assert.match(text, /Static estimate: gradient norm ≈ .+ over these layers/);
    assert.match(text, /saturating-activation/);
    for (const d of diagnostics.filter((x) => x.range.start.line === line)) {
      assert.ok(!text.includes(String(d.message)), `the hover repeats "${String(d.message)}"`);
    }
  });

  it('a single layer names its index; outside a layer call there is no hover', async () => {
    const text = (await hover(lineOf(DEEP_SIGMOID, "'softmax'"), 'dense'))!;
    assert.match(text, /layer 8 \(`dense`\)/);
    assert.equal(await hover(lineOf(DEEP_SIGMOID, 'const FEATURES'), 'FEATURES'), null);
  });

  it('CodeLens above the model: "Probe gradients" (a client command) and the finding count', async () => {
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', {
      textDocument: { uri },
    })) as CodeLens[];
    assert.equal(lenses.length, 2);
    assert.equal(lenses[0].command?.title, 'Probe gradients');
    assert.equal(lenses[0].command?.command, 'gradientLens.probeModel');
    assert.deepEqual(lenses[0].command?.arguments?.slice(0, 2), [uri, 'buildClassifier']);
    const count = diagnostics.filter((d) => d.code !== 'parse-error').length;
    assert.equal(
      lenses[1].command?.title,
      `${count} gradient finding${count === 1 ? '' : 's'}`,
      JSON.stringify(diagnostics.map((d) => [d.code, d.message])),
    );
    assert.equal(
      lenses[0].range.start.line,
      lineOf(DEEP_SIGMOID, 'export function buildClassifier'),
    );
  });

  it('inlay hints: the static estimate at the end of each layer line', async () => {
    const hints = (await client.connection.sendRequest('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } },
    })) as InlayHint[];
    const byLine = new Map(hints.map((h) => [h.position.line, String(h.label)]));
    const loop = lineOf(DEEP_SIGMOID, "activation: 'sigmoid' }));");
    assert.match(byLine.get(loop)!, /^∇≈ .+ … .+× over 7 layers$/);
    assert.match(byLine.get(lineOf(DEEP_SIGMOID, 'inputShape'))!, /^∇≈ \S+×$/);
    const loopHint = hints.find((h) => h.position.line === loop)!;
    assert.equal(loopHint.position.character, DEEP_SIGMOID.split('\n')[loop].length);
  });
});

describe('language server: configuration and config files', () => {
  let client: Client;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gl-lsp-'));
    client = await startClient();
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads gradientLens.rules through workspace/configuration and re-reads it on change', async () => {
    const uri = pathToFileURL(join(dir, 'settings.js')).href;
    client.settings = { rules: { 'saturating-activation': 'error' } };
    const opened = client.diagnostics(uri);
    client.open(uri, DEEP_SIGMOID);
    const first = await opened;
    assert.ok(
      first.filter((d) => d.code === 'saturating-activation').every((d) => d.severity === 1),
    );
    assert.ok(client.configurationRequests > 0);
    client.settings = { rules: { 'saturating-activation': 'off' } };
    const relinted = client.diagnostics(uri);
    void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const second = await relinted;
    assert.ok(!second.some((d) => d.code === 'saturating-activation'));
    client.settings = {};
  });

  it('a changed .gradientlensrc.json (workspace/didChangeWatchedFiles) re-lints open documents', async () => {
    const uri = pathToFileURL(join(dir, 'watched.js')).href;
    const opened = client.diagnostics(uri);
    client.open(uri, DEEP_SIGMOID);
    assert.ok((await opened).some((d) => d.code === 'saturating-activation'));
    const config = join(dir, '.gradientlensrc.json');
    writeFileSync(config, JSON.stringify({ rules: { 'saturating-activation': 'off' } }));
    const relinted = client.diagnostics(uri);
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(config).href, type: 1 }],
    });
    assert.ok(!(await relinted).some((d) => d.code === 'saturating-activation'));
  });

  it('an invalid rules setting is reported and linting goes on with the defaults', async () => {
    const uri = pathToFileURL(join(dir, 'invalid.js')).href;
    rmSync(join(dir, '.gradientlensrc.json'), { force: true });
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(join(dir, '.gradientlensrc.json')).href, type: 3 }],
    });
    client.settings = { rules: { 'no-such-rule': 'error' } };
    void client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const opened = client.diagnostics(uri);
    client.open(uri, DEEP_SIGMOID);
    assert.ok((await opened).some((d) => d.code === 'saturating-activation'));
    assert.ok(
      client.logs.some((l) => l.includes('no-such-rule')),
      JSON.stringify(client.logs),
    );
    client.settings = {};
  });
});
