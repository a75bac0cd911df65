/** The language server on Python (Keras) documents: diagnostics, `#` disable edits, stale results. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, type Client } from './lsp-client';

const SOURCE = readFileSync(join(__dirname, '../fixtures/keras/deep-sigmoid-rnn.py'), 'utf8');

describe('language server: Python documents', () => {
  let client: Client;
  before(async () => {
    client = await startClient();
  });
  after(() => client.close());

  it('lints a python document (language id python) and offers a # disable-next-line edit', async () => {
    const uri = 'untitled:Untitled-1';
    const opened = client.diagnostics(uri);
    client.open(uri, SOURCE, 'python');
    const diagnostics = await opened;
    const rnn = diagnostics.find((d) => d.code === 'simple-rnn-long-sequence');
    assert.ok(rnn, JSON.stringify(diagnostics.map((d) => d.code)));
    assert.equal(rnn.range.start.line, 5);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: rnn.range,
      context: { diagnostics: [rnn] },
    })) as CodeAction[];
    const disable = actions.find(
      (a) => a.title === 'Disable simple-rnn-long-sequence for this line',
    );
    assert.ok(disable, JSON.stringify(actions.map((a) => a.title)));
    const edits = disable.edit?.changes?.[uri] as TextEdit[];
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, SOURCE), edits);
    assert.match(
      fixed,
      /\n# gradient-lens-disable-next-line simple-rnn-long-sequence\nmodel\.add\(SimpleRNN/,
    );
    const file = actions.find((a) => a.title === 'Disable simple-rnn-long-sequence for this file');
    const fileFixed = TextDocument.applyEdits(
      TextDocument.create(uri, 'python', 1, SOURCE),
      file?.edit?.changes?.[uri] as TextEdit[],
    );
    assert.match(fileFixed, /^# gradient-lens-disable simple-rnn-long-sequence\n/);

    // The directive written in the document suppresses the finding.
    const after: Promise<Diagnostic[]> = client.diagnostics(uri, (p) => p.version === 2);
    client.change(uri, 2, fixed);
    const codes = (await after).map((d) => d.code);
    assert.ok(!codes.includes('simple-rnn-long-sequence'), JSON.stringify(codes));
    assert.ok(codes.includes('rnn-without-clipping'));
  });

  it('keeps the last good findings while the Python file does not parse', async () => {
    const uri = 'file:///project/train.py';
    const opened = client.diagnostics(uri);
    client.open(uri, SOURCE, 'python');
    const good = await opened;
    assert.ok(good.some((d) => d.code === 'simple-rnn-long-sequence'));
    const broken = client.diagnostics(uri, (p) => p.version === 2);
    client.change(uri, 2, `${SOURCE}\ndef oops(:\n`);
    const stale = await broken;
    assert.ok(
      stale.some((d) => d.code === 'simple-rnn-long-sequence'),
      JSON.stringify(stale.map((d) => d.code)),
    );
    assert.ok(
      stale.some((d) => /syntax|parse/i.test(String(d.message))),
      JSON.stringify(stale.map((d) => d.message)),
    );
  });
});
