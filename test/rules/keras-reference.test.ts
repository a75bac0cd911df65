/**
 * The reference document's Keras snippets through the whole linter: its "proper network design" CNN comes out
 * without a warning or hint, and its bad patterns (a deep sigmoid stack, an RNN trained without clipping, a
 * SimpleRNN over a long sequence) are flagged, with fixes that parse and clear them under `--fix`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../src/analysis';
import { lintText } from '../../src/lint';
import { fixUntilStable } from '../../src/lint/fix';

const DESIGN = join(__dirname, '..', 'fixtures', 'keras', 'reference', 'proper-network-design.py');

/** The document's deep feedforward network with sigmoid everywhere ("Common in deep networks with sigmoid/tanh"). */
const DEEP_SIGMOID = `import tensorflow as tf
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense

model = Sequential()
model.add(Dense(128, activation='sigmoid', input_shape=(784,)))
for _ in range(10):
    model.add(Dense(128, activation='sigmoid'))
model.add(Dense(10, activation='softmax'))
model.compile(optimizer='sgd', loss='categorical_crossentropy')
model.fit(x_train, y_train, epochs=10)
`;

/** "RNNs: exploding common due to recurrent connections": an LSTM over long sequences, no clipping. */
const RNN_UNCLIPPED = `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import LSTM, Dense
from tensorflow.keras.optimizers import Adam

model = Sequential()
model.add(LSTM(128, return_sequences=True, input_shape=(500, 16)))
model.add(LSTM(128))
model.add(Dense(1))
optimizer = Adam(learning_rate=0.001)
model.compile(optimizer=optimizer, loss='mse')
model.fit(x_train, y_train, epochs=10)
`;

/** A plain RNN over a long sequence ("Vanishing: very common due to long sequences"). */
const SIMPLE_RNN = `from tensorflow import keras

model = keras.Sequential([
    keras.layers.SimpleRNN(64, input_shape=(300, 8)),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, clipnorm=1.0), loss='mse')
model.fit(x, y)
`;

/** "Exploding: unstable weight initialization, weights initialized too large". */
const LARGE_INIT = `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
from tensorflow.keras.initializers import RandomNormal

model = Sequential()
model.add(Dense(256, activation='relu', input_shape=(784,), kernel_initializer=RandomNormal(stddev=1.0)))
for _ in range(6):
    model.add(Dense(256, activation='relu', kernel_initializer=RandomNormal(stddev=1.0)))
model.add(Dense(10, activation='softmax'))
model.compile(optimizer='sgd', loss='categorical_crossentropy')
`;

/** "Exploding gradients in RNNs: W_hh has eigenvalues > 1", with an unbounded activation on the recurrence. */
const LARGE_RECURRENT = `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import SimpleRNN, Dense
from tensorflow.keras.initializers import RandomNormal
from tensorflow.keras.optimizers import Adam

model = Sequential()
model.add(SimpleRNN(64, activation='relu', input_shape=(40, 8), recurrent_initializer=RandomNormal(stddev=0.5)))
model.add(Dense(1))
model.compile(optimizer=Adam(learning_rate=0.001, clipnorm=1.0), loss='mse')
`;

/** "Sigmoid and tanh functions saturate", on too-small weights: a deep tanh stack. */
const DEEP_TANH = `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense

model = Sequential()
model.add(Dense(64, activation='tanh', input_shape=(32,), kernel_initializer='random_normal'))
for _ in range(12):
    model.add(Dense(64, activation='tanh', kernel_initializer='random_normal'))
model.add(Dense(1, activation='sigmoid'))
model.compile(optimizer='adam', loss='binary_crossentropy')
`;

function lint(source: string) {
  const result = lintText(source, 'model.py');
  assert.deepEqual(result.problems, [], 'the snippet parses');
  return result;
}

function ruleIds(source: string): string[] {
  return [...new Set(lint(source).messages.map((m) => `${m.ruleId}:${m.severity}`))].sort();
}

/** `--fix` until stable: the fixed code parses and no longer raises the rules its fixes addressed. */
function assertFixClears(source: string, cleared: string[]): void {
  const fixed = fixUntilStable(source, (text) => lint(text).messages).output;
  assert.notEqual(fixed, source, 'the fixes change the code');
  const remaining = lint(fixed).messages.map((m) => m.ruleId);
  for (const id of cleared)
    assert.ok(!remaining.includes(id), `${id} remains after --fix:\n${fixed}`);
}

describe("the reference document's Keras snippets", () => {
  test('the proper network design CNN raises nothing (no warning, no hint)', () => {
    const source = readFileSync(DESIGN, 'utf8');
    const models = analyze(source, 'model.py').models;
    assert.deepEqual(
      models.map((m) => [m.framework, m.layers.length, m.training.clipping.clipped]),
      [['keras', 12, true]],
      'the model is read whole, with its clipping',
    );
    const result = lint(source);
    assert.deepEqual(
      result.messages.map((m) => `${m.ruleId}: ${m.message}`),
      [],
    );
  });

  test('a deep sigmoid stack: saturating-activation and deep-without-normalization warn', () => {
    assert.deepEqual(ruleIds(DEEP_SIGMOID), [
      'deep-without-normalization:warning',
      // 12 weighted layers and no skip connection: the rule's default severity is info.
      'deep-without-residual:info',
      'saturating-activation:warning',
    ]);
    assertFixClears(DEEP_SIGMOID, ['saturating-activation', 'deep-without-normalization']);
  });

  test('an LSTM over 500 steps without clipping: rnn-without-clipping warns, the fix adds clipnorm', () => {
    const messages = lint(RNN_UNCLIPPED).messages;
    const finding = messages.find((m) => m.ruleId === 'rnn-without-clipping');
    assert.equal(finding?.severity, 'warning');
    assert.equal(finding?.message, 'LSTM over 500 time steps trained without gradient clipping');
    assert.ok(
      !messages.some((m) => m.ruleId === 'lstm-forget-bias'),
      "Keras's unit_forget_bias default",
    );
    const fixed = fixUntilStable(RNN_UNCLIPPED, (text) => lint(text).messages).output;
    assert.match(fixed, /^optimizer = Adam\(learning_rate=0\.001, clipnorm=1\.0\)$/m);
    assert.ok(!lint(fixed).messages.some((m) => m.ruleId === 'rnn-without-clipping'));
  });

  test('weights initialized too large: initializer-scale warns, the fix (He) clears it', () => {
    const messages = lint(LARGE_INIT).messages.filter((m) => m.ruleId === 'initializer-scale');
    assert.equal(messages.length, 2);
    assert.ok(messages.every((m) => m.severity === 'warning'));
    assert.match(messages[0].message, /^random_normal stddev 1 is 19\.8x He's 0\.0505/);
    assertFixClears(LARGE_INIT, ['initializer-scale']);
  });

  test('a recurrent kernel with eigenvalues above 1 and a relu recurrence: both causes warn, fixes clear them', () => {
    assert.deepEqual(ruleIds(LARGE_RECURRENT), [
      'non-orthogonal-recurrent-init:warning',
      'simple-rnn-long-sequence:warning',
      'unbounded-recurrent-activation:warning',
    ]);
    assertFixClears(LARGE_RECURRENT, [
      'non-orthogonal-recurrent-init',
      'unbounded-recurrent-activation',
    ]);
  });

  test('a deep tanh stack on small weights: saturating-activation and initializer-scale warn', () => {
    const ids = ruleIds(DEEP_TANH);
    for (const id of ['saturating-activation:warning', 'initializer-scale:warning'])
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    assertFixClears(DEEP_TANH, ['saturating-activation', 'initializer-scale']);
  });

  test('a SimpleRNN over 300 steps: simple-rnn-long-sequence warns even with clipping', () => {
    assert.deepEqual(ruleIds(SIMPLE_RNN), ['simple-rnn-long-sequence:warning']);
    assertFixClears(SIMPLE_RNN, ['simple-rnn-long-sequence']);
  });
});
