/**
 * Every plugin rule under ESLint's own RuleTester: the docs page's "Good" code is valid, its "Bad"
 * code raises exactly what `gradient-lens lint` raises for that rule (message, line, column, end),
 * `eslint --fix` writes the preferred fix and each other fix is a suggestion with its output.
 * Then the plugin's own behaviour: options through the schema, bad options refused, severities
 * from the ESLint config only, eslint-disable comments.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, test } from 'node:test';
import { Linter, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin from '../../packages/eslint-plugin/src/index';
import { applyPreferredFixes, applyEdits } from '../../src/lint/fix';
import { lintText } from '../../src/lint/index';
import { rules } from '../../src/rules';
import type { LintMessage, Rule } from '../../src/rules/types';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const root = join(__dirname, '..', '..');
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

/** The js/ts code blocks under a "## Title" section of a rule's page. */
function codeBlocks(ruleId: string, title: string): string[] {
  const page = readFileSync(join(root, 'docs', 'rules', `${ruleId}.md`), 'utf8');
  const section = page.split(/^## /m).find((part) => part.startsWith(`${title}\n`)) ?? '';
  return [...section.matchAll(/^```(?:js|ts|javascript|typescript)\n([\s\S]*?)^```/gm)].map(
    (m) => m[1],
  );
}

/** What the CLI's linter reports for this rule alone as warnings (the plugin leaves hints out). */
function coreMessages(rule: Rule, code: string): LintMessage[] {
  const config = { rules: { [rule.id]: { severity: 'warning' as const, options: {} } } };
  return lintText(code, 'model.ts', config, { rules: [rule] }).messages.filter((m) => !m.hint);
}

for (const rule of rules) {
  const bad = codeBlocks(rule.id, 'Bad');
  tester.run(rule.id, plugin.rules[rule.id], {
    valid: codeBlocks(rule.id, 'Good').map((code) => ({ code, filename: 'model.ts' })),
    invalid: bad.map((code) => {
      const messages = coreMessages(rule, code);
      assert.ok(messages.length > 0, `the "Bad" code of ${rule.id} must raise it`);
      const fixed = applyPreferredFixes(code, messages).output;
      return {
        code,
        filename: 'model.ts',
        output: fixed === code ? null : fixed,
        errors: messages.map((m) => ({
          message: m.message,
          line: m.span.line,
          column: m.span.column,
          endLine: m.span.endLine,
          endColumn: m.span.endColumn,
          suggestions: m.fixes
            .filter((fix) => !(fix.preferred && rule.meta.fixable))
            .map((fix) => ({ desc: fix.title, output: applyEdits(code, fix.edits) })),
        })),
      };
    }),
  });
}

const deepSigmoid = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [8], units: 16, activation: 'sigmoid', kernelInitializer: 'glorotUniform' }));
model.add(tf.layers.dense({ units: 16, activation: 'sigmoid', kernelInitializer: 'glorotUniform' }));
model.add(tf.layers.dense({ units: 1 }));
`;

tester.run('saturating-activation options', plugin.rules['saturating-activation'], {
  valid: [
    { code: deepSigmoid, filename: 'model.ts', name: 'depth 3 is below the default minDepth' },
  ],
  invalid: [
    {
      name: 'minDepth 3 through the ESLint options',
      code: deepSigmoid,
      filename: 'model.ts',
      options: [{ vanishingRatio: 1, hintRatio: 1 }],
      output: deepSigmoid
        .replace(
          "units: 16, activation: 'sigmoid', kernelInitializer: 'glorotUniform' }));\nmodel.add(tf.layers.dense({ units: 16",
          "units: 16, activation: 'relu', kernelInitializer: 'heUniform' }));\nmodel.add(tf.layers.dense({ units: 16",
        )
        .replace(
          "{ units: 16, activation: 'sigmoid', kernelInitializer: 'glorotUniform' }",
          "{ units: 16, activation: 'relu', kernelInitializer: 'heUniform' }",
        ),
      errors: [
        { message: /sigmoid/, line: 3, column: 69, suggestions: [] },
        { message: /sigmoid/, line: 4, column: 52, suggestions: [] },
      ],
    },
  ],
});

test('an option outside its schema is refused by ESLint, naming the rule', () => {
  const linter = new Linter();
  const config = [
    { plugins: { 'gradient-lens': plugin } },
    { rules: { 'gradient-lens/saturating-activation': ['warn', { vanishingRatio: 'deep' }] } },
  ] as Linter.Config[];
  assert.throws(
    () => linter.verify(deepSigmoid, config, 'model.js'),
    /gradient-lens\/saturating-activation[\s\S]*"deep" should be number/,
  );
  const unknown = [
    { plugins: { 'gradient-lens': plugin } },
    { rules: { 'gradient-lens/saturating-activation': ['warn', { depth: 3 }] } },
  ] as Linter.Config[];
  assert.throws(() => linter.verify(deepSigmoid, unknown, 'model.js'), /additional properties/i);
});

describe('severity and directives', () => {
  const temp = mkdtempSync(join(tmpdir(), 'gl-eslint-'));
  after(() => rmSync(temp, { recursive: true, force: true }));

  it('takes severities from the ESLint config even beside a .gradientlensrc.json', () => {
    writeFileSync(
      join(temp, '.gradientlensrc.json'),
      JSON.stringify({ rules: { 'saturating-activation': 'off' } }),
    );
    const file = join(temp, 'model.js');
    writeFileSync(file, deepSigmoid);
    const config: Linter.Config[] = [
      plugin.configs.recommended,
      {
        rules: {
          'gradient-lens/saturating-activation': ['error', { vanishingRatio: 1, hintRatio: 1 }],
          'gradient-lens/missing-initializer': 'off',
        },
      },
    ];
    const messages = new Linter({ cwd: temp }).verify(deepSigmoid, config, file);
    const saturating = messages.filter((m) => m.ruleId === 'gradient-lens/saturating-activation');
    assert.deepEqual(
      saturating.map((m) => [m.line, m.severity]),
      [
        [3, 2],
        [4, 2],
      ],
    );
    assert.equal(
      messages.filter((m) => m.ruleId === 'gradient-lens/missing-initializer').length,
      0,
    );
  });

  it('honours eslint-disable-next-line for one rule and keeps the others', () => {
    const code = deepSigmoid.replace(
      'model.add(tf.layers.dense({ units: 16,',
      '// eslint-disable-next-line gradient-lens/saturating-activation -- a gate\nmodel.add(tf.layers.dense({ units: 16,',
    );
    const config: Linter.Config[] = [
      plugin.configs.recommended,
      {
        rules: {
          'gradient-lens/saturating-activation': ['warn', { vanishingRatio: 1, hintRatio: 1 }],
        },
      },
    ];
    const messages = new Linter().verify(code, config, 'model.js');
    assert.deepEqual(
      messages.filter((m) => m.ruleId === 'gradient-lens/saturating-activation').map((m) => m.line),
      [3],
    );
  });

  it('recommended sets every rule to its default severity (info rules off: ESLint has no info)', () => {
    const severities = plugin.configs.recommended.rules ?? {};
    assert.equal(Object.keys(severities).length, rules.length);
    for (const rule of rules) {
      const expected = { error: 'error', warning: 'warn', info: 'off' }[
        rule.meta.defaultSeverity as 'error' | 'warning' | 'info'
      ];
      assert.equal(severities[`gradient-lens/${rule.id}`], expected, rule.id);
      assert.match(plugin.rules[rule.id].meta?.docs?.url ?? '', new RegExp(`/${rule.id}\\.md$`));
    }
  });
});
