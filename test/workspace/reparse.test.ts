/**
 * parseKeeping (TypeScript's incremental reparse, then typescript-estree's conversion) gives the
 * tree and the problem parseSource gives for the same text, edit after edit: random insertions,
 * deletions and replacements (brackets, quotes, comments, JSX, whole statements) on the fixture
 * files and examples, with syntax errors on the way.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSource } from '../../src/analysis/js/parse';
import { type KeptSyntax, parseKeeping } from '../../src/workspace/reparse';
import { random } from '../lint/model-code';

const ROOT = join(__dirname, '..', '..');
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

const SNIPPETS = [
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ';',
  ',',
  "'",
  '"',
  '`',
  '${',
  '/*',
  '*/',
  '//',
  '\n',
  ' ',
  'x',
  '0.5',
  '<div>',
  '</div>',
  '<T>',
  'as any',
  '=>',
  '/** @param {number} n */\n',
  'const units = 64;\n',
  'model.add(tf.layers.dense({ units: 8, activation: "relu" }));\n',
  'if (deep) {\n',
  'function helper(a, b = 2) { return a * b; }\n',
  'export default class Net extends tf.Sequential {}\n',
];

function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const choice = next();
  const snippet = SNIPPETS[Math.floor(next() * SNIPPETS.length)];
  if (choice < 0.45) return text.slice(0, at) + snippet + text.slice(at);
  const length = Math.floor(next() * 12) + 1;
  if (choice < 0.8) return text.slice(0, at) + text.slice(at + length);
  return text.slice(0, at) + snippet + text.slice(at + length);
}

/** The tree as data: every node's fields, ranges and locations (no cycles in ESTree from parse). */
function shape(outcome: ReturnType<typeof parseSource>): string {
  return JSON.stringify(outcome.ok ? outcome.ast : outcome.problem);
}

test("parseKeeping gives parseSource's tree and problem after every one of many random edits", () => {
  const files = [
    ...sources(join(ROOT, 'test', 'fixtures', 'analysis')),
    ...sources(join(ROOT, 'test', 'fixtures', 'workspace')),
    ...sources(join(ROOT, 'examples')),
  ];
  assert.ok(files.length >= 10, `fixture files found: ${files.length}`);
  let compared = 0;
  let failedParses = 0;
  for (const [index, file] of files.entries()) {
    const next = random(index + 1);
    let text = readFileSync(file, 'utf8');
    let kept: KeptSyntax | undefined;
    for (let step = 0; step < 40; step++) {
      // Every few edits the broken text is put right again, as someone typing does.
      text = step % 10 === 9 ? readFileSync(file, 'utf8') : edit(text, next);
      const result = parseKeeping(text, file, kept);
      kept = result.syntax;
      const expected = parseSource(text, file);
      assert.equal(shape(result.outcome), shape(expected), `${file}, edit ${step}`);
      compared++;
      if (!expected.ok) failedParses++;
    }
  }
  // The edits must have met both outcomes: texts that parse and syntax errors.
  assert.ok(failedParses > 10, `texts with syntax errors: ${failedParses}`);
  assert.ok(compared - failedParses > 10, `texts that parse: ${compared - failedParses}`);
});

test("parseKeeping follows the file's JSX setting: a .ts file is never parsed as TSX", () => {
  const cast = 'const x = <number>y;\n';
  const first = parseKeeping(cast, 'm.ts');
  assert.equal(first.outcome.ok, true);
  const second = parseKeeping(`${cast}const z = 1;\n`, 'm.ts', first.syntax);
  assert.equal(shape(second.outcome), shape(parseSource(`${cast}const z = 1;\n`, 'm.ts')));
  // A .js file with a TS-style cast: JSX first fails, then the plain parse, as in parseSource.
  const js = parseKeeping(cast, 'm.js');
  assert.equal(shape(js.outcome), shape(parseSource(cast, 'm.js')));
  assert.equal(js.outcome.ok, true);
});

test('parseKeeping reads a page as its scripts, as parseSource does, and keeps no tree of its markup', () => {
  const page = [
    '<html><body>',
    '<script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs"></script>',
    '<script>',
    'const model = tf.sequential();',
    "model.add(tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }));",
    '</script>',
    '</body></html>',
    '',
  ].join('\n');
  const first = parseKeeping(page, 'index.html');
  assert.equal(first.syntax, undefined);
  assert.equal(shape(first.outcome), shape(parseSource(page, 'index.html')));
  assert.equal(first.outcome.ok, true);
  const edited = page.replace('units: 4', 'units: 8');
  const second = parseKeeping(edited, 'index.html', first.syntax);
  assert.equal(shape(second.outcome), shape(parseSource(edited, 'index.html')));
});
