/** The rule registry: every rule Gradient Lens ships, in docs order. */
import type { Rule } from './types';

export const rules: Rule[] = [];

export function findRule(id: string): Rule | undefined {
  return rules.find((rule) => rule.id === id);
}
