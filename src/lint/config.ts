/**
 * Lint configuration: `.gradientlensrc.json`, or a `gradientLens` key in package.json, found upward
 * from the linted file (the nearest wins; no cascading). Shape:
 *   { "rules": { "rule-id": "off|info|warning|error" | ["warning", { options }] },
 *     "reportUnusedDirectives": true }
 * Validated strictly against the rule registry: a mistake is a ConfigError naming the file and the key,
 * never a silent default.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rule, RuleOptionSpec, Severity } from '../rules/types';

export type OptionValue = number | string | boolean;

export interface RuleSetting {
  severity: Severity;
  /** Only the options the user set; the linter merges them over the rule's defaults. */
  options: Record<string, OptionValue>;
}

export interface LintConfig {
  rules: Record<string, RuleSetting>;
  reportUnusedDirectives?: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const CONFIG_FILE = '.gradientlensrc.json';
const SEVERITIES: readonly Severity[] = ['off', 'info', 'warning', 'error'];

export function emptyConfig(): LintConfig {
  return { rules: {} };
}

/**
 * Validates a parsed configuration object. `where` names its origin in errors,
 * e.g. "/repo/.gradientlensrc.json" or "/repo/package.json: gradientLens".
 */
export function validateConfig(raw: unknown, where: string, rules: readonly Rule[]): LintConfig {
  const fail = (key: string, problem: string): never => {
    throw new ConfigError(`${where}: ${key ? `"${key}" ` : ''}${problem}`);
  };
  if (!isPlainObject(raw)) return fail('', `must be an object, got ${describe(raw)}`);
  const config = emptyConfig();
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$schema') continue;
    if (key === 'reportUnusedDirectives') {
      if (typeof value !== 'boolean') fail(key, `must be true or false, got ${describe(value)}`);
      config.reportUnusedDirectives = value as boolean;
    } else if (key === 'rules') {
      if (!isPlainObject(value))
        fail(key, `must be an object of rule settings, got ${describe(value)}`);
      for (const [ruleId, setting] of Object.entries(value as Record<string, unknown>)) {
        config.rules[ruleId] = validateRuleSetting(ruleId, setting, rules, (k, p) =>
          fail(`rules.${ruleId}${k}`, p),
        );
      }
    } else {
      fail(key, 'is not a known setting (expected "rules" or "reportUnusedDirectives")');
    }
  }
  return config;
}

function validateRuleSetting(
  ruleId: string,
  setting: unknown,
  rules: readonly Rule[],
  fail: (keySuffix: string, problem: string) => never,
): RuleSetting {
  const rule = rules.find((r) => r.id === ruleId);
  if (!rule) return fail('', `is not a known rule${suggest(ruleId, rules)}`);
  const [severity, options, ...extra] = Array.isArray(setting) ? setting : [setting];
  if (Array.isArray(setting) && (setting.length === 0 || extra.length > 0)) {
    fail('', 'must be a severity or [severity, {options}]');
  }
  const severityKey = Array.isArray(setting) ? '[0]' : '';
  if (!SEVERITIES.includes(severity as Severity)) {
    fail(
      severityKey,
      `has an invalid severity ${describe(severity)} (expected ${SEVERITIES.join(', ')})`,
    );
  }
  if (options === undefined) return { severity: severity as Severity, options: {} };
  if (!isPlainObject(options))
    return fail('[1]', `must be an object of options, got ${describe(options)}`);
  const validated: Record<string, OptionValue> = {};
  for (const [name, value] of Object.entries(options)) {
    const spec = rule.meta.options[name];
    if (!spec) {
      const known = Object.keys(rule.meta.options);
      fail(
        `[1].${name}`,
        `is not an option of ${ruleId} (${known.length ? `options: ${known.join(', ')}` : 'it has no options'})`,
      );
    }
    if (typeof value !== spec.type || (typeof value === 'number' && !Number.isFinite(value))) {
      fail(`[1].${name}`, `must be a ${spec.type}, got ${describe(value)}`);
    }
    if (typeof value === 'number') {
      const outOfRange = rangeProblem(value, spec);
      if (outOfRange) fail(`[1].${name}`, outOfRange);
    }
    validated[name] = value as OptionValue;
  }
  return { severity: severity as Severity, options: validated };
}

/** Why a number breaks the option's declared bounds (a clipNorm of 0 would zero every gradient), or null. */
function rangeProblem(value: number, spec: RuleOptionSpec): string | null {
  if (spec.minimum !== undefined && value < spec.minimum)
    return `must be at least ${spec.minimum}, got ${value}`;
  if (spec.exclusiveMinimum !== undefined && value <= spec.exclusiveMinimum)
    return `must be greater than ${spec.exclusiveMinimum}, got ${value}`;
  return null;
}

/**
 * Merges two configurations; `higher` wins per rule severity and per option. The CLI puts its
 * `--rule` flags above the config file; the editor puts the config file above its own settings.
 */
export function mergeConfig(lower: LintConfig, higher: LintConfig): LintConfig {
  const rules: Record<string, RuleSetting> = { ...lower.rules };
  for (const [id, setting] of Object.entries(higher.rules)) {
    const base = lower.rules[id];
    rules[id] = { severity: setting.severity, options: { ...base?.options, ...setting.options } };
  }
  const reportUnusedDirectives = higher.reportUnusedDirectives ?? lower.reportUnusedDirectives;
  return reportUnusedDirectives === undefined ? { rules } : { rules, reportUnusedDirectives };
}

/** Parses a CLI flag `RULE-ID=SEVERITY` into a one-rule configuration. */
export function parseRuleFlag(flag: string, rules: readonly Rule[]): LintConfig {
  const match = /^([^=]+)=(.*)$/.exec(flag);
  if (!match) throw new ConfigError(`--rule "${flag}": expected RULE-ID=off|info|warning|error`);
  const [, id, severity] = match;
  return validateConfig({ rules: { [id.trim()]: severity.trim() } }, '--rule', rules);
}

export interface FoundConfig {
  config: LintConfig;
  /** The file it came from; null when none was found up to the file system root. */
  file: string | null;
}

/** Finds and validates the configuration for files, caching per directory (one loader per run). */
export class ConfigLoader {
  private readonly byDirectory = new Map<string, FoundConfig | ConfigError>();

  constructor(
    private readonly rules: readonly Rule[],
    private readonly readText: (path: string) => string | null = readIfExists,
  ) {}

  /** Throws ConfigError when the nearest configuration is invalid. */
  forFile(filePath: string): FoundConfig {
    return this.forDirectory(dirname(filePath));
  }

  forDirectory(directory: string): FoundConfig {
    const cached = this.byDirectory.get(directory);
    if (cached instanceof ConfigError) throw cached;
    if (cached) return cached;
    let found: FoundConfig | ConfigError;
    try {
      found = this.readDirectory(directory);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      found = error;
    }
    this.byDirectory.set(directory, found);
    if (found instanceof ConfigError) throw found;
    return found;
  }

  private readDirectory(directory: string): FoundConfig {
    const rcPath = join(directory, CONFIG_FILE);
    const rcText = this.readText(rcPath);
    if (rcText !== null)
      return {
        config: validateConfig(parseJson(rcText, rcPath), rcPath, this.rules),
        file: rcPath,
      };
    const pkgPath = join(directory, 'package.json');
    const pkgText = this.readText(pkgPath);
    if (pkgText !== null) {
      const pkg = parseJson(pkgText, pkgPath);
      if (isPlainObject(pkg) && 'gradientLens' in pkg) {
        return {
          config: validateConfig(pkg.gradientLens, `${pkgPath}: gradientLens`, this.rules),
          file: pkgPath,
        };
      }
    }
    const parent = dirname(directory);
    return parent === directory ? { config: emptyConfig(), file: null } : this.forDirectory(parent);
  }
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new ConfigError(`${path}: cannot be read (${code ?? (error as Error).message})`);
  }
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`${path}: invalid JSON (${(error as Error).message})`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return value === null || typeof value !== 'object' ? JSON.stringify(value) : 'an object';
}

function suggest(id: string, rules: readonly Rule[]): string {
  const close = rules.find((r) => r.id.includes(id) || id.includes(r.id));
  return close ? ` (did you mean "${close.id}"?)` : '';
}
