/**
 * CodeLensCache: the lenses VS Code asks for after each keystroke are converted once per list the
 * server answers; "the same" hands back the lenses kept, with the commands resolved since.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { CodeLensCache } from '../../src/extension/code-lens-cache';
import type { CodeLensesParams, CodeLensesResult } from '../../src/server/protocol';

/** A server that answers from `replies`, and a conversion that counts what it converts. */
function fake(replies: CodeLensesResult[]) {
  const asked: CodeLensesParams[] = [];
  let converted = 0;
  const cache = new CodeLensCache({
    send: async (params) => {
      asked.push(params);
      const reply = replies.shift();
      assert.ok(reply, 'asked once too often');
      return reply;
    },
    convert: (lens) => {
      converted++;
      return { ...lens } as unknown as vscode.CodeLens;
    },
  });
  return { cache, asked, converted: () => converted };
}

test('a list answered "the same" is the one converted before, with its resolved commands', async () => {
  const { cache, asked, converted } = fake([
    { resultId: '1', lenses: { list: 1, ranges: [3, 0, 3, 0, 3, 2, 5, 1] } },
    { resultId: '1' },
    { resultId: '2', lenses: { list: 2, ranges: [4, 0, 4, 0] } },
  ]);
  const first = await cache.provide('file:///a.js');
  assert.equal(converted(), 2);
  // Each lens is the LSP CodeLens of its four numbers, with the data resolving sends back.
  assert.deepEqual(first, [
    { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, data: [1, 0] },
    { range: { start: { line: 3, character: 2 }, end: { line: 5, character: 1 } }, data: [1, 1] },
  ]);
  const command = { title: 'Probe gradients', command: 'gradientLens.probeModel' };
  cache.resolved(first[0], { ...first[0], command } as vscode.CodeLens);
  const same = await cache.provide('file:///a.js');
  assert.equal(same, first);
  assert.equal(converted(), 2);
  assert.deepEqual(same[0].command, command);
  assert.equal(same[1].command, undefined);
  const moved = await cache.provide('file:///a.js');
  assert.equal(converted(), 3);
  assert.deepEqual(
    moved.map((lens) => lens.range.start.line),
    [4],
  );
  assert.deepEqual(
    asked.map((params) => params.previousResultId),
    [undefined, '1', '1'],
  );
});

test('a resolve that brought no command changes nothing; a forgotten document asks afresh', async () => {
  const { cache, asked } = fake([
    { resultId: '7', lenses: { list: 7, ranges: [0, 0, 0, 0] } },
    { resultId: '7', lenses: { list: 7, ranges: [0, 0, 0, 0] } },
    // A failed or cancelled request: no id, nothing kept.
    { resultId: '' },
    { resultId: '8', lenses: { list: 8, ranges: [1, 0, 1, 0] } },
  ]);
  const [lens] = await cache.provide('file:///b.js');
  cache.resolved(lens, null);
  cache.resolved(lens, lens);
  assert.equal(lens.command, undefined);
  cache.forget('file:///b.js');
  await cache.provide('file:///b.js');
  assert.deepEqual(await cache.provide('file:///b.js'), []);
  await cache.provide('file:///b.js');
  assert.deepEqual(
    asked.map((params) => params.previousResultId),
    [undefined, undefined, '7', undefined],
  );
});
