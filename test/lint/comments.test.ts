import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanComments } from '../../src/lint/comments';

const values = (source: string) => scanComments(source).map((c) => `${c.kind}:${c.value}`);

test('finds line and block comments with their offsets', () => {
  const source = 'a(); // one\n/* two */ b();';
  const comments = scanComments(source);
  assert.deepEqual(values(source), ['line: one', 'block: two ']);
  assert.equal(source.slice(comments[0].start, comments[0].end), '// one');
  assert.equal(source.slice(comments[1].start, comments[1].end), '/* two */');
});

const notComments: Array<[string, string]> = [
  ['double-quoted string', 'const s = "// not a comment";'],
  ['single-quoted string with escaped quote', "const s = 'it\\'s // not';"],
  ['template literal', 'const s = `/* not */ ${1} // still not`;'],
  ['regex literal', 'const r = /\\/\\/ not/g;'],
  ['regex with a slash in a class', 'const r = /[/]/; '],
];
for (const [name, source] of notComments) {
  test(`ignores comment markers inside a ${name}`, () => {
    assert.deepEqual(values(source), []);
  });
}

test('a comment inside a template expression is a comment', () => {
  assert.deepEqual(values('const s = `a ${x /* c */ + `inner ${y}`} b`; // after'), [
    'block: c ',
    'line: after',
  ]);
});

test('division is not mistaken for a regex', () => {
  assert.deepEqual(values('const x = a / b; // c\nconst y = (a) / 2 / 3; // d'), [
    'line: c',
    'line: d',
  ]);
});

test('unterminated block comments and strings end at the end of the text without throwing', () => {
  assert.deepEqual(values('x(); /* open'), ['block: open']);
  assert.deepEqual(values('const s = "open\n// after a broken string'), [
    'line: after a broken string',
  ]);
  assert.deepEqual(values('const s = `never closed // no'), []);
});

test('the needle filter keeps only matching comments and skips texts without it', () => {
  const source = '// plain\n// gradient-lens-disable-line x';
  assert.deepEqual(
    scanComments(source, 'gradient-lens-').map((c) => c.value),
    [' gradient-lens-disable-line x'],
  );
  assert.deepEqual(scanComments('// nothing here', 'gradient-lens-'), []);
});
