import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatJson } from '../../src/cli/formatters/json';
import { formatStylish } from '../../src/cli/formatters/stylish';
import type { FormatContext } from '../../src/cli/formatters/types';
import type { LintResult } from '../../src/lint/types';

const context: FormatContext = {
  cwd: '/repo',
  color: false,
  rules: [],
  toolVersion: '0.0.0',
  informationUri: 'https://example.org/',
  docsBaseUri: 'https://example.org/docs/',
};

const result: LintResult = {
  filePath: '/repo/src/model.js',
  messages: [
    {
      ruleId: 'rule-b',
      messageId: 'm',
      message: 'Second\nline folded.',
      span: { start: 50, end: 60, line: 12, column: 3, endLine: 12, endColumn: 13 },
      model: 'model',
      fixes: [{ title: 'Fix it', preferred: true, edits: [{ start: 50, end: 60, text: 'x' }] }],
      severity: 'error',
    },
  ],
  problems: [
    {
      kind: 'unknown-rule',
      severity: 'error',
      message: "Unknown rule 'nope'.",
      ruleId: 'nope',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 30,
    },
  ],
  errorCount: 2,
  warningCount: 0,
  infoCount: 0,
  fixableCount: 1,
  unusedDirectives: [],
};

test('stylish merges findings and problems in position order, folds multi-line messages', () => {
  assert.equal(
    formatStylish([result], context),
    [
      '',
      'src/model.js',
      "  2:1   error  Unknown rule 'nope'.",
      '  12:3  error  Second line folded.   rule-b',
      '',
      '\u2716 2 problems (2 errors, 0 warnings, 0 info)',
      '  1 problem fixable with --fix',
      '',
    ].join('\n'),
  );
});

test('stylish colors severities only when asked', () => {
  const colored = formatStylish([result], { ...context, color: true });
  assert.ok(colored.includes('\u001b[31merror\u001b[0m'));
  assert.ok(colored.includes('\u001b[4msrc/model.js\u001b[0m'));
});

test('stylish shows paths outside the cwd as they are', () => {
  const outside = formatStylish([{ ...result, filePath: '/elsewhere/m.js' }], context);
  assert.ok(outside.split('\n').includes('/elsewhere/m.js'));
});

test('json has the documented fields; problems carry ruleId null and their kind', () => {
  const [file] = JSON.parse(formatJson([result], context)) as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(file), [
    'filePath',
    'messages',
    'errorCount',
    'warningCount',
    'infoCount',
    'fixableCount',
  ]);
  assert.deepEqual(file.messages, [
    {
      ruleId: null,
      problem: 'unknown-rule',
      severity: 'error',
      message: "Unknown rule 'nope'.",
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 30,
      fixes: [],
    },
    {
      ruleId: 'rule-b',
      severity: 'error',
      message: 'Second\nline folded.',
      line: 12,
      column: 3,
      endLine: 12,
      endColumn: 13,
      fixes: [{ title: 'Fix it', preferred: true, edits: [{ start: 50, end: 60, text: 'x' }] }],
    },
  ]);
});
