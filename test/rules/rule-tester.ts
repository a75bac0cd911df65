/**
 * Table-driven rule tests: valid snippets must stay silent; invalid snippets must raise exactly the listed
 * findings (message id, line, column, end) and each fix must produce the exact source given, which must
 * still parse and, re-checked, no longer raise that finding.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../src/analysis';
import type { Finding, Rule, TextEdit } from '../../src/rules/types';

type Options = Record<string, number | string | boolean>;

export interface ValidCase {
  name?: string;
  code: string;
  filePath?: string;
  options?: Options;
}

export interface ExpectedFinding {
  messageId: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** The finding is an info hint (below the level where the rule judges the problem material). */
  hint?: true;
  /** The exact message, when the case is about what it says. */
  message?: string;
}

/** Messages are one short sentence, as a linter's (the explanation goes in `detail`). */
const MAX_MESSAGE_LENGTH = 110;

export interface InvalidCase extends ValidCase {
  errors: ExpectedFinding[];
  /** Source after every finding's preferred fix; null when no finding has a preferred fix. */
  output: string | null;
  /** For each finding, the source after each of its fixes applied alone, in the order offered. */
  fixes?: string[][];
}

export function runRule(
  rule: Rule,
  code: string,
  filePath = 'model.ts',
  options: Options = {},
): Finding[] {
  const analysis = analyze(code, filePath);
  assert.deepEqual(analysis.problems, [], `test code must parse:\n${code}`);
  const merged: Options = {};
  for (const [key, spec] of Object.entries(rule.meta.options)) merged[key] = spec.default;
  Object.assign(merged, options);
  const findings = analysis.models.flatMap((model) =>
    rule.check(model, { source: code, analysis, options: merged }),
  );
  // A loop-repeated layer yields the same finding once per iteration; the linter reports it once.
  const seen = new Set<string>();
  return findings
    .filter((f) => {
      const key = `${f.messageId}:${f.span.start}:${f.span.end}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}

export function applyEdits(source: string, edits: TextEdit[]): string {
  let result = source;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}

/** All preferred fixes at once, skipping any that overlaps an edit already taken (as `--fix` does). */
function applyPreferred(source: string, findings: Finding[]): string {
  const taken: TextEdit[] = [];
  for (const finding of findings) {
    const preferred = finding.fixes.find((f) => f.preferred);
    if (!preferred) continue;
    const overlaps = preferred.edits.some((e) =>
      taken.some((t) => e.start < t.end && t.start < e.end),
    );
    if (!overlaps) taken.push(...preferred.edits);
  }
  return applyEdits(source, taken);
}

function describeFindings(findings: Finding[]): string {
  return findings
    .map(
      (f) =>
        `  ${f.messageId} at ${f.span.line}:${f.span.column}-${f.span.endLine}:${f.span.endColumn}: ${f.message}`,
    )
    .join('\n');
}

export function testRule(
  rule: Rule,
  cases: { valid: (string | ValidCase)[]; invalid: InvalidCase[] },
): void {
  describe(rule.id, () => {
    cases.valid.forEach((raw, i) => {
      const c = typeof raw === 'string' ? { code: raw } : raw;
      test(`valid #${i}${c.name ? `: ${c.name}` : ''}`, () => {
        const findings = runRule(rule, c.code, c.filePath, c.options);
        assert.equal(
          findings.length,
          0,
          `expected no findings, got:\n${describeFindings(findings)}`,
        );
      });
    });

    cases.invalid.forEach((c, i) => {
      test(`invalid #${i}${c.name ? `: ${c.name}` : ''}`, () => checkInvalid(rule, c));
    });
  });
}

function checkInvalid(rule: Rule, c: InvalidCase): void {
  const findings = runRule(rule, c.code, c.filePath, c.options);
  assert.equal(
    findings.length,
    c.errors.length,
    `expected ${c.errors.length} findings, got:\n${describeFindings(findings)}`,
  );
  findings.forEach((finding, i) => {
    const expected = c.errors[i];
    assert.equal(finding.ruleId, rule.id);
    assert.ok(rule.meta.messages[finding.messageId], `unknown messageId ${finding.messageId}`);
    assert.doesNotMatch(finding.message, /\{\{/, 'message has an unfilled placeholder');
    const actual: ExpectedFinding = {
      messageId: finding.messageId,
      line: finding.span.line,
      column: finding.span.column,
    };
    if (expected.endLine !== undefined) actual.endLine = finding.span.endLine;
    if (expected.endColumn !== undefined) actual.endColumn = finding.span.endColumn;
    if (finding.hint) actual.hint = true;
    if (expected.message !== undefined) actual.message = finding.message;
    assert.ok(
      finding.message.length <= MAX_MESSAGE_LENGTH,
      `message longer than ${MAX_MESSAGE_LENGTH} characters: ${finding.message}`,
    );
    if (finding.detail !== undefined)
      assert.doesNotMatch(finding.detail, /\{\{/, 'detail has an unfilled placeholder');
    assert.deepEqual(actual, expected, `finding #${i}: ${finding.message}`);
    assert.ok(finding.fixes.filter((f) => f.preferred).length <= 1, 'at most one preferred fix');
  });

  const preferredCount = findings.filter((f) => f.fixes.some((x) => x.preferred)).length;
  if (c.output === null) {
    assert.equal(preferredCount, 0, 'output: null, but a finding has a preferred fix');
  } else {
    const fixed = applyPreferred(c.code, findings);
    assert.equal(fixed, c.output);
    const after = runRule(rule, fixed, c.filePath, c.options);
    assert.equal(
      after.length,
      findings.length - preferredCount,
      `fixed source still raises:\n${describeFindings(after)}`,
    );
  }

  if (c.fixes) {
    assert.equal(c.fixes.length, findings.length, 'fixes: one list per finding');
    findings.forEach((finding, i) => {
      assert.equal(finding.fixes.length, c.fixes![i].length, `finding #${i}: number of fixes`);
      finding.fixes.forEach((f, j) => {
        const fixed = applyEdits(c.code, f.edits);
        assert.equal(fixed, c.fixes![i][j], `finding #${i}, fix "${f.title}"`);
        const again = runRule(rule, fixed, c.filePath, c.options).filter(
          (x) => x.messageId === finding.messageId,
        );
        const before = findings.filter((x) => x.messageId === finding.messageId).length;
        assert.ok(again.length < before, `fix "${f.title}" did not remove the finding`);
      });
    });
  }
}
