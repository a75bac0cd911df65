/**
 * Every registered rule has a docs page with the sections docs/rules/TEMPLATE.md requires, and a
 * row in the README's `## Rules` table. Fails the build otherwise, as typescript-eslint's docs test does.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rules } from '../src/rules';
import type { Rule } from '../src/rules/types';

const root = join(__dirname, '..');
const docsDir = join(root, 'docs', 'rules');
const REQUIRED_SECTIONS = ['Why', 'Bad', 'Good', 'Options', 'When not to use it'];
const CODE_FENCE = /^```(js|ts|javascript|typescript)\s*$/m;

/** Problems with one rule page; empty when it follows the template. */
function checkRulePage(
  id: string,
  text: string,
  meta: Pick<Rule['meta'], 'options' | 'defaultSeverity'>,
): string[] {
  const problems: string[] = [];
  // The template's instructions live in an HTML comment; they are not part of the page.
  const lines = text
    .replace(/\r\n/g, '\n')
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n');
  if (lines[0] !== `# ${id}`) problems.push(`first line must be "# ${id}", found "${lines[0]}"`);
  const intro = lines.slice(1).find((line) => line.trim() !== '') ?? '';
  if (!intro.includes(`Default severity: **${meta.defaultSeverity}**`)) {
    problems.push(
      `the line under the title must say "Default severity: **${meta.defaultSeverity}**"`,
    );
  }
  const sections = sectionsOf(lines);
  let previous = -1;
  for (const name of REQUIRED_SECTIONS) {
    const index = sections.findIndex((section) => section.title === name);
    if (index === -1) problems.push(`missing section "## ${name}"`);
    else if (index < previous) problems.push(`section "## ${name}" is out of order`);
    else previous = index;
  }
  for (const name of ['Bad', 'Good']) {
    const body = sections.find((section) => section.title === name)?.body ?? '';
    if (!CODE_FENCE.test(body)) problems.push(`"## ${name}" needs a js/ts code block`);
  }
  const options = sections.find((section) => section.title === 'Options')?.body ?? '';
  const optionNames = Object.keys(meta.options);
  if (optionNames.length === 0 && !options.includes('This rule has no options.')) {
    problems.push('"## Options" must say "This rule has no options."');
  }
  for (const name of optionNames) {
    if (!options.includes(`\`${name}\``))
      problems.push(`"## Options" does not document \`${name}\``);
  }
  return problems;
}

function sectionsOf(lines: string[]): Array<{ title: string; body: string }> {
  const sections: Array<{ title: string; body: string[] }> = [];
  let inFence = false;
  for (const line of lines) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = !inFence && /^## (.+?)\s*$/.exec(line);
    if (heading) sections.push({ title: heading[1], body: [] });
    else sections.at(-1)?.body.push(line);
  }
  return sections.map((section) => ({ title: section.title, body: section.body.join('\n') }));
}

const noRules = rules.length === 0 ? 'no rules are registered in src/rules/index.ts yet' : false;

test(
  'every registered rule has docs/rules/<id>.md with the template sections',
  { skip: noRules },
  () => {
    const failures: string[] = [];
    for (const rule of rules) {
      const path = join(docsDir, `${rule.id}.md`);
      if (!existsSync(path)) {
        failures.push(`${rule.id}: docs/rules/${rule.id}.md is missing`);
        continue;
      }
      for (const problem of checkRulePage(rule.id, readFileSync(path, 'utf8'), rule.meta)) {
        failures.push(`${rule.id}: ${problem}`);
      }
    }
    assert.deepEqual(failures, []);
  },
);

test('every page in docs/rules belongs to a registered rule', () => {
  const ids = new Set(rules.map((rule) => rule.id));
  const orphans = readdirSync(docsDir)
    .filter((name) => name.endsWith('.md') && name !== 'TEMPLATE.md')
    .filter((name) => !ids.has(name.slice(0, -3)));
  assert.deepEqual(
    orphans,
    [],
    'pages without a rule (renamed rule, or not registered in src/rules/index.ts)',
  );
});

test("the README's ## Rules table links every registered rule", { skip: noRules }, () => {
  const readmePath = join(root, 'README.md');
  assert.ok(existsSync(readmePath), 'README.md is missing');
  const sections = sectionsOf(readFileSync(readmePath, 'utf8').replace(/\r\n/g, '\n').split('\n'));
  const table = sections.find((section) => section.title === 'Rules')?.body;
  assert.ok(table !== undefined, 'README.md has no "## Rules" section');
  const rows = table.split('\n').filter((line) => line.trimStart().startsWith('|'));
  const missing = rules
    .map((rule) => rule.id)
    .filter((id) => !rows.some((row) => row.includes(`[${id}](docs/rules/${id}.md)`)));
  assert.deepEqual(
    missing,
    [],
    'rules without a "| [id](docs/rules/id.md) | ... |" row in the README',
  );
});

test('the template itself passes the page check, and the check catches broken pages', () => {
  const template = readFileSync(join(docsDir, 'TEMPLATE.md'), 'utf8');
  const meta = {
    defaultSeverity: 'warning' as const,
    options: { minDepth: { type: 'number' as const, default: 4, description: 'd' } },
  };
  assert.deepEqual(checkRulePage('rule-id', template, meta), []);

  const broken = template
    .replace(/<!--[\s\S]*?-->/, '')
    .replace('## When not to use it', '## When to skip it')
    .replace(/## Good\n\n```js[\s\S]*?```/, '## Good\n\nNo code here.')
    .replace('`minDepth`', 'minDepth');
  assert.deepEqual(checkRulePage('rule-id', broken, meta), [
    'missing section "## When not to use it"',
    '"## Good" needs a js/ts code block',
    '"## Options" does not document `minDepth`',
  ]);
  assert.deepEqual(checkRulePage('other-id', template, { ...meta, defaultSeverity: 'info' }), [
    'first line must be "# other-id", found "# rule-id"',
    'the line under the title must say "Default severity: **info**"',
  ]);
  assert.deepEqual(checkRulePage('rule-id', template, { ...meta, options: {} }), [
    '"## Options" must say "This rule has no options."',
  ]);
});
