/** The loss and optimizer the probe trains with: the file's own, else stated defaults. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { OptimizerInfo, TrainingSetup } from '../../src/analysis/ir';
import { trainingFromIr } from '../../src/probe/training';
import { js, span, training } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
before(async () => ({ tf } = await loadTf()));

function model(activation: string) {
  return tf.sequential({
    layers: [tf.layers.dense({ units: 2, activation: activation as 'relu', inputShape: [3] })],
  });
}

function withOptimizer(
  info: Partial<OptimizerInfo> & { kind: OptimizerInfo['kind'] },
  loss = 'meanSquaredError',
): TrainingSetup {
  const base = training({ loss, optimizer: info.kind });
  const optimizer: OptimizerInfo = { span: span(40), text: info.kind, form: 'call', ...info };
  return {
    ...base,
    optimizer,
    learningRate: optimizer.learningRate?.kind === 'number' ? optimizer.learningRate.value : null,
  };
}

test('momentum and learning rate come from the call text', () => {
  const setup = withOptimizer({
    kind: 'momentum',
    text: 'tf.train.momentum(0.05, 0.8)',
    learningRate: js(0.05),
  });
  const choice = trainingFromIr(tf, setup, model('linear'));
  assert.deepEqual(choice.optimizer.getConfig(), {
    learningRate: 0.05,
    momentum: 0.8,
    useNesterov: false,
  });
  assert.deepEqual(choice.assumptions, []);
});

test('other optimizer arguments are named as defaults', () => {
  const setup = withOptimizer({
    kind: 'adam',
    text: 'tf.train.adam(0.01, 0.5)',
    learningRate: js(0.01),
  });
  const choice = trainingFromIr(tf, setup, model('linear'));
  assert.equal(choice.learningRate, 0.01);
  assert.match(
    choice.assumptions.join(' '),
    /Only the learning rate is read from `tf\.train\.adam\(0\.01, 0\.5\)`/,
  );
});

test("a string optimizer uses tfjs's default learning rate; an unknown rate says how to set it", () => {
  assert.equal(
    trainingFromIr(tf, training({ loss: 'mse', optimizer: 'adam' }), model('linear')).learningRate,
    0.001,
  );
  const unknown = withOptimizer({
    kind: 'rmsprop',
    text: 'tf.train.rmsprop(lr)',
    learningRate: { kind: 'unknown', text: 'lr' },
  });
  const choice = trainingFromIr(tf, unknown, model('linear'));
  assert.equal(choice.learningRate, 0.001);
  assert.match(choice.assumptions.join(' '), /pass --set lr=VALUE/);
});

test('without compile: sgd 0.01 and a loss that fits the output activation', () => {
  const none = training(null);
  const softmax = trainingFromIr(tf, none, model('softmax'));
  assert.equal(softmax.lossName, 'categoricalCrossentropy');
  assert.equal(softmax.learningRate, 0.01);
  assert.equal(trainingFromIr(tf, none, model('sigmoid')).lossName, 'binaryCrossentropy');
  assert.equal(trainingFromIr(tf, none, model('relu')).lossName, 'meanSquaredError');
  assert.match(
    softmax.assumptions.join(' '),
    /No loss is compiled in the file: using categoricalCrossentropy/,
  );
  assert.match(
    softmax.assumptions.join(' '),
    /No optimizer is set up in the file: using sgd with learning rate 0\.01/,
  );
});

test('aliases and tf.losses functions are understood', () => {
  assert.equal(
    trainingFromIr(tf, training({ loss: 'mse', optimizer: 'sgd' }), model('linear')).lossName,
    'meanSquaredError',
  );
  const core = trainingFromIr(
    tf,
    training({ loss: 'softmaxCrossEntropy', optimizer: 'sgd' }),
    model('linear'),
  );
  assert.equal(core.lossName, 'categoricalCrossentropy');
  assert.equal(typeof core.loss, 'function');
});

test('a Keras cross-entropy with from_logits=True trains on the logits (softmax/sigmoid cross-entropy)', () => {
  const cases = [
    ['sparseCategoricalCrossentropy', 'categoricalCrossentropy', 'softmaxCrossEntropy'],
    ['binaryCrossentropy', 'binaryCrossentropy', 'sigmoidCrossEntropy'],
  ] as const;
  for (const [name, lossName, fn] of cases) {
    const base = training({ loss: name, optimizer: 'adam' });
    const setup: TrainingSetup = {
      ...base,
      loss: { ...base.loss!, fromLogits: true, text: `keras.losses.X(from_logits=True)` },
    };
    const choice = trainingFromIr(tf, setup, model('linear'), 'keras');
    assert.equal(choice.lossName, lossName);
    assert.match(choice.assumptions.join(' '), new RegExp(`takes logits .*tf\\.losses\\.${fn}`));
    const y = tf.tensor2d([[1, 0]]);
    const z = tf.tensor2d([[2, -1]]);
    type Loss = (a: unknown, b: unknown) => { dataSync(): Float32Array };
    const losses = tf.losses as unknown as Record<string, Loss>;
    const expected = losses[fn](y, z).dataSync()[0];
    assert.ok(typeof choice.loss === 'function');
    const got = (choice.loss as Loss)(y, z).dataSync()[0];
    assert.ok(Math.abs(got - expected) < 1e-6, `${got} vs ${expected}`);
  }
});
