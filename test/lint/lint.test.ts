import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnalysisResult } from '../../src/analysis/ir';
import { validateConfig } from '../../src/lint/config';
import { lintText } from '../../src/lint/index';
import { fakeRule, finding, layerRule, optionsRule } from './fake-rules';

const source = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
for (let i = 0; i < 3; i++) {
  model.add(tf.layers.dense({ units: 64, activation: 'sigmoid' }));
}
model.add(tf.layers.lstm({ units: 8 }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
`;

const denseRule = layerRule('fake-dense', 'dense', 'X');
const lstmRule = layerRule('fake-lstm', 'lstm');
const throwing = fakeRule('throws', () => {
  throw new Error('boom');
});
const rules = [denseRule, lstmRule, throwing, optionsRule];
const summary = (r: ReturnType<typeof lintText>) =>
  r.messages.map((m) => `${m.ruleId}@${m.span.line}:${m.span.column}:${m.severity}`);

test('runs every rule on every model, dedupes loop repeats, sorts by position', () => {
  const result = lintText(source, 'model.js', undefined, { rules: [lstmRule, denseRule] });
  assert.deepEqual(summary(result), [
    'fake-dense@4:13:warning',
    'fake-lstm@6:11:warning',
    'fake-dense@7:11:warning',
  ]);
  assert.equal(result.warningCount, 3);
  assert.equal(result.fixableCount, 2);
  assert.deepEqual(result.problems, []);
});

test('a shared layer: a finding the estimate could not back gives way to the covered one at its span', () => {
  const shared = `import * as tf from '@tensorflow/tfjs';
const critic = tf.sequential();
critic.add(tf.layers.dense({ units: 16, inputShape: [4], activation: 'relu' }));
critic.add(tf.layers.dense({ units: 1 }));
const noise = tf.input({ shape: [4] });
const stacked = tf.model({ inputs: noise, outputs: critic.apply(noise) });
`;
  // The stacked model stands for one the estimate cannot size: its finding is uncovered.
  const sized = fakeRule('fake-sized', (model) =>
    model.layers
      .filter((layer) => layer.factory === 'dense' && layer.config.props.activation)
      .map((layer) => ({
        ...finding('fake-sized', model, layer.callSpan, `${model.name}: ${model.kind}`),
        ...(model.kind === 'functional' ? { uncovered: true } : {}),
        hint: true,
      })),
  );
  const result = lintText(shared, 'model.js', undefined, { rules: [sized] });
  assert.deepEqual(
    result.messages.map((m) => `${m.span.line}:${m.message}`),
    ['3:critic: sequential'],
  );
  const alone = fakeRule('fake-alone', (model) =>
    model.kind === 'functional'
      ? model.layers
          .filter((layer) => layer.factory === 'dense' && layer.config.props.activation)
          .map((layer) => ({
            ...finding('fake-alone', model, layer.callSpan, 'x'),
            uncovered: true,
          }))
      : [],
  );
  const kept = lintText(shared, 'model.js', undefined, { rules: [alone] });
  assert.equal(kept.messages.length, 1, 'an uncovered finding with no covered one is kept');
});

test('a rule that throws is reported as an internal problem naming it; the others still run', () => {
  const result = lintText(source, 'model.js', undefined, { rules });
  assert.equal(result.messages.length, 3);
  assert.equal(result.problems.length, 1);
  const [problem] = result.problems;
  assert.equal(problem.kind, 'internal');
  assert.equal(problem.ruleId, 'throws');
  assert.match(problem.message, /Rule 'throws' crashed on model 'model'.*boom/);
  assert.equal(problem.line, 2, 'reported at the model');
  assert.equal(result.errorCount, 1);
});

test('a rule returning garbage is an internal problem, not a crash', () => {
  const garbage = fakeRule('garbage', () => [{ nonsense: true }] as never);
  const notArray = fakeRule('not-array', () => 42 as never);
  const result = lintText(source, 'model.js', undefined, { rules: [garbage, notArray] });
  assert.deepEqual(
    result.problems.map((p) => `${p.kind}:${p.ruleId}`),
    ['internal:garbage', 'internal:not-array'],
  );
});

test('configured severities apply; off rules do not run', () => {
  let ran = false;
  const spy = fakeRule('spy', () => {
    ran = true;
    return [];
  });
  const config = validateConfig(
    { rules: { 'fake-dense': 'error', 'fake-lstm': 'info', spy: 'off' } },
    'cfg',
    [denseRule, lstmRule, spy],
  );
  const result = lintText(source, 'model.js', config, { rules: [denseRule, lstmRule, spy] });
  assert.deepEqual(summary(result), [
    'fake-dense@4:13:error',
    'fake-lstm@6:11:info',
    'fake-dense@7:11:error',
  ]);
  assert.equal(ran, false);
  assert.deepEqual([result.errorCount, result.warningCount, result.infoCount], [2, 0, 1]);
});

test('rules receive their defaults merged with the configured options', () => {
  const seen: unknown[] = [];
  const probe = {
    ...optionsRule,
    check: (_m: never, ctx: { options: unknown }) => (seen.push(ctx.options), []),
  };
  const config = validateConfig(
    { rules: { 'with-options': ['warning', { minDepth: 9 }] } },
    'cfg',
    [optionsRule],
  );
  lintText(source, 'model.js', config, { rules: [probe as never] });
  assert.deepEqual(seen, [{ minDepth: 9, mode: 'strict', enabled: true }]);
});

test('directives filter findings after the rules; unused ones are reported only on request', () => {
  const withDirectives = source
    .replace(
      'model.add(tf.layers.lstm',
      '// gradient-lens-disable-next-line fake-lstm -- known\nmodel.add(tf.layers.lstm',
    )
    .replace('model.compile(', '// gradient-lens-disable-next-line fake-dense\nmodel.compile(');
  const quiet = lintText(withDirectives, 'model.js', undefined, { rules: [denseRule, lstmRule] });
  assert.deepEqual(summary(quiet), ['fake-dense@4:13:warning', 'fake-dense@8:11:warning']);
  assert.deepEqual(quiet.problems, []);
  assert.equal(quiet.unusedDirectives.length, 1);
  const loud = lintText(
    withDirectives,
    'model.js',
    { rules: {}, reportUnusedDirectives: true },
    { rules: [denseRule, lstmRule] },
  );
  assert.deepEqual(
    loud.problems.map((p) => `${p.kind}:${p.ruleId}@${p.line}:${p.severity}`),
    ['unused-directive:fake-dense@9:warning'],
  );
  assert.equal(loud.warningCount, 3);
});

test('a syntax error is a problem at its position, never an exception', () => {
  const result = lintText(
    "import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential(;\n",
    'bad.js',
    undefined,
    { rules },
  );
  assert.equal(result.messages.length, 0);
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0].kind, 'syntax');
  assert.equal(result.problems[0].line, 2);
  assert.equal(result.errorCount, 1);
});

test('a file without tfjs yields nothing', () => {
  const result = lintText('const x = 1;\n', 'plain.js', undefined, { rules });
  assert.deepEqual([result.messages, result.problems], [[], []]);
});

test('an analyzer that throws becomes an internal problem', () => {
  const analyze = (): AnalysisResult => {
    throw new RangeError('stack blown');
  };
  const result = lintText(source, 'model.js', undefined, { rules, analyze });
  assert.deepEqual(
    result.problems.map((p) => [p.kind, p.ruleId, p.message]),
    [['internal', null, 'The analyzer failed on this file: stack blown']],
  );
});

test('findings of different models at different spans are all kept', () => {
  const twoModels = `${source}const other = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });\n`;
  const everyModel = fakeRule('per-model', (model) => [
    finding('per-model', model, model.anchor, `model ${model.name}`),
  ]);
  const result = lintText(twoModels, 'model.js', undefined, { rules: [everyModel] });
  assert.deepEqual(
    result.messages.map((m) => m.message),
    ['model model', 'model other'],
  );
});
