/**
 * `gradient-lens lint [paths...]`: lint files and folders, print them in a format, optionally fix.
 * Exit codes: 0 clean (warnings allowed up to --max-warnings), 1 error-level findings or too many
 * warnings, 2 usage, input, configuration or internal error (one line on stderr).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  ConfigLoader,
  mergeConfig,
  parseRuleFlag,
  type LintConfig,
} from '../../lint/config';
import { collectFiles, FileSelectionError } from '../../lint/files';
import { fixUntilStable, type Fixable } from '../../lint/fix';
import { lintText, type LintDependencies } from '../../lint/index';
import type { LintResult } from '../../lint/types';
import { rules as registry } from '../../rules';
import type { Rule } from '../../rules/types';
import { formatters } from '../formatters';
import { ruleHelpReader } from '../formatters/rule-help';
import { toolInfo } from '../formatters/tool-info';
import { EXIT, UsageError, processIO, type CliIO } from '../io';

const usage = `Usage: gradient-lens lint [paths...] [options]

Lints JS/TS files and folders (default: .) for vanishing/exploding-gradient risks in tfjs models.
Folders are searched for .js .mjs .cjs .jsx .ts .mts .cts .tsx files, skipping node_modules and
what .gitignore ignores. Configuration: the nearest .gradientlensrc.json or package.json "gradientLens".

Options:
  --format stylish|json|sarif    output format (default: stylish)
  --fix                          apply each finding's preferred fix and rewrite the files
  --rule ID=SEVERITY             set a rule's severity (off|info|warning|error); repeatable;
                                 wins over the configuration file
  --max-warnings N               exit 1 when there are more than N warnings
  --report-unused-directives     report disable directives that suppress nothing
  -h, --help                     show this help

Exit codes: 0 clean, 1 error-level findings or too many warnings, 2 usage/input/internal error.
`;

interface LintOptions {
  paths: string[];
  format: string;
  fix: boolean;
  cliConfig: LintConfig;
  maxWarnings: number | null;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  return runLint(argv, io, {});
}

/** The command with its rules (and analyzer) injectable, for tests. */
export async function runLint(
  argv: string[],
  io: CliIO,
  dependencies: LintDependencies,
): Promise<number> {
  const rules = dependencies.rules ?? registry;
  const options = parseOptions(argv, rules);
  if (!options) {
    io.stdout(usage);
    return EXIT.ok;
  }
  const files = selectFiles(options.paths, io.cwd);
  // Every configuration is read before any file is fixed, so a bad one stops the run untouched.
  const loader = new ConfigLoader(rules);
  const configs = files.map((file) => configFor(file, options, loader));
  const results = files.map((file, index) =>
    lintFile(file, configs[index], options.fix, { ...dependencies, rules }),
  );

  const info = toolInfo();
  const color = io === processIO && process.stdout.isTTY === true && !process.env.NO_COLOR;
  io.stdout(
    formatters[options.format](results, {
      cwd: io.cwd,
      color,
      rules,
      toolVersion: info.version,
      informationUri: info.informationUri,
      docsBaseUri: info.docsBaseUri,
      ruleHelp: ruleHelpReader(info.docsDir, info.docsBaseUri),
    }),
  );
  return exitCode(results, options, io);
}

function parseOptions(argv: string[], rules: readonly Rule[]): LintOptions | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'stylish' },
        fix: { type: 'boolean', default: false },
        rule: { type: 'string', multiple: true, default: [] },
        'max-warnings': { type: 'string' },
        'report-unused-directives': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return null;
  const format = values.format ?? 'stylish';
  if (!Object.hasOwn(formatters, format)) {
    throw new UsageError(`unknown --format "${format}" (expected stylish, json or sarif)`);
  }
  let cliConfig: LintConfig = { rules: {} };
  for (const flag of values.rule ?? []) {
    try {
      cliConfig = mergeConfig(cliConfig, parseRuleFlag(flag, rules));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (values['report-unused-directives']) cliConfig.reportUnusedDirectives = true;
  return {
    paths: positionals,
    format,
    fix: values.fix ?? false,
    cliConfig,
    maxWarnings: parseMaxWarnings(values['max-warnings']),
  };
}

function parseMaxWarnings(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(`--max-warnings expects a whole number >= 0, got "${value}"`);
  }
  return Number(value);
}

function selectFiles(paths: string[], cwd: string): string[] {
  let files: string[];
  try {
    files = collectFiles(paths, cwd);
  } catch (error) {
    if (error instanceof FileSelectionError) throw new UsageError(error.message);
    throw error;
  }
  // Linting nothing is almost always a wrong path or an over-broad .gitignore: say so in CI.
  if (files.length === 0) {
    const where = paths.length > 0 ? paths.join(', ') : '.';
    throw new UsageError(
      `no JS/TS files to lint in ${where} (node_modules and .gitignore'd files are skipped)`,
    );
  }
  return files;
}

function configFor(file: string, options: LintOptions, loader: ConfigLoader): LintConfig {
  try {
    return mergeConfig(loader.forFile(file).config, options.cliConfig);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new UsageError(`invalid configuration: ${error.message}`);
    throw error;
  }
}

function lintFile(
  file: string,
  config: LintConfig,
  fix: boolean,
  dependencies: LintDependencies,
): LintResult {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot read ${file}: ${reason}`);
  }
  if (fix) {
    const fixed = fixUntilStable(source, (text) =>
      fixables(lintText(text, file, config, dependencies)),
    );
    if (fixed.output !== source) {
      try {
        writeFileSync(file, fixed.output);
      } catch (error) {
        throw new UsageError(`cannot write ${file}: ${(error as Error).message}`);
      }
      source = fixed.output;
    }
  }
  return lintText(source, file, config, dependencies);
}

/** Rule findings, plus problems that carry a fix (unused directives, when they are reported). */
function fixables(result: LintResult): Fixable[] {
  const problems = result.problems.flatMap((problem) =>
    problem.fix ? [{ fixes: [problem.fix] }] : [],
  );
  return [...result.messages, ...problems];
}

function exitCode(results: LintResult[], options: LintOptions, io: CliIO): number {
  const crashed = results.filter((r) => r.problems.some((p) => p.kind === 'internal'));
  if (crashed.length > 0) {
    io.stderr(
      `gradient-lens lint: internal error while linting ${crashed.length} file(s), first ${crashed[0].filePath}: ${firstInternal(crashed[0])}\n`,
    );
    return EXIT.error;
  }
  if (results.some((r) => r.errorCount > 0)) return EXIT.findings;
  const warnings = results.reduce((sum, r) => sum + r.warningCount, 0);
  if (options.maxWarnings !== null && warnings > options.maxWarnings) {
    io.stderr(
      `gradient-lens lint: ${warnings} warnings, more than --max-warnings ${options.maxWarnings}\n`,
    );
    return EXIT.findings;
  }
  return EXIT.ok;
}

function firstInternal(result: LintResult): string {
  return result.problems.find((p) => p.kind === 'internal')?.message ?? 'unknown';
}
