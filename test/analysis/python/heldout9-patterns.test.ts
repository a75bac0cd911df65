// Patterns of the ninth held-out batch of public Keras projects (calibration/real-projects/keras-labels.json,
// batch 9), each on a fixture of the same shape written for the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factories, named, onlyPyModel, runPy, wiring } from './helpers';
import { memoryProject } from '../../workspace/memory-host';

test('a Model subclass whose __init__ hands its tensors to super().__init__ is that graph', () => {
  const result = runPy(`from keras import Model, layers

class Critic(Model):
    def __init__(self, states, actions):
        state_in = layers.Input(shape=(states,))
        s = layers.Dense(16, activation="relu")(state_in)
        action_in = layers.Input(shape=(actions,))
        a = layers.Dense(8, activation="relu")(action_in)
        joined = layers.Concatenate()([s, a])
        super().__init__([state_in, action_in], layers.Dense(1)(joined))

class Actor(Model):
    def __init__(self, states, bound):
        inp = layers.Input((states,))
        out = layers.Dense(2, activation="tanh")(layers.Dense(32)(inp)) * bound
        super(Actor, self).__init__(inputs=inp, outputs=out, name="actor")
`);
  const critic = named(result.models, 'Critic');
  assert.equal(factories(critic), 'dense dense concatenate dense');
  assert.equal(critic.inputs.length, 2);
  assert.equal(factories(named(result.models, 'Actor')), 'dense dense');
});

test("a layer subclass's super().__init__(name=...) changes nothing", () => {
  const model = onlyPyModel(`import tensorflow as tf

class Scale(tf.keras.layers.Layer):
    def __init__(self, factor, **kwargs):
        super().__init__(name="scale", **kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

model = tf.keras.Sequential([tf.keras.layers.Dense(4), Scale(2.0), tf.keras.layers.Dense(1)])
`);
  assert.equal(factories(model), 'dense scale dense');
});

test("Keras 3's tf.keras shim (`keras._tf_keras.keras.layers`) is Keras", () => {
  const model =
    onlyPyModel(`from keras._tf_keras.keras.layers import Input, Conv2D, Flatten, Dense, concatenate
from keras._tf_keras.keras.models import Model

a = Input(shape=(32, 32, 3))
b = Input(shape=(32, 32, 3))
x = concatenate([Flatten()(Conv2D(8, 3)(a)), Flatten()(Conv2D(8, 3)(b))])
model = Model(inputs=[a, b], outputs=Dense(2, activation='softmax')(x))
`);
  assert.equal(factories(model), 'conv2d flatten conv2d flatten concatenate dense');
});

test("a layer subclassing Keras 2's engine Layer is one layer of its own", () => {
  const model = onlyPyModel(`from keras import backend as K
from keras.engine.topology import Layer
from keras.models import Sequential
from keras.layers import Dense, Flatten

class Gate(Layer):
    def build(self, input_shape):
        self.w = self.add_weight(name='w', shape=(input_shape[-1],), initializer='ones')
        super(Gate, self).build(input_shape)

    def call(self, x):
        return x * K.sigmoid(self.w)

model = Sequential()
model.add(Gate(input_shape=(8, 8)))
model.add(Flatten())
model.add(Dense(1))
`);
  assert.equal(factories(model), 'gate flatten dense');
});

test("`from . import head` takes the helper the package's __init__.py defines", () => {
  const K =
    'from keras.models import Model\nfrom keras.layers import Dense, GlobalAveragePooling2D\n';
  const { ws, path } = memoryProject({
    'nets/__init__.py': `${K}def head(base, classes):\n    x = GlobalAveragePooling2D()(base.output)\n    return Model(inputs=base.input, outputs=Dense(classes)(x))\n`,
    'nets/tuned.py': `from keras.applications import vgg16\nfrom . import head\ndef get_model(shape, classes):\n    base = vgg16.VGG16(include_top=False, input_shape=shape)\n    return head(base, classes)\n`,
    'nets/blocks.py': `from keras.layers import Dense\ndef dense_block(x):\n    return Dense(4)(x)\n`,
    'nets/small.py': `from keras.layers import Input\nfrom keras.models import Model\nfrom . import blocks\ninp = Input((3,))\nmodel = Model(inp, blocks.dense_block(inp))\n`,
  });
  const tuned = ws.analyzeFile(path('nets/tuned.py'));
  assert.deepEqual(tuned.problems, []);
  assert.deepEqual(
    tuned.models.map((m) => `${m.name}: ${factories(m)}`),
    ['head: globalAveragePooling2d dense'],
  );
  // A submodule the package's __init__.py does not define is still the module.
  const small = ws.analyzeFile(path('nets/small.py'));
  assert.deepEqual(
    small.models.map((m) => `${m.name}: ${factories(m)}`),
    ['model: dense'],
  );
});

test('a hand-written attention joined with tf.matmul keeps its query, key and value projections', () => {
  const model = onlyPyModel(`import tensorflow as tf
from tensorflow import keras

def attend(q, k, v):
    scores = tf.matmul(q, k, transpose_b=True) / tf.math.sqrt(tf.cast(tf.shape(k)[-1], tf.float32))
    return tf.matmul(tf.nn.softmax(scores, axis=-1), v)

def build(d=16):
    x = keras.Input((10, d))
    memory = keras.Input((12, d))
    q = keras.layers.Dense(d)(x)
    k = keras.layers.Dense(d)(memory)
    v = keras.layers.Dense(d)(memory)
    out = keras.layers.Dense(d)(attend(q, k, v))
    return keras.Model([x, memory], keras.layers.LayerNormalization()(out + x))
`);
  // No layer for the matmuls: the out projection is applied to the query's side (the op's output
  // stands in for it) and fed by the key and value projections too.
  assert.equal(factories(model), 'dense dense dense dense add layerNormalization');
  assert.deepEqual(wiring(model).slice(0, 4), [
    'dense<-input0',
    'dense<-input1',
    'dense<-input1',
    'dense<-node0',
  ]);
  assert.deepEqual(
    model.edges.filter((e) => e.to === 'node3').map((e) => e.from),
    ['node0', 'node1', 'node2'],
  );
});

test('an op on one tensor twice (`x / tf.norm(x)`) is that tensor, not a join', () => {
  const model = onlyPyModel(`import tensorflow as tf
from tensorflow import keras

inp = keras.Input((8,))
h = keras.layers.Dense(4)(inp)
h = h / tf.norm(h, axis=-1, keepdims=True)
model = keras.Model(inp, keras.layers.Dense(1)(tf.matmul(h, h, transpose_b=True)))
`);
  assert.deepEqual(wiring(model), ['dense<-input0', 'dense<-node0']);
});
