/**
 * The linter: analyze a file, run every enabled rule on every model with its merged options,
 * drop duplicate findings, filter through the disable directives, and sort by position.
 * Never throws for any source text: parse failures and crashing rules become problems.
 */
import { analyze as analyzeSource, isPythonFile } from '../analysis';
import type { AnalysisResult, ModelGraph, ParseProblem } from '../analysis/ir';
import { rules as registry } from '../rules';
import type { Finding, Fix, LintMessage, Rule, RuleContext } from '../rules/types';
import { emptyConfig, type LintConfig, type OptionValue } from './config';
import { applyDirectives, parseDirectives, unusedDirectiveProblem } from './directives';
import type { LintProblem, LintResult } from './types';

export type { LintConfig } from './config';
export type { LintMessage, LintProblem, LintResult, UnusedDirective } from './types';

export interface LintDependencies {
  /** The rules to run (default: the registry). Tests pass their own. */
  rules?: readonly Rule[];
  analyze?: (source: string, filePath: string) => AnalysisResult;
  /**
   * The models the rules check, when not the analysis's own (a workspace adds other files' models
   * that reach this file). Findings or fixes outside this file's text are dropped.
   */
  ruleModels?: readonly ModelGraph[];
}

interface EnabledRule {
  rule: Rule;
  severity: LintMessage['severity'];
  options: Record<string, OptionValue>;
}

export function lintText(
  source: string,
  filePath: string,
  config: LintConfig = emptyConfig(),
  dependencies: LintDependencies = {},
): LintResult {
  const rules = dependencies.rules ?? registry;
  const analyze = dependencies.analyze ?? analyzeSource;
  const problems: LintProblem[] = [];
  let analysis: AnalysisResult | null = null;
  try {
    const analyzed = analyze(source, filePath);
    problems.push(...analyzed.problems.map(parseProblem));
    analysis = analyzed;
  } catch (error) {
    problems.push(internalProblem(null, `The analyzer failed on this file: ${errorText(error)}`));
  }

  const findings: LintMessage[] = [];
  // A JS/TS file that does not parse gets its parse error only, as before, even when the analysis
  // read the models before a junk end (withoutTrailingJunk). Python's parser recovers: its broken
  // files were always linted.
  const unparsed =
    !isPythonFile(filePath) && (analysis?.problems.some((p) => p.kind === 'syntax') ?? false);
  if (analysis && !unparsed) {
    for (const enabled of enabledRules(config, rules)) {
      const models = dependencies.ruleModels ?? analysis.models;
      findings.push(...runRule(enabled, analysis, models, source, problems));
    }
  }

  const isKnownRule = (id: string) => rules.some((rule) => rule.id === id);
  const language = isPythonFile(filePath) ? 'python' : undefined;
  const parsed = parseDirectives(source, isKnownRule, undefined, language);
  problems.push(...parsed.problems);
  const shared = analysis ? tagVariants(dedupe(findings), analysis.models) : dedupe(findings);
  const { kept, unused } = applyDirectives(shared, parsed.directives);
  if (config.reportUnusedDirectives) problems.push(...unused.map(unusedDirectiveProblem));

  const messages = kept.sort(byMessagePosition);
  problems.sort(byProblemPosition);
  return { filePath, messages, problems, ...count(messages, problems), unusedDirectives: unused };
}

function enabledRules(config: LintConfig, rules: readonly Rule[]): EnabledRule[] {
  const enabled: EnabledRule[] = [];
  for (const rule of rules) {
    const setting = config.rules[rule.id];
    const severity = setting?.severity ?? rule.meta.defaultSeverity;
    if (severity === 'off') continue;
    const options: Record<string, OptionValue> = {};
    for (const [name, spec] of Object.entries(rule.meta.options)) options[name] = spec.default;
    enabled.push({ rule, severity, options: { ...options, ...setting?.options } });
  }
  return enabled;
}

function runRule(
  { rule, severity, options }: EnabledRule,
  analysis: AnalysisResult,
  models: readonly ModelGraph[],
  source: string,
  problems: LintProblem[],
): LintMessage[] {
  const context: RuleContext = { source, analysis, options };
  const messages: LintMessage[] = [];
  for (const model of models) {
    try {
      const found = rule.check(model, context);
      if (!Array.isArray(found))
        throw new TypeError(`check() returned ${typeof found}, not an array`);
      for (const finding of found) {
        if (!isWellFormed(finding))
          throw new TypeError('check() returned a finding without a valid span');
        if (finding.span.end > source.length) continue;
        const fixes = (finding.fixes ?? []).filter((fix) => withinText(fix, source.length));
        messages.push({
          ...finding,
          ruleId: rule.id,
          fixes,
          severity: finding.hint ? 'info' : severity,
          ...(model.variant ? { variants: [model.variant.id] } : {}),
        });
      }
    } catch (error) {
      problems.push(internalProblem(rule.id, crashMessage(rule.id, model, error), model));
    }
  }
  return messages;
}

/**
 * A layer repeated by a loop yields the same finding at the same span once per iteration: keep one. A layer
 * shared by two models (a discriminator and the GAN around it) is judged in each: a finding the estimate
 * could not back gives way to the same rule's finding at that span from a model it covers.
 */
function dedupe(messages: LintMessage[]): LintMessage[] {
  if (!messages.some((m) => m.uncovered)) return unique(messages);
  const key = (m: LintMessage) => `${m.ruleId}:${m.span.start}:${m.span.end}`;
  const covered = new Set(messages.filter((m) => !m.uncovered).map(key));
  return unique(messages.filter((m) => !m.uncovered || !covered.has(key(m))));
}

function unique(messages: LintMessage[]): LintMessage[] {
  // Grouped by start offset and compared field by field: building a string key per finding showed up
  // in the lint profile of a file with many findings.
  const keptByStart = new Map<number, LintMessage[]>();
  return messages.filter((m) => {
    const kept = keptByStart.get(m.span.start);
    if (!kept) {
      keptByStart.set(m.span.start, [m]);
      return true;
    }
    const duplicate = kept.find(
      (k) => k.span.end === m.span.end && k.ruleId === m.ruleId && k.messageId === m.messageId,
    );
    if (!duplicate) kept.push(m);
    else if (duplicate.variants && m.variants)
      duplicate.variants = [...new Set([...duplicate.variants, ...m.variants])];
    return !duplicate;
  });
}

/**
 * A finding that every variant of its model shares is one finding, as written; one that holds on
 * some paths only says which (`(variant cnn, lstm)`), since the code is the same for all of them.
 */
function tagVariants(messages: LintMessage[], models: ModelGraph[]): LintMessage[] {
  const all = new Map<string, Set<string>>();
  for (const model of models) {
    if (!model.variant) continue;
    const ids = all.get(model.name) ?? new Set<string>();
    ids.add(model.variant.id);
    all.set(model.name, ids);
  }
  return messages.map((m) => {
    if (!m.variants) return m;
    const ids = all.get(m.model);
    if (!ids || m.variants.length >= ids.size) {
      const { variants: _, ...rest } = m;
      return rest;
    }
    return { ...m, message: `${m.message} (variant ${m.variants.join(', ')})` };
  });
}

function count(messages: LintMessage[], problems: LintProblem[]) {
  const counts = { errorCount: 0, warningCount: 0, infoCount: 0, fixableCount: 0 };
  const tally = (severity: LintMessage['severity'], fixable: boolean) => {
    if (severity === 'error') counts.errorCount++;
    else if (severity === 'warning') counts.warningCount++;
    else counts.infoCount++;
    if (fixable) counts.fixableCount++;
  };
  for (const m of messages)
    tally(
      m.severity,
      m.fixes.some((fix) => fix.preferred),
    );
  for (const p of problems) tally(p.severity, Boolean(p.fix?.preferred));
  return counts;
}

function isWellFormed(finding: Finding): boolean {
  const span = finding?.span;
  return (
    typeof finding?.message === 'string' &&
    span !== undefined &&
    [span.start, span.end, span.line, span.column, span.endLine, span.endColumn].every(
      Number.isFinite,
    )
  );
}

/**
 * Findings and fixes past the end of the text are about another file (a workspace model's spans
 * there): that file's lint shows them.
 */
function withinText(fix: Fix, length: number): boolean {
  return fix.edits.every((edit) => edit.end <= length);
}

function parseProblem(problem: ParseProblem): LintProblem {
  const position = {
    line: problem.line,
    column: problem.column,
    endLine: problem.line,
    endColumn: problem.column,
  };
  return {
    kind: problem.kind,
    // A limit reached is no defect of the file: the lint of what was found stands.
    severity: problem.kind === 'incomplete' ? 'info' : 'error',
    message: problem.message,
    ruleId: null,
    ...position,
  };
}

function internalProblem(ruleId: string | null, message: string, model?: ModelGraph): LintProblem {
  const at = model?.anchor ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
  return {
    kind: 'internal',
    severity: 'error',
    message,
    ruleId,
    line: at.line,
    column: at.column,
    endLine: at.endLine,
    endColumn: at.endColumn,
  };
}

function crashMessage(ruleId: string, model: ModelGraph, error: unknown): string {
  return `Rule '${ruleId}' crashed on model '${model.name}' and was skipped for it: ${errorText(error)}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function byMessagePosition(a: LintMessage, b: LintMessage): number {
  return (
    a.span.line - b.span.line ||
    a.span.column - b.span.column ||
    a.span.endLine - b.span.endLine ||
    a.span.endColumn - b.span.endColumn ||
    a.ruleId.localeCompare(b.ruleId)
  );
}

function byProblemPosition(a: LintProblem, b: LintProblem): number {
  return a.line - b.line || a.column - b.column;
}
