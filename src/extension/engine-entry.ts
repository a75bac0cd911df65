/**
 * The engine bundle (dist/engine.js): parser, extractor, rules, linter, estimate, probe client and
 * report view. The extension requires it lazily, the first time a file that imports tfjs is
 * linted, so activation stays cheap. No vscode here: plain data in, plain data out.
 */
import { analyze } from '../analysis';
import type { AnalysisResult, ModelGraph } from '../analysis/ir';
import { mentionsTfjs } from '../analysis/js/parse';
import { lintText, type LintResult } from '../lint';
import {
  ConfigError,
  ConfigLoader,
  mergeConfig,
  validateConfig,
  type LintConfig,
} from '../lint/config';
import { applyEdits, fixUntilStable } from '../lint/fix';
import { rules } from '../rules';
import { runProbe, shutdownProbeWorker } from '../probe/client';
import { resolveUnknowns } from '../probe/resolve';
import { selectModel } from '../probe/select';
import { estimateGradients } from '../estimate';
import { renderReportBody } from '../report';
import { isAbsolute } from 'node:path';
import { lintWorkspaceFile } from '../workspace/lint';
import { ProjectWorkspaces } from '../workspace/node-host';
import { monitorInsertion } from './monitor-insert';

export {
  applyEdits,
  estimateGradients,
  mentionsTfjs,
  monitorInsertion,
  renderReportBody,
  resolveUnknowns,
  runProbe,
  selectModel,
  shutdownProbeWorker,
};

export interface EngineLint {
  result: LintResult;
  /** Null when the file could not be analyzed (it does not parse). */
  analysis: AnalysisResult | null;
  /** The config file that applied, if any. */
  configFile: string | null;
  /** Invalid settings or config file: linting went on without them, and the user must be told. */
  configErrors: string[];
}

export interface SettingsConfig {
  rules: unknown;
  reportUnusedDirectives: boolean;
}

let loader = new ConfigLoader(rules);
/** One workspace per project root, kept for the session: an edit re-analyses only what it affects. */
const workspaces = new ProjectWorkspaces(process.cwd(), true);

/** Forget cached config files (one changed on disk). */
export function resetConfigCache(): void {
  loader = new ConfigLoader(rules);
}

/**
 * Lints one document. The settings' rules sit below the nearest config file, which wins where both
 * set a rule. Parses once: the analysis used by the rules is returned for CodeLens, hovers, probes.
 */
export function lintDocument(
  source: string,
  filePath: string,
  settings: SettingsConfig,
): EngineLint {
  const configErrors: string[] = [];
  let config: LintConfig = { rules: {}, reportUnusedDirectives: settings.reportUnusedDirectives };
  try {
    config = validateConfig(
      { rules: settings.rules ?? {}, reportUnusedDirectives: settings.reportUnusedDirectives },
      'Setting gradientLens.rules',
      rules,
    );
  } catch (error) {
    configErrors.push(describe(error));
  }
  let configFile: string | null = null;
  try {
    const found = loader.forFile(filePath);
    configFile = found.file;
    config = mergeConfig(config, found.config);
  } catch (error) {
    configErrors.push(describe(error));
  }
  let analysis: AnalysisResult | null = null;
  let result: LintResult;
  if (isAbsolute(filePath)) {
    const linted = lintWorkspaceFile(workspaces.forFile(filePath), filePath, source, config);
    result = linted.result;
    analysis = linted.analysis;
  } else {
    result = lintText(source, filePath, config, {
      analyze: (text, path) => (analysis = analyze(text, path)),
    });
  }
  const parsed = analysis as AnalysisResult | null;
  const usable =
    parsed && !parsed.problems.some((p) => p.kind === 'syntax' || p.kind === 'too-large');
  return { result, analysis: usable ? parsed : null, configFile, configErrors };
}

/**
 * A file was saved: its workspace takes the new text, and the files whose analysis read it
 * (its importers, the builder it calls) are returned so the editor lints them again.
 */
export function fileSaved(filePath: string, text: string): string[] {
  if (!isAbsolute(filePath)) return [];
  const ws = workspaces.forFile(filePath);
  const dependents = ws.dependents(filePath);
  ws.update(filePath, text);
  return dependents;
}

/** Applies every preferred fix, re-linting between passes, like `gradient-lens lint --fix`. */
export function fixAll(source: string, filePath: string, settings: SettingsConfig): string {
  return fixUntilStable(source, (text) => lintDocument(text, filePath, settings).result.messages)
    .output;
}

/** Re-analyzes text (e.g. the document with a fix applied in memory) and returns its models. */
export function modelsOf(source: string, filePath: string): ModelGraph[] {
  return analyze(source, filePath).models;
}

export function ruleIds(): string[] {
  return rules.map((r) => r.id);
}

function describe(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
