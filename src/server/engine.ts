/**
 * Runs the linter for one document version and keeps what the editor features need: the findings,
 * the analysis (models for CodeLens, hovers, hints), and, while the file does not parse, the last
 * good findings with the text their offsets belong to, so they stay visible and marked stale.
 */
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
import type { LintProblem } from '../lint/types';
import { rules } from '../rules';
import type { LintMessage } from '../rules/types';
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
  configErrors: string[];
  lintMs: number;
}

export class LintEngine {
  private loader = new ConfigLoader(rules);

  /** A config file changed on disk: read config files afresh. */
  resetConfigFiles(): void {
    this.loader = new ConfigLoader(rules);
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
      configErrors: [],
      lintMs: 0,
    };
    if (!settings.enable || !mentionsModelFramework(text, filePath)) return empty;
    const { config, configErrors } = this.configFor(filePath, settings);
    let analysis: AnalysisResult | null = null;
    const result = lintText(text, filePath, config, {
      analyze: (source, path) => (analysis = analyze(source, path)),
    });
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
        configErrors,
        lintMs,
      };
    }
    return { ...empty, messages: result.messages, problems, analysis, configErrors, lintMs };
  }

  /** Every preferred fix, re-linting between passes, like `gradient-lens lint --fix`. */
  fixAll(text: string, filePath: string, settings: ServerSettings): string {
    const { config } = this.configFor(filePath, settings);
    return fixUntilStable(text, (source) => {
      const result = lintText(source, filePath, config);
      return [
        ...result.messages,
        ...result.problems.flatMap((p) => (p.fix ? [{ fixes: [p.fix] }] : [])),
      ];
    }).output;
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
