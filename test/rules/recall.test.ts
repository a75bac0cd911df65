/**
 * Recall of the risks the probe or the literature clearly establishes: each is a warning (not a hint) wherever
 * the model comes from — an ES module, a browser page using the global `tf`, and values resolved across files
 * through the workspace (sequence length, learning rate and depth from a config module).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintText } from '../../src/lint';
import { lintWorkspaceFile } from '../../src/workspace/lint';
import { memoryProject } from '../workspace/memory-host';

interface Risk {
  name: string;
  ruleId: string;
  body: string;
}

const RISKS: Risk[] = [
  {
    name: 'sigmoid through 8 hidden layers',
    ruleId: 'saturating-activation',
    body: `const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'sigmoid'}));
for (let i = 0; i < 7; i++) model.add(tf.layers.dense({units: 32, activation: 'sigmoid'}));
model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
model.compile({optimizer: 'adam', loss: 'categoricalCrossentropy'});`,
  },
  {
    name: 'tanh through 12 hidden layers drawn at a tenth of Glorot',
    ruleId: 'saturating-activation',
    body: `const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 64, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({stddev: 0.02})}));
for (let i = 0; i < 11; i++) model.add(tf.layers.dense({units: 64, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({stddev: 0.02})}));
model.add(tf.layers.dense({units: 1}));
model.compile({optimizer: 'adam', loss: 'meanSquaredError'});`,
  },
  {
    name: 'a simpleRNN over 240 steps',
    ruleId: 'simple-rnn-long-sequence',
    body: `const model = tf.sequential();
model.add(tf.layers.simpleRNN({inputShape: [240, 8], units: 32}));
model.add(tf.layers.dense({units: 1}));
model.compile({optimizer: 'adam', loss: 'meanSquaredError'});`,
  },
  {
    name: 'adam(0.5): the first step rewrites more than the weights',
    ruleId: 'high-learning-rate',
    body: `const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}));
model.add(tf.layers.dense({units: 1}));
model.compile({optimizer: tf.train.adam(0.5), loss: 'meanSquaredError'});`,
  },
  {
    name: 'an exploding recurrent kernel: stddev 0.5 over 32 units (radius about 2.8)',
    ruleId: 'non-orthogonal-recurrent-init',
    body: `const model = tf.sequential();
model.add(tf.layers.simpleRNN({inputShape: [20, 8], units: 32, recurrentInitializer: tf.initializers.randomNormal({stddev: 0.5})}));
model.add(tf.layers.dense({units: 1}));
model.compile({optimizer: 'adam', loss: 'meanSquaredError'});`,
  },
  {
    name: 'a softmax output under MSE trained by plain sgd',
    ruleId: 'saturating-output-loss',
    body: `const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu'}));
model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
model.compile({optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError'});`,
  },
  {
    name: 'a sigmoid output under MSE whose logits start saturated',
    ruleId: 'saturating-output-loss',
    body: `const model = tf.sequential();
model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'relu', kernelInitializer: 'heNormal'}));
model.add(tf.layers.dense({units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({stddev: 10})}));
model.compile({optimizer: 'adam', loss: 'meanSquaredError'});`,
  },
];

const warnings = (messages: { ruleId: string; severity: string }[]) =>
  messages.filter((m) => m.severity !== 'info').map((m) => m.ruleId);

for (const risk of RISKS) {
  test(`${risk.name}: a ${risk.ruleId} warning in an ES module`, () => {
    const code = `import * as tf from '@tensorflow/tfjs';\n${risk.body}\n`;
    assert.ok(warnings(lintText(code, 'model.ts').messages).includes(risk.ruleId));
  });
  test(`${risk.name}: a ${risk.ruleId} warning in a page script using the global tf`, () => {
    assert.ok(warnings(lintText(`${risk.body}\n`, 'page.js').messages).includes(risk.ruleId));
  });
}

const FILES = {
  'config.js': `export const SEQ_LEN = 240;\nexport const LR = 0.5;\nexport const DEPTH = 8;\n`,
  'model.js': `import * as tf from '@tensorflow/tfjs';
import { SEQ_LEN, LR, DEPTH } from './config.js';
export function recurrent() {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({inputShape: [SEQ_LEN, 8], units: 32}));
  model.add(tf.layers.dense({units: 1}));
  model.compile({optimizer: tf.train.adam(LR), loss: 'meanSquaredError'});
  return model;
}
export function stack() {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [16], units: 32, activation: 'sigmoid'}));
  for (let i = 0; i < DEPTH - 1; i++) model.add(tf.layers.dense({units: 32, activation: 'sigmoid'}));
  model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  model.compile({optimizer: 'adam', loss: 'categoricalCrossentropy'});
  return model;
}
`,
};

test('values from another file: sequence length, learning rate and depth make their warnings', () => {
  const { ws, path } = memoryProject(FILES);
  const { messages } = lintWorkspaceFile(ws, path('model.js'), FILES['model.js']).result;
  const at = (ruleId: string) =>
    messages.filter((m) => m.ruleId === ruleId && m.severity !== 'info').map((m) => m.span.line);
  assert.deepEqual(at('simple-rnn-long-sequence'), [5]);
  assert.deepEqual(at('high-learning-rate'), [7]);
  assert.ok(at('saturating-activation').length > 0, messages.map((m) => m.ruleId).join());
  assert.ok(at('saturating-activation').every((line) => line === 12 || line === 13));
});

test('the same file with the values unresolved (no config module) gives none of these warnings', () => {
  const { ws, path } = memoryProject({ 'model.js': FILES['model.js'] });
  const { messages } = lintWorkspaceFile(ws, path('model.js'), FILES['model.js']).result;
  for (const ruleId of ['simple-rnn-long-sequence', 'high-learning-rate'])
    assert.ok(!warnings(messages).includes(ruleId), `${ruleId} needs the resolved value`);
});
