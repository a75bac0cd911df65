/**
 * Rules name the user's optimizer (`OptimizerInfo.name`), not its kind: AdamW, Nadam and Lion step like Adam
 * but a message that says "Adam" or a fix that writes `Adam(clipnorm=1.0)` for them would change the code's
 * meaning. Each case checks the message text and the exact fixed source.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rule as highLearningRate } from '../../src/rules/high-learning-rate';
import { rule as rnnWithoutClipping } from '../../src/rules/rnn-without-clipping';
import { rule as saturatingOutputLoss } from '../../src/rules/saturating-output-loss';
import type { Finding, Rule } from '../../src/rules/types';
import { runRule } from './rule-tester';

function preferred(code: string, finding: Finding): string | null {
  const fix = finding.fixes.find((f) => f.preferred);
  if (!fix) return null;
  let out = code;
  for (const edit of [...fix.edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

const DENSE = `from tensorflow import keras
from tensorflow.keras import layers, optimizers

model = keras.Sequential([layers.Dense(64, activation='relu', input_shape=(10,)), layers.Dense(1)])
`;
const RNN = `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([layers.LSTM(64, input_shape=(200, 8)), layers.Dense(1)])
`;

interface Case {
  name: string;
  rule: Rule;
  code: string;
  /** The message's beginning. */
  message: RegExp;
  /** The source after the preferred fix; null when there is none. */
  output: string | null;
}

const CASES: Case[] = [
  {
    name: 'high-learning-rate: AdamW is named AdamW',
    rule: highLearningRate,
    code: `${DENSE}model.compile(optimizer=optimizers.AdamW(learning_rate=0.5), loss='mse')\n`,
    message: /^AdamW\(0\.5\) moves each weight/,
    output: `${DENSE}model.compile(optimizer=optimizers.AdamW(learning_rate=0.001), loss='mse')\n`,
  },
  {
    name: 'high-learning-rate: Nadam, positional rate',
    rule: highLearningRate,
    code: `${DENSE}model.compile(optimizer=keras.optimizers.Nadam(0.3), loss='mse')\n`,
    message: /^Nadam\(0\.3\) moves each weight/,
    output: `${DENSE}model.compile(optimizer=keras.optimizers.Nadam(0.001), loss='mse')\n`,
  },
  {
    name: 'high-learning-rate: Lion is judged as adaptive (its step is the rate times a sign)',
    rule: highLearningRate,
    code: `${DENSE}model.compile(optimizer=optimizers.Lion(learning_rate=0.5), loss='mse')\n`,
    message: /^Lion\(0\.5\) moves each weight/,
    output: `${DENSE}model.compile(optimizer=optimizers.Lion(learning_rate=0.001), loss='mse')\n`,
  },
  {
    name: 'high-learning-rate: a rate in a **kwargs dict has no call argument to replace',
    rule: highLearningRate,
    code: `${DENSE}CFG = {'learning_rate': 0.5}\nmodel.compile(optimizer=optimizers.AdamW(**CFG), loss='mse')\n`,
    message: /^AdamW\(0\.5\) moves each weight/,
    output: null,
  },
  {
    name: 'rnn-without-clipping: the string AdamW becomes the AdamW object',
    rule: rnnWithoutClipping,
    code: `${RNN}model.compile(optimizer='adamw', loss='mse')\nmodel.fit(x, y)\n`,
    message: /./,
    output: `${RNN}model.compile(optimizer=keras.optimizers.AdamW(clipnorm=1.0), loss='mse')\nmodel.fit(x, y)\n`,
  },
  {
    name: 'rnn-without-clipping: the string nadam keeps Nadam',
    rule: rnnWithoutClipping,
    code: `${RNN}model.compile(optimizer='nadam', loss='mse')\nmodel.fit(x, y)\n`,
    message: /./,
    output: `${RNN}model.compile(optimizer=keras.optimizers.Nadam(clipnorm=1.0), loss='mse')\nmodel.fit(x, y)\n`,
  },
  {
    name: 'rnn-without-clipping: clipnorm goes into the AdamW call',
    rule: rnnWithoutClipping,
    code: `${RNN}model.compile(optimizer=keras.optimizers.AdamW(learning_rate=1e-3), loss='mse')\nmodel.fit(x, y)\n`,
    message: /./,
    output: `${RNN}model.compile(optimizer=keras.optimizers.AdamW(learning_rate=1e-3, clipnorm=1.0), loss='mse')\nmodel.fit(x, y)\n`,
  },
];

test('messages and fixes name the optimizer the code uses', () => {
  for (const c of CASES) {
    const findings = runRule(c.rule, c.code, 'model.py');
    assert.equal(findings.length, 1, `${c.name}: ${findings.map((f) => f.message).join(' | ')}`);
    const [finding] = findings;
    assert.match(finding!.message, c.message, c.name);
    assert.equal(preferred(c.code, finding!), c.output, c.name);
  }
});

test('saturating-output-loss names SGD with momentum as Keras does, and tfjs momentum as tfjs does', () => {
  const keras = runRule(
    saturatingOutputLoss,
    `from tensorflow import keras
from tensorflow.keras import layers, optimizers

model = keras.Sequential([layers.Dense(32, activation='relu', input_shape=(10,)), layers.Dense(10, activation='softmax')])
model.compile(optimizer=optimizers.SGD(0.01, momentum=0.9), loss='mse')
`,
    'model.py',
  );
  assert.match(keras[0]?.message ?? '', /with SGD:/, keras[0]?.message);
  const tfjs = runRule(
    saturatingOutputLoss,
    `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({ layers: [tf.layers.dense({ units: 32, activation: 'relu', inputShape: [10] }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
model.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'meanSquaredError' });
`,
  );
  assert.match(tfjs[0]?.message ?? '', /with momentum:/, tfjs[0]?.message);
});
