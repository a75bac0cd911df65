/**
 * Keras 1 spellings that Keras 2 still read through its legacy interfaces, and that old scripts keep:
 * `Convolution2D(32, 3, 3, border_mode='same', subsample=(2, 2), init='he_normal')`,
 * `Dense(output_dim=64)`. Read as Keras 2 they would give a stride of 3 and keys tfjs ignores.
 */
import type { ConfigProp, LayerConfig, Span } from '../ir';
import type { Arg } from './keras';
import type { PV } from './values';

/** Keras 1 keyword (camelCase) to its Keras 2 key, as Keras 2's legacy interfaces convert it. */
const LEGACY_KEYS: Readonly<Record<string, string>> = {
  nbFilter: 'filters',
  borderMode: 'padding',
  subsample: 'strides',
  subsampleLength: 'strides',
  filterLength: 'kernelSize',
  init: 'kernelInitializer',
  innerInit: 'recurrentInitializer',
  innerActivation: 'recurrentActivation',
};

/** `output_dim` was Dense's and the RNNs' width in Keras 1; Embedding still names its own so. */
const UNITS_OUTPUT_DIM = new Set(['dense', 'simpleRNN', 'lstm', 'gru']);

const LEGACY_ONLY = new Set(['border_mode', 'subsample', 'nb_filter', 'nb_row', 'nb_col', 'init']);

export function legacyKey(factory: string, key: string): string | undefined {
  if (key === 'outputDim') return UNITS_OUTPUT_DIM.has(factory) ? 'units' : undefined;
  return Object.prototype.hasOwnProperty.call(LEGACY_KEYS, key) ? LEGACY_KEYS[key] : undefined;
}

/**
 * Positional parameters of a 2D convolution written the Keras 1 way: `(filters, nb_row, nb_col)`.
 * That is the class's Keras 1 name with three positional values, or a call with Keras 1 keywords.
 */
export function legacyConvParams(className: string, factory: string, args: Arg[]): string[] | null {
  if (factory !== 'conv2d') return null;
  const positional = args.filter((a) => !a.name && !a.star).length;
  const legacy =
    className === 'Convolution2D' || args.some((a) => a.name && LEGACY_ONLY.has(a.name));
  return legacy && positional >= 3 ? ['filters', 'nbRow', 'nbCol'] : null;
}

/**
 * Keras 0's dense and recurrent layers took `(input_dim, output_dim)`: `Dense(20, 64)`, `LSTM(29, 512)`. From
 * Keras 1 on the second positional parameter is the activation, which is never a number.
 */
export function legacyWidthParams(factory: string, args: Arg[]): string[] | null {
  if (!UNITS_OUTPUT_DIM.has(factory)) return null;
  const positional = args.filter((a) => !a.name && !a.star);
  return positional.length >= 2 && positional[1].value.t === 'num' ? ['inputDim', 'units'] : null;
}

/** `nb_row` and `nb_col` (positional or named) become one `kernelSize` of both. */
export function joinKernelSize(config: LayerConfig): void {
  const { nbRow, nbCol } = config.props;
  if (!nbRow || !nbCol || config.props.kernelSize) return;
  const joined: ConfigProp = {
    value: { kind: 'array', items: [nbRow.value, nbCol.value] },
    span: join(nbRow.span, nbCol.span),
    valueSpan: join(nbRow.valueSpan, nbCol.valueSpan),
    inherited: nbRow.inherited || nbCol.inherited,
  };
  delete config.props.nbRow;
  delete config.props.nbCol;
  config.props.kernelSize = joined;
}

function join(a: Span | null, b: Span | null): Span | null {
  if (!a || !b) return null;
  const [first, last] = a.start <= b.start ? [a, b] : [b, a];
  return { ...first, end: last.end, endLine: last.endLine, endColumn: last.endColumn };
}

/**
 * Keras 1's `keras.initializations` functions took the weight's shape first and a `scale`
 * (`normal(shape, scale=0.05)`), and layers received them wrapped in a lambda
 * (`init=lambda shape, name: normal(shape, scale=0.001, name=name)`). As Keras 2 initializers:
 * uniform is U(-scale, scale), normal N(0, scale), identity and orthogonal take it as their gain
 * (orthogonal's default was 1.1).
 */
const INITIALIZATIONS: Readonly<
  Record<string, { factory: string; scale?: { key: string; default: number } }>
> = {
  uniform: { factory: 'randomUniform', scale: { key: 'maxval', default: 0.05 } },
  normal: { factory: 'randomNormal', scale: { key: 'stddev', default: 0.05 } },
  identity: { factory: 'identity', scale: { key: 'gain', default: 1 } },
  orthogonal: { factory: 'orthogonal', scale: { key: 'gain', default: 1.1 } },
  lecun_uniform: { factory: 'leCunUniform' },
  glorot_normal: { factory: 'glorotNormal' },
  glorot_uniform: { factory: 'glorotUniform' },
  he_normal: { factory: 'heNormal' },
  he_uniform: { factory: 'heUniform' },
  zero: { factory: 'zeros' },
  one: { factory: 'ones' },
};

/** A call of a Keras 1 initialization function as the Keras 2 initializer it stands for; null if not one. */
export function keras1Initialization(
  name: string,
  args: Arg[],
  spanOf: (node: Arg['node']) => Span,
  text: string,
): Extract<PV, { t: 'kcall' }> | null {
  const known = Object.prototype.hasOwnProperty.call(INITIALIZATIONS, name)
    ? INITIALIZATIONS[name]
    : null;
  if (!known) return null;
  const props: Record<string, ConfigProp> = {};
  const scaleArg = args.find((a) => a.name === 'scale') ?? args.filter((a) => !a.name)[1];
  if (known.scale) {
    const value: PV | undefined = scaleArg ? scaleArg.value : { t: 'num', v: known.scale.default };
    if (value.t !== 'num') return null;
    const span = scaleArg ? scaleArg.span : null;
    const valueSpan = scaleArg ? spanOf(scaleArg.node) : null;
    const prop = (v: number): ConfigProp => ({
      value: { kind: 'number', value: v },
      span,
      valueSpan,
      inherited: false,
    });
    props[known.scale.key] = prop(value.v);
    if (known.factory === 'randomUniform') props.minval = prop(-value.v);
  }
  return { t: 'kcall', path: `initializers.${known.factory}`, props, text };
}
