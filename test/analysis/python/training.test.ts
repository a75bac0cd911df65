import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyPyModel, textAt } from './helpers';

const K = 'import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n';
const MODEL = `${K}model = keras.Sequential([layers.LSTM(8, input_shape=(20, 1)), layers.Dense(1)])\n`;

interface Case {
  name: string;
  code: string;
  optimizer: string | undefined;
  form?: string;
  learningRate: number | null;
  loss?: string;
  clipping: string[];
  trained: boolean;
  loops?: string[];
}

const cases: Case[] = [
  {
    name: "compile(optimizer='adam') uses Keras's default rate",
    code: `${MODEL}model.compile(optimizer='adam', loss='mse')\nmodel.fit(x, y, epochs=3)`,
    optimizer: 'adam',
    form: 'string',
    learningRate: 0.001,
    loss: 'meanSquaredError',
    clipping: [],
    trained: true,
  },
  {
    name: 'positional compile arguments',
    code: `${MODEL}model.compile('sgd', 'categorical_crossentropy')`,
    optimizer: 'sgd',
    learningRate: 0.01,
    loss: 'categoricalCrossentropy',
    clipping: [],
    trained: false,
  },
  {
    name: 'Adam(learning_rate=1e-3, clipnorm=1.0)',
    code: `${MODEL}model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3, clipnorm=1.0), loss='binary_crossentropy')\nmodel.train_on_batch(x, y)`,
    optimizer: 'adam',
    form: 'call',
    learningRate: 0.001,
    loss: 'binaryCrossentropy',
    clipping: ['optimizer-clipnorm'],
    trained: true,
  },
  {
    name: 'SGD(0.1, momentum=0.9) with clipvalue, through a variable',
    code: `${MODEL}opt = keras.optimizers.SGD(0.1, momentum=0.9, clipvalue=0.5)\nmodel.compile(opt, loss='sparse_categorical_crossentropy')`,
    optimizer: 'momentum',
    learningRate: 0.1,
    loss: 'sparseCategoricalCrossentropy',
    clipping: ['optimizer-clipvalue'],
    trained: false,
  },
  {
    name: 'legacy optimizer with lr= and global_clipnorm',
    code: `${MODEL}model.compile(optimizer=tf.keras.optimizers.legacy.Adam(lr=0.01, global_clipnorm=5.0), loss='mse')`,
    optimizer: 'adam',
    learningRate: 0.01,
    clipping: ['optimizer-global-clipnorm'],
    loss: 'meanSquaredError',
    trained: false,
  },
  {
    name: 'clipnorm=None does not clip; RMSprop default rate',
    code: `${MODEL}from keras.optimizers import RMSprop\nmodel.compile(optimizer=RMSprop(clipnorm=None), loss=keras.losses.MeanSquaredError())`,
    optimizer: 'rmsprop',
    learningRate: 0.001,
    loss: 'meanSquaredError',
    clipping: [],
    trained: false,
  },
  {
    name: 'Keras adagrad defaults to 0.001 (tfjs: 0.01)',
    code: `${MODEL}model.compile(optimizer='adagrad', loss='mae')`,
    optimizer: 'adagrad',
    learningRate: 0.001,
    loss: 'meanAbsoluteError',
    clipping: [],
    trained: false,
  },
  {
    name: 'an unknown learning rate stays unknown',
    code: `${MODEL}model.compile(optimizer=keras.optimizers.Adam(args.lr), loss='mse')`,
    optimizer: 'adam',
    learningRate: null,
    loss: 'meanSquaredError',
    clipping: [],
    trained: false,
  },
  {
    name: 'custom loop: GradientTape, clip_by_global_norm, apply_gradients',
    code: `${MODEL}optimizer = keras.optimizers.Adam(1e-4)\nfor epoch in range(2):\n    for xb, yb in dataset:\n        with tf.GradientTape() as tape:\n            loss = loss_fn(yb, model(xb, training=True))\n        grads = tape.gradient(loss, model.trainable_variables)\n        grads, _ = tf.clip_by_global_norm(grads, 1.0)\n        optimizer.apply_gradients(zip(grads, model.trainable_variables))`,
    optimizer: 'adam',
    learningRate: 0.0001,
    clipping: ['clipByGlobalNorm'],
    trained: true,
    loops: ['variableGrads', 'applyGradients'],
  },
  {
    name: 'custom loop: per-gradient clip_by_norm in a comprehension',
    code: `${MODEL}opt = keras.optimizers.SGD()\n@tf.function\ndef step(xb, yb):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(yb, model(xb))\n    grads = tape.gradient(loss, model.trainable_weights)\n    grads = [tf.clip_by_norm(g, 1.0) for g in grads]\n    opt.apply_gradients(zip(grads, model.trainable_weights))`,
    optimizer: 'sgd',
    learningRate: 0.01,
    clipping: ['clipByNorm'],
    trained: true,
    loops: ['variableGrads', 'applyGradients'],
  },
  {
    name: 'clip_by_value on data is not gradient clipping',
    code: `${MODEL}x = tf.clip_by_value(x, 0.0, 1.0)\nmodel.compile(optimizer='adam', loss='mse')\nmodel.fit(x, y)`,
    optimizer: 'adam',
    learningRate: 0.001,
    loss: 'meanSquaredError',
    clipping: [],
    trained: true,
  },
];

for (const c of cases) {
  test(`keras training: ${c.name}`, () => {
    const t = onlyPyModel(c.code).training;
    assert.equal(t.optimizer?.kind, c.optimizer);
    if (c.form) assert.equal(t.optimizer?.form, c.form);
    assert.equal(t.learningRate, c.learningRate);
    assert.equal(t.loss?.name, c.loss);
    assert.deepEqual(t.clipping.evidence.map((e) => e.kind), c.clipping);
    assert.equal(t.clipping.clipped, c.clipping.length > 0);
    assert.equal(t.trained, c.trained);
    if (c.loops) assert.deepEqual(t.customLoops.map((l) => l.method), c.loops);
  });
}

test('optimizer and clipping spans point at the call and the keyword', () => {
  const source = `${MODEL}optimizer = keras.optimizers.Adam(learning_rate=0.001, clipnorm=1.0)\nmodel.compile(optimizer=optimizer, loss='mse')`;
  const t = onlyPyModel(source).training;
  assert.equal(textAt(source, t.optimizer?.span), 'keras.optimizers.Adam(learning_rate=0.001, clipnorm=1.0)');
  assert.equal(textAt(source, t.optimizer?.learningRateSpan), '0.001');
  assert.equal(textAt(source, t.clipping.evidence[0].span), 'clipnorm=1.0');
  assert.equal(textAt(source, t.compile?.span), "model.compile(optimizer=optimizer, loss='mse')");
  assert.equal(t.compile?.argsText, "optimizer=optimizer, loss='mse'");
  assert.equal(textAt(source, t.loss?.span), "'mse'");
});

test('fit calls are recorded once per call site, with their span', () => {
  const source = `${MODEL}model.compile('adam', 'mse')\nfor k in range(3):\n    model.fit(x, y)`;
  const t = onlyPyModel(source).training;
  assert.deepEqual(t.fitCalls.map((c) => [c.method, textAt(source, c.span)]), [['fit', 'model.fit(x, y)']]);
});
