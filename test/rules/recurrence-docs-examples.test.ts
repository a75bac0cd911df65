/**
 * The Bad and Good examples on the docs pages of the recurrence and training-setup rules are real: the first
 * code block under `## Bad` raises the page's rule, the one under `## Good` does not, and applying the
 * preferred fixes to Bad gives exactly the Good example.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { findRule } from '../../src/rules';
import { applyEdits, runRule } from './rule-tester';

const IDS = [
  'rnn-without-clipping',
  'simple-rnn-long-sequence',
  'lstm-forget-bias',
  'high-learning-rate',
  'saturating-output-loss',
  'unbounded-recurrent-activation',
  'non-orthogonal-recurrent-init',
];

/** The first ```ts/```js block after the `## title` heading. */
function firstBlock(page: string, title: string): string {
  const section = page.split(/^## /m).find((part) => part.startsWith(`${title}\n`));
  assert.ok(section, `no "## ${title}" section`);
  const match = /```(?:ts|js|typescript|javascript)\n([\s\S]*?)```/.exec(section);
  assert.ok(match, `no code block under "## ${title}"`);
  return match[1];
}

describe('docs examples of the recurrence and training-setup rules', () => {
  for (const id of IDS) {
    test(id, () => {
      const rule = findRule(id);
      assert.ok(rule, `${id} is registered`);
      const page = readFileSync(join(__dirname, '..', '..', 'docs', 'rules', `${id}.md`), 'utf8');
      const bad = firstBlock(page, 'Bad');
      const good = firstBlock(page, 'Good');

      const findings = runRule(rule, bad);
      assert.ok(findings.length > 0, 'the Bad example must raise the rule');
      assert.deepEqual(runRule(rule, good), [], 'the Good example must not raise the rule');

      const preferred = findings.flatMap((f) => f.fixes.filter((x) => x.preferred));
      const fixed = applyEdits(
        bad,
        preferred.flatMap((f) => f.edits),
      );
      assert.deepEqual(runRule(rule, fixed), [], 'the preferred fixes make Bad acceptable');
      assert.equal(fixed, good, 'Good shows exactly what the preferred fixes make of Bad');
    });
  }
});
