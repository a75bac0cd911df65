import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import ts from 'typescript';
import { LineIndex, lineIndexFor } from '../../src/analysis/lines';

test('line and column agree with TypeScript (which the IR spans come from) for every line break kind', () => {
  const pieces = fc.constantFrom('a', 'bc', ' ', '\n', '\r\n', '\r', '\u2028', '\u2029', '\t', 'é');
  fc.assert(
    fc.property(
      fc.array(pieces, { maxLength: 40 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (parts, at) => {
        const text = parts.join('');
        const offset = Math.floor(at * text.length);
        const expected = ts
          .createSourceFile('x.ts', text, ts.ScriptTarget.Latest)
          .getLineAndCharacterOfPosition(offset);
        assert.deepEqual(new LineIndex(text).position(offset), {
          line: expected.line + 1,
          column: expected.character + 1,
        });
      },
    ),
    { numRuns: 500 },
  );
});

test('positions asked in any order (the index remembers the last line) agree with a fresh index', () => {
  const pieces = fc.constantFrom('a', 'bc', '\n', '\r\n', '\r', '\n\n');
  fc.assert(
    fc.property(
      fc.array(pieces, { maxLength: 40 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
      (parts, ats) => {
        const text = parts.join('');
        const index = new LineIndex(text, 'python');
        for (const at of ats) {
          const offset = Math.floor(at * (text.length + 1));
          assert.deepEqual(index.position(offset), new LineIndex(text, 'python').position(offset));
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('lineIndexFor reuses the index for the same text and rebuilds it for another', () => {
  const a = lineIndexFor('a\nb');
  assert.equal(lineIndexFor('a\nb'), a);
  const b = lineIndexFor('a\n\nb');
  assert.notEqual(b, a);
  assert.deepEqual(b.position(3), { line: 3, column: 1 });
});

test('Python lines break at \\n, \\r\\n and a lone \\r only (U+2028 is text there, a break in JS)', () => {
  const text = 'a = 1\r\nb = "\u2028"\rc = 3\n';
  const python = new LineIndex(text, 'python');
  const js = new LineIndex(text);
  const c = text.indexOf('c');
  assert.deepEqual(python.position(c), { line: 3, column: 1 });
  assert.deepEqual(js.position(c), { line: 4, column: 1 });
  assert.deepEqual(python.position(text.indexOf('b')), { line: 2, column: 1 });
});
