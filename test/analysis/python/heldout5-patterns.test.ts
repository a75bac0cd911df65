// Patterns of the fifth held-out batch of public Keras projects (calibration/real-projects/keras-labels.json,
// batch 5), each on a fixture of the same shape written for the test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../src/analysis/index';
import { inferShapes } from '../../../src/analysis/shapes';
import { config, factories, named, onlyPyModel, runPy, wiring } from './helpers';

test('functools.partial of a layer class: each call is that layer, its keywords over the partial ones', () => {
  const model = onlyPyModel(`import tensorflow as tf
from functools import partial
Conv = partial(tf.keras.layers.Conv2D, kernel_size=3, padding="same",
               activation="relu", kernel_initializer="he_normal")
model = tf.keras.Sequential([
    Conv(filters=16, kernel_size=5, input_shape=[28, 28, 1]),
    tf.keras.layers.MaxPool2D(),
    Conv(filters=32),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation="softmax"),
])
`);
  assert.equal(factories(model), 'conv2d maxPooling2d conv2d flatten dense');
  const [first, , second] = model.layers.map(config);
  assert.deepEqual([first.kernelSize, first.filters, first.activation], [5, 16, 'relu']);
  assert.deepEqual([second.kernelSize, second.filters], [3, 32]);
  assert.equal(second.kernelInitializer, 'heNormal');
});

test('functools.partial through the module, with a positional argument and an activation replaced', () => {
  const model = onlyPyModel(`import functools
from keras import layers, models
Wide = functools.partial(layers.Dense, 64, activation="relu")
net = models.Sequential([layers.Flatten(input_shape=[8, 8]), Wide(), Wide(), Wide(activation="softmax")])
`);
  assert.equal(factories(model), 'flatten dense dense dense');
  assert.deepEqual(
    model.layers.slice(1).map((l) => [config(l).units, config(l).activation]),
    [
      [64, 'relu'],
      [64, 'relu'],
      [64, 'softmax'],
    ],
  );
});

const unitSource = `import tensorflow as tf
from functools import partial
Conv = partial(tf.keras.layers.Conv2D, kernel_size=3, padding="same", use_bias=False)
class Unit(tf.keras.layers.Layer):
    def __init__(self, filters, strides=1, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.activation = tf.keras.activations.get(activation)
        self.main = [Conv(filters, strides=strides), tf.keras.layers.BatchNormalization(),
                     self.activation, Conv(filters), tf.keras.layers.BatchNormalization()]
        self.skip = []
        if strides > 1:
            self.skip = [Conv(filters, kernel_size=1, strides=strides), tf.keras.layers.BatchNormalization()]
    def call(self, inputs):
        z = inputs
        for layer in self.main:
            z = layer(z)
        s = inputs
        for layer in self.skip:
            s = layer(s)
        return self.activation(z + s)
model = tf.keras.Sequential([Conv(16, input_shape=[32, 32, 3]), tf.keras.layers.ReLU()])
prev = 16
for filters in [16] * 2 + [32] * 2:
    model.add(Unit(filters, strides=1 if filters == prev else 2))
    prev = filters
model.add(tf.keras.layers.GlobalAvgPool2D())
model.add(tf.keras.layers.Dense(10, activation="softmax"))
model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
`;

test('custom layers with their layers in lists, added to a Sequential, run there: the model is their graph', () => {
  const model = onlyPyModel(unitSource);
  const unit = 'conv2d batchNormalization conv2d batchNormalization add';
  const strided =
    'conv2d batchNormalization conv2d batchNormalization conv2d batchNormalization add';
  assert.equal(model.kind, 'functional');
  assert.equal(
    factories(model),
    `conv2d reLU ${unit} ${unit} ${strided} ${unit} globalAveragePooling2d dense`,
  );
  // The first unit's add joins its block's output with the unit's input (the identity shortcut).
  assert.deepEqual(wiring(model).slice(0, 7), [
    'conv2d<-input0',
    'reLU<-node0',
    'conv2d<-node1',
    'batchNormalization<-node2',
    'conv2d<-node3',
    'batchNormalization<-node4',
    'add<-node5+node1',
  ]);
  // The input keeps the first layer's input_shape, so the estimate sizes the graph.
  assert.deepEqual(model.inputs[0].shape, {
    kind: 'array',
    items: [
      { kind: 'number', value: 32 },
      { kind: 'number', value: 32 },
      { kind: 'number', value: 3 },
    ],
  });
  assert.equal(model.training.compile?.optimizer?.kind, 'sgd');
  assert.deepEqual(inferShapes(model).layers.at(-1)?.outputShape, [null, 10]);
});

test('a custom layer of tensor math in a Sequential stays one layer under its class name', () => {
  const model = onlyPyModel(`import tensorflow as tf
from tensorflow.keras import layers
class Scale(layers.Layer):
    def call(self, inputs):
        return inputs * 2.0
model = tf.keras.Sequential([layers.Dense(4, input_shape=(3,)), Scale(), layers.Dense(1)])
`);
  assert.equal(model.kind, 'sequential');
  assert.equal(factories(model), 'dense scale dense');
});

test('Keras classes a file uses without importing them (a forgotten import) are still Keras', () => {
  const model = onlyPyModel(`from tensorflow.keras.applications import EfficientNetB0
base = EfficientNetB0(include_top=False, weights='imagenet', input_shape=(224, 224, 3))
x = GlobalAveragePooling2D()(base.output)
out = Dense(3, activation='softmax')(x)
model = Model(inputs=base.input, outputs=out)
model.compile(optimizer='adam', loss='categorical_crossentropy')
`);
  assert.equal(factories(model), 'globalAveragePooling2d dense');
  assert.equal(model.training.compile?.loss?.name, 'categoricalCrossentropy');
});

test('a name Keras does not have stays unknown, imported Keras or not', () => {
  for (const code of [
    `from keras import layers\nnet = Sequentail([layers.Dense(2)])\n`,
    `net = Sequentail([layers.Dense(2)])\n`,
  ])
    assert.deepEqual(analyze(code, 'script.py').models, [], code);
});

test('a book listing without imports: layers.X and a keras.Model subclass are Keras', () => {
  const result = runPy(`class Ticket(keras.Model):
    def __init__(self, n):
        super().__init__()
        self.concat = layers.Concatenate()
        self.mix = layers.Dense(64, activation="relu")
        self.priority = layers.Dense(1, activation="sigmoid")
        self.department = layers.Dense(n, activation="softmax")
    def call(self, inputs):
        f = self.mix(self.concat([inputs["title"], inputs["body"]]))
        return self.priority(f), self.department(f)
model = Ticket(4)
model.compile(optimizer="rmsprop", loss=["mean_squared_error", "categorical_crossentropy"])
`);
  assert.equal(factories(named(result.models, 'model')), 'concatenate dense dense dense');
});

test("a residual add's shape comes from its known input when the other's is unknown", () => {
  // `layers.MaxPooling` is no Keras class (a typo): the block's shape after it is unknown, but the
  // projected shortcut's is not, so the next block's `residual.shape[-1]` test is decided.
  const model = onlyPyModel(`from tensorflow import keras
from tensorflow.keras import layers
def block(x, filters, pooling=False):
    residual = x
    x = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
    if pooling:
        x = layers.MaxPooling(2, padding="same")(x)
        residual = layers.Conv2D(filters, 1, strides=2)(residual)
    elif filters != residual.shape[-1]:
        residual = layers.Conv2D(filters, 1)(residual)
    return layers.add([x, residual])
inputs = keras.Input(shape=(32, 32, 3))
x = block(inputs, 32, pooling=True)
x = block(x, 32)
x = block(x, 64)
model = keras.Model(inputs, layers.Dense(1)(layers.GlobalAveragePooling2D()(x)))
`);
  assert.equal(
    factories(model),
    'conv2d maxPooling conv2d add conv2d add conv2d conv2d add globalAveragePooling2d dense',
  );
  assert.ok(model.layers.every((l) => !l.conditional));
});
