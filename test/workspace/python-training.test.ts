/**
 * A Keras model built in one file and trained in another (`models.py` builds, `train.py` imports,
 * compiles and fits): the builder's model gets the trainer's optimizer, loss, clipping and
 * training, the rules judge it with them, and each finding is shown once, in the file its range
 * is in. Projects of our own with the shapes real Keras projects have.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { lintWorkspaceFile } from '../../src/workspace/lint';
import { memoryProject } from './memory-host';

const K = 'from tensorflow import keras\nfrom tensorflow.keras import layers\n';

const MODELS = `${K}def build_lstm(steps=200, units=64):
    model = keras.Sequential()
    model.add(layers.LSTM(units, input_shape=(steps, 8)))
    model.add(layers.Dense(1, activation='sigmoid'))
    return model
`;

const trainer = (optimizer: string) =>
  `from tensorflow.keras.optimizers import Adam
from models import build_lstm

def main():
    m = build_lstm(400)
    m.compile(optimizer=${optimizer}, loss='binary_crossentropy')
    m.fit(x, y, epochs=3)

if __name__ == '__main__':
    main()
`;

const steps = (model: ModelGraph) => {
  const shape = model.layers[0].config.props.inputShape?.value;
  return shape?.kind === 'array' && shape.items[0].kind === 'number' ? shape.items[0].value : null;
};

const ids = (messages: { ruleId: string | null }[]) => messages.map((m) => m.ruleId);

test("the builder file's model is trained the way its importer trains it", () => {
  const { ws, path } = memoryProject({
    'models.py': MODELS,
    'train.py': trainer('Adam(learning_rate=0.01)'),
  });
  const [model, ...others] = ws.analyzeFile(path('models.py')).models;
  assert.equal(others.length, 0);
  assert.equal(model.anchor.file, undefined);
  assert.equal(model.training.trained, true);
  assert.equal(model.training.optimizer?.kind, 'adam');
  assert.equal(model.training.learningRate, 0.01);
  assert.equal(model.training.loss?.name, 'binaryCrossentropy');
  assert.equal(model.training.clipping.clipped, false);
  assert.equal(model.training.fitCalls[0].span.file, path('train.py'));
  assert.equal(model.training.fitCalls[0].span.line, 7);
  // The importer's argument reaches the builder: 400 steps, not the default 200.
  assert.deepEqual(steps(model), 400);
  assert.deepEqual(ws.linkedFiles(path('models.py')), [path('train.py')]);
});

test('clipping set in the trainer is clipping of the builder file`s model', () => {
  const { ws, path } = memoryProject({
    'models.py': MODELS,
    'train.py': trainer('Adam(learning_rate=0.001, clipnorm=1.0)'),
  });
  const [model] = ws.analyzeFile(path('models.py')).models;
  assert.equal(model.training.clipping.clipped, true);
  for (const file of ['models.py', 'train.py']) {
    const text = file === 'models.py' ? MODELS : trainer('Adam(learning_rate=0.001, clipnorm=1.0)');
    const messages = lintWorkspaceFile(ws, path(file), text).result.messages;
    assert.ok(!ids(messages).includes('rnn-without-clipping'), `${file}: ${ids(messages).join()}`);
  }
});

test('a trainer that never names Keras still trains the model, and its finding is shown there', () => {
  const train = `from models import build_lstm\nm = build_lstm()\nm.compile(optimizer='adam', loss='mse')\nm.fit(x, y)\n`;
  const { ws, path } = memoryProject({ 'models.py': MODELS, 'train.py': train });
  assert.equal(ws.analyzeFile(path('models.py')).models[0].training.trained, true);
  const messages = lintWorkspaceFile(ws, path('train.py'), train).result.messages;
  const clipping = messages.find((m) => m.ruleId === 'rnn-without-clipping');
  assert.ok(clipping, ids(messages).join());
  assert.equal(clipping.span.line, 3);
  assert.equal(train.slice(clipping.span.start, clipping.span.end), "'adam'");
  const own = lintWorkspaceFile(ws, path('models.py'), MODELS).result.messages;
  assert.ok(!ids(own).includes('rnn-without-clipping'), 'reported in the file that trains');
});

test('every finding of the project is shown once, in one file', () => {
  const files = { 'models.py': MODELS, 'train.py': trainer('Adam(learning_rate=0.001)') };
  const { ws, path } = memoryProject(files);
  const all = Object.entries(files).flatMap(([file, text]) =>
    lintWorkspaceFile(ws, path(file), text).result.messages.map(
      (m) => `${m.ruleId}@${file}:${m.span.line}`,
    ),
  );
  assert.equal(new Set(all).size, all.length, all.join('\n'));
  assert.deepEqual(
    all.filter((id) => id.startsWith('rnn-without-clipping')),
    ['rnn-without-clipping@train.py:6'],
  );
});

test('an edit of the trainer re-lints the builder file, and an edit of the builder the trainer', () => {
  const unclipped = trainer('Adam(learning_rate=0.001)');
  const clipped = trainer('Adam(learning_rate=0.001, clipvalue=0.5)');
  const { ws, path } = memoryProject({ 'models.py': MODELS, 'train.py': unclipped });
  const lint = (file: string, text: string) =>
    ids(lintWorkspaceFile(ws, path(file), text).result.messages);
  lint('models.py', MODELS);
  assert.ok(lint('train.py', unclipped).includes('rnn-without-clipping'));
  assert.equal(ws.analyzeFile(path('models.py')).models[0].training.clipping.clipped, false);
  const analyses = ws.stats.analyses;
  ws.analyzeFile(path('models.py'));
  assert.equal(ws.stats.analyses, analyses, 'cached while nothing changed');
  // The editor asks which files to re-lint before it gives the index the new text.
  assert.ok(ws.dependents(path('train.py')).includes(path('models.py')));
  ws.update(path('train.py'), clipped);
  assert.equal(ws.analyzeFile(path('models.py')).models[0].training.clipping.clipped, true);
  assert.ok(!lint('train.py', clipped).includes('rnn-without-clipping'));
  ws.update(path('train.py'), unclipped);
  assert.ok(lint('train.py', unclipped).includes('rnn-without-clipping'));
  assert.ok(ws.dependents(path('models.py')).includes(path('train.py')));
  const dense = MODELS.replace('layers.LSTM(units, input_shape=(steps, 8))', 'layers.Dense(units)');
  lint('models.py', dense);
  assert.ok(
    !lint('train.py', unclipped).includes('rnn-without-clipping'),
    'no recurrent layer left',
  );
});

test('models the trainer builds itself, and its test files, stay out of the builder file', () => {
  const { ws, path } = memoryProject({
    'models.py': MODELS,
    'baseline.py': `${K}import models\nother = keras.Sequential([layers.Dense(4)])\nother.compile(optimizer='sgd', loss='mse')\nother.fit(x, y)\n`,
    'test_models.py': `${K}from models import build_lstm\nm = build_lstm(3, 2)\nm.compile(optimizer='sgd', loss='mse')\nm.fit(x, y)\n`,
  });
  const models = ws.analyzeFile(path('models.py')).models;
  assert.deepEqual(
    models.map((m) => `${m.name}: ${m.layers.map((l) => l.factory).join(' ')}`),
    ['model: lstm dense'],
  );
  assert.equal(models[0].training.trained, false, 'only a test trains it; baseline trains its own');
  assert.equal(steps(models[0]), 200);
});

test('an importer that runs long stops on its own budget: the builder file keeps its models', () => {
  const busy = `from models import build_lstm\ndef count(n):\n    return count(n - 1) + count(n - 1) if n > 0 else 1\ntotal = count(22)\nm = build_lstm()\nm.compile(optimizer='adam', loss='mse')\nm.fit(x, y)\n`;
  const { ws, path } = memoryProject({ 'models.py': MODELS, 'busy.py': busy });
  const result = ws.analyzeFile(path('models.py'));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.models.map((m) => m.layers.map((l) => l.factory).join(' ')),
    ['lstm dense'],
  );
});
