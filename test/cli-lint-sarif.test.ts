/**
 * `gradient-lens lint --format sarif` produces a valid SARIF 2.1.0 log: checked field by field
 * against the parts of the 2.1.0 schema we emit (required properties, types, enums, URI forms,
 * ruleIndex consistency), since no schema validator is available offline.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type * as Sarif from 'sarif';
import { runLint } from '../src/cli/commands/lint';
import { formatSarif } from '../src/cli/formatters/sarif';
import type { LintResult } from '../src/lint/types';
import { fakeRule, layerRule } from './lint/fake-rules';

const temp = mkdtempSync(join(tmpdir(), 'gl-sarif-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const rules = [
  layerRule('fake-dense', 'dense', 'tf.layers.dense({ units: 1 })'),
  fakeRule('fake-info', () => [], { defaultSeverity: 'info' }),
];
const LEVELS = new Set(['none', 'note', 'warning', 'error']);

/** Returns the violations of the SARIF 2.1.0 constraints that apply to what we emit. */
function sarifViolations(log: Sarif.Log): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  check(log.version === '2.1.0', 'version must be "2.1.0"');
  check(
    typeof log.$schema === 'string' && /^https:\/\//.test(log.$schema),
    '$schema must be an https URI',
  );
  check(Array.isArray(log.runs) && log.runs.length === 1, 'exactly one run');
  for (const run of log.runs ?? []) {
    check(run.columnKind === 'utf16CodeUnits', 'columnKind says columns are UTF-16 code units');
    const driver = run.tool?.driver;
    check(typeof driver?.name === 'string' && driver.name.length > 0, 'tool.driver.name required');
    check(typeof driver?.version === 'string', 'tool.driver.version is a string');
    check(
      driver?.informationUri === undefined || isAbsoluteUri(driver.informationUri),
      'tool.driver.informationUri is an absolute URI',
    );
    check(
      !/file:\/\//.test(JSON.stringify(driver ?? {})),
      'tool.driver has no file:// link (dead in code scanning)',
    );
    const ruleList = driver?.rules ?? [];
    ruleList.forEach((rule, i) => {
      check(typeof rule.id === 'string' && rule.id.length > 0, `rules[${i}].id required`);
      check(typeof rule.shortDescription?.text === 'string', `rules[${i}].shortDescription.text`);
      check(
        rule.helpUri === undefined ||
          (isAbsoluteUri(rule.helpUri) && rule.helpUri.endsWith(`/${rule.id}.md`)),
        `rules[${i}].helpUri`,
      );
      check(
        rule.help === undefined ||
          (typeof rule.help.text === 'string' && typeof rule.help.markdown === 'string'),
        `rules[${i}].help has text and markdown`,
      );
      check(
        LEVELS.has(rule.defaultConfiguration?.level ?? ''),
        `rules[${i}].defaultConfiguration.level`,
      );
    });
    for (const [id, base] of Object.entries(run.originalUriBaseIds ?? {})) {
      check(
        isAbsoluteUri(base.uri) && base.uri!.endsWith('/'),
        `originalUriBaseIds.${id} is an absolute URI ending in /`,
      );
    }
    (run.results ?? []).forEach((result, i) => {
      const at = `results[${i}]`;
      check(typeof result.message?.text === 'string', `${at}.message.text required`);
      check(LEVELS.has(result.level ?? ''), `${at}.level`);
      check(
        typeof result.ruleIndex === 'number' && ruleList[result.ruleIndex]?.id === result.ruleId,
        `${at}.ruleIndex matches ruleId`,
      );
      for (const location of result.locations ?? []) {
        const physical = location.physicalLocation;
        const uri = physical?.artifactLocation?.uri ?? '';
        check(
          uri.length > 0 && !uri.startsWith('/') && !uri.includes('\\'),
          `${at} uri is relative with / separators`,
        );
        check(
          physical?.artifactLocation?.uriBaseId === undefined ||
            physical.artifactLocation.uriBaseId in (run.originalUriBaseIds ?? {}),
          `${at} uriBaseId is declared`,
        );
        const region = physical?.region;
        for (const key of ['startLine', 'startColumn', 'endLine', 'endColumn'] as const) {
          check(
            Number.isInteger(region?.[key]) && region![key]! >= 1,
            `${at}.region.${key} is an integer >= 1`,
          );
        }
      }
      for (const fix of result.fixes ?? []) {
        for (const change of fix.artifactChanges) {
          check(change.replacements.length > 0, `${at} fix has replacements`);
          for (const replacement of change.replacements) {
            const region = replacement.deletedRegion;
            check(
              Number.isInteger(region.charOffset) && Number.isInteger(region.charLength),
              `${at} fix region uses offsets`,
            );
          }
        }
      }
    });
  }
  return problems;
}

function isAbsoluteUri(uri: string | undefined): boolean {
  return typeof uri === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(uri);
}

test('lint --format sarif emits a valid SARIF 2.1.0 log with rules, levels, relative locations and fixes', async () => {
  const dir = join(temp, 'project');
  mkdirSync(join(dir, 'src', 'with space'), { recursive: true });
  writeFileSync(
    join(dir, 'src', 'with space', 'model.js'),
    "import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 4, inputShape: [2] }));\n",
  );
  writeFileSync(
    join(dir, 'src', 'broken.js'),
    "import * as tf from '@tensorflow/tfjs';\nconst m = (;\n",
  );
  const out: string[] = [];
  const code = await runLint(
    ['--format', 'sarif', '--rule', 'fake-dense=error'],
    {
      stdout: (s) => out.push(s),
      stderr: () => {},
      cwd: dir,
    },
    { rules },
  );
  assert.equal(code, 1);
  const log = JSON.parse(out.join('')) as Sarif.Log;
  assert.deepEqual(sarifViolations(log), []);
  const run = log.runs[0];
  assert.deepEqual(
    run.tool.driver.rules?.map((r) => [r.id, r.defaultConfiguration?.level]),
    [
      ['fake-dense', 'warning'],
      ['fake-info', 'note'],
    ],
  );
  assert.equal(run.results?.length, 1);
  const [result] = run.results!;
  assert.equal(result.level, 'error', 'the configured severity, not the default');
  assert.equal(
    result.locations?.[0].physicalLocation?.artifactLocation?.uri,
    'src/with%20space/model.js',
  );
  assert.deepEqual(result.locations?.[0].physicalLocation?.region, {
    startLine: 3,
    startColumn: 11,
    endLine: 3,
    endColumn: 57,
  });
  assert.equal(
    result.fixes?.[0].artifactChanges[0].replacements[0].insertedContent?.text,
    'tf.layers.dense({ units: 1 })',
  );
  const notifications = run.invocations?.[0].toolExecutionNotifications ?? [];
  assert.deepEqual(
    notifications.map((n) => [n.descriptor?.id, n.level]),
    [['gradient-lens/syntax', 'error']],
  );
  assert.equal(run.invocations?.[0].executionSuccessful, true);
});

test('the validator rejects a broken log (so the check above can fail)', () => {
  const result: LintResult = {
    filePath: join(temp, 'x.js'),
    messages: [
      {
        ruleId: 'fake-dense',
        messageId: 'found',
        message: 'm',
        span: { start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 },
        model: 'model',
        fixes: [],
        severity: 'warning',
      },
    ],
    problems: [],
    errorCount: 0,
    warningCount: 1,
    infoCount: 0,
    fixableCount: 0,
    unusedDirectives: [],
  };
  const context = {
    cwd: temp,
    color: false,
    rules,
    toolVersion: '1.0.0',
    informationUri: 'https://example.org/',
    docsBaseUri: 'https://example.org/docs/',
  };
  const log = JSON.parse(formatSarif([result], context)) as Sarif.Log;
  assert.deepEqual(sarifViolations(log), []);
  log.runs[0].results![0].ruleIndex = 1;
  log.runs[0].results![0].level = 'info' as never;
  log.runs[0].tool.driver.informationUri = 'docs/index.html';
  assert.deepEqual(sarifViolations(log), [
    'tool.driver.informationUri is an absolute URI',
    'results[0].level',
    'results[0].ruleIndex matches ruleId',
  ]);
});

test('the real rules carry their docs page as help text and Markdown, and no local links', async () => {
  const dir = join(temp, 'help');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.js'), "import * as tf from '@tensorflow/tfjs';\n");
  const out: string[] = [];
  await runLint(
    ['--format', 'sarif'],
    { stdout: (s) => out.push(s), stderr: () => {}, cwd: dir },
    {},
  );
  const log = JSON.parse(out.join('')) as Sarif.Log;
  assert.deepEqual(sarifViolations(log), []);
  const descriptors = log.runs[0].tool.driver.rules ?? [];
  assert.equal(descriptors.length, 13);
  for (const rule of descriptors) {
    const page = readFileSync(join(__dirname, '..', 'docs', 'rules', `${rule.id}.md`), 'utf8');
    const markdown = rule.help?.markdown ?? '';
    const text = rule.help?.text ?? '';
    assert.ok(markdown.startsWith(`# ${rule.id}\n`), rule.id);
    assert.ok(markdown.includes('## Why') && markdown.includes('## Bad'), rule.id);
    assert.ok(markdown.length > page.length * 0.9, `${rule.id}: the whole page`);
    assert.ok(text.startsWith(`${rule.id}\n`), `${rule.id} text has no Markdown heading`);
    assert.doesNotMatch(text, /^```|\*\*/m);
  }
  // The page links to missing-initializer.md; without a public docs address that is plain text.
  const mismatch = descriptors.find((r) => r.id === 'initializer-mismatch')!;
  assert.match(mismatch.help!.markdown!, /missing-initializer's job/);
  assert.doesNotMatch(JSON.stringify(descriptors), /file:\/\/|\]\(missing-initializer\.md\)/);
});
