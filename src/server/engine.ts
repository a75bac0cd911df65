/**
 * Runs the linter for one document version and keeps what the editor features need: the findings,
 * the analysis (models for CodeLens, hovers, hints), and, while the file does not parse, the last
 * good findings with the text their offsets belong to, so they stay visible and marked stale.
 */
import { isAbsolute } from 'node:path';
import { analyze, mentionsModelFramework } from '../analysis';
import type { AnalysisResult } from '../analysis/ir';
import { lintText } from '../lint';
import {
  ConfigError,
  ConfigLoader,
  mergeConfig,
  validateConfig,
  type LintConfig,
} from '../lint/config';
import { fixUntilStable } from '../lint/fix';
import type { LintResult, LintProblem } from '../lint/types';
import { rules } from '../rules';
import type { LintMessage } from '../rules/types';
import { lintWorkspaceFile } from '../workspace/lint';
import { ProjectWorkspaces } from '../workspace/node-host';
import type { ServerSettings } from './settings';

export interface DocumentLint {
  version: number;
  /** The text the offsets of `messages` and `analysis` refer to (an older one when stale). */
  text: string;
  messages: LintMessage[];
  /** Directive problems (unknown rule, unused directive...) of this version. */
  problems: LintProblem[];
  analysis: AnalysisResult | null;
  /** Set when this version does not parse; `messages` are then the last good version's. */
  parseError: LintProblem | null;
  stale: boolean;
  /** False when the file was not analysed at all (disabled, or it never names tfjs). */
  analysed: boolean;
  configErrors: string[];
  lintMs: number;
}

export class LintEngine {
  private loader = new ConfigLoader(rules);
  /**
   * One workspace index per project root, kept for the session: imported constants and builders
   * resolve, and an edit re-analyses only what it affects. A file outside any project is its
   * folder's only (the server's working directory can be anything).
   */
  private readonly workspaces = new ProjectWorkspaces(process.cwd(), true);

  /** A config file changed on disk: read config files afresh. */
  resetConfigFiles(): void {
    this.loader = new ConfigLoader(rules);
  }

  /**
   * A file's text changed outside the buffer being linted (saved, or changed on disk; undefined
   * when deleted): the index takes it, and the files whose analysis read it are returned.
   */
  fileChanged(filePath: string, text: string | undefined): string[] {
    if (!isAbsolute(filePath)) return [];
    const ws = this.workspaces.forFile(filePath);
    const dependents = ws.dependents(filePath);
    ws.update(filePath, text);
    return dependents;
  }

  /** The models of a text (a document with edits applied in memory), outside the index. */
  modelsOf(text: string, filePath: string): AnalysisResult['models'] {
    return analyze(text, filePath).models;
  }

  lint(
    text: string,
    filePath: string,
    version: number,
    settings: ServerSettings,
    previous: DocumentLint | undefined,
  ): DocumentLint {
    const started = performance.now();
    const empty: DocumentLint = {
      version,
      text,
      messages: [],
      problems: [],
      analysis: null,
      parseError: null,
      stale: false,
      analysed: false,
      configErrors: [],
      lintMs: 0,
    };
    if (!settings.enable || !this.reachesModelFramework(text, filePath)) return empty;
    const { config, configErrors } = this.configFor(filePath, settings);
    const { result, analysis } = this.run(text, filePath, config);
    const parseError =
      result.problems.find((p) => p.kind === 'syntax' || p.kind === 'too-large') ?? null;
    const problems = result.problems.filter((p) => DIRECTIVE_PROBLEMS.has(p.kind));
    const lintMs = performance.now() - started;
    if (parseError) {
      // Keep the last good findings (their offsets belong to the last good text), marked stale.
      const good = previous;
      return {
        ...empty,
        text: good?.text ?? text,
        messages: good?.messages ?? [],
        analysis: good?.analysis ?? null,
        problems: [],
        parseError,
        stale: (good?.messages.length ?? 0) > 0 || good?.analysis != null,
        analysed: true,
        configErrors,
        lintMs,
      };
    }
    return {
      ...empty,
      messages: result.messages,
      problems,
      analysis,
      analysed: true,
      configErrors,
      lintMs,
    };
  }

  /**
   * Whether the document is model code: it names tfjs or Keras, or (a file of a project) it gets
   * tfjs from the workspace, as the CLI's lint of the project sees it.
   */
  private reachesModelFramework(text: string, filePath: string): boolean {
    if (mentionsModelFramework(text, filePath)) return true;
    if (!isAbsolute(filePath)) return false;
    const ws = this.workspaces.forFile(filePath);
    ws.update(filePath, text);
    return ws.getsTfjsFromWorkspace(filePath);
  }

  /** Every preferred fix, re-linting between passes, like `gradient-lens lint --fix`. */
  fixAll(text: string, filePath: string, settings: ServerSettings): string {
    const { config } = this.configFor(filePath, settings);
    return fixUntilStable(text, (source) => {
      const { result } = this.run(source, filePath, config);
      return [
        ...result.messages,
        ...result.problems.flatMap((p) => (p.fix ? [{ fixes: [p.fix] }] : [])),
      ];
    }).output;
  }

  /** A file on disk lints as part of its project (the CLI does the same); an untitled buffer alone. */
  private run(
    text: string,
    filePath: string,
    config: LintConfig,
  ): { result: LintResult; analysis: AnalysisResult | null } {
    if (isAbsolute(filePath))
      return lintWorkspaceFile(this.workspaces.forFile(filePath), filePath, text, config);
    let analysis: AnalysisResult | null = null;
    const result = lintText(text, filePath, config, {
      analyze: (source, path) => (analysis = analyze(source, path)),
    });
    return { result, analysis };
  }

  private configFor(
    filePath: string,
    settings: ServerSettings,
  ): { config: LintConfig; configErrors: string[] } {
    const configErrors: string[] = [];
    let config: LintConfig = { rules: {}, reportUnusedDirectives: settings.reportUnusedDirectives };
    try {
      config = validateConfig(
        { rules: settings.rules, reportUnusedDirectives: settings.reportUnusedDirectives },
        'Setting gradientLens.rules',
        rules,
      );
    } catch (error) {
      configErrors.push(describe(error));
    }
    try {
      config = mergeConfig(config, this.loader.forFile(filePath).config);
    } catch (error) {
      configErrors.push(describe(error));
    }
    return { config, configErrors };
  }
}

const DIRECTIVE_PROBLEMS = new Set<LintProblem['kind']>([
  'unknown-rule',
  'invalid-directive',
  'unused-directive',
]);

export function ruleIds(): string[] {
  return rules.map((r) => r.id);
}

function describe(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
