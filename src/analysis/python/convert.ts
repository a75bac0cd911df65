/**
 * Evaluator values -> IR values in tfjs's vocabulary, and call arguments -> layer configs:
 * positional arguments take their Keras parameter's (camelCase) name, keywords are renamed, and
 * `**kwargs` dicts contribute inherited properties.
 */
import type { SyntaxNode } from '@lezer/common';
import type { ConfigProp, LayerConfig, Span, Value } from '../ir';
import type { Arg } from './keras';
import { ACTIVATION_LAYERS, camelCase, configKey, translateString } from './keras-names';
import type { PyInterp } from './interpreter';
import type { PV } from './values';

/** An evaluator value under a config key, as the IR holds it; `text` names it when unknown. */
export function toValue(value: PV, key: string, text: string): Value {
  switch (value.t) {
    case 'num':
      return { kind: 'number', value: value.v };
    case 'str':
      return key.endsWith('Regularizer') && value.v in KERAS_STRING_REGULARIZERS
        ? stringRegularizer(value.v, text)
        : { kind: 'string', value: translateString(key, value.v) };
    case 'bool':
      return { kind: 'boolean', value: value.v };
    case 'none':
      return { kind: 'null' };
    case 'list':
      // Each element is named by its own expression (`(len(X), X.shape[1])` holds two open
      // values, not one named after the whole tuple twice).
      return {
        kind: 'array',
        items: value.items.map((item, i) =>
          toValue(item, key, item.t === 'unknown' && item.text ? item.text : `${text}[${i}]`),
        ),
      };
    case 'dict': {
      const props: Record<string, ConfigProp> = {};
      for (const [k, entry] of value.entries) {
        const name = camelCase(k);
        props[name] = {
          value: toValue(entry.value, name, text),
          span: entry.span,
          valueSpan: entry.valueSpan,
          inherited: false,
        };
      }
      return { kind: 'object', props };
    }
    case 'path':
      return pathValue(value.path, key, text);
    case 'layer': {
      const activation = isActivationKey(key) ? activationOfLayer(value.rec.factory) : null;
      if (activation) return { kind: 'string', value: activation };
      const config = value.rec.config;
      return {
        kind: 'call',
        path: `layers.${value.rec.factory}`,
        args: config.opaque ? [] : [{ kind: 'object', props: config.props }],
        text: config.text,
      };
    }
    case 'kcall':
      return {
        kind: 'call',
        path: value.path,
        args: Object.keys(value.props).length > 0 ? [{ kind: 'object', props: value.props }] : [],
        text: value.text,
      };
    default:
      return { kind: 'unknown', text };
  }
}

/**
 * `kernel_regularizer='l2'`: Keras reads the names as its classes with their default factor 0.01
 * (`L1L2` for both); tfjs knows only the string 'l1l2', so the others become the factory calls.
 */
const KERAS_STRING_REGULARIZERS: Readonly<Record<string, { factory: string; keys: string[] }>> = {
  l1: { factory: 'l1', keys: ['l1'] },
  l2: { factory: 'l2', keys: ['l2'] },
  l1_l2: { factory: 'l1l2', keys: ['l1', 'l2'] },
};
const KERAS_REGULARIZER_FACTOR = 0.01;

function stringRegularizer(name: string, text: string): Value {
  const { factory, keys } = KERAS_STRING_REGULARIZERS[name];
  const props: Record<string, ConfigProp> = {};
  for (const key of keys)
    props[key] = {
      value: { kind: 'number', value: KERAS_REGULARIZER_FACTOR },
      span: null,
      valueSpan: null,
      inherited: false,
    };
  return { kind: 'call', path: `regularizers.${factory}`, args: [{ kind: 'object', props }], text };
}

function isActivationKey(key: string): boolean {
  return key === 'activation' || key === 'recurrentActivation';
}

function activationOfLayer(factory: string): string | null {
  const entry = Object.entries(ACTIVATION_LAYERS).find(
    ([, name]) => name.toLowerCase() === factory.toLowerCase(),
  );
  return entry ? entry[1] : factory === 'reLU' ? 'relu' : null;
}

/** `activation=tf.nn.relu`, `activation=keras.activations.tanh`, `activation=LeakyReLU`. */
function pathValue(path: string, key: string, text: string): Value {
  const last = path.split('.').pop() ?? path;
  if (isActivationKey(key)) {
    if (/^(?:keras\.activations|tf\.nn|tf\.math|tf)\./.test(path))
      return { kind: 'string', value: translateString(key, last) };
    const layer = ACTIVATION_LAYERS[last];
    if (layer && path.startsWith('keras.layers.')) return { kind: 'string', value: layer };
  }
  return { kind: 'unknown', text };
}

/** One argument as a config property: `activation='relu'` spans the keyword, valueSpan the value. */
export function argProp(ip: PyInterp, arg: Arg, key: string): ConfigProp {
  return {
    value: toValue(arg.value, key, ip.text(arg.node)),
    span: arg.span,
    valueSpan: ip.span(arg.node),
    inherited: false,
  };
}

/**
 * An initializer given as a function of the weight's shape (Keras 1's
 * `init=lambda shape, name: normal(shape, scale=0.001, name=name)`): the initializer its body calls.
 */
function initializerOfFunction(ip: PyInterp, value: PV): PV {
  if (value.t !== 'func' || value.node.name !== 'LambdaExpression') return value;
  const result = ip.callFunction(
    value,
    { positional: [], keywords: new Map() },
    ip.text(value.node),
  );
  return result.t === 'kcall' && result.path.startsWith('initializers.') ? result : value;
}

export interface ReadConfig {
  config: LayerConfig;
  /** The argument each config key came from (wrappers read their inner layer from `layer`). */
  values: Map<string, PV>;
}

/** The arguments of a Keras constructor as a config, with its positional parameters named. */
export function readConfig(
  ip: PyInterp,
  factory: string,
  params: string[],
  args: Arg[],
  callNode: SyntaxNode,
): ReadConfig {
  const props: Record<string, ConfigProp> = {};
  const values = new Map<string, PV>();
  let opaque = false;
  let position = 0;
  for (const arg of args) {
    if (arg.star === '**') {
      if (arg.value.t !== 'dict') {
        opaque = true;
        continue;
      }
      for (const [name, entry] of arg.value.entries) {
        const key = configKey(factory, name);
        values.set(key, entry.value);
        props[key] = {
          value: toValue(
            entry.value,
            key,
            ip.source.slice(entry.valueSpan.start, entry.valueSpan.end),
          ),
          span: entry.span,
          valueSpan: entry.valueSpan,
          inherited: true,
        };
      }
      continue;
    }
    const key = arg.star ? undefined : arg.name ? configKey(factory, arg.name) : params[position++];
    if (!key) {
      opaque = true;
      continue;
    }
    const value = key.endsWith('Initializer') ? initializerOfFunction(ip, arg.value) : arg.value;
    values.set(key, value);
    props[key] = argProp(ip, value === arg.value ? arg : { ...arg, value }, key);
  }
  const argList = callNode.lastChild;
  const objectSpan: Span | null = argList?.name === 'ArgList' ? ip.span(argList) : null;
  const text =
    argList?.name === 'ArgList' ? ip.source.slice(argList.from + 1, argList.to - 1).trim() : '';
  return { config: { props, objectSpan, opaque, text }, values };
}
