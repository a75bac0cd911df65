/**
 * Keras optimizers in the probe: Keras's default learning rates, arguments read from the code's text or a saved
 * config, and clipnorm / global_clipnorm / clipvalue applied in the optimizer steps (no tfjs optimizer clips).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ModelGraph, OptimizerInfo } from '../../src/analysis/ir';
import { probeModel } from '../../src/probe/engine';
import {
  applyClipping,
  kerasOptimizer,
  settingsFromConfig,
  settingsFromText,
} from '../../src/probe/keras-training';
import { irRequest, js, sequential, span } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

test('optimizer arguments are read from Keras code and saved configs', () => {
  const cases: [ReturnType<typeof settingsFromText>, Record<string, number>, boolean, string[]][] =
    [
      [
        settingsFromText('keras.optimizers.Adam(learning_rate=1e-3, clipnorm=1.0)', 'adam'),
        { learning_rate: 1e-3, clipnorm: 1 },
        false,
        [],
      ],
      [
        settingsFromText('SGD(0.1, momentum=0.9, nesterov=True)', 'sgd'),
        { learning_rate: 0.1, momentum: 0.9 },
        true,
        [],
      ],
      [settingsFromText("'rmsprop'", 'rmsprop'), {}, false, []],
      [
        settingsFromText('Adam(learning_rate=LR, global_clipnorm=5)', 'adam'),
        { global_clipnorm: 5 },
        false,
        ['learning_rate'],
      ],
      [
        settingsFromConfig('Adam', { learning_rate: 0.02, clipvalue: 0.5, clipnorm: null }),
        { learning_rate: 0.02, clipvalue: 0.5 },
        false,
        [],
      ],
      [
        settingsFromConfig('SGD', {
          learning_rate: { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.3 } },
        }),
        { learning_rate: 0.3 },
        false,
        [],
      ],
    ];
  for (const [settings, numbers, nesterov, unread] of cases) {
    assert.deepEqual(settings.numbers, numbers);
    assert.equal(settings.nesterov, nesterov);
    assert.deepEqual(settings.unread, unread);
  }
  assert.equal(settingsFromText('tf.keras.optimizers.Nadam()', 'unknown').kind, 'nadam');
});

test("Keras's default learning rates apply where the code gives none (they differ from tfjs's)", () => {
  for (const [kind, rate] of [
    ['adagrad', 0.001],
    ['adadelta', 0.001],
    ['adamax', 0.001],
    ['adam', 0.001],
    ['sgd', 0.01],
  ] as const) {
    const assumptions: string[] = [];
    const optimizer = kerasOptimizer(tf, settingsFromText(`'${kind}'`, kind), assumptions);
    try {
      assert.equal((optimizer.getConfig() as { learningRate: number }).learningRate, rate, kind);
      assert.deepEqual(assumptions, [
        `No learning rate is given: using Keras's default for ${kind}, ${rate}.`,
      ]);
    } finally {
      optimizer.dispose();
    }
  }
});

/** One sgd(1) step with the given clipping: how far each variable moves. */
function stepWith(clipping: Parameters<typeof applyClipping>[2], grads: number[][]): number[][] {
  const variables = grads.map((g, i) =>
    tf.variable(tf.zeros([g.length]), true, `clip_${i}_${Math.random()}`),
  );
  const optimizer = tf.train.sgd(1);
  applyClipping(tf, optimizer, clipping, []);
  const named = Object.fromEntries(variables.map((v, i) => [v.name, tf.tensor1d(grads[i]!)]));
  optimizer.applyGradients(named);
  const moved = variables.map((v) => Array.from(v.dataSync()).map((x) => -x));
  tf.dispose([...variables, ...Object.values(named)]);
  optimizer.dispose();
  return moved;
}

function close(actual: number[][], expected: number[][]): void {
  actual
    .flat()
    .forEach((a, i) =>
      assert.ok(Math.abs(a - expected.flat()[i]!) < 1e-5, `${actual} vs ${expected}`),
    );
}

test('clipnorm clips each gradient by its own norm, global_clipnorm all together, clipvalue each entry', () => {
  const grads = [
    [3, 4],
    [0, 0.5],
  ];
  // clipnorm 1: [3, 4] (norm 5) -> [0.6, 0.8]; [0, 0.5] is within the limit.
  close(stepWith({ clipnorm: 1 }, grads), [
    [0.6, 0.8],
    [0, 0.5],
  ]);
  // global norm sqrt(25.25) = 5.025; scaled to 1 together.
  const g = Math.sqrt(25.25);
  close(stepWith({ globalClipnorm: 1 }, grads), [
    [3 / g, 4 / g],
    [0, 0.5 / g],
  ]);
  close(stepWith({ clipvalue: 0.4 }, grads), [
    [0.4, 0.4],
    [0, 0.4],
  ]);
});

function kerasModel(text: string, kind: OptimizerInfo['kind'], learningRate?: number): ModelGraph {
  const ir = sequential('model', [{ factory: 'dense', config: { units: 2, inputShape: [3] } }]);
  const optimizer: OptimizerInfo = {
    kind,
    span: span(40),
    text,
    form: 'call',
    ...(learningRate !== undefined ? { learningRate: js(learningRate) } : {}),
  };
  return {
    ...ir,
    framework: 'keras',
    training: { ...ir.training, optimizer, learningRate: learningRate ?? null },
  };
}

test("a Keras model's probe trains with its optimizer's learning rate and clipping, and says so", async () => {
  const report = await probeModel(
    tf,
    irRequest(kerasModel('keras.optimizers.Adagrad(clipnorm=0.5)', 'adagrad'), { steps: 2 }),
    backend,
  );
  assert.equal(report.learningRate, 0.001);
  assert.ok(
    report.assumptions.includes(
      "No learning rate is given: using Keras's default for adagrad, 0.001.",
    ),
    report.assumptions.join('\n'),
  );
  assert.ok(
    report.assumptions.includes(
      "Keras's clipnorm=0.5 is applied to the gradients of each optimizer step (tfjs optimizers do not clip); the gradients reported are before clipping.",
    ),
  );
  const explicit = await probeModel(
    tf,
    irRequest(kerasModel('SGD(learning_rate=0.05, momentum=0.9)', 'sgd', 0.05)),
    backend,
  );
  assert.equal(explicit.learningRate, 0.05);
  assert.ok(
    !explicit.assumptions.some((a) => a.includes('learning rate')),
    explicit.assumptions.join('\n'),
  );
});

test('the update ratio measures the clipped step, so a clipped model is not called exploding', async () => {
  const unclipped = await probeModel(
    tf,
    irRequest(kerasModel('SGD(learning_rate=50)', 'sgd', 50)),
    backend,
  );
  assert.equal(unclipped.verdict, 'exploding', unclipped.verdictReason);
  const report = await probeModel(
    tf,
    irRequest(kerasModel('SGD(learning_rate=50, clipnorm=0.001)', 'sgd', 50)),
    backend,
  );
  const layer = report.layers[0]!;
  // Both weights' gradients exceed 0.001, so each is clipped to norm 0.001.
  assert.ok(layer.weights.every((w) => w.gradNorm > 0.001));
  const weightNorm = Math.hypot(...layer.weights.map((w) => w.weightNorm));
  const expected = (50 * 0.001 * Math.SQRT2) / weightNorm;
  // The real float32 step of the clipped gradient: equal to the formula to float32 precision.
  assert.ok(
    Math.abs(layer.updateToWeightRatio! - expected) < 1e-5 * expected,
    `${layer.updateToWeightRatio} vs ${expected}`,
  );
  assert.equal(report.verdict, 'healthy', report.verdictReason);
  assert.deepEqual(
    report.layers.map((l) => l.gradNorm),
    unclipped.layers.map((l) => l.gradNorm),
    'the reported gradients are the unclipped ones',
  );
});
