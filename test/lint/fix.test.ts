import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, applyFixes, applyPreferredFixes, fixUntilStable } from '../../src/lint/fix';
import type { Fix, LintMessage } from '../../src/rules/types';

const fix = (title: string, edits: Array<[number, number, string]>, preferred = true): Fix => ({
  title,
  preferred,
  edits: edits.map(([start, end, text]) => ({ start, end, text })),
});

const message = (fixes: Fix[], line = 1): LintMessage => ({
  ruleId: 'r',
  messageId: 'm',
  message: 'm',
  span: { start: 0, end: 1, line, column: 1, endLine: line, endColumn: 2 },
  model: 'model',
  fixes,
  severity: 'warning',
});

test('applyEdits replaces, inserts and deletes in one pass', () => {
  assert.equal(
    applyEdits('abcdef', [
      { start: 0, end: 1, text: 'A' },
      { start: 3, end: 3, text: '+' },
      { start: 4, end: 6, text: '' },
    ]),
    'Abc+d',
  );
});

test('fixes are applied in source order whatever order they come in', () => {
  const outcome = applyFixes('one two three', [fix('c', [[8, 13, '3']]), fix('a', [[0, 3, '1']])]);
  assert.equal(outcome.output, '1 two 3');
  assert.deepEqual(
    outcome.applied.map((f) => f.title),
    ['a', 'c'],
  );
});

test('a fix overlapping an applied one is skipped; touching counts as overlapping', () => {
  const outcome = applyFixes('abcdefgh', [
    fix('first', [[0, 4, 'X']]),
    fix('overlaps', [[2, 6, 'Y']]),
    fix('touches', [[4, 5, 'Z']]),
    fix('clear', [[6, 7, 'W']]),
  ]);
  assert.equal(outcome.output, 'XefWh');
  assert.deepEqual(
    outcome.skipped.map((f) => f.title),
    ['overlaps', 'touches'],
  );
});

test('two insertions at the same offset do not interleave: the second waits for the next pass', () => {
  const outcome = applyFixes('f({})', [fix('a', [[3, 3, 'a: 1']]), fix('b', [[3, 3, 'b: 2']])]);
  assert.equal(outcome.output, 'f({a: 1})');
  assert.deepEqual(
    outcome.skipped.map((f) => f.title),
    ['b'],
  );
});

test('a multi-edit fix is all or nothing and spans from its first to its last edit', () => {
  const outcome = applyFixes('0123456789', [
    fix('pair', [
      [8, 9, 'B'],
      [1, 2, 'A'],
    ]),
    fix('inside the pair', [[4, 5, 'C']]),
  ]);
  assert.equal(outcome.output, '0A234567B9');
  assert.deepEqual(
    outcome.skipped.map((f) => f.title),
    ['inside the pair'],
  );
});

test('malformed fixes are skipped, never applied and never thrown', () => {
  const outcome = applyFixes('abc', [
    fix('out of range', [[2, 10, 'x']]),
    fix('reversed', [[2, 1, 'x']]),
    fix('self-overlapping', [
      [0, 2, 'x'],
      [1, 3, 'y'],
    ]),
    fix('empty', []),
    fix('fine', [[0, 1, 'A']]),
  ]);
  assert.equal(outcome.output, 'Abc');
  assert.equal(outcome.skipped.length, 4);
});

test('applyPreferredFixes uses only the preferred fix of each message', () => {
  const outcome = applyPreferredFixes('sigmoid tanh', [
    message([fix('alt', [[0, 7, 'gru']], false), fix('pref', [[0, 7, 'relu']])]),
    message([fix('not preferred', [[8, 12, 'relu']], false)]),
  ]);
  assert.equal(outcome.output, 'relu tanh');
});

test('fixUntilStable re-lints until nothing applies, picking up skipped fixes on later passes', () => {
  // A toy linter: each 'x' wants to become 'y'; fixes of neighbours touch, so one pass cannot do them all.
  const lint = (text: string): LintMessage[] =>
    [...text].flatMap((ch, i) => (ch === 'x' ? [message([fix('x->y', [[i, i + 1, 'y']])])] : []));
  const outcome = fixUntilStable('xxxx', lint);
  assert.equal(outcome.output, 'yyyy');
  assert.equal(outcome.fixCount, 4);
  assert.ok(outcome.passes > 1 && outcome.passes <= 10);
});

test('fixUntilStable stops after at most 10 passes when fixes never converge', () => {
  let calls = 0;
  const flipFlop = (text: string): LintMessage[] => {
    calls++;
    return [message([fix('flip', [[0, 1, text[0] === 'a' ? 'b' : 'a']])])];
  };
  const outcome = fixUntilStable('a', flipFlop);
  assert.equal(outcome.passes, 10);
  assert.equal(calls, 10);
});
