// Patterns of the sixth held-out batch of public Keras projects (calibration/real-projects/keras-labels.json,
// batch 6), each on a fixture of the same shape written for the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { factories, named, onlyPyModel, runPy, wiring } from './helpers';
import { lintText } from '../../../src/lint';

test('a custom layer with its own weights applied to a tensor is one opaque layer under its class name', () => {
  const model = onlyPyModel(`import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

class ScaledLinear(layers.Layer):
    def __init__(self, units=16):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")

    def call(self, x):
        return tf.matmul(x, self.kernel) * 0.5

inp = keras.Input((8,))
hidden = layers.Dense(32, activation="relu")(inp)
net = keras.Model(inp, ScaledLinear(4)(hidden))
`);
  assert.equal(factories(model), 'dense scaledLinear');
  assert.deepEqual(wiring(model), ['dense<-input0', 'scaledLinear<-node0']);
  assert.equal(model.layers[1].config.opaque, true);
});

test('custom weight layers called in a subclassed model keep their place between Keras layers', () => {
  const model = onlyPyModel(`import tensorflow as tf
import tensorflow.keras as keras

class Norm(keras.layers.Layer):
    def __init__(self):
        super(Norm, self).__init__()
        self.gamma = tf.Variable(1.0)

    def call(self, x):
        mean, var = tf.nn.moments(x, axes=[1, 2], keepdims=True)
        return self.gamma * (x - mean) / tf.sqrt(var + 1e-5)

class Critic(keras.Model):
    def __init__(self):
        super(Critic, self).__init__()
        self.c1 = keras.layers.Conv2D(16, 3)
        self.n1 = Norm()
        self.c2 = keras.layers.Conv2D(32, 3)
        self.n2 = Norm()
        self.pool = keras.layers.MaxPool2D(2)
        self.out = keras.layers.Conv2D(1, 3)

    def call(self, x):
        x = tf.nn.leaky_relu(self.n1(self.c1(x)))
        x = self.pool(tf.nn.leaky_relu(self.n2(self.c2(x))))
        return tf.reduce_mean(self.out(x), axis=1)

critic = Critic()
`);
  assert.equal(factories(model), 'conv2d norm conv2d norm maxPooling2d conv2d');
  assert.equal(model.name, 'critic');
});

test('a custom layer whose call applies Keras layers still joins the graph with them, not as one layer', () => {
  const model = onlyPyModel(`import tensorflow as tf
class Fire(tf.keras.layers.Layer):
    def __init__(self, s, e):
        super(Fire, self).__init__()
        self.squeeze = tf.keras.layers.Conv2D(s, 1)
        self.left = tf.keras.layers.Conv2D(e, 1)
        self.right = tf.keras.layers.Conv2D(e, 3, padding="same")
    def call(self, x):
        x = tf.nn.relu(self.squeeze(x))
        return tf.concat([tf.nn.relu(self.left(x)), tf.nn.relu(self.right(x))], axis=-1)
class Tiny(tf.keras.Model):
    def __init__(self):
        super(Tiny, self).__init__()
        self.stem = tf.keras.layers.Conv2D(32, 3)
        self.fire = Fire(8, 16)
        self.head = tf.keras.layers.GlobalAveragePooling2D()
    def call(self, x):
        return self.head(self.fire(self.stem(x)))
`);
  assert.equal(factories(model), 'conv2d conv2d conv2d conv2d concatenate globalAveragePooling2d');
});

test('model.pop() drops the last layer of a Sequential; later adds go after the layer left last', () => {
  const model = onlyPyModel(`from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    layers.Dense(8, activation="relu"),
    layers.Dense(4, activation="relu"),
    layers.Dense(2),
])
model.pop()
model.pop()
model.add(layers.Dense(3, activation="softmax"))
`);
  assert.equal(factories(model), 'dense dense');
  assert.deepEqual(model.layers[1].config.props.units?.value, { kind: 'number', value: 3 });
});

test('model.pop() under a branch the evaluator cannot decide keeps the layer, marked conditional', () => {
  const { models } = runPy(`import sys
from keras.models import Sequential
from keras.layers import Dense
net = Sequential()
net.add(Dense(8, input_dim=4))
net.add(Dense(1))
if len(sys.argv) > 1:
    net.pop()
`);
  const net = named(models, 'net');
  assert.equal(factories(net), 'dense dense');
  assert.ok(net.layers[1].conditional, 'the popped-on-some-paths layer is conditional');
  assert.equal(net.layers[0].conditional, undefined);
});

const sigmoidLstm = (loss: string) => `import keras.backend as K
from keras.models import Sequential
from keras.layers import LSTM, TimeDistributed, Dense, Activation
${loss}
model = Sequential()
model.add(LSTM(64, input_dim=16, return_sequences=True))
model.add(TimeDistributed(Dense(16)))
model.add(Activation('sigmoid'))
model.compile(optimizer='rmsprop', loss=frame_loss)
model.fit(x, y)
`;

const outputLoss = (source: string) =>
  lintText(source, 'model.py').messages.filter((m) => m.ruleId === 'saturating-output-loss');

test("the file's own squared-error loss function is a squared error under a sigmoid output", () => {
  const found = outputLoss(
    sigmoidLstm(
      `def frame_loss(y_true, y_pred):\n    # per-frame error\n    return K.sum(K.square(y_pred - y_true), axis=-1)`,
    ),
  );
  assert.equal(found.length, 1);
  assert.match(found[0].message, /frame_loss \(a squared error\)/);
  // Replacing the user's own function is offered, never applied as the preferred fix.
  assert.ok(found[0].fixes.length > 0);
  assert.ok(found[0].fixes.every((f) => !f.preferred));
});

test('a squared error written with ** 2 or an absolute error also count; a log-likelihood does not', () => {
  const power = outputLoss(
    sigmoidLstm(
      `def frame_loss(target, output):\n    d = 1.0\n    return K.mean((target - output) ** 2)`,
    ),
  );
  assert.equal(power.length, 1);
  const absolute = outputLoss(
    sigmoidLstm(
      `def frame_loss(y_true, y_pred):\n    return K.mean(K.abs(y_pred - y_true), axis=-1)`,
    ),
  );
  assert.match(absolute[0]?.message ?? '', /an absolute error/);
  const likelihood = outputLoss(
    sigmoidLstm(
      `def frame_loss(y_true, y_pred):\n    return -K.sum(y_true * K.log(y_pred) + K.square(y_pred - y_true) * 0.0)`,
    ),
  );
  assert.equal(likelihood.length, 0);
  const unrelated = outputLoss(
    sigmoidLstm(`def frame_loss(y_true, y_pred):\n    return K.square(K.mean(y_pred))`),
  );
  assert.equal(unrelated.length, 0);
});

test('argparse defaults are the values a script runs with: units, time steps and the learning rate', () => {
  const source = `import argparse
import tensorflow as tf
from tensorflow.keras.layers import Input, LSTM, Dense, BatchNormalization

parser = argparse.ArgumentParser()
parser.add_argument('--lr', type=float, default=0.5)
parser.add_argument('--time-steps', type=int, default='120')
parser.add_argument('--hidden', dest='units', type=int, default=24)
parser.add_argument('--batch_norm', action='store_true')
parser.add_argument('--seed', type=int)
args = parser.parse_args()

layers = [Input((args.time_steps, 3)), LSTM(args.units)]
if args.batch_norm:
    layers.append(BatchNormalization())
layers.append(Dense(1))
net = tf.keras.Sequential(layers)
net.compile(optimizer=tf.keras.optimizers.Adam(args.lr), loss='mse')
net.fit(x, y, seed=args.seed)
`;
  const { models } = runPy(source);
  const net = named(models, 'net');
  assert.equal(factories(net), 'inputLayer lstm dense');
  assert.deepEqual(net.layers[1].config.props.units?.value, { kind: 'number', value: 24 });
  const rules = lintText(source, 'train.py').messages.map((m) => `${m.ruleId} ${m.message}`);
  assert.ok(
    rules.some((r) => /^rnn-without-clipping .*120 time steps/.test(r)),
    rules.join('\n'),
  );
  assert.ok(
    rules.some((r) => r.startsWith('high-learning-rate')),
    rules.join('\n'),
  );
});

test('argparse: a flag given on the command line only (no default) stays unknown, not a value', () => {
  const { models } = runPy(`import argparse
from keras.models import Sequential
from keras.layers import Dense
p = argparse.ArgumentParser()
p.add_argument('width', type=int)
g = p.add_argument_group('model')
g.add_argument('--depth', type=int, default=3)
opts, _ = p.parse_known_args()
model = Sequential()
for _ in range(opts.depth):
    model.add(Dense(opts.width, activation='relu'))
`);
  const model = named(models, 'model');
  assert.equal(factories(model), 'dense dense dense');
  assert.equal(model.layers[0].config.props.units?.value.kind, 'unknown');
});
