import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disableForFileEdit, disableForLineEdit as disableAt } from '../../src/lint/disable-edits';
import type { TextEdit } from '../../src/rules/types';

/** Disable `ruleId` for a finding at the start of the 0-based `line` (of code that is not a model). */
function disableForLineEdit(source: string, line: number, ruleId: string): TextEdit | null {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  const start = starts[Math.min(line, starts.length - 1)];
  const span = { start, end: start, line: line + 1, column: 1, endLine: line + 1, endColumn: 1 };
  return disableAt(source, 'test.js', span, ruleId);
}

function apply(source: string, edit: TextEdit | null): string {
  assert.ok(edit, 'expected an edit');
  return source.slice(0, edit.start) + edit.text + source.slice(edit.end);
}

test('disable for line inserts a directive with the line indentation', () => {
  const source = 'const m = tf.sequential();\n  m.add(tf.layers.dense({units: 4}));\n';
  assert.equal(
    apply(source, disableForLineEdit(source, 1, 'saturating-activation')),
    'const m = tf.sequential();\n  // gradient-lens-disable-next-line saturating-activation\n  m.add(tf.layers.dense({units: 4}));\n',
  );
});

test('disable for line extends the directive on the line above, keeping its reason', () => {
  const source =
    'x();\n    // gradient-lens-disable-next-line lstm-forget-bias -- legacy\n    y();\n';
  assert.equal(
    apply(source, disableForLineEdit(source, 2, 'high-learning-rate')),
    'x();\n    // gradient-lens-disable-next-line lstm-forget-bias, high-learning-rate -- legacy\n    y();\n',
  );
});

test('disable for line on the first line and with CRLF line ends', () => {
  const source = 'a();\r\nb();\r\n';
  assert.equal(
    apply(source, disableForLineEdit(source, 0, 'r')),
    '// gradient-lens-disable-next-line r\r\na();\r\nb();\r\n',
  );
  assert.equal(
    apply(source, disableForLineEdit(source, 1, 'r')),
    'a();\r\n// gradient-lens-disable-next-line r\r\nb();\r\n',
  );
});

test('disable for line returns null when the directive above already covers the rule', () => {
  assert.equal(disableForLineEdit('// gradient-lens-disable-next-line\nx();', 1, 'r'), null);
  assert.equal(disableForLineEdit('// gradient-lens-disable-next-line a, r\nx();', 1, 'r'), null);
  assert.equal(disableForLineEdit('x();', 5, 'r'), null);
});

test('a file-level directive above is not mistaken for a next-line directive', () => {
  const source = '/* gradient-lens-disable a */\nx();\n';
  assert.equal(
    apply(source, disableForLineEdit(source, 1, 'b')),
    '/* gradient-lens-disable a */\n// gradient-lens-disable-next-line b\nx();\n',
  );
});

test('disable for file inserts a block at the top, after a shebang', () => {
  assert.equal(
    apply('x();\n', disableForFileEdit('x();\n', 'r')),
    '/* gradient-lens-disable r */\nx();\n',
  );
  assert.equal(
    apply('#!/usr/bin/env node\nx();\n', disableForFileEdit('#!/usr/bin/env node\nx();\n', 'r')),
    '#!/usr/bin/env node\n/* gradient-lens-disable r */\nx();\n',
  );
  assert.equal(apply('', disableForFileEdit('', 'r')), '/* gradient-lens-disable r */\n');
});

test('disable for file extends an existing block among the leading comments', () => {
  const source = '// header\n/* gradient-lens-disable a -- old code */\nx();\n';
  assert.equal(
    apply(source, disableForFileEdit(source, 'b')),
    '// header\n/* gradient-lens-disable a, b -- old code */\nx();\n',
  );
  const plain = '/* gradient-lens-disable a */\n';
  assert.equal(apply(plain, disableForFileEdit(plain, 'b')), '/* gradient-lens-disable a, b */\n');
  assert.equal(disableForFileEdit('/* gradient-lens-disable */\n', 'b'), null);
});

test('a block directive after code is not extended: a new one goes on top', () => {
  const source = 'x();\n/* gradient-lens-disable a */\n';
  assert.equal(
    apply(source, disableForFileEdit(source, 'b')),
    '/* gradient-lens-disable b */\nx();\n/* gradient-lens-disable a */\n',
  );
});
