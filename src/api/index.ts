/**
 * The npm package's public API (`require('gradient-lens')` / `import ... from 'gradient-lens'`):
 * the same analyzer, linter and probe the CLI and the editor use, as plain data in and out.
 * Nothing here prints, exits or reads configuration unless asked to.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyzeAst as analyzeTree, analyze as analyzeSource } from '../analysis';
import type { AnalysisResult, ModelGraph } from '../analysis/ir';
import {
  ConfigLoader,
  emptyConfig,
  mergeConfig,
  validateConfig,
  type LintConfig,
} from '../lint/config';
import { collectFiles } from '../lint/files';
import { fixUntilStable } from '../lint/fix';
import { lintText } from '../lint/index';
import type { LintResult } from '../lint/types';
import { runProbe } from '../probe/client';
import { PROBE_DEFAULTS, THRESHOLD_DEFAULTS } from '../probe/defaults';
import { resolveUnknowns } from '../probe/resolve';
import { isSavedModelPath } from '../probe/saved-files';
import { selectModel } from '../probe/select';
import { ProbeError, type BackendChoice, type ProbeReport } from '../probe/types';
import { rules as registry } from '../rules';
import type { RuleMeta, Severity } from '../rules/types';

export type * from '../analysis/ir';
export type { LintMessage, LintProblem, LintResult, UnusedDirective } from '../lint/types';
export type { Fix, Finding, RuleMeta, Severity, TextEdit } from '../rules/types';
export type { BackendChoice, LayerProbe, ProbeReport, Verdict, WeightProbe } from '../probe/types';
export { ProbeError };
export { gradientMonitor, monitorOptimizer } from '../monitor';

/** A rule's setting, as in `.gradientlensrc.json`: `"warning"` or `["warning", { minDepth: 6 }]`. */
export type RuleSettingInput =
  Severity | [Severity] | [Severity, Record<string, number | string | boolean>];

export interface LintOptions {
  /** Decides the parser's JSX/TS mode and is echoed in the result (default `input.ts`). */
  filePath?: string;
  /** Rule settings; they win over a configuration file. */
  rules?: Record<string, RuleSettingInput>;
  /** Also read the nearest `.gradientlensrc.json` / package.json `gradientLens` (default false). */
  useConfigFile?: boolean;
  /** Report gradient-lens-disable directives that suppress nothing. */
  reportUnusedDirectives?: boolean;
}

export interface LintOutput extends LintResult {
  /** The source with every preferred fix applied, as `--fix` writes it (the input when none applies). */
  output: string;
}

/** The extractor alone: the models (ModelGraph IR) a file defines. Never throws. */
export function analyze(source: string, filePath = 'input.ts'): AnalysisResult {
  return analyzeSource(source, filePath);
}

/** An ESTree Program as ESLint (`context.sourceCode.ast`), typescript-estree or espree give it. */
export interface EstreeProgram {
  type: 'Program';
  body: unknown[];
  range: [number, number];
  loc: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/** The extractor over a tree someone already parsed (with `range` and `loc`): no second parse. */
export function analyzeAst(
  ast: EstreeProgram,
  source: string,
  filePath = 'input.ts',
): AnalysisResult {
  return analyzeTree(ast as unknown as Parameters<typeof analyzeTree>[0], source, filePath);
}

/** Lints one source text. Throws only for invalid `rules` settings (naming the key). */
export function lint(source: string, options: LintOptions = {}): LintOutput {
  const filePath = options.filePath ?? 'input.ts';
  let config = options.useConfigFile
    ? new ConfigLoader(registry).forFile(resolve(filePath)).config
    : emptyConfig();
  config = mergeConfig(config, settingsConfig(options));
  const result = lintText(source, filePath, config);
  // As `--fix` does: a fix can uncover the next finding, so re-lint until nothing more applies.
  const output =
    result.fixableCount === 0
      ? source
      : fixUntilStable(source, (text) => lintText(text, filePath, config).messages).output;
  return { ...result, output };
}

/** Lints files and folders the way `gradient-lens lint` does (configuration files included). */
export function lintFiles(
  paths: readonly string[],
  options: Omit<LintOptions, 'filePath' | 'useConfigFile'> & { cwd?: string } = {},
): LintResult[] {
  const cwd = options.cwd ?? process.cwd();
  const loader = new ConfigLoader(registry);
  const cli = settingsConfig(options);
  return collectFiles(paths, cwd).map((file) =>
    lintText(readFileSync(file, 'utf8'), file, mergeConfig(loader.forFile(file).config, cli)),
  );
}

/** Every rule's id and metadata (description, default severity, options, messages). */
export const rules: ReadonlyArray<{ id: string; meta: RuleMeta }> = registry.map((rule) => ({
  id: rule.id,
  meta: rule.meta,
}));

export interface ProbeOptions {
  /** The model's variable or builder name, or a line inside its definition, when a file has several. */
  model?: string;
  line?: number;
  /** Values for expressions the code leaves open, keyed by their text (the CLI's `--set`). */
  values?: Record<string, string>;
  backend?: BackendChoice;
  /** Load tfjs from the probed file's project when it has one (default true). */
  useProjectTfjs?: boolean;
  batchSize?: number;
  steps?: number;
  seed?: number;
  timeoutMs?: number;
  maxHeapMb?: number;
  maxParams?: number;
  thresholds?: { vanishingRatio?: number; explodingRatio?: number; maxUpdateRatio?: number };
  signal?: AbortSignal;
}

/**
 * Builds a model in tfjs in a child process and measures its per-layer gradient norms.
 * `file` is a JS/TS source (its model is found by the extractor), a Keras/tfjs `model.json`, or a Keras
 * `.h5` / `.keras` file (probed with its weights).
 * Rejects with a ProbeError (its `code` says why) when the model cannot be probed.
 */
export function probe(file: string, options: ProbeOptions = {}): Promise<ProbeReport> {
  const path = resolve(file);
  let target;
  try {
    target = probeTarget(path, options);
  } catch (error) {
    return Promise.reject(error);
  }
  return runProbe(
    {
      target,
      values: options.values ?? {},
      batchSize: options.batchSize ?? PROBE_DEFAULTS.batchSize,
      steps: options.steps ?? PROBE_DEFAULTS.steps,
      seed: options.seed ?? PROBE_DEFAULTS.seed,
      thresholds: { ...THRESHOLD_DEFAULTS, ...options.thresholds },
      maxParams: options.maxParams ?? PROBE_DEFAULTS.maxParams,
    },
    {
      backend: options.backend ?? 'auto',
      allowProjectTfjs: options.useProjectTfjs ?? true,
      searchFrom: dirname(path),
      timeoutMs: options.timeoutMs ?? PROBE_DEFAULTS.timeoutSeconds * 1000,
      maxHeapMb: options.maxHeapMb ?? PROBE_DEFAULTS.maxHeapMb,
      signal: options.signal,
    },
  );
}

function probeTarget(
  path: string,
  options: ProbeOptions,
): { kind: 'model-json'; path: string } | { kind: 'ir'; model: ModelGraph; filePath: string } {
  if (isSavedModelPath(path)) return { kind: 'model-json', path };
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProbeError('bad-input', `cannot read ${path}: ${(error as Error).message}`);
  }
  const selection = selectModel(analyzeSource(source, path).models, options);
  if (!selection.ok) throw new ProbeError('bad-input', selection.message);
  const { model, missing } = resolveUnknowns(selection.model, options.values ?? {});
  if (missing.length > 0) {
    throw new ProbeError(
      'unresolved',
      `model "${model.name}" needs values the code leaves open: ${missing.join(', ')}`,
    );
  }
  return { kind: 'ir', model, filePath: path };
}

function settingsConfig(
  options: Pick<LintOptions, 'rules' | 'reportUnusedDirectives'>,
): LintConfig {
  const raw: Record<string, unknown> = { rules: options.rules ?? {} };
  if (options.reportUnusedDirectives !== undefined) {
    raw.reportUnusedDirectives = options.reportUnusedDirectives;
  }
  return validateConfig(raw, 'lint options', registry);
}
