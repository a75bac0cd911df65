import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { fillSharedFields } from '../../src/extension/diagnostic-fields';

const target = { toString: () => 'file:///ext/docs/rules/saturating-activation.md' };
const converted = (code: vscode.Diagnostic['code'], source?: string) =>
  ({ message: 'm', code, ...(source ? { source } : {}) }) as unknown as vscode.Diagnostic;

test('fills the source and the docs link of each code from the first diagnostic that has it', () => {
  const linked = { value: 'saturating-activation', target } as unknown as vscode.Diagnostic['code'];
  const diagnostics = [
    converted('saturating-activation'),
    converted(linked),
    converted('saturating-activation'),
    converted('parse-error'),
    converted('other', 'Another Tool'),
  ];
  fillSharedFields(diagnostics);
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    [linked, linked, linked, 'parse-error', 'other'],
  );
  assert.deepEqual(
    diagnostics.map((d) => d.source),
    ['Gradient Lens', 'Gradient Lens', 'Gradient Lens', 'Gradient Lens', 'Another Tool'],
  );
});
