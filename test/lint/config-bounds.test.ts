/**
 * Number options with declared bounds (`minimum`, `exclusiveMinimum` in RuleOptionSpec): a value outside
 * them is a ConfigError naming the file, the rule and the option, never a silently broken rule.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, ConfigLoader, validateConfig } from '../../src/lint/config';
import { rules as registry } from '../../src/rules';
import { fakeRule } from './fake-rules';

const bounded = fakeRule('bounded', () => [], {
  options: {
    steps: { type: 'number', default: 30, description: 'steps', minimum: 1 },
    norm: { type: 'number', default: 1, description: 'norm', exclusiveMinimum: 0 },
    both: { type: 'number', default: 5, description: 'both', minimum: 2, exclusiveMinimum: 3 },
    free: { type: 'number', default: 4, description: 'unbounded' },
  },
});
const rules = [bounded];

function configWith(options: Record<string, unknown>): unknown {
  return { rules: { bounded: ['warning', options] } };
}

function rejects(options: Record<string, unknown>, message: RegExp): void {
  assert.throws(
    () => validateConfig(configWith(options), 'cfg.json', rules),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

test('values on or inside the bounds are accepted as given', () => {
  const config = validateConfig(
    configWith({ steps: 1, norm: 1e-9, both: 3.5, free: -100 }),
    'cfg.json',
    rules,
  );
  assert.deepEqual(config.rules.bounded.options, { steps: 1, norm: 1e-9, both: 3.5, free: -100 });
});

test('minimum: a smaller value is rejected, naming the rule and option', () => {
  rejects({ steps: 0 }, /^cfg\.json: "rules\.bounded\[1\]\.steps" must be at least 1, got 0$/);
  rejects({ steps: -3.5 }, /"rules\.bounded\[1\]\.steps" must be at least 1, got -3\.5$/);
});

test('exclusiveMinimum: the bound itself and anything below are rejected', () => {
  rejects({ norm: 0 }, /^cfg\.json: "rules\.bounded\[1\]\.norm" must be greater than 0, got 0$/);
  rejects({ norm: -1 }, /"rules\.bounded\[1\]\.norm" must be greater than 0, got -1$/);
});

test('both bounds declared: each is enforced', () => {
  rejects({ both: 1 }, /"rules\.bounded\[1\]\.both" must be at least 2, got 1$/);
  rejects({ both: 3 }, /"rules\.bounded\[1\]\.both" must be greater than 3, got 3$/);
});

test('the type check still comes first: a string is not compared with the bound', () => {
  rejects({ steps: '0' }, /"rules\.bounded\[1\]\.steps" must be a number, got "0"$/);
});

const root = mkdtempSync(join(tmpdir(), 'gl-config-bounds-'));
after(() => rmSync(root, { recursive: true, force: true }));

function writeConfig(folder: string, file: string, content: unknown): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

test('the real rules: out-of-range options in .gradientlensrc.json name the file, rule and option', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'clip',
      { 'rnn-without-clipping': ['warning', { clipNorm: 0 }] },
      'rnn-without-clipping[1].clipNorm" must be greater than 0, got 0',
    ],
    [
      'steps',
      { 'simple-rnn-long-sequence': ['warning', { maxSteps: 0 }] },
      'simple-rnn-long-sequence[1].maxSteps" must be at least 1, got 0',
    ],
    [
      'rate',
      { 'high-learning-rate': ['error', { maxUpdateRatio: -0.01 }] },
      'high-learning-rate[1].maxUpdateRatio" must be greater than 0, got -0.01',
    ],
  ];
  for (const [folder, ruleSettings, tail] of cases) {
    const path = writeConfig(folder, '.gradientlensrc.json', { rules: ruleSettings });
    assert.throws(() => new ConfigLoader(registry).forFile(join(root, folder, 'model.ts')), {
      name: 'ConfigError',
      message: `${path}: "rules.${tail}`,
    });
  }
});

test('the real rules: the same bounds apply to a package.json gradientLens key', () => {
  const path = writeConfig('pkg', 'package.json', {
    name: 'x',
    gradientLens: { rules: { 'simple-rnn-long-sequence': ['warning', { maxSteps: 0.5 }] } },
  });
  assert.throws(() => new ConfigLoader(registry).forFile(join(root, 'pkg', 'model.js')), {
    message: `${path}: gradientLens: "rules.simple-rnn-long-sequence[1].maxSteps" must be at least 1, got 0.5`,
  });
});

test('the real rules: in-range values load', () => {
  writeConfig('ok', '.gradientlensrc.json', {
    rules: {
      'rnn-without-clipping': ['warning', { clipNorm: 0.5 }],
      'simple-rnn-long-sequence': ['info', { maxSteps: 1 }],
    },
  });
  const found = new ConfigLoader(registry).forFile(join(root, 'ok', 'model.ts'));
  assert.deepEqual(found.config.rules['rnn-without-clipping'].options, { clipNorm: 0.5 });
  assert.deepEqual(found.config.rules['simple-rnn-long-sequence'].options, { maxSteps: 1 });
});
