import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { estimateGradients } from '../../src/estimate';
import { initializerVariance, TRUNCATION_FACTOR } from '../../src/estimate/initializers';
import { functionalModel, sequentialModel, toValue, Unknown, type LayerSpec } from './ir-builder';
import { measureRatios, mlpConfigs, type MlpSpec } from './measure';

const dense = (config: Record<string, unknown>): LayerSpec => ({ factory: 'dense', config });

/** Geometric mean over seeds: single draws of deep nets scatter multiplicatively. */
function measuredRatios(spec: MlpSpec, seeds: number[]): number[] {
  const runs = seeds.map((seed) => measureRatios(spec, seed));
  return runs[0].map((_, i) =>
    Math.exp(runs.reduce((sum, run) => sum + Math.log(run[i]), 0) / runs.length),
  );
}

function worstLogError(spec: MlpSpec): number {
  const measured = measuredRatios(spec, [1, 2, 3]);
  const estimate = estimateGradients(sequentialModel(mlpConfigs(spec).map(dense), spec.loss), {
    batchSize: spec.batch,
  });
  return Math.max(
    ...measured.map((ratio, i) => {
      const relative = estimate.layers[i].relative;
      assert.ok(relative !== null && relative > 0, `layer ${i} has an estimate`);
      return Math.abs(Math.log10(relative / ratio));
    }),
  );
}

describe('static estimate agrees with measured tfjs gradients (|log10(est/measured)| <= 1)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });
  const inits: [string, string | undefined][] = [
    ['default', undefined],
    ['Glorot', 'glorotUniform'],
    ['He', 'heNormal'],
  ];
  for (const activation of ['sigmoid', 'tanh', 'relu']) {
    for (const [initName, initializer] of inits) {
      it(`${activation}, ${initName} init, depths 4/8/12/20, linear output + MSE`, (t) => {
        const errors = [4, 8, 12, 20].map((depth) => {
          const spec: MlpSpec = {
            depth,
            width: 64,
            inputDim: 32,
            outputUnits: 10,
            activation,
            initializer,
            outputActivation: 'linear',
            loss: 'meanSquaredError',
            batch: 64,
          };
          return worstLogError(spec);
        });
        t.diagnostic(
          `worst |log10 error| by depth 4/8/12/20: ${errors.map((e) => e.toFixed(2)).join(' / ')}`,
        );
        for (const error of errors)
          assert.ok(error <= 1, `log10 error ${error.toFixed(2)} exceeds 1`);
      });
    }
  }

  const lossCases: [string, Partial<MlpSpec>][] = [
    [
      'sigmoid, softmax + categorical cross-entropy',
      { activation: 'sigmoid', outputActivation: 'softmax', loss: 'categoricalCrossentropy' },
    ],
    [
      'relu He, sigmoid + binary cross-entropy',
      {
        activation: 'relu',
        initializer: 'heNormal',
        outputActivation: 'sigmoid',
        loss: 'binaryCrossentropy',
        outputUnits: 1,
      },
    ],
    ['selu LeCun, linear + MSE', { activation: 'selu', initializer: 'leCunNormal' }],
  ];
  for (const [name, overrides] of lossCases) {
    it(`${name}, depth 10`, (t) => {
      const spec: MlpSpec = {
        depth: 10,
        width: 64,
        inputDim: 32,
        outputUnits: 10,
        activation: 'tanh',
        outputActivation: 'linear',
        loss: 'meanSquaredError',
        batch: 64,
        ...overrides,
      };
      const error = worstLogError(spec);
      t.diagnostic(`worst |log10 error|: ${error.toFixed(2)}`);
      assert.ok(error <= 1, `log10 error ${error.toFixed(2)} exceeds 1`);
    });
  }
});

describe('static estimate: coverage and honesty', () => {
  it('says which layer stops it (recurrent), with the layer and line, for every layer', () => {
    const model = sequentialModel([
      { factory: 'lstm', config: { units: 8, inputShape: [5, 3] } },
      dense({ units: 2 }),
    ]);
    const estimate = estimateGradients(model);
    assert.ok(estimate.layers.every((l) => l.relative === null));
    assert.match(estimate.layers[1].note ?? '', /layer 0 \(lstm, line 1\).*recurrent 'lstm'/);
    assert.match(estimate.method, /not estimated/);
  });

  it('factory names that are Object.prototype members are reported, not crashed on', () => {
    for (const factory of ['constructor', 'toString', '__proto__']) {
      const estimate = estimateGradients(
        sequentialModel([
          dense({ units: 4, inputShape: [4] }),
          { factory, config: {} },
          dense({ units: 2 }),
        ]),
      );
      assert.match(estimate.method, new RegExp(`'${factory}' layers are not covered`));
    }
  });

  it('unknown widths and custom activations are not guessed', () => {
    const unknownWidth = estimateGradients(
      sequentialModel([
        dense({ units: new Unknown('hidden'), inputShape: [4] }),
        dense({ units: 2 }),
      ]),
    );
    assert.equal(unknownWidth.layers[0].relative, null);
    const custom = estimateGradients(
      sequentialModel([
        dense({ units: 4, inputShape: [4], activation: 'myAct' }),
        dense({ units: 2 }),
      ]),
    );
    assert.match(custom.layers[0].note ?? '', /activation 'myAct'/);
  });

  it('an activation layer after a linear dense layer equals the activation in its config', () => {
    const inline = estimateGradients(
      sequentialModel([
        dense({ units: 16, inputShape: [8], activation: 'tanh' }),
        dense({ units: 16, activation: 'tanh' }),
        dense({ units: 3 }),
      ]),
    );
    const separate = estimateGradients(
      sequentialModel([
        dense({ units: 16, inputShape: [8] }),
        { factory: 'activation', config: { activation: 'tanh' } },
        dense({ units: 16 }),
        { factory: 'activation', config: { activation: 'tanh' } },
        { factory: 'dropout', config: { rate: 0 } },
        dense({ units: 3 }),
      ]),
    );
    assert.ok(
      Math.abs((inline.layers[0].relative ?? 0) - (separate.layers[0].relative ?? 1)) < 1e-12,
    );
    assert.equal(separate.layers[1].note, 'no weights');
    assert.equal(separate.layers[4].note, 'no weights');
    assert.equal(separate.layers[5].relative, 1);
  });

  it('a single-path functional model is covered; one with a skip connection is not', () => {
    const layers = [dense({ units: 8, activation: 'relu' }), dense({ units: 2 })];
    const chain = functionalModel(
      { in: [4] },
      layers,
      [
        { id: 'a', layer: 0, inputs: ['in'] },
        { id: 'b', layer: 1, inputs: ['a'] },
      ],
      ['b'],
    );
    assert.ok((estimateGradients(chain).layers[0].relative ?? 0) > 0);
    const skip = functionalModel(
      { in: [8] },
      [...layers, { factory: 'add' }],
      [
        { id: 'a', layer: 0, inputs: ['in'] },
        { id: 'c', layer: 2, inputs: ['in', 'a'] },
        { id: 'b', layer: 1, inputs: ['c'] },
      ],
      ['b'],
    );
    assert.match(estimateGradients(skip).method, /branches or merges/);
  });

  it('deeper sigmoid stacks vanish more, and conv stacks get estimates with a caveat', () => {
    const sigmoidStack = (depth: number) =>
      estimateGradients(
        sequentialModel(
          Array.from({ length: depth }, (_, i) =>
            dense({
              units: 32,
              activation: i < depth - 1 ? 'sigmoid' : 'linear',
              ...(i === 0 ? { inputShape: [16] } : {}),
            }),
          ),
        ),
      );
    assert.ok(
      (sigmoidStack(10).layers[0].relative ?? 1) < (sigmoidStack(5).layers[0].relative ?? 0),
    );
    const conv = estimateGradients(
      sequentialModel(
        [
          {
            factory: 'conv2d',
            config: { filters: 8, kernelSize: 3, inputShape: [12, 12, 1], activation: 'relu' },
          },
          {
            factory: 'conv2d',
            config: { filters: 8, kernelSize: 3, strides: 2, activation: 'relu' },
          },
          { factory: 'flatten' },
          dense({ units: 4, activation: 'softmax' }),
        ],
        'categoricalCrossentropy',
      ),
    );
    assert.ok((conv.layers[0].relative ?? 0) > 0);
    assert.match(conv.layers[0].note ?? '', /conv/);
    assert.match(conv.method, /softmax \+ categorical cross-entropy/);
  });
});

describe('initializer variances follow tfjs', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });
  const fans = { fanIn: 300, fanOut: 200, rows: 300, cols: 200 };
  const cases: [string, unknown, () => ReturnType<typeof tf.initializers.zeros>][] = [
    [
      'glorotNormal (truncated, no correction)',
      'glorotNormal',
      () => tf.initializers.glorotNormal({ seed: 1 }),
    ],
    ['heUniform', 'heUniform', () => tf.initializers.heUniform({ seed: 2 })],
    [
      'randomNormal default stddev',
      'randomNormal',
      () => tf.initializers.randomNormal({ seed: 3 }),
    ],
    [
      'truncatedNormal stddev 0.3 (call form)',
      { call: 'initializers.truncatedNormal', stddev: 0.3 },
      () => tf.initializers.truncatedNormal({ stddev: 0.3, seed: 4 }),
    ],
    [
      'varianceScaling fanOut uniform',
      { call: 'initializers.varianceScaling', scale: 3, mode: 'fanOut', distribution: 'uniform' },
      () =>
        tf.initializers.varianceScaling({
          scale: 3,
          mode: 'fanOut',
          distribution: 'uniform',
          seed: 5,
        }),
    ],
    [
      'orthogonal (a 60x40 kernel: QR is slow on cpu)',
      'orthogonal',
      () => tf.initializers.orthogonal({ seed: 6 }),
    ],
  ];
  for (const [name, spec, make] of cases) {
    it(name, () => {
      const value =
        typeof spec === 'string'
          ? toValue(spec)
          : (() => {
              const { call, ...args } = spec as { call: string } & Record<string, unknown>;
              return { kind: 'call' as const, path: call, args: [toValue(args)], text: call };
            })();
      const orthogonal = name.startsWith('orthogonal');
      const shape = orthogonal ? [60, 40] : [300, 200];
      const ours = initializerVariance(
        value,
        'glorotNormal',
        orthogonal ? { fanIn: 60, fanOut: 40, rows: 60, cols: 40 } : fans,
      );
      assert.ok(!('error' in ours));
      const sample = make().apply(shape);
      const measured = tf.moments(sample).variance.dataSync()[0];
      sample.dispose();
      assert.ok(
        Math.abs(ours.variance / measured - 1) < 0.03,
        `${ours.variance} vs measured ${measured}`,
      );
    });
  }
  it('the truncation factor is the variance of N(0,1) cut at 2 sd', () => {
    assert.ok(Math.abs(TRUNCATION_FACTOR - 0.7737) < 1e-4);
  });
});
