/** Abstract values -> IR values (plain JSON data). */
import type { ConfigProp, LayerConfig, Span, Value } from '../ir';
import { contains } from './spans';
import type { AV, PropAV } from './values';

/** `ownLiteral`: the layer's own config literal; nested properties written inside it are not inherited. */
export function toValue(value: AV, depth = 0, ownLiteral: Span | null = null): Value {
  if (depth > 12) return { kind: 'unknown', text: '…', reason: 'too deep' };
  switch (value.t) {
    case 'prim':
      if (value.v === null) return { kind: 'null' };
      if (value.v === undefined) return { kind: 'undefined' };
      if (typeof value.v === 'number') return { kind: 'number', value: value.v };
      if (typeof value.v === 'string') return { kind: 'string', value: value.v };
      return { kind: 'boolean', value: value.v };
    case 'array':
      return {
        kind: 'array',
        items: value.items.map((item) => toValue(item, depth + 1, ownLiteral)),
      };
    case 'object': {
      const props: Record<string, ConfigProp> = {};
      for (const [key, prop] of value.props) props[key] = toProp(prop, ownLiteral, depth + 1);
      return { kind: 'object', props };
    }
    case 'tfcall':
      return {
        kind: 'call',
        path: value.path,
        args: value.args.map((a) => toValue(a, depth + 1, ownLiteral)),
        text: value.text,
      };
    case 'layer':
      // A wrapped layer (`bidirectional({layer: tf.layers.lstm({...})})`): its config is the argument.
      return {
        kind: 'call',
        path: `layers.${value.layer.factory}`,
        args: value.layer.config.opaque
          ? []
          : [{ kind: 'object', props: value.layer.config.props }],
        text: value.layer.config.text,
      };
    case 'tf':
      return { kind: 'unknown', text: `tf.${value.path}`, reason: 'tfjs reference' };
    case 'unknown':
      return value.reason
        ? { kind: 'unknown', text: value.text, reason: value.reason }
        : { kind: 'unknown', text: value.text };
    case 'builtin':
      // Its own name (`layer.kernel`), so two different members do not share one open value.
      return { kind: 'unknown', text: value.name, reason: 'not a constant' };
    default:
      return { kind: 'unknown', text: value.t, reason: 'not a constant' };
  }
}

function toProp(prop: PropAV, ownLiteral: Span | null, depth: number): ConfigProp {
  return {
    value: toValue(prop.value, depth, ownLiteral),
    span: prop.span,
    valueSpan: prop.valueSpan,
    inherited: !(ownLiteral && prop.span && contains(ownLiteral, prop.span)),
  };
}

/** The layer's config from the factory's first argument. `objectSpan` is set when it is an inline literal. */
export function toLayerConfig(
  arg: AV | undefined,
  objectSpan: Span | null,
  text: string,
): LayerConfig {
  if (!arg || (arg.t === 'prim' && arg.v === undefined))
    return { props: {}, objectSpan: null, opaque: false, text };
  if (arg.t !== 'object') return { props: {}, objectSpan: null, opaque: true, text };
  const props: Record<string, ConfigProp> = {};
  for (const [key, prop] of arg.props) props[key] = toProp(prop, objectSpan, 0);
  return { props, objectSpan, opaque: arg.opaque === true, text };
}

/** Texts of every unknown value inside a value (for `ModelGraph.unknowns`). */
export function unknownTexts(value: Value, out: string[]): void {
  if (value.kind === 'unknown') out.push(value.text);
  else if (value.kind === 'array') value.items.forEach((item) => unknownTexts(item, out));
  else if (value.kind === 'object')
    Object.values(value.props).forEach((p) => unknownTexts(p.value, out));
  else if (value.kind === 'call') value.args.forEach((a) => unknownTexts(a, out));
}
