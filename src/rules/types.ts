/**
 * The contract between rules, the linter and the front ends.
 * Rules see one model and the file's analysis; they never see config files or directives
 * (the linter applies those afterwards).
 */
import type { AnalysisResult, LayerNode, ModelGraph, Span } from '../analysis/ir';

export type Severity = 'off' | 'info' | 'warning' | 'error';

/** A plain text edit on the source: replace [start, end) with text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  /** Shown as the quick-fix title, e.g. "Use activation 'relu' with heNormal initialization". */
  title: string;
  edits: TextEdit[];
  /** The one `--fix` applies. At most one fix of a finding is preferred. */
  preferred: boolean;
}

export interface Finding {
  ruleId: string;
  messageId: string;
  /** One short sentence that carries the finding's number (what the Problems panel shows). */
  message: string;
  /** The explanation behind the number (the hover's second part, JSON output). */
  detail?: string;
  /**
   * Set when the rule judged the problem below the level where it is material: the finding is then a hint
   * stating its number, shown at info severity whatever the rule's configured severity.
   */
  hint?: boolean;
  /**
   * Set when the static estimate did not cover the model, so the finding is a hint from the code alone. The
   * same layer in a model the estimate does cover (a discriminator alone, not the GAN around it) gets the
   * rule's measured finding, which then replaces this one.
   */
  uncovered?: boolean;
  span: Span;
  /** The model and layer the finding is about, for the panel and hovers. */
  model: string;
  layerIndex?: number;
  fixes: Fix[];
}

/** A finding after configuration and directives: what users see. */
export interface LintMessage extends Finding {
  severity: Exclude<Severity, 'off'>;
  /** Model variants (one per path through the builder) the finding holds in; absent when it holds in all. */
  variants?: string[];
}

export interface RuleOptionSpec {
  type: 'number' | 'string' | 'boolean';
  default: number | string | boolean;
  description: string;
  /** Numbers only: the smallest accepted value (JSON Schema's `minimum`). */
  minimum?: number;
  /** Numbers only: values must be greater than this (JSON Schema's `exclusiveMinimum`). */
  exclusiveMinimum?: number;
}

export interface RuleMeta {
  type: 'problem' | 'suggestion';
  description: string;
  defaultSeverity: Exclude<Severity, 'off'>;
  /** Message templates by id; `{{name}}` placeholders are filled from the data a rule passes. */
  messages: Record<string, string>;
  /** Explanations by message id, with the same placeholders; they become the finding's `detail`. */
  details?: Record<string, string>;
  options: Record<string, RuleOptionSpec>;
  fixable: boolean;
}

export interface RuleContext {
  source: string;
  analysis: AnalysisResult;
  /** Options merged over the defaults from `meta.options`. */
  options: Record<string, number | string | boolean>;
}

export interface Rule {
  /** kebab-case; equals the file name, the docs page name and the test name. */
  id: string;
  meta: RuleMeta;
  check(model: ModelGraph, context: RuleContext): Finding[];
}

export type { LayerNode };
