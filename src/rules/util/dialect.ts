/**
 * How findings name things to the people who wrote the model. The IR speaks tfjs's vocabulary whatever the
 * front end; a Keras user reads `unit_forget_bias=True`, `'he_normal'` and `BatchNormalization`, never
 * `unitForgetBias: true`. Rule templates name framework terms with placeholders that `format` fills from here:
 *
 *   {{key:unitForgetBias}}           unitForgetBias / unit_forget_bias
 *   {{init:heNormal}}                heNormal / he_normal
 *   {{act:hardSigmoid}}              hardSigmoid / hard_sigmoid
 *   {{layer:batchNormalization}}     batchNormalization / BatchNormalization
 *   {{set:unitForgetBias=true}}      unitForgetBias: true / unit_forget_bias=True
 *   {{value:false}}                  false / False
 *   {{default:kernelInitializer}}    the framework's default value: glorotNormal / glorot_uniform
 *   {{fw:name}} {{fw:default}}       tfjs / Keras, tfjs's default / Keras's default
 */
import { frameworkDefaults, type Framework } from '../../analysis/frameworks';
import type { LayerNode, ModelGraph, OptimizerInfo } from '../../analysis/ir';

export interface Dialect {
  framework: Framework;
  /** "tfjs" or "Keras". */
  name: string;
  /** A config key as the framework spells it. */
  key(key: string): string;
  initializer(name: string): string;
  activation(name: string): string;
  /** A layer factory as the framework spells it (`dense` / `Dense`). */
  layer(factory: string): string;
  loss(name: string): string;
  /** An optimizer kind of the IR as the framework names it (`adam` / `Adam`). */
  optimizer(kind: string): string;
  /** `key: value` / `key=value` for messages; `value` is a boolean, number, or a name in tfjs's vocabulary. */
  setting(key: string, value: string | number | boolean): string;
  /** How gradients get clipped in this framework, one sentence for details. */
  clipping: string;
}

export function dialectOf(model: Pick<ModelGraph, 'framework'>): Dialect {
  return DIALECTS[model.framework ?? 'tfjs'];
}

const TFJS: Dialect = {
  framework: 'tfjs',
  name: 'tfjs',
  key: (key) => key,
  initializer: (name) => name,
  activation: (name) => name,
  layer: (factory) => factory,
  loss: (name) => name,
  optimizer: (kind) => kind,
  setting: (key, value) => `${key}: ${typeof value === 'string' ? `'${value}'` : String(value)}`,
  clipping: 'tfjs optimizers have no clipnorm, so clip by global norm.',
};

/** Keras spellings that snake_case does not give. */
const KERAS_INITIALIZERS: Record<string, string> = {
  leCunNormal: 'lecun_normal',
  leCunUniform: 'lecun_uniform',
};
const KERAS_ACTIVATIONS: Record<string, string> = { leakyReLU: 'leaky_relu', swish: 'swish' };
const KERAS_LAYERS: Record<string, string> = {
  lstm: 'LSTM',
  gru: 'GRU',
  prelu: 'PReLU',
  elu: 'ELU',
};

export const KERAS_OPTIMIZERS: Record<string, string> = {
  sgd: 'SGD',
  momentum: 'SGD',
  adam: 'Adam',
  adamax: 'Adamax',
  rmsprop: 'RMSprop',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
};

/**
 * The optimizer as its user wrote it: its own name (`AdamW`, `Nadam`, `momentum`), which several share a kind
 * with, else the kind in the framework's words.
 */
export function optimizerLabel(
  dialect: Dialect,
  optimizer: Pick<OptimizerInfo, 'kind' | 'name'>,
): string {
  return optimizer.name ?? dialect.optimizer(optimizer.kind);
}

/** dense -> Dense, conv2dTranspose -> Conv2DTranspose, simpleRNN -> SimpleRNN. */
function kerasLayer(factory: string): string {
  const name = KERAS_LAYERS[factory] ?? factory.charAt(0).toUpperCase() + factory.slice(1);
  return name.replace(/(\d)d(?=[A-Z]|$)/g, '$1D');
}

const KERAS: Dialect = {
  framework: 'keras',
  name: 'Keras',
  key: snakeCase,
  initializer: (name) => KERAS_INITIALIZERS[name] ?? snakeCase(name),
  activation: (name) => KERAS_ACTIVATIONS[name] ?? snakeCase(name),
  layer: kerasLayer,
  loss: snakeCase,
  optimizer: (kind) => KERAS_OPTIMIZERS[kind] ?? kind,
  setting: (key, value) => `${snakeCase(key)}=${pythonValue(key, value)}`,
  clipping:
    'Keras optimizers clip each gradient given clipnorm (global_clipnorm clips their global norm), in fit and in apply_gradients.',
};

const DIALECTS: Record<Framework, Dialect> = { tfjs: TFJS, keras: KERAS };

function pythonValue(key: string, value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return `'${nameFor(KERAS, key, value)}'`;
}

/** A string value of `key` in the dialect's vocabulary: initializer and activation names are translated. */
export function nameFor(dialect: Dialect, key: string, value: string): string {
  if (/Initializer$/.test(key)) return dialect.initializer(value);
  if (/[aA]ctivation$/.test(key)) return dialect.activation(value);
  if (key === 'loss') return dialect.loss(value);
  return value;
}

/** glorotUniform -> glorot_uniform, unitForgetBias -> unit_forget_bias, conv2d -> conv2d. */
export function snakeCase(name: string): string {
  let snake = snakeNames.get(name);
  if (snake === undefined) {
    snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    // Rules name the same few keys and initializers for every layer: converted once each.
    if (snakeNames.size >= 10_000) snakeNames.clear();
    snakeNames.set(name, snake);
  }
  return snake;
}

const snakeNames = new Map<string, string>();

/** "layer 3 (dense)" / "layer 3 (Dense)": how messages name a layer. */
export function layerLabel(dialect: Dialect, layer: LayerNode, core: LayerNode): string {
  const factory =
    core === layer
      ? dialect.layer(layer.factory)
      : `${dialect.layer(layer.factory)}(${dialect.layer(core.factory)})`;
  return `layer ${layer.index} (${factory})`;
}

/** The text of a `{{kind:argument}}` placeholder; null when the kind is not a dialect term. */
export function term(dialect: Dialect, kind: string, argument: string): string | null {
  switch (kind) {
    case 'key':
      return dialect.key(argument);
    case 'init':
      return dialect.initializer(argument);
    case 'act':
      return dialect.activation(argument);
    case 'layer':
      return dialect.layer(argument);
    case 'loss':
      return dialect.loss(argument);
    case 'set': {
      const [key, raw = ''] = argument.split('=');
      return dialect.setting(key, parseValue(raw));
    }
    case 'value': {
      const value = parseValue(argument);
      if (typeof value !== 'boolean' || dialect.framework !== 'keras') return argument;
      return value ? 'True' : 'False';
    }
    case 'default': {
      const defaults = frameworkDefaults(dialect.framework);
      const value = DEFAULT_OF[argument]?.(defaults);
      return value === undefined ? null : nameFor(dialect, argument, value);
    }
    case 'fw':
      if (argument === 'clipping') return dialect.clipping;
      return argument === 'default' ? `${dialect.name}'s default` : dialect.name;
    default:
      return null;
  }
}

function parseValue(raw: string): string | number | boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d/.test(raw)) return Number(raw);
  return raw.replace(/^'|'$/g, '');
}

const DEFAULT_OF: Record<string, (d: ReturnType<typeof frameworkDefaults>) => string> = {
  kernelInitializer: (d) => d.kernelInitializer,
  recurrentInitializer: (d) => d.recurrentInitializer,
  recurrentActivation: (d) => d.recurrentActivation,
};
