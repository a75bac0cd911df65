import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  ConfigError,
  ConfigLoader,
  mergeConfig,
  parseRuleFlag,
  validateConfig,
} from '../../src/lint/config';
import { fakeRule, optionsRule } from './fake-rules';

const rules = [optionsRule, fakeRule('plain', () => [])];
const root = mkdtempSync(join(tmpdir(), 'gl-config-'));
after(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, content: unknown): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  return full;
}

test('accepts severities and [severity, options]', () => {
  const config = validateConfig(
    {
      rules: { plain: 'error', 'with-options': ['info', { minDepth: 6, mode: 'loose' }] },
      reportUnusedDirectives: true,
    },
    'x.json',
    rules,
  );
  assert.deepEqual(config, {
    rules: {
      plain: { severity: 'error', options: {} },
      'with-options': { severity: 'info', options: { minDepth: 6, mode: 'loose' } },
    },
    reportUnusedDirectives: true,
  });
});

const invalid: Array<[string, unknown, RegExp]> = [
  [
    'unknown rule id',
    { rules: { nope: 'warning' } },
    /^cfg\.json: "rules\.nope" is not a known rule$/,
  ],
  ['near-miss rule id', { rules: { 'with-option': 'warning' } }, /did you mean "with-options"/],
  ['bad severity', { rules: { plain: 'warn' } }, /"rules\.plain" has an invalid severity "warn"/],
  [
    'bad severity in a tuple',
    { rules: { plain: ['high'] } },
    /"rules\.plain\[0\]" has an invalid severity/,
  ],
  [
    'unknown option',
    { rules: { 'with-options': ['warning', { depth: 3 }] } },
    /"rules\.with-options\[1\]\.depth" is not an option of with-options \(options: minDepth, mode, enabled\)/,
  ],
  [
    'option of a rule without options',
    { rules: { plain: ['warning', { x: 1 }] } },
    /it has no options/,
  ],
  [
    'wrong option type',
    { rules: { 'with-options': ['warning', { minDepth: 'four' }] } },
    /"rules\.with-options\[1\]\.minDepth" must be a number, got "four"/,
  ],
  [
    'non-finite number',
    { rules: { 'with-options': ['warning', { minDepth: null }] } },
    /must be a number, got null/,
  ],
  [
    'options not an object',
    { rules: { plain: ['warning', 3] } },
    /"rules\.plain\[1\]" must be an object of options/,
  ],
  [
    'too many tuple items',
    { rules: { plain: ['warning', {}, {}] } },
    /must be a severity or \[severity, \{options\}\]/,
  ],
  ['unknown top-level key', { rule: {} }, /"rule" is not a known setting/],
  [
    'rules not an object',
    { rules: [] },
    /"rules" must be an object of rule settings, got an array/,
  ],
  [
    'reportUnusedDirectives not boolean',
    { reportUnusedDirectives: 'yes' },
    /"reportUnusedDirectives" must be true or false/,
  ],
  ['not an object at all', 42, /^cfg\.json: must be an object, got 42$/],
];
for (const [name, raw, message] of invalid) {
  test(`invalid configuration: ${name}`, () => {
    assert.throws(
      () => validateConfig(raw, 'cfg.json', rules),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, message);
        return true;
      },
    );
  });
}

test('finds .gradientlensrc.json upward; the nearest wins; package.json gradientLens counts', () => {
  write('a/.gradientlensrc.json', { rules: { plain: 'error' } });
  write('a/b/package.json', { name: 'b', gradientLens: { rules: { plain: 'info' } } });
  write('a/b/c/package.json', { name: 'c' }); // no gradientLens key: keep looking up
  const loader = new ConfigLoader(rules);
  assert.equal(loader.forFile(join(root, 'a/model.js')).config.rules.plain.severity, 'error');
  const deep = loader.forFile(join(root, 'a/b/c/d/model.js'));
  assert.equal(deep.config.rules.plain.severity, 'info');
  assert.equal(deep.file, join(root, 'a/b/package.json'));
});

test('.gradientlensrc.json wins over package.json in the same folder', () => {
  write('same/package.json', { gradientLens: { rules: { plain: 'info' } } });
  write('same/.gradientlensrc.json', { rules: { plain: 'off' } });
  assert.equal(
    new ConfigLoader(rules).forFile(join(root, 'same/x.ts')).config.rules.plain.severity,
    'off',
  );
});

test('invalid files give errors naming the file and key; results are cached per folder', () => {
  const bad = write('bad/.gradientlensrc.json', '{ "rules": { "plain": "loud" } }');
  const reads: string[] = [];
  const loader = new ConfigLoader(rules, (path) => {
    reads.push(path);
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  });
  const expected = new RegExp(
    `^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: "rules\\.plain" has an invalid severity "loud"`,
  );
  assert.throws(() => loader.forFile(join(root, 'bad/one.js')), { message: expected });
  const count = reads.length;
  assert.throws(() => loader.forFile(join(root, 'bad/two.js')), { message: expected });
  assert.equal(reads.length, count, 'second file in the same folder must not re-read the disk');
  const pkg = write('badpkg/package.json', {
    gradientLens: { rules: { plain: ['warning', { x: 1 }] } },
  });
  assert.throws(() => new ConfigLoader(rules).forFile(join(root, 'badpkg/m.js')), {
    message: `${pkg}: gradientLens: "rules.plain[1].x" is not an option of plain (it has no options)`,
  });
  write('badjson/.gradientlensrc.json', '{ rules: ');
  assert.throws(
    () => new ConfigLoader(rules).forFile(join(root, 'badjson/m.js')),
    /badjson.*invalid JSON/,
  );
});

test('no configuration anywhere gives the empty config', () => {
  const loader = new ConfigLoader(rules, () => null);
  assert.deepEqual(loader.forFile('/nowhere/at/all/x.js'), { config: { rules: {} }, file: null });
});

test('mergeConfig: higher wins per severity and per option, options of lower are kept', () => {
  const file = validateConfig(
    {
      rules: { 'with-options': ['warning', { minDepth: 6, mode: 'loose' }], plain: 'off' },
      reportUnusedDirectives: true,
    },
    'f',
    rules,
  );
  const cli = parseRuleFlag('with-options=error', rules);
  const merged = mergeConfig(file, cli);
  assert.deepEqual(merged.rules['with-options'], {
    severity: 'error',
    options: { minDepth: 6, mode: 'loose' },
  });
  assert.deepEqual(merged.rules.plain, { severity: 'off', options: {} });
  assert.equal(merged.reportUnusedDirectives, true);
  // The editor puts the config file above its own settings: the file's severity wins there.
  const editor = validateConfig(
    { rules: { plain: 'error', 'with-options': ['info', { minDepth: 9 }] } },
    'settings',
    rules,
  );
  const editorMerged = mergeConfig(editor, file);
  assert.equal(editorMerged.rules.plain.severity, 'off');
  assert.deepEqual(editorMerged.rules['with-options'].options, { minDepth: 6, mode: 'loose' });
});

test('parseRuleFlag rejects malformed flags and unknown rules', () => {
  assert.throws(() => parseRuleFlag('plain', rules), /expected RULE-ID=off\|info\|warning\|error/);
  assert.throws(() => parseRuleFlag('nope=error', rules), /"rules\.nope" is not a known rule/);
  assert.throws(() => parseRuleFlag('plain=loud', rules), /invalid severity "loud"/);
  assert.deepEqual(parseRuleFlag(' plain = info ', rules).rules.plain, {
    severity: 'info',
    options: {},
  });
});
