/**
 * eslint-plugin-gradient-lens: every Gradient Lens rule as an ESLint 9 rule `gradient-lens/<id>`,
 * and `configs.recommended` (a flat config with each rule at its own default severity).
 */
import type { ESLint, Linter, Rule as EslintRule } from 'eslint';
import { rules as registry } from '../../../src/rules';
import { createRule, eslintSeverity } from './create-rule';
import { PLUGIN_NAME, PLUGIN_VERSION } from './meta';

const rules: Record<string, EslintRule.RuleModule> = Object.fromEntries(
  registry.map((rule) => [rule.id, createRule(rule)]),
);

const plugin = {
  meta: { name: PLUGIN_NAME, version: PLUGIN_VERSION },
  rules,
  configs: {} as Record<'recommended', Linter.Config>,
} satisfies ESLint.Plugin;

plugin.configs.recommended = {
  name: 'gradient-lens/recommended',
  plugins: { 'gradient-lens': plugin },
  rules: Object.fromEntries(
    registry.map((rule) => [`gradient-lens/${rule.id}`, eslintSeverity(rule.meta.defaultSeverity)]),
  ),
};

export default plugin;
