/**
 * Property-based tests: whatever text the editor hands over (mid-edit, truncated, garbled),
 * lintText returns a well-formed result and never throws, on a 1,000-line file too.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { lintText } from '../../src/lint/index';
import { isSourceFile } from '../../src/lint/files';
import { rules } from '../../src/rules';
import type { LintResult } from '../../src/lint/types';
import { generateModelFile, modelFunction, randomModel, random } from './model-code';

const root = join(__dirname, '..', '..');
const seedFiles = [
  ...filesIn(join(root, 'examples')),
  ...filesIn(join(root, 'test', 'fixtures', 'lint')),
].map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const everyRuleOn = {
  rules: Object.fromEntries(
    rules.map((r) => [r.id, { severity: 'warning' as const, options: {} }]),
  ),
  reportUnusedDirectives: true,
};

function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter(isSourceFile)
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** The invariants of any result, whatever the input. */
function assertWellFormed(result: LintResult, source: string): void {
  assert.ok(Array.isArray(result.messages) && Array.isArray(result.problems));
  const all = [
    ...result.messages.map((m) => m.severity),
    ...result.problems.map((p) => p.severity),
  ];
  assert.equal(result.errorCount + result.warningCount + result.infoCount, all.length);
  for (let i = 1; i < result.messages.length; i++) {
    const [a, b] = [result.messages[i - 1].span, result.messages[i].span];
    assert.ok(
      a.line < b.line || (a.line === b.line && a.column <= b.column),
      'messages sorted by position',
    );
  }
  for (const message of result.messages) {
    assert.ok(
      message.span.start >= 0 && message.span.end <= source.length,
      'span inside the source',
    );
    for (const fix of message.fixes) {
      for (const edit of fix.edits)
        assert.ok(edit.start <= edit.end && edit.end <= source.length, 'edit inside the source');
    }
  }
  assert.ok(
    !result.problems.some((p) => p.kind === 'internal'),
    `no internal errors: ${JSON.stringify(result.problems)}`,
  );
}

const TRICKY = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  "'",
  '"',
  '`',
  '${',
  '/',
  '/*',
  '*/',
  '//',
  '\n',
  '=>',
  '...',
  '<',
  '>',
  'tf.layers.',
  'model.add(',
  '// gradient-lens-disable-line',
  '/* gradient-lens-disable */',
  '0',
  'NaN',
  '-',
  'async ',
  'yield ',
  '\u2028',
  '\r',
];

/** A mutation of a text: truncate, delete a range, insert tricky tokens, or duplicate a slice. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('truncate' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.nat(40),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    text: fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 8 })),
  }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.nat(120),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, mutations: Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = Math.floor(m.at * out.length);
    if (m.kind === 'truncate') out = out.slice(0, at);
    else if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else if (m.kind === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
    else out = out.slice(0, at) + out.slice(at, at + m.length) + out.slice(at);
  }
  return out;
}

test('mutated and truncated example files never make lintText throw', { timeout: 120_000 }, () => {
  assert.ok(seedFiles.length > 0, 'no seed files found');
  fc.assert(
    fc.property(
      fc.constantFrom(...seedFiles),
      fc.array(mutation, { minLength: 1, maxLength: 6 }),
      (file, mutations) => {
        const source = mutate(file.text, mutations);
        assertWellFormed(lintText(source, file.path, everyRuleOn), source);
      },
    ),
    { numRuns: 300 },
  );
});

test('generated model code, whole or mutated, lints without throwing', { timeout: 120_000 }, () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.array(mutation, { maxLength: 4 }),
      (seed, mutations) => {
        const model = modelFunction('build', randomModel(random(seed)));
        const source = mutate(`import * as tf from '@tensorflow/tfjs';\n${model}`, mutations);
        assertWellFormed(lintText(source, 'generated.ts', everyRuleOn), source);
      },
    ),
    { numRuns: 300 },
  );
});

test('arbitrary text, including non-JS, never throws', { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (noise) => {
      const source = `import * as tf from '@tensorflow/tfjs';\n${noise}`;
      assertWellFormed(lintText(source, 'noise.js', everyRuleOn), source);
    }),
    { numRuns: 200 },
  );
});

// Its speed is measured by `npm run bench` (bench/lint.bench.ts), not here: on a shared machine a
// timed test says more about the load than about the linter.
test('a 1,000-line model file lints to a well-formed result', () => {
  const source = generateModelFile(1000, 7);
  assert.ok(source.split('\n').length >= 1000);
  const result = lintText(source, 'big.js', everyRuleOn);
  assertWellFormed(result, source);
  assert.ok(result.messages.length > 0, 'the generated models raise findings');
});
