// Patterns met in real Keras projects (calibration/real-projects/keras-labels.json), each on a
// fixture written for it: the layer sequence the code builds, and the wiring where it matters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factories, named, onlyPyModel, runPy, wiring } from './helpers';

test('imports through tensorflow.python.keras reach Keras', () => {
  const model = onlyPyModel(
    `from tensorflow.python.keras.models import Sequential\nfrom tensorflow.python.keras.layers import Dense, Dropout\nnet = Sequential()\nnet.add(Dense(16, input_dim=4))\nnet.add(Dropout(0.2))\nnet.add(Dense(1))`,
  );
  assert.equal(factories(model), 'dense dropout dense');
});

test("Keras 1's Model(input=..., output=...) keywords", () => {
  const model = onlyPyModel(
    `from keras.layers import Input, Dense\nfrom keras.models import Model\ninp = Input(shape=(8,))\nh = Dense(4)(inp)\nnet = Model(input=inp, output=Dense(2)(h))`,
  );
  assert.equal(factories(model), 'dense dense');
});

test('config lists consumed with pop(0) and pop() give the blocks they describe', () => {
  const model = onlyPyModel(
    `from tensorflow.keras import Input, Model\nfrom tensorflow.keras.layers import Dense, Dropout\nstages = [2, 1, 3]\ndef build(x, stages):\n    first = stages.pop(0)\n    last = stages.pop()\n    for _ in range(first):\n        x = Dense(8)(x)\n    for n in stages:\n        x = Dropout(0.1)(x)\n    for _ in range(last):\n        x = Dense(4)(x)\n    return x\ni = Input((3,))\nnet = Model(i, build(i, stages))`,
  );
  assert.equal(factories(model), 'dense dense dropout dense dense dense');
});

test('`is None`, `is not None` and `not in` decide branches', () => {
  const model = onlyPyModel(
    `from tensorflow.keras import Input, Model, layers\ndef block(x, reduce=None, skip=()):\n    x = layers.Dense(8)(x)\n    if reduce is not None:\n        x = layers.Dense(reduce)(x)\n    if 'bn' not in skip:\n        x = layers.BatchNormalization()(x)\n    if reduce is None:\n        x = layers.ReLU()(x)\n    return x\ni = Input((3,))\nx = block(i, 4, skip=('bn',))\nnet = Model(i, block(x))`,
  );
  assert.equal(factories(model), 'dense dense dense batchNormalization reLU');
  assert.ok(model.layers.every((l) => !l.conditional));
});

test('`return x, aux` returns a tuple that unpacks into a tensor and a list of outputs', () => {
  const model = onlyPyModel(
    `from tensorflow.keras import Input, Model, layers\ndef stage(x, with_head):\n    heads = []\n    x = layers.Conv2D(8, 3)(x)\n    if with_head:\n        heads.append(layers.Dense(2)(layers.Flatten()(x)))\n    return x, heads\ni = Input((16, 16, 3))\nx, aux = stage(i, True)\nx, more = stage(x, False)\naux += more\nout = layers.Dense(2)(layers.GlobalAveragePooling2D()(x))\nnet = Model(i, [out] + aux)`,
  );
  assert.equal(factories(model), 'conv2d flatten dense conv2d globalAveragePooling2d dense');
  assert.equal(model.outputs.length, 2);
});

test('`x + shortcut` of two tensors is an add node with both edges; `x * 0.5` passes x on', () => {
  const model = onlyPyModel(
    `import tensorflow as tf\nfrom tensorflow.keras import Input, Model, layers\ni = Input((8,))\nx = layers.Dense(8)(i)\nshortcut = x\nx = layers.Dense(8)(x * 0.5)\nx = x + shortcut\ny = layers.Dense(8)(x)\ny += x\nz = tf.concat([y, x], axis=-1)\nnet = Model(i, layers.Dense(1)(z))`,
  );
  assert.equal(factories(model), 'dense dense add dense add concatenate dense');
  assert.deepEqual(wiring(model), [
    'dense<-input0',
    'dense<-node0',
    'add<-node1+node0',
    'dense<-node2',
    'add<-node3+node2',
    'concatenate<-node4+node2',
    'dense<-node5',
  ]);
});

test('a residual written `inputs + out` inside a Layer subclass joins the caller graph', () => {
  const model = onlyPyModel(
    `import keras\nfrom keras import layers\nclass Block(layers.Layer):\n    def __init__(self, units):\n        super().__init__()\n        self.inner = layers.Dense(units)\n        self.norm = layers.LayerNormalization()\n    def call(self, inputs):\n        return self.norm(inputs + self.inner(inputs))\ni = layers.Input((8,))\nx = Block(8)(i)\nnet = keras.Model(i, layers.Dense(1)(x))`,
  );
  assert.equal(factories(model), 'dense add layerNormalization dense');
  assert.deepEqual(wiring(model), [
    'dense<-input0',
    'add<-input0+node0',
    'layerNormalization<-node1',
    'dense<-node2',
  ]);
});

test('a functional model applied inside another replays its graph there (an encoder in a VAE)', () => {
  const { models } = runPy(
    `from tensorflow import keras\nfrom tensorflow.keras import layers\nei = keras.Input((4,))\nh = layers.Dense(8)(ei)\nmu = layers.Dense(2)(h)\nlv = layers.Dense(2)(h)\nencoder = keras.Model(ei, [mu, lv, mu + lv])\ndi = keras.Input((2,))\ndecoder = keras.Model(di, layers.Dense(4)(di))\nclass AE(keras.Model):\n    def __init__(self, encoder, decoder):\n        super().__init__()\n        self.encoder = encoder\n        self.decoder = decoder\n    def call(self, x):\n        mu, lv, z = self.encoder(x)\n        return self.decoder(z)\nae = AE(encoder, decoder)`,
  );
  const ae = named(models, 'ae');
  assert.equal(factories(ae), 'dense dense dense add dense');
  assert.deepEqual(wiring(ae), [
    'dense<-input0',
    'dense<-node0',
    'dense<-node0',
    'add<-node1+node2',
    'dense<-node3',
  ]);
  assert.equal(factories(named(models, 'encoder')), 'dense dense dense add');
});

test('a flag parameter of a functional builder gives a variant per branch, not the else side only', () => {
  const { models } = runPy(
    `from tensorflow import keras\nfrom tensorflow.keras import layers\ndef conv_block(x, filters, use_bn):\n    x = layers.Conv2D(filters, 3)(x)\n    if use_bn:\n        x = layers.BatchNormalization()(x)\n    return layers.ReLU()(x)\ndef make_model(input_shape, use_bn, head='dense'):\n    inputs = keras.Input(shape=input_shape)\n    x = conv_block(inputs, 16, use_bn)\n    x = conv_block(x, 32, use_bn)\n    x = layers.GlobalAveragePooling2D()(x)\n    if head == 'dense':\n        x = layers.Dense(10)(x)\n    return keras.Model(inputs, x)`,
  );
  assert.deepEqual(
    models.map((m) => [m.variant?.id, factories(m)]),
    [
      [
        'use_bn',
        'conv2d batchNormalization reLU conv2d batchNormalization reLU globalAveragePooling2d dense',
      ],
      ['no-use_bn', 'conv2d reLU conv2d reLU globalAveragePooling2d dense'],
    ],
  );
});

test('a branch on a value the code leaves open picks variants by its value; one that builds nothing forks nothing', () => {
  const { models } = runPy(
    `import sys\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\nkind = sys.argv[1]\nif len(sys.argv) > 2:\n    print('verbose')\nmodel = keras.Sequential()\nif kind == 'rnn':\n    model.add(layers.LSTM(8))\nelse:\n    model.add(layers.Flatten())\nmodel.add(layers.Dense(1))\nother = keras.Sequential([layers.Dense(2)])`,
  );
  assert.deepEqual(
    models.map((m) => [m.name, m.variant?.id ?? null, m.variant?.label ?? null, factories(m)]),
    [
      ['model', 'rnn', 'kind = rnn', 'lstm dense'],
      ['model', 'not-rnn', 'kind != rnn', 'flatten dense'],
      ['other', null, null, 'dense'],
    ],
  );
});

test('a branch on tensor shapes follows the shapes when they are known, else stays one model marked conditional', () => {
  const source = (channels: string) =>
    `from tensorflow.keras import Input, Model, layers\ndef block(x, filters):\n    shortcut = x\n    channels = x.shape[-1]\n    x = layers.Conv2D(filters, 3, padding='same')(x)\n    if channels != filters:\n        shortcut = layers.Conv2D(filters, 1)(shortcut)\n    return layers.add([x, shortcut])\ni = Input((8, 8, ${channels}))\nnet = Model(i, block(block(i, 16), 16))`;
  const marked = (model: ReturnType<typeof onlyPyModel>) =>
    model.layers.map((l) => l.factory + (l.conditional ? '?' : '')).join(' ');
  assert.equal(marked(onlyPyModel(source('3'))), 'conv2d conv2d add conv2d add');
  const open = onlyPyModel(source('CHANNELS'));
  assert.equal(open.variant, undefined);
  // The first add has the conv's 16 channels whichever shortcut it took, so the second block is decided.
  assert.equal(marked(open), 'conv2d conv2d? add conv2d add');
});

test('`**kwargs` holds the keywords no parameter took: flags passed through it decide branches', () => {
  const model = onlyPyModel(
    `from tensorflow.keras import Input, Model, layers\ndef block(x, filters, **kwargs):\n    x = layers.Conv2D(filters, 3, **kwargs)(x)\n    if 'dropout' in kwargs:\n        x = layers.Dropout(kwargs['dropout'])(x)\n    return x\ni = Input((8, 8, 3))\nx = block(i, 8, padding='same')\nnet = Model(i, block(x, 16, dropout=0.2))`,
  );
  assert.equal(model.variant, undefined);
  assert.equal(factories(model), 'conv2d conv2d dropout');
  assert.deepEqual(model.layers[2].config.props.rate?.value, { kind: 'number', value: 0.2 });
  assert.deepEqual(model.layers[0].config.props.padding?.value, { kind: 'string', value: 'same' });
});

test('floats written with a trailing dot (`x / 255.`, `1./255`) parse, strings keep their dots', () => {
  const model = onlyPyModel(
    `from tensorflow import keras\nfrom tensorflow.keras import layers\nx = x_train / 255.  # scaled to 1.\nmodel = keras.Sequential([layers.Rescaling(1./255, name='scale 1.'), layers.Dropout(.5), layers.Dense(10)])`,
  );
  assert.equal(factories(model), 'rescaling dropout dense');
  assert.deepEqual(model.layers[0].config.props.scale?.value, { kind: 'number', value: 1 / 255 });
  assert.deepEqual(model.layers[0].config.props.name?.value, { kind: 'string', value: 'scale 1.' });
});

test('an if/elif/else chain on one value names each variant by its own arm', () => {
  const { models } = runPy(
    `from tensorflow import keras\nfrom tensorflow.keras import layers\ndef build(kind, units=16):\n    model = keras.Sequential()\n    if kind == 'cnn':\n        model.add(layers.Conv1D(units, 3))\n        model.add(layers.Flatten())\n    elif kind == 'rnn':\n        model.add(layers.LSTM(units))\n    else:\n        model.add(layers.Flatten())\n    model.add(layers.Dense(1))\n    return model`,
  );
  assert.deepEqual(
    models.map((m) => [m.variant?.id, m.variant?.label, factories(m)]),
    [
      ['cnn', 'kind = cnn', 'conv1d flatten dense'],
      ['rnn', 'kind = rnn', 'lstm dense'],
      ['not-rnn', 'kind != rnn', 'flatten dense'],
    ],
  );
  assert.deepEqual(models[2].variant?.path, [
    { condition: "kind == 'cnn'", branch: 'else' },
    { condition: "kind == 'rnn'", branch: 'else' },
  ]);
});
