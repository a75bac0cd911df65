import assert from 'node:assert/strict';
import { test } from 'node:test';
import { config, onlyPyModel, textAt } from './helpers';

interface Case {
  name: string;
  layer: string;
  config: Record<string, unknown>;
  factory?: string;
}

const cases: Case[] = [
  {
    name: 'positional arguments take their parameter names',
    layer: `layers.Conv2D(32, (3, 3), 2, 'same', activation='relu')`,
    config: { filters: 32, kernelSize: [3, 3], strides: 2, padding: 'same', activation: 'relu' },
  },
  {
    name: 'snake_case keys and initializer names in tfjs spelling',
    layer: `layers.Dense(8, kernel_initializer='he_normal', bias_initializer='zeros', use_bias=True)`,
    config: { units: 8, kernelInitializer: 'heNormal', biasInitializer: 'zeros', useBias: true },
  },
  {
    name: 'LSTM gates and forget bias',
    layer: `layers.LSTM(64, recurrent_activation='hard_sigmoid', unit_forget_bias=False, recurrent_initializer='glorot_uniform')`,
    config: { units: 64, recurrentActivation: 'hardSigmoid', unitForgetBias: false, recurrentInitializer: 'glorotUniform' },
  },
  {
    name: 'GRU reset_after and lecun_normal',
    layer: `layers.GRU(16, reset_after=False, kernel_initializer='lecun_normal')`,
    config: { units: 16, resetAfter: false, kernelInitializer: 'leCunNormal' },
  },
  {
    name: 'activation names: silu -> swish, leaky_relu, LeakyReLU object, tf.nn.relu',
    layer: `layers.Dense(4, activation='silu')`,
    config: { units: 4, activation: 'swish' },
  },
  { name: 'leaky_relu string', layer: `layers.Dense(4, activation='leaky_relu')`, config: { units: 4, activation: 'leakyReLU' } },
  {
    name: 'activation given as a LeakyReLU layer object',
    layer: `layers.Dense(128, activation=tf.keras.layers.LeakyReLU(alpha=0.1))`,
    config: { units: 128, activation: 'leakyReLU' },
  },
  { name: 'activation given as tf.nn.relu', layer: `layers.Dense(2, activation=tf.nn.relu)`, config: { units: 2, activation: 'relu' } },
  {
    name: 'initializer objects are calls with tfjs paths and camelCase args',
    layer: `layers.Dense(8, kernel_initializer=keras.initializers.RandomNormal(stddev=0.5), recurrent_initializer=keras.initializers.HeNormal())`,
    config: { units: 8, kernelInitializer: 'call:initializers.randomNormal', recurrentInitializer: 'call:initializers.heNormal' },
  },
  {
    name: 'regularizers and constraints',
    layer: `layers.Dense(128, kernel_regularizer=tf.keras.regularizers.l2(0.01), kernel_constraint=tf.keras.constraints.max_norm(3))`,
    config: { units: 128, kernelRegularizer: 'call:regularizers.l2', kernelConstraint: 'call:constraints.maxNorm' },
  },
  {
    name: 'an unknown value keeps its expression text',
    layer: `layers.Dense(args.units, activation=ACT)`,
    config: { units: '?args.units', activation: '?ACT' },
  },
  {
    name: '**kwargs from a dict literal',
    layer: `layers.Dense(3, **{'activation': 'tanh'})`,
    config: { units: 3, activation: 'tanh' },
  },
  { name: 'LeakyReLU negative_slope is alpha', layer: `layers.LeakyReLU(negative_slope=0.3)`, config: { alpha: 0.3 }, factory: 'leakyReLU' },
  {
    name: 'data_format in tfjs spelling',
    layer: `layers.MaxPooling2D((2, 2), data_format='channels_first')`,
    config: { poolSize: [2, 2], dataFormat: 'channelsFirst' },
    factory: 'maxPooling2d',
  },
];

const prelude = 'import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n';

for (const c of cases) {
  test(`keras config: ${c.name}`, () => {
    const model = onlyPyModel(`${prelude}model = keras.Sequential([${c.layer}])`);
    assert.deepEqual(config(model.layers[0]), c.config);
    if (c.factory) assert.equal(model.layers[0].factory, c.factory);
  });
}

test('initializer call values carry their arguments as an object', () => {
  const model = onlyPyModel(`${prelude}model = keras.Sequential([layers.SimpleRNN(8, recurrent_initializer=keras.initializers.Orthogonal(gain=2.0))])`);
  const value = model.layers[0].config.props.recurrentInitializer.value;
  assert.equal(value.kind, 'call');
  if (value.kind !== 'call') return;
  assert.equal(value.path, 'initializers.orthogonal');
  assert.equal(value.args[0].kind, 'object');
  if (value.args[0].kind === 'object') assert.deepEqual(value.args[0].props.gain.value, { kind: 'number', value: 2 });
});

test('defaults are not written into the config', () => {
  const model = onlyPyModel(`${prelude}model = keras.Sequential([layers.LSTM(4)])`);
  assert.deepEqual(Object.keys(model.layers[0].config.props), ['units']);
});

test('spans point into the Python source exactly', () => {
  const source = `${prelude}model = keras.Sequential([\n    layers.Dense(64, activation='relu'),\n])`;
  const model = onlyPyModel(source);
  const layer = model.layers[0];
  assert.equal(textAt(source, layer.callSpan), "layers.Dense(64, activation='relu')");
  assert.equal(textAt(source, layer.config.objectSpan), "(64, activation='relu')");
  assert.equal(textAt(source, layer.config.props.units.span), '64');
  assert.equal(textAt(source, layer.config.props.units.valueSpan), '64');
  assert.equal(textAt(source, layer.config.props.activation.span), "activation='relu'");
  assert.equal(textAt(source, layer.config.props.activation.valueSpan), "'relu'");
  assert.equal(layer.config.text, "64, activation='relu'");
  assert.equal(textAt(source, model.anchor).startsWith('keras.Sequential(['), true);
});

test('a value from a variable: the span is the argument, the value resolved', () => {
  const source = `${prelude}UNITS = 12\nmodel = keras.Sequential([layers.Dense(units=UNITS)])`;
  const prop = onlyPyModel(source).layers[0].config.props.units;
  assert.deepEqual(prop.value, { kind: 'number', value: 12 });
  assert.equal(textAt(source, prop.span), 'units=UNITS');
  assert.equal(textAt(source, prop.valueSpan), 'UNITS');
  assert.equal(prop.inherited, false);
});

test('**kwargs entries are inherited and point at the dict entry', () => {
  const source = `${prelude}COMMON = dict()\nBASE = {'activation': 'relu'}\nmodel = keras.Sequential([layers.Dense(3, **BASE)])`;
  const prop = onlyPyModel(source).layers[0].config.props.activation;
  assert.equal(prop.inherited, true);
  assert.equal(textAt(source, prop.span), "'activation': 'relu'");
  assert.equal(textAt(source, prop.valueSpan), "'relu'");
});

test('offsets are UTF-16 and lines/columns 1-based after non-ASCII text', () => {
  const source = `${prelude}# modèle — größe 🚀\nmodel = keras.Sequential([layers.Dense(5)])`;
  const layer = onlyPyModel(source).layers[0];
  assert.equal(textAt(source, layer.callSpan), 'layers.Dense(5)');
  assert.equal(layer.callSpan.line, 5);
  assert.equal(layer.callSpan.column, 27);
});
