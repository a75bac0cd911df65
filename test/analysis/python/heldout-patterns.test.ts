// Patterns of public Keras projects labelled after the extractor was written (the held-out repositories
// of calibration/real-projects/keras-labels.json), each on a fixture of the same shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factories, named, onlyPyModel, runPy, wiring } from './helpers';
import { lintText } from '../../../src/lint';
import { applyFixes } from '../../../src/lint/fix';

test('star imports reach the merge functions: a U-Net skip `concatenate([a, b])` keeps both branches', () => {
  const model = onlyPyModel(
    `from keras.models import *\nfrom keras.layers import *\nfrom keras.optimizers import *\ndef net(size=(32, 32, 1)):\n    i = Input(size)\n    a = Conv2D(8, 3, padding='same')(i)\n    p = MaxPooling2D()(a)\n    u = Conv2D(8, 2, padding='same')(UpSampling2D()(p))\n    m = concatenate([a, u], axis=3)\n    out = Conv2D(1, 1, activation='sigmoid')(m)\n    model = Model(input=i, output=out)\n    return model`,
  );
  assert.equal(factories(model), 'conv2d maxPooling2d upSampling2d conv2d concatenate conv2d');
  assert.deepEqual(wiring(model).slice(4), ['concatenate<-node0+node3', 'conv2d<-node4']);
});

test("Keras 1's merge(tensors, mode=...) is the merge layer of its mode, 'sum' when none is given", () => {
  const model = onlyPyModel(
    `from keras.layers import Input, Dense, merge\nfrom keras.models import Model\ni = Input(shape=(4,))\na = Dense(4)(i)\nb = Dense(4)(i)\nc = merge([a, b], mode='concat', concat_axis=-1)\nd = merge([a, b])\ne = merge([c, d], mode='mul')\nnet = Model(input=i, output=Dense(1)(e))`,
  );
  assert.equal(factories(model), 'dense dense concatenate add multiply dense');
  const concat = model.layers[2];
  assert.deepEqual(concat.config.props.axis?.value, { kind: 'number', value: -1 });
});

test('tf ops that take their tensors by keyword: tf.split(value=...), tf.concat(values=[...])', () => {
  const model = onlyPyModel(
    `import tensorflow as tf\ni = tf.keras.layers.Input([8, 8, 3])\nr, g, b = tf.split(axis=3, num_or_size_splits=3, value=i)\nx = tf.concat(axis=3, values=[b - 1.0, g - 2.0, r - 3.0])\nx = tf.keras.layers.Conv2D(4, 3)(x)\nmodel = tf.keras.Model(i, tf.keras.layers.Flatten()(x))`,
  );
  assert.equal(factories(model), 'concatenate conv2d flatten');
});

test('subclassed blocks added to a Sequential run inside the model that applies it', () => {
  const source = `import tensorflow as tf
from tensorflow import keras
class Block(keras.Model):
    def __init__(self, ch, project=False):
        super(Block, self).__init__()
        self.project = project
        self.bn = keras.layers.BatchNormalization()
        self.conv = keras.layers.Conv2D(ch, 3, padding='same')
        if project:
            self.down = keras.layers.Conv2D(ch, 1)
    def call(self, x, training=None):
        y = self.conv(tf.nn.relu(self.bn(x, training=training)))
        shortcut = self.down(x) if self.project else x
        return y + shortcut
class Net(keras.Model):
    def __init__(self, stages):
        super(Net, self).__init__()
        self.stem = keras.layers.Conv2D(8, 3)
        self.blocks = keras.models.Sequential(name='blocks')
        for i in range(stages):
            self.blocks.add(Block(8 * (i + 1), project=i > 0))
        self.fc = keras.layers.Dense(10)
    def call(self, x, training=None):
        x = self.blocks(self.stem(x), training=training)
        return self.fc(keras.layers.GlobalAveragePooling2D()(x))
def main():
    model = Net(2)
    model.compile(optimizer='adam', loss='mse')
main()`;
  const model = named(runPy(source).models, 'model');
  assert.equal(
    factories(model),
    'conv2d batchNormalization conv2d add batchNormalization conv2d conv2d add globalAveragePooling2d dense',
  );
  assert.deepEqual(wiring(model).slice(0, 4), [
    'conv2d<-input0',
    'batchNormalization<-node0',
    'conv2d<-node1',
    'add<-node2+node0',
  ]);
});

test('an identity shortcut written as a lambda (`lambda x, _: x`) is the residual add of its block', () => {
  const source = `import tensorflow as tf
class Basic(tf.keras.Model):
    def __init__(self, cin, cout, strides=1):
        super(Basic, self).__init__()
        self.conv = tf.keras.layers.Conv2D(cout, 3, strides, padding='same')
        if strides != 1 or cin != cout:
            self.shortcut = tf.keras.Sequential([tf.keras.layers.Conv2D(cout, 1, strides)])
        else:
            self.shortcut = lambda x, _: x
    def call(self, x, training=False):
        out = self.conv(x)
        out += self.shortcut(x, training)
        return tf.nn.relu(out)
class Net(tf.keras.Model):
    def __init__(self):
        super(Net, self).__init__()
        self.stage = self._make([16, 16])
        self.fc = tf.keras.layers.Dense(10)
    def _make(self, widths):
        blocks = []
        cin = 16
        for w in widths:
            blocks.append(Basic(cin, w))
            cin = w
        return tf.keras.Sequential(blocks)
    def call(self, x, training=False):
        return self.fc(self.stage(x, training=training))
def small():
    return Net()
model = small()`;
  const model = named(runPy(source).models, 'Net');
  assert.equal(factories(model), 'conv2d add conv2d add dense');
});

test('a plain class that builds its models in __init__ and is made in another file still has them', () => {
  const result = runPy(`from keras.models import Model, Sequential
from keras.layers import Input, Embedding, LSTM, Dense
class Summarizer(object):
    def __init__(self, config):
        self.tokens = config['tokens']
        enc_in = Input(shape=(None,))
        enc = LSTM(32, return_state=True)
        _, h, c = enc(Embedding(self.tokens, 16)(enc_in))
        dec_in = Input(shape=(None, self.tokens))
        dec = LSTM(32, return_sequences=True, return_state=True)
        out, _, _ = dec(dec_in, initial_state=[h, c])
        model = Model([enc_in, dec_in], Dense(self.tokens, activation='softmax')(out))
        model.compile(loss='categorical_crossentropy', optimizer='rmsprop')
        self.model = model
        self.encoder_model = Model(enc_in, [h, c])
class Loader(object):
    def __init__(self, path):
        self.path = path`);
  assert.equal(factories(named(result.models, 'model')), 'embedding lstm lstm dense');
  assert.equal(factories(named(result.models, 'encoder_model')), 'embedding lstm');
  assert.equal(result.models.length, 2);
});

test("another library's layer classes and the file's own Layer subclasses are layers of a Sequential", () => {
  const model = onlyPyModel(`from keras.models import Sequential
from keras.layers import Embedding, Bidirectional, LSTM, Layer
from keras_contrib.layers import CRF
class Scale(Layer):
    def call(self, x):
        return x * 2.0
model = Sequential()
model.add(Embedding(100, 8, mask_zero=True))
model.add(Bidirectional(LSTM(4, return_sequences=True)))
model.add(Scale())
model.add(CRF(5, sparse_target=True))`);
  assert.equal(factories(model), 'embedding bidirectional scale cRF');
});

test('a static builder method called on its class (`Builder.build_small(...)`), blocks chosen by isinstance', () => {
  const source = `import six
from keras.models import Model
from keras.layers import Input, Dense, Activation
from keras.layers.merge import add
from keras import backend as K
def plain_block(units):
    def f(x):
        y = Dense(units)(Activation('relu')(x))
        shape_in = K.int_shape(x)
        shape_out = K.int_shape(y)
        shortcut = x
        if shape_in[-1] != shape_out[-1]:
            shortcut = Dense(units)(x)
        return add([shortcut, y])
    return f
def _get_block(identifier):
    if isinstance(identifier, six.string_types):
        return globals().get(identifier)
    return identifier
class Builder(object):
    @staticmethod
    def build(shape, outputs, block_fn, widths):
        block_fn = _get_block(block_fn)
        i = Input(shape=shape)
        x = Dense(8)(i)
        for w in widths:
            x = block_fn(w)(x)
        model = Model(inputs=i, outputs=Dense(outputs, activation='softmax')(x))
        return model
    @staticmethod
    def build_small(shape, outputs):
        return Builder.build(shape, outputs, plain_block, [8, 16])
model = Builder.build_small((4,), 3)`;
  const models = runPy(source).models;
  assert.equal(models.length, 1, models.map((m) => m.variant?.label).join(' | '));
  // The shortcut's branch reads shapes (K.int_shape): 8 -> 8 units keeps the identity, 8 -> 16 projects.
  assert.equal(
    models[0].layers.map((l) => l.factory + (l.conditional ? '?' : '')).join(' '),
    'dense activation dense add activation dense dense add dense',
  );
});

test("a bundled dataset's arrays give the input shape: `input_shape=x_train.shape[1:]`, after reshape and scaling", () => {
  const cnn = onlyPyModel(`import keras
from keras.datasets import cifar10
from keras.models import Sequential
from keras.layers import Conv2D, Flatten, Dense
(x_train, y_train), (x_test, y_test) = cifar10.load_data()
model = Sequential()
model.add(Conv2D(32, (3, 3), padding='same', input_shape=x_train.shape[1:]))
model.add(Flatten())
model.add(Dense(10, activation='softmax'))`);
  assert.deepEqual(cnn.layers[0].config.props.inputShape?.value, {
    kind: 'array',
    items: [32, 32, 3].map((value) => ({ kind: 'number', value })),
  });
  const mlp = onlyPyModel(`import tensorflow as tf
(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype('float32') / 255.0
x_train /= 2
model = tf.keras.Sequential([tf.keras.layers.Dense(64, input_shape=(x_train.shape[1],)), tf.keras.layers.Dense(10)])`);
  assert.deepEqual(mlp.layers[0].config.props.inputShape?.value, {
    kind: 'array',
    items: [{ kind: 'number', value: 784 }],
  });
});

test("a Keras loss applied to a model's output in a GradientTape loop is that model's loss", () => {
  const source = `import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(32, activation='relu', input_shape=(8,)), tf.keras.layers.Dense(10, activation='softmax')])
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam()
@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        predictions = model(x, training=True)
        loss = loss_object(y, predictions)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
def mse_step(x, y):
    with tf.GradientTape() as tape:
        loss = tf.keras.losses.mean_squared_error(y, model(x))
    tape.gradient(loss, model.trainable_variables)`;
  const model = onlyPyModel(source);
  assert.equal(model.training.loss?.name, 'sparseCategoricalCrossentropy');
  assert.equal(model.training.loss?.fromLogits, true);
  assert.equal(model.training.loss?.text, 'loss_object(y, predictions)');
  const lint = lintText(source, 'model.py').messages.filter(
    (m) => m.ruleId === 'saturating-output-loss',
  );
  assert.equal(lint[0]?.messageId, 'logitsOfProbabilities');
  assert.match(
    applyFixes(source, lint[0].fixes).output,
    /SparseCategoricalCrossentropy\(from_logits=False\)/,
  );
});

test('a @dataclass model builder: its generated __init__ binds the fields; a second call that changes the layers is a second model', () => {
  const source = `from dataclasses import dataclass
from tensorflow import keras
@dataclass
class Base:
    n_actions: int
    dueling: bool = False
    units: int = 16
    def compile(self):
        i = keras.layers.Input(shape=(4,))
        x = keras.layers.Dense(self.units, activation='relu')(i)
        if self.dueling:
            v = keras.layers.Dense(1)(x)
            a = keras.layers.Dense(self.n_actions)(x)
            out = keras.layers.Add()([v, a])
        else:
            out = keras.layers.Dense(self.n_actions)(x)
        model = keras.Model(inputs=i, outputs=out)
        return model
class Net(Base):
    pass
Net(3).compile()
Net(n_actions=3, dueling=True).compile()
Net(3, units=32).compile()`;
  const models = runPy(source).models;
  assert.deepEqual(
    models.map((m) => factories(m)),
    ['dense dense', 'dense dense dense add'],
  );
  assert.equal(models[0].layers[0].config.props.units?.value.kind, 'number');
});

test("a custom layer that makes its sublayers in build() gets them before its first call (Keras's order)", () => {
  const model = onlyPyModel(`from tensorflow import keras
from tensorflow.keras.layers import Layer, Conv1D, Dense, Input
class Block(Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.convs = []
    def build(self, input_shape):
        for k in range(2):
            self.convs.append(Conv1D(self.filters, 3, padding='causal'))
    def call(self, inputs, training=None):
        x = inputs
        for layer in self.convs:
            x = layer(x, training=training) if has_training(layer) else layer(x)
        return keras.layers.add([inputs, x])
i = Input(shape=(100, 8))
model = keras.Model(i, Dense(1)(Block(8)(i)))`);
  assert.equal(factories(model), 'conv1d conv1d add dense');
});
