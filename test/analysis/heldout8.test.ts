/** Shapes met on held-out batch 8 (calibration/real-projects/labels.json): load-or-build, models composed by a forward function. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analysisFixture, modelRows } from './helpers';
import { analyze } from '../../src/analysis/index';
import { lintText } from '../../src/lint/index';

const fixture = analysisFixture;
const builds = modelRows;

test('a builder that returns a stored model from a try block, else builds one, is known by its name', () => {
  // The code after try/catch runs when loading threw (was: never run, no model at all).
  assert.deepEqual(builds(fixture('load-or-build.ts'), 'classifier.ts'), [
    {
      name: 'restoreOrCreate',
      kind: 'sequential',
      layers: 'conv2d globalAveragePooling2d dense',
      trained: false,
    },
    { name: 'Store.open', kind: 'sequential', layers: 'dense dense', trained: false },
  ]);
});

test('a try block that returns with a handler that returns too ends the builder there', () => {
  const source = fixture('load-or-build.ts').replace(
    "console.warn('nothing stored yet', err);",
    'return null;',
  );
  const names = builds(source, 'classifier.ts').map((m) => m.name);
  assert.deepEqual(names, ['Store.open']);
});

test('a forward function chaining two models, called under another name by a passed-in optimizer’s loop, is one trained model', () => {
  const found = builds(fixture('composed-forward.js'), 'denoise.js');
  assert.deepEqual(found, [
    { name: 'squeeze', kind: 'functional', layers: 'dense dense', trained: false },
    { name: 'expand', kind: 'functional', layers: 'dense dense', trained: false },
    { name: 'step', kind: 'functional', layers: 'dense dense dense dense', trained: true },
    { name: 'front', kind: 'functional', layers: 'dense', trained: false },
    { name: 'back', kind: 'functional', layers: 'dense', trained: false },
    { name: 'chain', kind: 'functional', layers: 'dense dense', trained: true },
  ]);
});

const TRAILING = [
  "const tf = require('@tensorflow/tfjs-node');",
  'const scorer = tf.sequential({',
  '  layers: [',
  "    tf.layers.dense({ inputShape: [12], units: 24, activation: 'sigmoid' }),",
  "    tf.layers.dense({ units: 24, activation: 'sigmoid' }),",
  "    tf.layers.dense({ units: 3, activation: 'softmax' }),",
  '  ],',
  '});',
  "scorer.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });",
  '',
].join('\n');

test('a file that ends in a half-typed expression keeps the models before it, and its syntax problem', () => {
  for (const junk of ['tf.metrics.', 'module.exports = scorer;.', ')']) {
    const result = analyze(`${TRAILING}\n${junk}\n`, 'scorer.js');
    assert.equal(result.problems.length, 1, junk);
    assert.equal(result.problems[0].kind, 'syntax');
    assert.equal(result.problems[0].line, 11);
    assert.deepEqual(
      result.models.map((m) => [m.name, m.layers.map((l) => l.factory).join(' ')]),
      [['scorer', 'dense dense dense']],
      junk,
    );
  }
});

test('a broken last statement that calls or assigns leaves the file unread, and lint reports only the parse error', () => {
  for (const junk of [
    'scorer.fit(xs, ',
    'scorer.name = ',
    'scorer.add(tf.layers.dense({ units: }));',
  ]) {
    const result = analyze(`${TRAILING}\n${junk}\n`, 'scorer.js');
    assert.equal(result.problems[0]?.kind, 'syntax', junk);
    assert.deepEqual(result.models, [], junk);
  }
  const linted = lintText(`${TRAILING}\ntf.metrics.\n`, 'scorer.js');
  assert.deepEqual(
    linted.messages.map((m) => m.ruleId),
    [],
  );
  assert.equal(linted.problems.filter((p) => /expected/i.test(p.message)).length, 1);
});

test('a broken Python file is still linted: its parser recovers, as before', () => {
  const source = [
    'from tensorflow import keras',
    'net = keras.Sequential([',
    "    keras.layers.Dense(24, activation='sigmoid', input_shape=(12,)),",
    "    keras.layers.Dense(24, activation='sigmoid'),",
    "    keras.layers.Dense(24, activation='sigmoid'),",
    "    keras.layers.Dense(3, activation='softmax'),",
    '])',
    "net.compile(optimizer='sgd', loss='categorical_crossentropy')",
    'print(net.summary(',
    '',
  ].join('\n');
  const linted = lintText(source, 'scorer.py');
  assert.ok(linted.messages.some((m) => m.ruleId === 'saturating-activation'));
  assert.ok(linted.problems.some((p) => /syntax/i.test(p.message)));
});
