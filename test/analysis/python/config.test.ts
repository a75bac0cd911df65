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
    config: {
      units: 64,
      recurrentActivation: 'hardSigmoid',
      unitForgetBias: false,
      recurrentInitializer: 'glorotUniform',
    },
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
  {
    name: 'leaky_relu string',
    layer: `layers.Dense(4, activation='leaky_relu')`,
    config: { units: 4, activation: 'leakyReLU' },
  },
  {
    name: 'activation given as a LeakyReLU layer object',
    layer: `layers.Dense(128, activation=tf.keras.layers.LeakyReLU(alpha=0.1))`,
    config: { units: 128, activation: 'leakyReLU' },
  },
  {
    name: 'activation given as tf.nn.relu',
    layer: `layers.Dense(2, activation=tf.nn.relu)`,
    config: { units: 2, activation: 'relu' },
  },
  {
    name: 'initializer objects are calls with tfjs paths and camelCase args',
    layer: `layers.Dense(8, kernel_initializer=keras.initializers.RandomNormal(stddev=0.5), recurrent_initializer=keras.initializers.HeNormal())`,
    config: {
      units: 8,
      kernelInitializer: 'call:initializers.randomNormal',
      recurrentInitializer: 'call:initializers.heNormal',
    },
  },
  {
    name: 'regularizers and constraints',
    layer: `layers.Dense(128, kernel_regularizer=tf.keras.regularizers.l2(0.01), kernel_constraint=tf.keras.constraints.max_norm(3))`,
    config: {
      units: 128,
      kernelRegularizer: 'call:regularizers.l2',
      kernelConstraint: 'call:constraints.maxNorm',
    },
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
  {
    name: 'LeakyReLU negative_slope is alpha',
    layer: `layers.LeakyReLU(negative_slope=0.3)`,
    config: { alpha: 0.3 },
    factory: 'leakyReLU',
  },
  {
    name: 'data_format in tfjs spelling',
    layer: `layers.MaxPooling2D((2, 2), data_format='channels_first')`,
    config: { poolSize: [2, 2], dataFormat: 'channelsFirst' },
    factory: 'maxPooling2d',
  },
  {
    name: 'Keras 1 convolution: (filters, nb_row, nb_col) is a kernel size, border_mode and subsample renamed',
    layer: `layers.Convolution2D(32, 3, 3, border_mode='same', subsample=(2, 2), init='he_normal')`,
    config: {
      filters: 32,
      kernelSize: [3, 3],
      padding: 'same',
      strides: [2, 2],
      kernelInitializer: 'heNormal',
    },
  },
  {
    name: 'Keras 1 keywords on Conv2D mark the call as Keras 1 too',
    layer: `layers.Conv2D(16, 5, 5, border_mode='valid')`,
    config: { filters: 16, kernelSize: [5, 5], padding: 'valid' },
  },
  {
    name: 'a Keras 2 Conv2D with three positional values keeps the third as the stride',
    layer: `layers.Conv2D(64, 3, 2, padding='same')`,
    config: { filters: 64, kernelSize: 3, strides: 2, padding: 'same' },
  },
  {
    name: 'Keras 1 named nb_filter, nb_row, nb_col and Dense output_dim',
    layer: `layers.Convolution2D(nb_filter=8, nb_row=3, nb_col=1), layers.Dense(output_dim=4, init='uniform')`,
    config: { filters: 8, kernelSize: [3, 1] },
  },
  {
    name: "Keras 1 and 2's initializer aliases: init='normal' is random_normal",
    layer: `layers.Dense(4, init='normal', bias_initializer='zero')`,
    config: { units: 4, kernelInitializer: 'randomNormal', biasInitializer: 'zeros' },
  },
  {
    name: "Keras 0's Dense(input_dim, output_dim): a number second is no activation",
    layer: `layers.Dense(20, 64)`,
    config: { inputDim: 20, units: 64 },
  },
  {
    name: 'a Keras 2 Dense keeps its second positional value as the activation',
    layer: `layers.Dense(64, 'relu')`,
    config: { units: 64, activation: 'relu' },
  },
  {
    name: "Keras 0's LSTM(input_dim, output_dim)",
    layer: `layers.LSTM(29, 128, return_sequences=True)`,
    config: { inputDim: 29, units: 128, returnSequences: true },
  },
  {
    name: 'Embedding keeps its own output_dim (not a Keras 1 width)',
    layer: `layers.Embedding(input_dim=100, output_dim=8, input_length=5)`,
    config: { inputDim: 100, outputDim: 8, inputLength: 5 },
    factory: 'embedding',
  },
  {
    name: 'Keras 1 recurrent keywords: output_dim, inner_init, inner_activation',
    layer: `layers.LSTM(output_dim=16, inner_init='orthogonal', inner_activation='hard_sigmoid')`,
    config: {
      units: 16,
      recurrentInitializer: 'orthogonal',
      recurrentActivation: 'hardSigmoid',
    },
  },
];

const prelude =
  'import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n';

for (const c of cases) {
  test(`keras config: ${c.name}`, () => {
    const model = onlyPyModel(`${prelude}model = keras.Sequential([${c.layer}])`);
    assert.deepEqual(config(model.layers[0]), c.config);
    if (c.factory) assert.equal(model.layers[0].factory, c.factory);
  });
}

test('initializer call values carry their arguments as an object', () => {
  const model = onlyPyModel(
    `${prelude}model = keras.Sequential([layers.SimpleRNN(8, recurrent_initializer=keras.initializers.Orthogonal(gain=2.0))])`,
  );
  const value = model.layers[0].config.props.recurrentInitializer.value;
  assert.equal(value.kind, 'call');
  if (value.kind !== 'call') return;
  assert.equal(value.path, 'initializers.orthogonal');
  assert.equal(value.args[0].kind, 'object');
  if (value.args[0].kind === 'object')
    assert.deepEqual(value.args[0].props.gain.value, { kind: 'number', value: 2 });
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

test('a Keras 1 kernel size spans both of its values, and Dense(output_dim=) gives units', () => {
  const source = `${prelude}model = keras.Sequential([layers.Convolution2D(8, 3, 3), layers.Dense(output_dim=4)])`;
  const model = onlyPyModel(source);
  assert.equal(textAt(source, model.layers[0].config.props.kernelSize.valueSpan), '3, 3');
  assert.deepEqual(config(model.layers[1]), { units: 4 });
});

test('Keras 1 initializers as lambdas: the keras.initializations call inside, with its scale', () => {
  const source = `from keras.models import Sequential
from keras.layers.recurrent import SimpleRNN
from keras.initializations import identity, normal, uniform

net = Sequential()
net.add(SimpleRNN(output_dim=50,
                  init=lambda shape, name: normal(shape, scale=0.002, name=name),
                  inner_init=lambda shape: identity(shape, scale=1.0),
                  input_shape=(300, 2)))
net.add(SimpleRNN(output_dim=50, init=lambda shape: uniform(shape), inner_init=lambda s: s))
`;
  const model = onlyPyModel(source);
  const [first, second] = model.layers;
  const args = (layer: typeof first, key: string) => {
    const value = layer.config.props[key].value;
    assert.equal(value.kind, 'call');
    if (value.kind !== 'call') return null;
    assert.equal(value.args[0]?.kind, 'object');
    const object = value.args[0];
    if (object?.kind !== 'object') return null;
    return {
      path: value.path,
      ...Object.fromEntries(
        Object.entries(object.props).map(([k, p]) => [
          k,
          p.value.kind === 'number' ? p.value.value : p.value.kind,
        ]),
      ),
    };
  };
  assert.deepEqual(args(first, 'kernelInitializer'), {
    path: 'initializers.randomNormal',
    stddev: 0.002,
  });
  assert.deepEqual(args(first, 'recurrentInitializer'), { path: 'initializers.identity', gain: 1 });
  assert.equal(
    textAt(source, first.config.props.kernelInitializer.valueSpan),
    source.split('init=')[1].split(',\n')[0],
  );
  // uniform's default scale 0.05 is U(-0.05, 0.05); a lambda that is no initialization stays unknown.
  assert.deepEqual(args(second, 'kernelInitializer'), {
    path: 'initializers.randomUniform',
    maxval: 0.05,
    minval: -0.05,
  });
  assert.equal(second.config.props.recurrentInitializer.value.kind, 'unknown');
});
