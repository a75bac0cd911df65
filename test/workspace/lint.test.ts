import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits } from '../../src/lint/fix';
import { lintWorkspaceFile } from '../../src/workspace/lint';
import { memoryProject } from './memory-host';

const TF = `import * as tf from '@tensorflow/tfjs';\n`;

const FILES = {
  'config.js': `export const training = { learningRate: 5, epochs: 3 };\n`,
  'model.js': `${TF}export function createModel(steps) {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ units: 32, inputShape: [steps, 8] }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  return model;
}
`,
  'train.js': `${TF}import { createModel } from './model.js';
import { training } from './config.js';
export async function train(xs, ys) {
  const model = createModel(40);
  model.compile({ optimizer: tf.train.sgd(training.learningRate), loss: 'binaryCrossentropy' });
  await model.fit(xs, ys, { epochs: training.epochs });
}
`,
};

test('training findings are shown in the file that trains, at its own lines', () => {
  const { ws, path } = memoryProject(FILES);
  const train = lintWorkspaceFile(ws, path('train.js'), FILES['train.js']).result;
  const byRule = new Map(train.messages.map((m) => [m.ruleId, m]));
  assert.ok(byRule.has('rnn-without-clipping'), train.messages.map((m) => m.ruleId).join());
  const rate = byRule.get('high-learning-rate');
  assert.ok(rate, 'the rate from config.js is reported at the call in train.js');
  assert.equal(rate.span.line, 6);
  assert.equal(FILES['train.js'].slice(rate.span.start, rate.span.end), 'training.learningRate');
  const fix = rate.fixes.find((f) => f.preferred);
  assert.ok(fix);
  const fixed = applyEdits(FILES['train.js'], fix.edits);
  assert.match(fixed, /tf\.train\.sgd\(0\.\d+\)/);
});

test("the builder's file shows its layers' findings and none that belong to the training file", () => {
  const { ws, path } = memoryProject(FILES);
  const source = FILES['model.js'];
  const model = lintWorkspaceFile(ws, path('model.js'), source).result;
  for (const message of model.messages) {
    assert.ok(message.span.end <= source.length);
    assert.notEqual(message.ruleId, 'high-learning-rate');
    assert.notEqual(message.ruleId, 'rnn-without-clipping');
    for (const fix of message.fixes)
      for (const edit of fix.edits) assert.ok(edit.end <= source.length);
  }
  // The analysis still knows the model is trained (in train.js), for the editor and `models`.
  const analysis = ws.analyzeFile(path('model.js'));
  assert.equal(analysis.models[0].training.trained, true);
});

test('every finding of the project is shown once, in one file', () => {
  const { ws, path } = memoryProject(FILES);
  const all = Object.entries(FILES).flatMap(([file, text]) =>
    lintWorkspaceFile(ws, path(file), text).result.messages.map((m) => `${m.ruleId}@${file}`),
  );
  assert.equal(new Set(all).size, all.length, all.join('\n'));
  assert.equal(all.filter((id) => id.startsWith('rnn-without-clipping')).length, 1);
});

test('a workspace that keeps one analysis lints every file as one that keeps them all', () => {
  // A lint run bounds the analyses it keeps (node-host LINT_RUN_ANALYSES): the builder's analysis,
  // dropped by the time its trainer is linted, is redone with the same models.
  const order = ['model.js', 'config.js', 'train.js', 'model.js', 'train.js'] as const;
  const lintAll = (maxAnalyses?: number) => {
    const { ws, path } = memoryProject(FILES, { maxAnalyses });
    const results = order.map((file) => lintWorkspaceFile(ws, path(file), FILES[file]).result);
    return { results: JSON.stringify(results), analyses: ws.stats.analyses };
  };
  const all = lintAll();
  const one = lintAll(1);
  assert.equal(one.results, all.results);
  assert.match(all.results, /rnn-without-clipping/);
  assert.ok(one.analyses > all.analyses, `${one.analyses} analyses, ${all.analyses} when kept`);
});
