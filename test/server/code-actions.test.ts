import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEEP_SIGMOID, lineOf } from './fixtures';
import { startClient, type Client } from './lsp-client';

function apply(text: string, action: CodeAction, uri: string): string {
  const edits = action.edit?.changes?.[uri] as TextEdit[] | undefined;
  assert.ok(edits && edits.length > 0, `${action.title} has no edit`);
  return TextDocument.applyEdits(TextDocument.create(uri, 'javascript', 1, text), edits);
}

describe('language server: code actions', () => {
  let client: Client;
  let version = 1;
  const uri = 'file:///project/classifier.js';
  before(async () => {
    client = await startClient();
  });
  after(() => client.close());

  async function lintAs(text: string): Promise<Diagnostic[]> {
    version++;
    const pending = client.diagnostics(uri, (p) => p.version === version);
    client.change(uri, version, text);
    return pending;
  }
  const actionsFor = (diagnostics: Diagnostic[], only?: string[]) =>
    client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[0]?.range ?? {
        start: { line: 0, character: 0 },
        end: { line: 0, character: 0 },
      },
      context: { diagnostics, ...(only ? { only } : {}) },
    }) as Promise<CodeAction[]>;

  it('offers each fix (the preferred one marked), disable line/file and the documentation', async () => {
    const opened = client.diagnostics(uri);
    client.open(uri, DEEP_SIGMOID);
    const diagnostics = await opened;
    const first = diagnostics.find(
      (d) =>
        d.code === 'saturating-activation' &&
        d.range.start.line === lineOf(DEEP_SIGMOID, 'inputShape'),
    )!;
    const actions = await actionsFor([first]);
    const titles = actions.map((a) => a.title);
    const preferred = actions.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, JSON.stringify(titles));
    assert.equal(preferred[0].kind, 'quickfix');
    assert.ok(
      titles.includes('Disable saturating-activation for this line'),
      JSON.stringify(titles),
    );
    assert.ok(titles.includes('Disable saturating-activation for this file'));
    const docs = actions.find((a) => a.title === 'Show documentation for saturating-activation')!;
    assert.deepEqual(docs.command?.arguments, ['saturating-activation']);
    await client.connection.sendRequest('workspace/executeCommand', {
      command: docs.command!.command,
      arguments: docs.command!.arguments,
    });
    assert.match(client.shown.at(-1)!, /^file:.*docs\/rules\/saturating-activation\.md$/);
    // The preferred fix removes the finding it is offered for.
    const fixed = await lintAs(apply(DEEP_SIGMOID, preferred[0], uri));
    assert.ok(
      !fixed.some(
        (d) => d.code === 'saturating-activation' && d.range.start.line === first.range.start.line,
      ),
    );
  });

  it('disable for this line goes above the statement, not inside model.add( ... ), and other fixes still work', async () => {
    const diagnostics = await lintAs(DEEP_SIGMOID);
    const inCall = diagnostics.find(
      (d) =>
        d.code === 'saturating-activation' &&
        d.range.start.line === lineOf(DEEP_SIGMOID, 'inputShape'),
    )!;
    const disable = (await actionsFor([inCall])).find((a) =>
      a.title.startsWith('Disable saturating-activation for this line'),
    )!;
    const disabled = apply(DEEP_SIGMOID, disable, uri);
    const lines = disabled.split('\n');
    const at = lines.findIndex((l) =>
      l.includes('gradient-lens-disable-next-line saturating-activation'),
    );
    assert.equal(lines[at], '  // gradient-lens-disable-next-line saturating-activation');
    assert.equal(lines[at + 1], '  model.add(');
    const after = await lintAs(disabled);
    assert.ok(!after.some((d) => d.code === 'parse-error'));
    const line = lineOf(disabled, 'inputShape');
    assert.ok(
      !after.some((d) => d.code === 'saturating-activation' && d.range.start.line === line),
      'the directive covers the finding',
    );
    // Another rule's fix, applied after the directive, lands and leaves code that parses.
    const other = after.find(
      (d) => d.code !== 'saturating-activation' && d.code !== 'parse-error',
    )!;
    assert.ok(other, JSON.stringify(after.map((d) => d.code)));
    const otherFix = (await actionsFor([other])).find((a) => a.isPreferred)!;
    assert.ok(otherFix, `a fix for ${String(other.code)}`);
    const both = apply(disabled, otherFix, uri);
    const final = await lintAs(both);
    assert.ok(!final.some((d) => d.code === 'parse-error'), both);
    assert.ok(
      !final.some((d) => d.code === other.code && d.range.start.line === other.range.start.line),
    );
    assert.ok(
      !final.some(
        (d) =>
          d.code === 'saturating-activation' && d.range.start.line === lineOf(both, 'inputShape'),
      ),
    );
    assert.ok(
      both.includes('  // gradient-lens-disable-next-line saturating-activation\n  model.add(\n'),
    );
  });

  it('disable for this file adds one block comment at the top', async () => {
    const diagnostics = await lintAs(DEEP_SIGMOID);
    const d = diagnostics.find((x) => x.code === 'saturating-activation')!;
    const action = (await actionsFor([d])).find((a) => a.title.endsWith('for this file'))!;
    const text = apply(DEEP_SIGMOID, action, uri);
    assert.ok(text.startsWith('/* gradient-lens-disable saturating-activation */\n'));
    const after = await lintAs(text);
    assert.ok(!after.some((x) => x.code === 'saturating-activation'));
  });

  it('source.fixAll.gradientLens applies every preferred fix (what codeActionsOnSave runs)', async () => {
    await lintAs(DEEP_SIGMOID);
    const actions = await actionsFor([], ['source.fixAll.gradientLens']);
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.gradientLens');
    const fixed = apply(DEEP_SIGMOID, actions[0], uri);
    const after = await lintAs(fixed);
    assert.ok(!after.some((d) => d.code === 'parse-error'));
    assert.ok(
      !after.some((d) => d.code === 'saturating-activation'),
      JSON.stringify(after.map((d) => d.code)),
    );
    // The light bulb without `only` never pays for fix-all unless a fixable finding is under it.
    assert.deepEqual(await actionsFor([]), []);
  });
});
