/**
 * The probe builds the optimizer from the IR's resolved arguments (`OptimizerInfo.args`): values that come from
 * constants or config objects reach it as numbers, which the call's text (`SGD(learning_rate=LR, momentum=MOM)`)
 * would only show as names. Source -> front end -> probe, for tfjs and Keras.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyze } from '../../src/analysis/index';
import type { ModelGraph } from '../../src/analysis/ir';
import { resolveUnknowns } from '../../src/probe/resolve';
import { trainingFromIr, trainingFromKeras } from '../../src/probe/training';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
before(async () => ({ tf } = await loadTf()));

function graphOf(source: string, file: string): ModelGraph {
  const result = analyze(source, file);
  assert.equal(result.models.length, 1, JSON.stringify(result.problems));
  return result.models[0]!;
}

function choose(source: string, file: string) {
  const graph = graphOf(source, file);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
  const choice = trainingFromIr(tf, graph.training, model, graph.framework);
  return { choice, config: choice.optimizer.getConfig() as Record<string, unknown>, graph };
}

const TF = `import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 1, inputShape: [4] }));\n`;
const K = `from tensorflow import keras\nfrom tensorflow.keras import layers, optimizers\nmodel = keras.Sequential([layers.Dense(1, input_shape=(4,))])\n`;

interface Case {
  name: string;
  source: string;
  file: string;
  /** The tfjs optimizer's class and its config. */
  className: string;
  config: Record<string, unknown>;
  /** Sentences the assumptions must contain (substrings). */
  assumptions: string[];
}

const CASES: Case[] = [
  {
    name: 'tfjs momentum(LR, MOM) with constants',
    source: `${TF}const LR = 0.05;\nconst MOM = 0.8;\nmodel.compile({ optimizer: tf.train.momentum(LR, MOM, true), loss: 'meanSquaredError' });`,
    file: 'model.ts',
    className: 'Momentum',
    config: { learningRate: 0.05, momentum: 0.8, useNesterov: true },
    assumptions: [],
  },
  {
    name: 'tfjs adam from a config object: every argument, not only the rate',
    source: `${TF}const cfg = { lr: 0.01, b1: 0.5, b2: 0.9, eps: 1e-6 };\nmodel.compile({ optimizer: tf.train.adam(cfg.lr, cfg.b1, cfg.b2, cfg.eps), loss: 'meanSquaredError' });`,
    file: 'model.ts',
    className: 'Adam',
    config: { learningRate: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-6 },
    assumptions: [],
  },
  {
    name: 'tfjs rmsprop with decay, momentum and centered',
    source: `${TF}model.compile({ optimizer: tf.train.rmsprop(0.002, 0.8, 0.3, 1e-5, true), loss: 'meanSquaredError' });`,
    file: 'model.ts',
    className: 'RMSProp',
    config: { learningRate: 0.002, decay: 0.8, momentum: 0.3, epsilon: 1e-5, centered: true },
    assumptions: [],
  },
  {
    name: 'tfjs momentum with an unread momentum assumes 0.9 and says so',
    source: `${TF}export function train(m) {\n  model.compile({ optimizer: tf.train.momentum(0.1, m), loss: 'meanSquaredError' });\n}`,
    file: 'model.ts',
    className: 'Momentum',
    config: { learningRate: 0.1, momentum: 0.9, useNesterov: false },
    assumptions: ['its momentum is not known, so 0.9 is assumed'],
  },
  {
    name: 'Keras SGD(learning_rate=LR, momentum=MOM, nesterov=True) with constants',
    source: `${K}LR = 0.03\nMOM = 0.9\nmodel.compile(optimizer=optimizers.SGD(learning_rate=LR, momentum=MOM, nesterov=True), loss='mse')`,
    file: 'model.py',
    className: 'Momentum',
    config: { learningRate: 0.03, momentum: 0.9, useNesterov: true },
    assumptions: [],
  },
  {
    name: 'Keras AdamW from a dict: Adam with its betas, and the weight decay it does not apply',
    source: `${K}CFG = {'learning_rate': 2e-3, 'beta_1': 0.8, 'weight_decay': 0.01}\nmodel.compile(optimizer=optimizers.AdamW(**CFG), loss='mse')`,
    file: 'model.py',
    className: 'Adam',
    config: { learningRate: 2e-3, beta1: 0.8, beta2: 0.999, epsilon: 1e-7 },
    assumptions: ['tfjs has no AdamW: the probe', 'weight_decay=0.01 is not applied in the probe'],
  },
  {
    name: "Keras AdamW without weight_decay: Keras's default 0.004 is stated",
    source: `${K}model.compile(optimizer=optimizers.AdamW(learning_rate=0.001), loss='mse')`,
    file: 'model.py',
    className: 'Adam',
    config: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    assumptions: ['weight_decay=0.004 is not applied'],
  },
  {
    name: "Keras 'adamw' string",
    source: `${K}model.compile(optimizer='adamw', loss='mse')`,
    file: 'model.py',
    className: 'Adam',
    config: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    assumptions: ["No learning rate is given: using Keras's default for adamw, 0.001."],
  },
  {
    name: 'Keras Lion: Adam with the same learning rate',
    source: `${K}model.compile(optimizer=optimizers.Lion(learning_rate=1e-4), loss='mse')`,
    file: 'model.py',
    className: 'Adam',
    config: { learningRate: 1e-4, beta1: 0.9, beta2: 0.999 },
    assumptions: ['tfjs has no Lion'],
  },
  {
    name: 'Keras Ftrl: Adagrad with its initial accumulator',
    source: `${K}model.compile(optimizer=optimizers.Ftrl(0.05, initial_accumulator_value=0.2), loss='mse')`,
    file: 'model.py',
    className: 'Adagrad',
    config: { learningRate: 0.05, initialAccumulatorValue: 0.2 },
    assumptions: ['tfjs has no Ftrl'],
  },
  {
    name: "Keras schedule: the probe's steps use its initial rate",
    source: `${K}sched = keras.optimizers.schedules.ExponentialDecay(0.2, decay_steps=100, decay_rate=0.5)\nmodel.compile(optimizer=optimizers.SGD(learning_rate=sched), loss='mse')`,
    file: 'model.py',
    className: 'SGD',
    config: { learningRate: 0.2 },
    assumptions: ['ExponentialDecay schedule: the probe'],
  },
  {
    name: 'Keras PiecewiseConstantDecay starts at its first value',
    source: `${K}from tensorflow.keras.optimizers.schedules import PiecewiseConstantDecay\nmodel.compile(optimizer=optimizers.Adam(PiecewiseConstantDecay([100, 200], [0.01, 0.005, 0.001])), loss='mse')`,
    file: 'model.py',
    className: 'Adam',
    config: { learningRate: 0.01 },
    assumptions: ['PiecewiseConstantDecay schedule: the probe'],
  },
  {
    name: 'Keras SGD with an unread momentum: named, with --set',
    source: `${K}import os\nMOM = float(os.environ['MOM'])\nmodel.compile(optimizer=optimizers.SGD(0.1, momentum=MOM), loss='mse')`,
    file: 'model.py',
    className: 'SGD',
    config: { learningRate: 0.1 },
    assumptions: ["The optimizer's momentum is `MOM`"],
  },
];

test('the probe builds tfjs and Keras optimizers from the IR arguments', () => {
  for (const c of CASES) {
    const { choice, config } = choose(c.source, c.file);
    try {
      assert.equal(choice.optimizer.getClassName(), c.className, c.name);
      for (const [key, value] of Object.entries(c.config))
        assert.equal(config[key], value, `${c.name}: ${key} = ${String(config[key])}`);
      for (const sentence of c.assumptions)
        assert.ok(
          choice.assumptions.some((a) => a.includes(sentence)),
          `${c.name}: no "${sentence}" in\n${choice.assumptions.join('\n')}`,
        );
      if (c.assumptions.length === 0) assert.deepEqual(choice.assumptions, [], c.name);
    } finally {
      choice.optimizer.dispose();
    }
  }
});

test('without IR arguments (an IR from elsewhere) the call text is still read', () => {
  const { graph } = choose(
    `${K}model.compile(optimizer=optimizers.SGD(learning_rate=0.2, momentum=0.5), loss='mse')`,
    'model.py',
  );
  const info = graph.training.optimizer!;
  const { args: _args, name: _name, ...older } = info;
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
  const choice = trainingFromIr(tf, { ...graph.training, optimizer: older }, model, 'keras');
  assert.deepEqual(choice.optimizer.getConfig(), {
    learningRate: 0.2,
    momentum: 0.5,
    useNesterov: false,
  });
  choice.optimizer.dispose();
});

test("a saved file's optimizer: tf.keras 2.11-2.15's `Custom>` names, momentum and Nesterov", () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
  for (const [className, config, expected] of [
    [
      'Custom>SGD',
      { learning_rate: 0.05, momentum: 0.9, nesterov: true, is_legacy_optimizer: false },
      { learningRate: 0.05, momentum: 0.9, useNesterov: true },
    ],
    [
      'Custom>Adam',
      { learning_rate: 0.002, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-6 },
      { learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 },
    ],
  ] as const) {
    const choice = trainingFromKeras(tf, model, {
      loss: 'mse',
      optimizer: { className, config: { ...config } },
    });
    assert.deepEqual(choice.optimizer.getConfig(), expected, className);
    assert.ok(
      !choice.assumptions.some((a) => a.includes('tfjs has no')),
      choice.assumptions.join('\n'),
    );
    choice.optimizer.dispose();
  }
});

test('--set fills an open optimizer argument, which the probe then builds with', () => {
  const graph = graphOf(
    `${K}import os\nMOM = float(os.environ['MOM'])\nmodel.compile(optimizer=optimizers.SGD(0.1, momentum=MOM, nesterov=True), loss='mse')`,
    'model.py',
  );
  const open = graph.training.optimizer!.args!['momentum']!;
  assert.equal(open.kind, 'unknown');
  const text = open.kind === 'unknown' ? open.text : '';
  const { model: ir, assumed } = resolveUnknowns(graph, { [text]: '0.8' }, { assume: true });
  assert.ok(
    assumed.some((a) => a.name === text && a.value === 0.8 && a.role === 'momentum of SGD'),
    JSON.stringify(assumed),
  );
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
  const choice = trainingFromIr(tf, ir.training, model, 'keras');
  assert.deepEqual(choice.optimizer.getConfig(), {
    learningRate: 0.1,
    momentum: 0.8,
    useNesterov: true,
  });
  choice.optimizer.dispose();
});
