/** Small hand-written rules over the IR, so linter tests do not depend on the real rule set. */
import type { LayerNode, ModelGraph, Span } from '../../src/analysis/ir';
import type { Finding, Rule, RuleContext } from '../../src/rules/types';

export function fakeRule(
  id: string,
  check: (model: ModelGraph, context: RuleContext) => Finding[],
  overrides: Partial<Rule['meta']> = {},
): Rule {
  return {
    id,
    meta: {
      type: 'problem',
      description: `Fake rule ${id}.`,
      defaultSeverity: 'warning',
      messages: { found: 'found {{what}}' },
      options: {},
      fixable: false,
      ...overrides,
    },
    check,
  };
}

/** Reports every layer whose factory is `factory`, at the layer's call, with an optional replacement fix. */
export function layerRule(id: string, factory: string, replaceWith?: string): Rule {
  return fakeRule(
    id,
    (model) =>
      model.layers
        .filter((layer: LayerNode) => layer.factory === factory)
        .map((layer) =>
          finding(id, model, layer.callSpan, `layer ${layer.index} (${factory})`, replaceWith),
        ),
    { fixable: replaceWith !== undefined },
  );
}

export function finding(
  ruleId: string,
  model: ModelGraph,
  span: Span,
  message: string,
  replaceWith?: string,
): Finding {
  return {
    ruleId,
    messageId: 'found',
    message,
    span,
    model: model.name,
    fixes:
      replaceWith === undefined
        ? []
        : [
            {
              title: `Replace with ${replaceWith}`,
              preferred: true,
              edits: [{ start: span.start, end: span.end, text: replaceWith }],
            },
          ],
  };
}

/** A rule with options of each type, for configuration tests. */
export const optionsRule = fakeRule('with-options', () => [], {
  options: {
    minDepth: { type: 'number', default: 4, description: 'depth' },
    mode: { type: 'string', default: 'strict', description: 'mode' },
    enabled: { type: 'boolean', default: true, description: 'flag' },
  },
});
