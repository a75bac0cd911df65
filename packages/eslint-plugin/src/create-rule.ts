/**
 * The one creator every plugin rule is made by: ESLint metadata from the Gradient Lens rule (docs
 * URL, option schema, fixable), and a `create` that reports that rule's findings from the file's
 * shared analysis. Severity and options come from the ESLint config alone; eslint-disable comments
 * apply because everything is reported through `context.report`.
 */
import type { Rule as EslintRule } from 'eslint';
import type { Fix, Rule, RuleOptionSpec, Severity } from '../../../src/rules/types';
import { findingsOf } from './findings';
import { docsUrl } from './meta';

type OptionValue = number | string | boolean;

export function createRule(rule: Rule): EslintRule.RuleModule {
  const defaults: Record<string, OptionValue> = {};
  for (const [name, spec] of Object.entries(rule.meta.options)) defaults[name] = spec.default;
  return {
    meta: {
      type: rule.meta.type,
      docs: { description: rule.meta.description, recommended: true, url: docsUrl(rule.id) },
      fixable: rule.meta.fixable ? 'code' : undefined,
      hasSuggestions: true,
      schema: [optionsSchema(rule.meta.options)],
      defaultOptions: [defaults],
    },
    create(context) {
      const options = { ...defaults, ...(context.options[0] as Record<string, OptionValue>) };
      const { sourceCode } = context;
      return {
        Program() {
          for (const finding of findingsOf(rule, sourceCode, context.filename, options)) {
            // A hint is advice below the level where the problem is material; ESLint has no level
            // under "warn" to show it at, so it stays out rather than reading as a claim.
            if (finding.hint) continue;
            const [fix, suggestions] = splitFixes(finding.fixes, rule.meta.fixable);
            context.report({
              message: finding.message,
              loc: {
                start: { line: finding.span.line, column: finding.span.column - 1 },
                end: { line: finding.span.endLine, column: finding.span.endColumn - 1 },
              },
              fix: fix && toFixer(fix),
              suggest: suggestions.map((s) => ({ desc: s.title, fix: toFixer(s) })),
            });
          }
        },
      };
    },
  };
}

/**
 * Gradient Lens severities in ESLint's words. ESLint has no "info": a warning there is a claim about
 * the model's gradients, so rules that only give advice by default are off in `recommended`.
 */
export function eslintSeverity(severity: Exclude<Severity, 'off'>): 'error' | 'warn' | 'off' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warn' : 'off';
}

/** The preferred fix is what `eslint --fix` applies; every other fix is a suggestion. */
function splitFixes(fixes: readonly Fix[], fixable: boolean): [Fix | null, Fix[]] {
  const preferred = fixable ? (fixes.find((fix) => fix.preferred) ?? null) : null;
  return [preferred, fixes.filter((fix) => fix !== preferred)];
}

function toFixer(fix: Fix): EslintRule.ReportFixer {
  return (fixer) =>
    fix.edits.map((edit) => fixer.replaceTextRange([edit.start, edit.end], edit.text));
}

function optionsSchema(options: Record<string, RuleOptionSpec>) {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(options)) {
    const property: Record<string, unknown> = { type: spec.type, description: spec.description };
    if (spec.minimum !== undefined) property.minimum = spec.minimum;
    // ESLint validates options with JSON Schema draft-04, where exclusiveMinimum is a flag on minimum.
    if (spec.exclusiveMinimum !== undefined) {
      property.minimum = spec.exclusiveMinimum;
      property.exclusiveMinimum = true;
    }
    properties[name] = property;
  }
  return { type: 'object' as const, properties, additionalProperties: false };
}
