/**
 * A Keras model's IR is built with Keras's defaults written out: glorot_uniform kernels, truncated normals with
 * Keras's spread, LSTM forget bias 1 and sigmoid gates, GRU reset_after stated. Measured on the built weights.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { buildFromIr, type BuiltModel } from '../../src/probe/build';
import { call, sequential, type LayerSpec } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
before(async () => ({ tf } = await loadTf()));

function keras(layers: LayerSpec[]): ModelGraph {
  return { ...sequential('model', layers), framework: 'keras' };
}

function build(ir: ModelGraph, seed = 1): BuiltModel {
  return buildFromIr(tf, ir, { seed, maxParams: 1e7 });
}

function kernelStd(built: BuiltModel, layer = 0): number {
  const values = built.layers[layer]!.layer.getWeights()[0]!.dataSync();
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / values.length;
  return Math.sqrt(squares / values.length - mean * mean);
}

/** tfjs serializes glorotUniform as VarianceScaling: `VarianceScaling fanAvg uniform`. */
function initializer(built: BuiltModel, key = 'kernelInitializer', layer = 0): string {
  type Serialized = { className?: string; config?: { mode?: string; distribution?: string } };
  const item = (built.layers[layer]!.layer.getConfig() as Record<string, Serialized>)[key];
  return [item?.className, item?.config?.mode, item?.config?.distribution]
    .filter((part) => part !== undefined)
    .join(' ');
}

const GLOROT_UNIFORM = 'VarianceScaling fanAvg uniform';
const GLOROT_NORMAL = 'VarianceScaling fanAvg normal';

const wide = (kernelInitializer?: unknown): LayerSpec[] => [
  {
    factory: 'dense',
    config: { units: 400, inputShape: [400], ...(kernelInitializer ? { kernelInitializer } : {}) },
  },
];

test('a Keras Dense without an initializer is built glorot_uniform, a tfjs one glorotNormal', () => {
  const fromKeras = build(keras(wide()));
  const fromTfjs = build(sequential('model', wide()));
  try {
    assert.equal(initializer(fromKeras), GLOROT_UNIFORM);
    assert.equal(initializer(fromTfjs), GLOROT_NORMAL);
    // glorot_uniform on 400 x 400: uniform on ±sqrt(6 / 800), stddev sqrt(1 / 400) = 0.05.
    assert.ok(Math.abs(kernelStd(fromKeras) - 0.05) < 0.0005, `std ${kernelStd(fromKeras)}`);
    assert.ok(
      fromKeras.assumptions.includes(
        "Keras's default kernel initializer glorot_uniform is written out for layer 0 (tfjs's default is glorotNormal).",
      ),
      fromKeras.assumptions.join('\n'),
    );
    assert.ok(!fromTfjs.assumptions.some((a) => a.includes('Keras')));
  } finally {
    fromKeras.model.dispose();
    fromTfjs.model.dispose();
  }
});

test("Keras's he_normal has Keras's stddev sqrt(2 / fan_in), in every written form; tfjs's is 0.88x", () => {
  // 160,000 draws: the sample stddev's standard error is about 0.07 / sqrt(2 * 160000) = 1.2e-4.
  const target = Math.sqrt(2 / 400);
  const forms: [string, unknown][] = [
    ['string', 'heNormal'],
    ['call', call('initializers.heNormal', { seed: 3 })],
    [
      'varianceScaling',
      call('initializers.varianceScaling', {
        scale: 2,
        mode: 'fan_in',
        distribution: 'truncated_normal',
      }),
    ],
  ];
  for (const [form, initializer] of forms) {
    const built = build(keras(wide(initializer)));
    try {
      const std = kernelStd(built);
      assert.ok(Math.abs(std - target) < 6e-4, `${form}: std ${std}, Keras's ${target}`);
      assert.ok(
        built.assumptions.some((a) =>
          a.includes('is built as tfjs varianceScaling with scale 2.585 (2 / 0.8796²)'),
        ),
        `${form}: ${built.assumptions.join('\n')}`,
      );
    } finally {
      built.model.dispose();
    }
  }
  const plain = build(sequential('model', wide('heNormal')));
  try {
    const ratio = kernelStd(plain) / target;
    assert.ok(Math.abs(ratio - 0.8796) < 0.01, `tfjs heNormal is ${ratio}x Keras's`);
  } finally {
    plain.model.dispose();
  }
});

test('an untruncated VarianceScaling keeps its variance and says how it is built', () => {
  const built = build(
    keras(
      wide(
        call('initializers.varianceScaling', {
          scale: 1,
          mode: 'fan_avg',
          distribution: 'untruncated_normal',
        }),
      ),
    ),
  );
  try {
    assert.ok(Math.abs(kernelStd(built) - Math.sqrt(1 / 400)) < 5e-4, `std ${kernelStd(built)}`);
    assert.ok(
      built.assumptions.some((a) => a.includes('a truncated normal with the same variance')),
    );
  } finally {
    built.model.dispose();
  }
});

test('a Keras LSTM starts with forget bias 1 and sigmoid gates unless the code says otherwise', () => {
  const built = build(
    keras([
      { factory: 'lstm', config: { units: 4, returnSequences: true, inputShape: [5, 3] } },
      { factory: 'lstm', config: { units: 4, unitForgetBias: false, recurrentActivation: 'tanh' } },
    ]),
  );
  try {
    const bias = (i: number): number[] =>
      Array.from(built.layers[i]!.layer.getWeights()[2]!.dataSync());
    // Gate order i, f, c, o: the forget gate's bias is the second block of `units`.
    assert.deepEqual(bias(0), [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(bias(1), new Array(16).fill(0));
    const config = (i: number) => built.layers[i]!.layer.getConfig() as Record<string, unknown>;
    assert.equal(config(0)['recurrentActivation'], 'sigmoid');
    assert.equal(config(1)['recurrentActivation'], 'tanh');
    assert.equal(initializer(built, 'kernelInitializer', 1), GLOROT_UNIFORM);
    assert.equal(initializer(built, 'recurrentInitializer', 0), 'Orthogonal');
    assert.ok(
      built.assumptions.includes(
        "Keras's LSTM default unit_forget_bias=True is written out for layer 0: the forget gate's bias starts at 1 (tfjs's default starts it at 0).",
      ),
      built.assumptions.join('\n'),
    );
    assert.ok(
      built.assumptions.includes(
        "Keras's default recurrent_activation 'sigmoid' is written out for layer 0 (tfjs's default is hardSigmoid).",
      ),
    );
  } finally {
    built.model.dispose();
  }
});

test('a Keras GRU (reset_after=True by default) is probed with reset_after=False, and says so', () => {
  const built = build(
    keras([
      { factory: 'gru', config: { units: 4, inputShape: [5, 3] } },
      { factory: 'dense', config: { units: 1 } },
    ]),
  );
  try {
    assert.equal(built.layers[0]!.layer.countParams(), 3 * (4 * 3 + 4 * 4 + 4));
    assert.ok(
      built.assumptions.includes(
        "tfjs cannot build a GRU with reset_after=True (Keras's default); layer 0 is probed with reset_after=False, whose gradients differ only in where the reset gate applies.",
      ),
      built.assumptions.join('\n'),
    );
  } finally {
    built.model.dispose();
  }
  const explicit = build(
    keras([{ factory: 'gru', config: { units: 4, resetAfter: false, inputShape: [5, 3] } }]),
  );
  try {
    assert.ok(!explicit.assumptions.some((a) => a.includes('reset_after=True')));
  } finally {
    explicit.model.dispose();
  }
});
