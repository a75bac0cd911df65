/** Shapes met on held-out batch 12 (calibration/real-projects/labels.json): agents, workers, helper lists. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelRows } from './helpers';

const names = (source: string, file = 'agent.js') =>
  modelRows(source, file).map((m) => `${m.name}: ${m.layers}`);

test('methods of a class expression run like a declaration’s (module IIFE, const Net = class)', () => {
  const source = `const Agent = (() => {
  const HIDDEN = 24;
  return class Agent {
    constructor({ actions = 2 } = {}) {
      this.actions = actions;
    }
    policy() {
      const net = tf.sequential();
      net.add(tf.layers.dense({ units: HIDDEN, inputShape: [6], activation: 'tanh' }));
      net.add(tf.layers.dense({ units: this.actions, activation: 'softmax' }));
      return net;
    }
  };
})();
const Critic = class {
  value() {
    const net = tf.sequential();
    net.add(tf.layers.dense({ units: 1, inputShape: [6] }));
    return net;
  }
};
`;
  assert.deepEqual(names(source), ['Agent.policy: dense dense', 'Critic.value: dense']);
});

test('each path of a method starts from the fields as they were (a once-only init guard)', () => {
  const source = `class Learner {
  constructor() {
    this.ready = false;
  }
  async init() {
    if (this.ready) throw new Error('init twice');
    this.net = await this.network();
    this.ready = true;
  }
  async network() {
    const saved = await this.restore();
    if (saved) return saved;
    const net = tf.sequential();
    net.add(tf.layers.dense({ units: 5, inputShape: [3], activation: 'relu' }));
    net.add(tf.layers.dense({ units: 1 }));
    return net;
  }
  async restore() {
    const stored = await tf.io.listModels();
    if ('indexeddb://learner' in stored) return tf.loadLayersModel('indexeddb://learner');
  }
}
`;
  assert.deepEqual(names(source), ['Learner.network: dense dense']);
});

test('a handler returning null after a load that may throw lets the caller build the model', () => {
  const source = `async function restore(key) {
  try {
    return await tf.loadLayersModel('localstorage://' + key);
  } catch (err) {
    return null;
  }
}
async function brain() {
  const stored = await restore('brain');
  if (stored) return stored;
  const net = tf.sequential();
  net.add(tf.layers.dense({ units: 4, inputShape: [2] }));
  return net;
}
`;
  assert.deepEqual(names(source), ['brain: dense']);
});

test('a layer list mapped from widths the code leaves open is layers on some paths only', () => {
  const source = `import * as tf from '@tensorflow/tfjs-node';
export const mlp = (widths, act) =>
  tf.sequential({
    layers: widths.slice(1).map((units, i) =>
      i === 0
        ? tf.layers.dense({ inputShape: [widths[0]], units, activation: act })
        : tf.layers.dense({ units, activation: act }),
    ),
  });
export class ValueNet {
  constructor(inputs, hidden) {
    const body = mlp([inputs, ...hidden], 'relu');
    const head = tf.layers.dense({ units: 1 });
    this.value = tf.model({
      inputs: body.inputs,
      outputs: head.apply(body.layers[body.layers.length - 1].output),
    });
  }
}
`;
  assert.deepEqual(names(source, 'nets.js'), ['mlp: dense?', 'value: dense? dense']);
});

test('a slice of a list with a spread the code leaves open keeps that part open', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
export function tower(hidden) {
  const sizes = [8, ...hidden];
  const net = tf.sequential();
  net.add(tf.layers.inputLayer({ inputShape: [sizes[0]] }));
  for (const units of sizes.slice(1)) net.add(tf.layers.dense({ units }));
  return net;
}
`;
  assert.deepEqual(names(source, 'tower.js'), ['tower: inputLayer dense?']);
});

test('a branch of a builder called in a loop of unknown length is that model’s choice', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
function build(decay) {
  const net = tf.sequential();
  net.add(tf.layers.dense({ units: 8, inputShape: [4] }));
  if (decay) {
    net.add(tf.layers.dense({ units: 2, kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }) }));
  } else {
    net.add(tf.layers.dense({ units: 2 }));
  }
  return net;
}
export async function repeat(runs, decay) {
  for (let i = 0; i < runs; i++) {
    const net = build(decay);
    net.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  }
}
`;
  const rows = names(source, 'repeat.js');
  assert.ok(rows.length > 0);
  for (const row of rows) assert.equal(row, 'build: dense dense');
});

test('a functional model’s layers list its input layer first, so a submodel ends where the code says', () => {
  const source = `const input = tf.input({ shape: [3] });
const hidden = tf.layers.dense({ units: 5, activation: 'tanh' }).apply(input);
const out = tf.layers.dense({ units: 1 }).apply(hidden);
const net = tf.model({ inputs: input, outputs: out });
const probe = tf.model({ inputs: net.input, outputs: net.layers[1].output });
const whole = tf.model({ inputs: net.inputs, outputs: net.layers[net.layers.length - 1].output });
`;
  assert.deepEqual(names(source, 'page.js'), [
    'net: dense dense',
    'probe: dense',
    'whole: dense dense',
  ]);
});
