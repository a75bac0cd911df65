/**
 * Every rule page's `## Keras` section is real: its `### Bad (Keras)` Python block raises the page's rule,
 * `### Good (Keras)` does not, and when the rule has a preferred fix, applying it to Bad gives exactly Good.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { rules } from '../../src/rules';
import { applyEdits, runRule } from './rule-tester';

/** The ```python block under `### title` inside the page's `## Keras` section. */
function kerasBlock(page: string, title: string): string {
  const section = page.split(/^## /m).find((part) => part.startsWith('Keras\n'));
  assert.ok(section, 'no "## Keras" section');
  const sub = section.split(/^### /m).find((part) => part.startsWith(`${title}\n`));
  assert.ok(sub, `no "### ${title}" in "## Keras"`);
  const match = /```python\n([\s\S]*?)```/.exec(sub);
  assert.ok(match, `no python block under "### ${title}"`);
  return match[1];
}

describe("docs: each rule's Keras examples", () => {
  for (const rule of rules) {
    test(rule.id, () => {
      const page = readFileSync(
        join(__dirname, '..', '..', 'docs', 'rules', `${rule.id}.md`),
        'utf8',
      );
      const bad = kerasBlock(page, 'Bad (Keras)');
      const good = kerasBlock(page, 'Good (Keras)');
      const findings = runRule(rule, bad, 'model.py');
      assert.ok(findings.length > 0, 'the Bad example must raise the rule');
      assert.ok(
        findings.some((f) => !f.hint),
        'the Bad example raises a warning, not only hints',
      );
      assert.deepEqual(
        runRule(rule, good, 'model.py'),
        [],
        'the Good example must not raise the rule',
      );
      const edits = findings.flatMap((f) =>
        f.fixes.filter((x) => x.preferred).flatMap((x) => x.edits),
      );
      if (rule.meta.fixable && edits.length > 0)
        assert.equal(applyEdits(bad, edits), good, 'Good is what the preferred fixes make of Bad');
    });
  }
});
