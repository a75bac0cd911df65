import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layersOf, onlyPyModel, runPy } from './helpers';

interface Case {
  name: string;
  code: string;
  layers: string[];
  kind?: 'sequential' | 'functional';
  modelName?: string;
}

const K = 'from tensorflow import keras\nfrom tensorflow.keras import layers\n';

const cases: Case[] = [
  {
    name: 'Sequential([...]) with from-imports',
    code: `from keras.models import Sequential\nfrom keras.layers import Dense, Dropout\nmodel = Sequential([Dense(64, activation='relu', input_shape=(8,)), Dropout(0.2), Dense(1)])`,
    layers: ['dense(units=64,activation="relu")', 'dropout(rate=0.2)', 'dense(units=1)'],
    kind: 'sequential',
    modelName: 'model',
  },
  {
    name: 'Sequential() + model.add, tf.keras paths',
    code: `import tensorflow as tf\nnet = tf.keras.Sequential()\nnet.add(tf.keras.layers.LSTM(32, input_shape=(10, 3)))\nnet.add(tf.keras.layers.Dense(1, activation='sigmoid'))`,
    layers: ['lstm(units=32)', 'dense(units=1,activation="sigmoid")'],
    modelName: 'net',
  },
  {
    name: 'aliases: LSTM as L, import keras as K',
    code: `import keras as K\nfrom keras.layers import LSTM as L, Dense as D\nm = K.Sequential([L(16, return_sequences=True), L(8), D(2)])`,
    layers: ['lstm(units=16)', 'lstm(units=8)', 'dense(units=2)'],
  },
  {
    name: 'for i in range(n) with a module constant and arithmetic',
    code: `${K}DEPTH = 3\nWIDTH = 16\nmodel = keras.Sequential()\nfor i in range(DEPTH):\n    model.add(layers.Dense(WIDTH * 2 ** i, activation='tanh'))\nmodel.add(layers.Dense(1))`,
    layers: [
      'dense(units=16,activation="tanh")',
      'dense(units=32,activation="tanh")',
      'dense(units=64,activation="tanh")',
      'dense(units=1)',
    ],
  },
  {
    name: 'list comprehension of layers and a list built with append',
    code: `${K}hidden = [layers.Dense(u, activation='relu') for u in [64, 32]]\nrest = []\nrest.append(layers.Dense(10, activation='softmax'))\nmodel = keras.Sequential(hidden + rest)`,
    layers: [
      'dense(units=64,activation="relu")',
      'dense(units=32,activation="relu")',
      'dense(units=10,activation="softmax")',
    ],
  },
  {
    name: 'helper function with keyword defaults and call-site arguments',
    code: `${K}def build(units=32, depth=2, act='relu'):\n    model = keras.Sequential()\n    for _ in range(depth):\n        model.add(layers.Dense(units, activation=act))\n    return model\n\nmodel = build(depth=3, act='elu')`,
    layers: [
      'dense(units=32,activation="elu")',
      'dense(units=32,activation="elu")',
      'dense(units=32,activation="elu")',
    ],
  },
  {
    name: 'a builder nobody calls runs with its defaults',
    code: `${K}def make_model(n_classes=5):\n    return keras.Sequential([layers.Flatten(), layers.Dense(n_classes)])`,
    layers: ['flatten()', 'dense(units=5)'],
    modelName: 'make_model',
  },
  {
    name: 'a helper returning a layer, f-string names, dict config',
    code: `${K}CFG = {'units': 24, 'act': 'selu'}\ndef dense(i):\n    return layers.Dense(CFG['units'], activation=CFG['act'], name=f"dense_{i}")\nmodel = keras.Sequential([dense(0), dense(1)])`,
    layers: ['dense(units=24,activation="selu")', 'dense(units=24,activation="selu")'],
  },
  {
    name: 'if on a known value picks the branch',
    code: `${K}USE_BN = False\nmodel = keras.Sequential()\nmodel.add(layers.Dense(8))\nif USE_BN:\n    model.add(layers.BatchNormalization())\nelse:\n    model.add(layers.Activation('relu'))`,
    layers: ['dense(units=8)', 'activation(activation="relu")'],
  },
  {
    name: 'wrappers set inner: Bidirectional(LSTM), TimeDistributed(Dense)',
    code: `${K}model = keras.Sequential([layers.Bidirectional(layers.LSTM(8, return_sequences=True), input_shape=(5, 2)), layers.TimeDistributed(layers.Dense(1))])`,
    layers: ['bidirectional<lstm(units=8)>()', 'timeDistributed<dense(units=1)>()'],
  },
  {
    name: 'activation layers: Activation, ReLU, LeakyReLU',
    code: `${K}model = keras.Sequential([layers.Dense(4), layers.ReLU(), layers.Dense(4), layers.LeakyReLU(0.2), layers.Activation('tanh')])`,
    layers: [
      'dense(units=4)',
      'reLU()',
      'dense(units=4)',
      'leakyReLU()',
      'activation(activation="tanh")',
    ],
  },
  {
    name: 'functional: Input, layer calls, keras.Model(inputs, outputs)',
    code: `${K}inputs = keras.Input(shape=(16,))\nx = layers.Dense(64, activation='relu')(inputs)\nx = layers.Dense(64, activation='relu')(x)\noutputs = layers.Dense(1)(x)\nmodel = keras.Model(inputs, outputs)`,
    layers: [
      'dense(units=64,activation="relu")',
      'dense(units=64,activation="relu")',
      'dense(units=1)',
    ],
    kind: 'functional',
  },
  {
    name: 'functional: residual Add()([x, shortcut]) and concatenate, keywords',
    code: `${K}from keras.layers import Add, Conv2D, Input\nfrom keras.models import Model\ninp = Input(shape=(32, 32, 3))\nshortcut = Conv2D(16, 1)(inp)\nx = Conv2D(16, (3, 3), padding='same')(inp)\nx = Add()([x, shortcut])\ny = layers.concatenate([x, shortcut])\nmodel = Model(inputs=inp, outputs=y)`,
    layers: ['conv2d(filters=16)', 'conv2d(filters=16)', 'add()', 'concatenate()'],
    kind: 'functional',
  },
  {
    name: 'functional: residual blocks from a helper in a loop, layers.add',
    code: `${K}def block(x, units):\n    y = layers.Dense(units, activation='relu')(x)\n    return layers.add([x, y])\ninputs = keras.Input(shape=(8,))\nx = inputs\nfor _ in range(2):\n    x = block(x, 8)\nmodel = keras.Model(inputs=inputs, outputs=layers.Dense(1)(x))`,
    layers: [
      'dense(units=8,activation="relu")',
      'add()',
      'dense(units=8,activation="relu")',
      'add()',
      'dense(units=1)',
    ],
  },
  {
    name: 'subclassed model: layers in __init__ (a list and a loop), wired in call',
    code: `${K}class Net(keras.Model):\n    def __init__(self, depth=2):\n        super().__init__()\n        self.blocks = []\n        for i in range(depth):\n            self.blocks.append(layers.Dense(32, activation='relu'))\n        self.norm = layers.LayerNormalization()\n        self.head = layers.Dense(10)\n        self.unused = layers.Dropout(0.5)\n\n    def call(self, x):\n        for block in self.blocks:\n            x = block(x)\n        x = self.norm(x)\n        return self.head(x)\n\nmodel = Net(depth=3)`,
    layers: [
      'dense(units=32,activation="relu")',
      'dense(units=32,activation="relu")',
      'dense(units=32,activation="relu")',
      'layerNormalization()',
      'dense(units=10)',
    ],
    kind: 'functional',
    modelName: 'model',
  },
  {
    name: 'subclassed model with a residual add in call, never instantiated',
    code: `import tensorflow as tf\nclass ResNet(tf.keras.Model):\n    def __init__(self):\n        super(ResNet, self).__init__()\n        self.d1 = tf.keras.layers.Dense(16, activation='relu')\n        self.d2 = tf.keras.layers.Dense(16)\n        self.add = tf.keras.layers.Add()\n    def call(self, inputs, training=False):\n        h = self.d1(inputs)\n        h = self.d2(h)\n        return self.add([inputs, h])`,
    layers: ['dense(units=16,activation="relu")', 'dense(units=16)', 'add()'],
    modelName: 'ResNet',
  },
  {
    name: 'a custom Layer subclass applied in a functional model runs inline',
    code: `${K}class Block(layers.Layer):\n    def __init__(self, units):\n        super().__init__()\n        self.a = layers.Dense(units, activation='relu')\n        self.b = layers.Dense(units)\n    def call(self, x):\n        return layers.add([x, self.b(self.a(x))])\ninputs = keras.Input((4,))\nx = Block(4)(inputs)\nmodel = keras.Model(inputs, layers.Dense(1)(x))`,
    layers: ['dense(units=4,activation="relu")', 'dense(units=4)', 'add()', 'dense(units=1)'],
  },
  {
    name: 'documentation snippet without imports',
    code: `model = Sequential()\nmodel.add(Dense(128))\nmodel.add(BatchNormalization())\nmodel.add(Activation('relu'))`,
    layers: ['dense(units=128)', 'batchNormalization()', 'activation(activation="relu")'],
  },
  {
    name: 'star import',
    code: `from keras.layers import *\nfrom keras.models import Sequential\nmodel = Sequential([GRU(12), Dense(3)])`,
    layers: ['gru(units=12)', 'dense(units=3)'],
  },
  {
    name: 'Sequential starting with keras.Input becomes an inputLayer',
    code: `${K}model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])`,
    layers: ['inputLayer()', 'dense(units=2)'],
  },
];

for (const c of cases) {
  test(`keras forms: ${c.name}`, () => {
    const model = onlyPyModel(c.code);
    assert.deepEqual(layersOf(model), c.layers);
    assert.equal(model.framework, 'keras');
    if (c.kind) assert.equal(model.kind, c.kind);
    if (c.modelName) assert.equal(model.name, c.modelName);
  });
}

test('functional graph: edges and node inputs follow the residual connection', () => {
  const model = onlyPyModel(
    `${K}inp = keras.Input(shape=(4,))\nh = layers.Dense(4)(inp)\nout = layers.Add()([inp, h])\nmodel = keras.Model(inp, out)`,
  );
  assert.deepEqual(
    model.inputs.map((i) => i.id),
    ['input0'],
  );
  assert.deepEqual(
    model.nodes.map((n) => `${n.id}:${model.layers[n.layer].factory}<-${n.inputs.join('+')}`),
    ['node0:dense<-input0', 'node1:add<-input0+node0'],
  );
  assert.deepEqual(model.outputs, ['node1']);
  assert.deepEqual(model.inputs[0].shape, { kind: 'array', items: [{ kind: 'number', value: 4 }] });
});

test('loop iterations are marked on the layers they repeat', () => {
  const model = onlyPyModel(
    `${K}model = keras.Sequential()\nfor i in range(3):\n    model.add(layers.Dense(8))`,
  );
  assert.deepEqual(
    model.layers.map((l) => l.repeat),
    [
      { iteration: 0, count: 3 },
      { iteration: 1, count: 3 },
      { iteration: 2, count: 3 },
    ],
  );
  assert.equal(new Set(model.layers.map((l) => l.callSpan.start)).size, 1, 'one call site');
});

test('an undecidable if gives one variant per branch, named by the condition', () => {
  const { models } = runPy(
    `${K}def build(use_bn):\n    model = keras.Sequential([layers.Dense(8)])\n    if use_bn:\n        model.add(layers.BatchNormalization())\n    else:\n        model.add(layers.Dropout(0.1))\n    return model`,
  );
  assert.deepEqual(
    models.map((m) => [m.variant?.id, m.variant?.label, layersOf(m)]),
    [
      ['use_bn', 'use_bn', ['dense(units=8)', 'batchNormalization()']],
      ['no-use_bn', 'not use_bn', ['dense(units=8)', 'dropout(rate=0.1)']],
    ],
  );
  assert.deepEqual(models[1].variant?.path, [{ condition: 'use_bn', branch: 'else' }]);
  assert.ok(models.every((m) => m.layers.every((l) => !l.conditional)));
});

test('two models in one file, each with its own name and anchor line', () => {
  const result = runPy(
    `${K}a = keras.Sequential([layers.Dense(1)])\nb = keras.Sequential([layers.Dense(2), layers.Dense(3)])`,
  );
  assert.deepEqual(
    result.models.map((m) => [m.name, m.anchor.line, m.layers.length]),
    [
      ['a', 3, 1],
      ['b', 4, 2],
    ],
  );
});

test('a builder called twice gives one model (its first call)', () => {
  const result = runPy(
    `${K}def build(n):\n    return keras.Sequential([layers.Dense(n)])\nm1 = build(4)\nm2 = build(8)`,
  );
  assert.equal(result.models.length, 1);
  assert.deepEqual(layersOf(result.models[0]), ['dense(units=4)']);
});

test('a Sequential applied to a tensor joins the functional graph in order', () => {
  const model = runPy(
    `${K}base = keras.Sequential([layers.Dense(8, activation='relu'), layers.Dense(8)])\ninp = keras.Input((4,))\nouter = keras.Model(inp, layers.Dense(1)(base(inp)))`,
  ).models.find((m) => m.name === 'outer');
  assert.ok(model);
  assert.deepEqual(layersOf(model), [
    'dense(units=8,activation="relu")',
    'dense(units=8)',
    'dense(units=1)',
  ]);
  assert.deepEqual(
    model.nodes.map((n) => n.inputs.join('+')),
    ['input0', 'node0', 'node1'],
  );
});

test("code under `if __name__ == '__main__':` is not conditional", () => {
  const model = onlyPyModel(
    `${K}if __name__ == '__main__':\n    model = keras.Sequential([layers.Dense(3)])`,
  );
  assert.equal(model.layers[0].conditional, undefined);
});
