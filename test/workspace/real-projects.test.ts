/**
 * Shapes met in public tfjs projects, analysed as a workspace (what the CLI and the editor do):
 * each test is a small project of our own with the same structure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { memoryProject } from './memory-host';

const TF = `const tf = require('@tensorflow/tfjs');\n`;

function summary(models: ModelGraph[]): string[] {
  return models.map(
    (m) =>
      `${m.name}${m.variant ? ` [${m.variant.id}]` : ''}: ${m.layers.map((l) => l.factory).join(' ')}`,
  );
}

test('branches inside helpers of other files (data loading) do not multiply the variants', () => {
  // Many `if`s with returns in a data module the trainer calls: only the builder's switch forks.
  const loaders = Array.from(
    { length: 6 },
    (_, i) => `function load${i}(flag) {\n  if (flag) { return ${i}; }\n  return -${i};\n}`,
  ).join('\n');
  const { ws, path } = memoryProject({
    'data.js': `${loaders}\nexport function loadAll(a) {\n${Array.from({ length: 6 }, (_, i) => `  load${i}(a.f${i});`).join('\n')}\n  return a;\n}\n`,
    'train.js': `import * as tf from '@tensorflow/tfjs';
import { loadAll } from './data.js';
export function build(kind) {
  const model = tf.sequential();
  if (kind === 'wide') {
    model.add(tf.layers.dense({ units: 256, inputShape: [8] }));
  } else if (kind === 'deep') {
    model.add(tf.layers.dense({ units: 32, inputShape: [8] }));
    model.add(tf.layers.dense({ units: 32 }));
  } else {
    throw new Error('unknown kind');
  }
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}
async function main(args) {
  loadAll(args);
  const model = build(args.kind);
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  await model.fit(args.x, args.y);
}
main(process.argv);
`,
  });
  const result = ws.analyzeFile(path('train.js'));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(summary(result.models), [
    'build [wide]: dense dense',
    'build [deep]: dense dense dense',
  ]);
});

test("an importer's top level calling the builder with unknown options keeps one variant per path", () => {
  const { ws, path } = memoryProject({
    'tagger.js': `${TF}function getModel(opts) {
  const { kind, units } = opts;
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [10, units] }));
  let rnn;
  switch (kind) {
    case 'gru':
      rnn = tf.layers.gru({ units, returnSequences: true });
      break;
    case 'bi-gru':
      rnn = tf.layers.bidirectional({ layer: tf.layers.gru({ units, returnSequences: true }) });
      break;
  }
  if (kind.includes('gru')) {
    model.add(rnn);
    model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3 }) }));
  } else {
    model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  }
  return model;
}
module.exports = { getModel };
`,
    'train.js': `${TF}const { getModel } = require('./tagger');
async function run(opts) {
  const model = getModel(opts);
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  await model.fit(opts.x, opts.y);
}
(async function () {
  const args = JSON.parse(process.argv[2]);
  if (args.verbose) console.log('training');
  await run({ kind: args.kind, units: 16, x: args.x, y: args.y });
})();
`,
  });
  const result = ws.analyzeFile(path('tagger.js'));
  assert.deepEqual(summary(result.models), [
    'getModel [gru]: inputLayer gru timeDistributed',
    'getModel [bi-gru]: inputLayer bidirectional timeDistributed',
    'getModel [none+else]: inputLayer dense',
  ]);
  assert.ok(result.models.every((m) => m.training.trained));
});

test("a model composed from models another file passes in has the parts' layers, a custom layer output included", () => {
  const { ws, path } = memoryProject({
    'parts.js': `${TF}class Sampler extends tf.layers.Layer {
  call(inputs) { return inputs[0]; }
  static get className() { return 'Sampler'; }
}
function encoder(opts) {
  const inputs = tf.input({ shape: [opts.size] });
  const h = tf.layers.dense({ units: opts.hidden, activation: 'relu' }).apply(inputs);
  const mean = tf.layers.dense({ units: opts.latent }).apply(h);
  const logVar = tf.layers.dense({ units: opts.latent }).apply(h);
  const z = new Sampler({}).apply([mean, logVar]);
  return tf.model({ inputs, outputs: [mean, logVar, z] });
}
function decoder(opts) {
  const inputs = tf.input({ shape: [opts.latent] });
  const h = tf.layers.dense({ units: opts.hidden, activation: 'relu' }).apply(inputs);
  const out = tf.layers.dense({ units: opts.size, activation: 'sigmoid' }).apply(h);
  return tf.model({ inputs, outputs: out });
}
function joined(enc, dec) {
  const inputs = enc.inputs;
  const encoded = enc.apply(inputs);
  const decoded = dec.apply(encoded[2]);
  return tf.model({ inputs, outputs: [decoded, ...encoded] });
}
module.exports = { encoder, decoder, joined };
`,
    'train.js': `${TF}const { encoder, decoder, joined } = require('./parts');
async function train(xs) {
  const opts = { size: 784, hidden: 256, latent: 2 };
  const whole = joined(encoder(opts), decoder(opts));
  whole.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  await whole.fit(xs, xs);
}
train(data);
`,
  });
  const result = ws.analyzeFile(path('parts.js'));
  const joinedModel = result.models.find((m) => m.name === 'joined');
  assert.ok(joinedModel, summary(result.models).join('\n'));
  assert.deepEqual(
    joinedModel.layers.map((l) => l.factory),
    ['dense', 'dense', 'dense', 'dense', 'dense'],
  );
  assert.equal(joinedModel.training.trained, true);
});

test('settings given two files away: main constructs the agent, whose constructor builds the network', () => {
  const { ws, path } = memoryProject({
    'network.js': `import * as tf from '@tensorflow/tfjs';
export default class Network {
  constructor({ settings }) {
    const inputs = tf.input({ shape: [settings.inputSize] });
    let x = inputs;
    settings.hidden.forEach((layer) => {
      x = tf.layers.dense(layer).apply(x);
    });
    const out = tf.layers.dense({ units: settings.outputSize }).apply(x);
    this.net = tf.model({ inputs, outputs: out });
  }
}
`,
    'agent.js': `import Network from './network.js';
export default class Agent {
  constructor({ settings }) {
    this.online = new Network({ settings: settings.network });
    this.gamma = settings.gamma;
  }
}
`,
    'main.js': `import Agent from './agent.js';
const settings = {
  gamma: 0.9,
  network: { inputSize: 12, hidden: [{ units: 64, activation: 'relu' }, { units: 64, activation: 'relu' }], outputSize: 3 },
};
export const agent = new Agent({ settings });
`,
  });
  const result = ws.analyzeFile(path('network.js'));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(summary(result.models), ['net: dense dense dense']);
});
