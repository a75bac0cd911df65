/**
 * `OptimizerInfo.name` and `.args`: every argument of the optimizer call, resolved through the front end's
 * values and keyed by the framework's own parameter names (tfjs's positional parameters, Keras's keywords).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OptimizerInfo } from '../../src/analysis/ir';
import { memoryProject } from '../workspace/memory-host';
import { onlyModel, plain } from './helpers';
import { onlyPyModel } from './python/helpers';

interface Case {
  name: string;
  code: string;
  kind: OptimizerInfo['kind'];
  /** The framework's name of the optimizer; undefined when the front end gives none. */
  optimizer: string | undefined;
  /** `plain` views of the arguments; undefined when the IR has none (string form). */
  args: Record<string, unknown> | undefined;
  learningRate?: number | null;
}

const TF = `import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 1, inputShape: [4] }));\n`;

const JS_CASES: Case[] = [
  {
    name: 'tf.train.momentum: positional arguments by tfjs parameter names',
    code: `${TF}model.compile({ optimizer: tf.train.momentum(0.01, 0.9, true), loss: 'meanSquaredError' });`,
    kind: 'momentum',
    optimizer: 'momentum',
    args: { learningRate: 0.01, momentum: 0.9, useNesterov: true },
  },
  {
    name: 'constants resolve: momentum(LR, MOM)',
    code: `${TF}const LR = 0.05;\nconst MOM = 0.95;\nmodel.compile({ optimizer: tf.train.momentum(LR, MOM), loss: 'meanSquaredError' });`,
    kind: 'momentum',
    optimizer: 'momentum',
    args: { learningRate: 0.05, momentum: 0.95 },
    learningRate: 0.05,
  },
  {
    name: 'a config object: adam(cfg.lr, cfg.beta1, cfg.beta2, cfg.eps)',
    code: `${TF}const cfg = { lr: 3e-4, beta1: 0.8, beta2: 0.99, eps: 1e-6 };\nconst opt = tf.train.adam(cfg.lr, cfg.beta1, cfg.beta2, cfg.eps);\nmodel.compile({ optimizer: opt, loss: 'meanSquaredError' });`,
    kind: 'adam',
    optimizer: 'adam',
    args: { learningRate: 3e-4, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 },
  },
  {
    name: 'rmsprop(learningRate, decay, momentum, epsilon, centered)',
    code: `${TF}model.compile({ optimizer: tf.train.rmsprop(0.001, 0.95, 0.5, 1e-7, true), loss: 'meanSquaredError' });`,
    kind: 'rmsprop',
    optimizer: 'rmsprop',
    args: { learningRate: 0.001, decay: 0.95, momentum: 0.5, epsilon: 1e-7, centered: true },
  },
  {
    name: 'an argument written as undefined takes the default and is left out',
    code: `${TF}model.compile({ optimizer: tf.train.adamax(0.002, undefined, 0.9), loss: 'meanSquaredError' });`,
    kind: 'adamax',
    optimizer: 'adamax',
    args: { learningRate: 0.002, beta2: 0.9 },
  },
  {
    name: 'an unresolved momentum stays unknown with its text; the kind stays momentum',
    code: `${TF}export function train(m) {\n  model.compile({ optimizer: tf.train.momentum(0.1, m), loss: 'meanSquaredError' });\n}`,
    kind: 'momentum',
    optimizer: 'momentum',
    args: { learningRate: 0.1, momentum: '?m' },
  },
  {
    name: 'momentum 0 steps as plain sgd',
    code: `${TF}model.compile({ optimizer: tf.train.momentum(0.1, 0), loss: 'meanSquaredError' });`,
    kind: 'sgd',
    optimizer: 'momentum',
    args: { learningRate: 0.1, momentum: 0 },
  },
  {
    name: 'a string optimizer has a name and no arguments',
    code: `${TF}model.compile({ optimizer: 'rmsprop', loss: 'meanSquaredError' });`,
    kind: 'rmsprop',
    optimizer: 'rmsprop',
    args: undefined,
  },
];

const K = 'from tensorflow import keras\nfrom tensorflow.keras import layers, optimizers\n';
const PY = `${K}model = keras.Sequential([layers.Dense(1, input_shape=(4,))])\n`;

const PY_CASES: Case[] = [
  {
    name: 'SGD(learning_rate=LR, momentum=MOM) with constants',
    code: `${PY}LR = 0.05\nMOM = 0.9\nmodel.compile(optimizer=keras.optimizers.SGD(learning_rate=LR, momentum=MOM, nesterov=True), loss='mse')`,
    kind: 'momentum',
    optimizer: 'SGD',
    args: { learning_rate: 0.05, momentum: 0.9, nesterov: true },
    learningRate: 0.05,
  },
  {
    name: 'positional arguments take the class order (SGD: learning_rate, momentum)',
    code: `${PY}model.compile(optimizers.SGD(0.1, 0.8), 'mse')`,
    kind: 'momentum',
    optimizer: 'SGD',
    args: { learning_rate: 0.1, momentum: 0.8 },
  },
  {
    name: 'SGD with momentum 0.0 is plain sgd',
    code: `${PY}model.compile(optimizers.SGD(learning_rate=0.1, momentum=0.0), 'mse')`,
    kind: 'sgd',
    optimizer: 'SGD',
    args: { learning_rate: 0.1, momentum: 0 },
  },
  {
    name: 'SGD with an unread momentum stays sgd, the momentum unknown',
    code: `${PY}import sys\nmodel.compile(optimizers.SGD(learning_rate=0.1, momentum=float(sys.argv[1])), 'mse')`,
    kind: 'sgd',
    optimizer: 'SGD',
    args: { learning_rate: 0.1, momentum: '?float(sys.argv[1])' },
  },
  {
    name: 'AdamW: weight_decay is its second positional parameter',
    code: `${PY}model.compile(optimizer=optimizers.AdamW(1e-3, 0.01, clipnorm=1.0), loss='mse')`,
    kind: 'adam',
    optimizer: 'AdamW',
    args: { learning_rate: 1e-3, weight_decay: 0.01, clipnorm: 1 },
  },
  {
    name: 'a config dict: Nadam(**cfg) and Adam(learning_rate=cfg["lr"])',
    code: `${PY}cfg = {'learning_rate': 2e-3, 'beta_1': 0.85, 'global_clipnorm': 5.0}\nmodel.compile(optimizer=optimizers.Nadam(**cfg), loss='mse')`,
    kind: 'adam',
    optimizer: 'Nadam',
    args: { learning_rate: 2e-3, beta_1: 0.85, global_clipnorm: 5 },
    learningRate: 2e-3,
  },
  {
    name: 'a dict entry read by key',
    code: `${PY}params = {'lr': 0.3, 'rho': 0.8}\nmodel.compile(optimizer=optimizers.RMSprop(learning_rate=params['lr'], rho=params['rho']), loss='mse')`,
    kind: 'rmsprop',
    optimizer: 'RMSprop',
    args: { learning_rate: 0.3, rho: 0.8 },
  },
  {
    name: "Keras 2's lr alias is keyed learning_rate",
    code: `${PY}model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss='mse')`,
    kind: 'adam',
    optimizer: 'Adam',
    args: { learning_rate: 0.01 },
    learningRate: 0.01,
  },
  {
    name: 'Lion steps like Adam',
    code: `${PY}model.compile(optimizer=optimizers.Lion(learning_rate=1e-4, beta_1=0.95), loss='mse')`,
    kind: 'adam',
    optimizer: 'Lion',
    args: { learning_rate: 1e-4, beta_1: 0.95 },
  },
  {
    name: "Ftrl has no kind of its own but keeps its name and Keras's default rate",
    code: `${PY}model.compile(optimizer=optimizers.Ftrl(l1_regularization_strength=0.01), loss='mse')`,
    kind: 'unknown',
    optimizer: 'Ftrl',
    args: { l1_regularization_strength: 0.01 },
    learningRate: 0.001,
  },
  {
    name: 'Adafactor likewise',
    code: `${PY}model.compile(optimizer=optimizers.Adafactor(0.01, relative_step=False), loss='mse')`,
    kind: 'unknown',
    optimizer: 'Adafactor',
    args: { learning_rate: 0.01, relative_step: false },
  },
  {
    name: 'a learning-rate schedule is a call with its own arguments',
    code: `${PY}sched = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.9)\nmodel.compile(optimizer=optimizers.SGD(learning_rate=sched), loss='mse')`,
    kind: 'sgd',
    optimizer: 'SGD',
    args: { learning_rate: 'call:optimizers.schedules.ExponentialDecay' },
    learningRate: null,
  },
  {
    name: 'LossScaleOptimizer steps with its inner optimizer',
    code: `${PY}inner = optimizers.AdamW(learning_rate=3e-4)\nmodel.compile(optimizer=keras.mixed_precision.LossScaleOptimizer(inner) if False else optimizers.LossScaleOptimizer(inner), loss='mse')`,
    kind: 'adam',
    optimizer: 'AdamW',
    args: { learning_rate: 3e-4 },
  },
  {
    name: "a string optimizer names its class ('adamw' -> AdamW) and has no arguments",
    code: `${PY}model.compile(optimizer='adamw', loss='mse')`,
    kind: 'adam',
    optimizer: 'AdamW',
    args: undefined,
    learningRate: 0.001,
  },
];

function check(c: Case, info: OptimizerInfo | undefined, learningRate: number | null): void {
  assert.ok(info, `${c.name}: no optimizer`);
  assert.equal(info.kind, c.kind, c.name);
  assert.equal(info.name, c.optimizer, c.name);
  const args = info.args
    ? Object.fromEntries(Object.entries(info.args).map(([k, v]) => [k, plain(v)]))
    : undefined;
  assert.deepEqual(args, c.args, c.name);
  if (c.learningRate !== undefined) assert.equal(learningRate, c.learningRate, c.name);
}

test('tfjs: optimizer arguments by tfjs parameter names', () => {
  for (const c of JS_CASES) {
    const model = onlyModel(c.code);
    check(c, model.training.optimizer, model.training.learningRate);
  }
});

test('Keras: optimizer arguments by Keras parameter names', () => {
  for (const c of PY_CASES) {
    const model = onlyPyModel(c.code);
    check(c, model.training.optimizer, model.training.learningRate);
  }
});

test("tfjs: arguments from another file's config object resolve", () => {
  const { ws, path } = memoryProject({
    'config.js': `export const optim = { rate: 0.02, momentum: 0.85 };\n`,
    'model.js': `import * as tf from '@tensorflow/tfjs';
import { optim } from './config.js';
const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [4] }));
model.compile({ optimizer: tf.train.momentum(optim.rate, optim.momentum), loss: 'meanSquaredError' });
`,
  });
  const [model] = ws.analyzeFile(path('model.js')).models;
  const args = model.training.optimizer?.args ?? {};
  assert.deepEqual(Object.fromEntries(Object.entries(args).map(([k, v]) => [k, plain(v)])), {
    learningRate: 0.02,
    momentum: 0.85,
  });
});

test('Keras: an unread optimizer argument is listed among the unknowns for --set', () => {
  const model = onlyPyModel(
    `${PY}import os\nMOM = float(os.environ['MOM'])\nmodel.compile(optimizer=optimizers.SGD(0.1, momentum=MOM), loss='mse')`,
  );
  assert.ok(
    model.unknowns.some((u) => u.includes("os.environ['MOM']") || u === 'MOM'),
    JSON.stringify(model.unknowns),
  );
});
