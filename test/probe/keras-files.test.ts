/**
 * Saved Keras models (test/fixtures/keras-files, written by scripts/keras-fixtures.py in Keras's own layouts):
 * every format loads with its weights, equal to what numpy wrote, and is probed; each file the probe cannot
 * measure is refused with one sentence.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { probeModel } from '../../src/probe/engine';
import { convertKerasConfig } from '../../src/probe/keras-config';
import { snakeCase } from '../../src/probe/keras-file';
import { loadKerasModel } from '../../src/probe/keras-model';
import { ProbeError, type ProbeRequest } from '../../src/probe/types';
import { loadTf, type Tf } from '../fixtures/probe/tf';

const FOLDER = join(__dirname, '../fixtures/keras-files');
type Expected = Record<string, Record<string, { shape: number[]; head: number[] }[]>>;
const EXPECTED = JSON.parse(
  readFileSync(join(FOLDER, 'expected-weights.json'), 'utf8'),
) as Expected;

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

function request(file: string, steps = 1): ProbeRequest {
  return {
    target: { kind: 'model-json', path: join(FOLDER, file) },
    values: {},
    batchSize: 8,
    steps,
    seed: 3,
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
    maxParams: 5e7,
  };
}

const LOADABLE: [file: string, layers: string[], params: number][] = [
  ['mlp.h5', ['dense', 'dense_1', 'dense_2'], 467],
  ['mlp.keras', ['dense', 'dense_1', 'dense_2'], 467],
  ['mlp-keras3.h5', ['dense', 'dense_1', 'dense_2'], 467],
  ['conv.h5', ['conv2d', 'max_pooling2d', 'flatten', 'dense'], 410],
  ['conv.keras', ['conv2d', 'max_pooling2d', 'flatten', 'dense'], 410],
  ['lstm.h5', ['lstm', 'dense'], 425],
  ['lstm.keras', ['lstm', 'dense'], 425],
  ['lstm-keras2.keras', ['lstm', 'dense'], 425],
  ['residual.keras', ['dense', 'add', 'dense_1'], 90],
  [
    'bidirectional.keras',
    ['bidirectional', 'batch_normalization', 'global_average_pooling1d', 'dense'],
    329,
  ],
];

for (const [file, layers, params] of LOADABLE) {
  test(`${file} loads with the weights it holds`, async () => {
    const { model } = await loadKerasModel(tf, join(FOLDER, file), 5e7);
    try {
      const built = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
      assert.deepEqual(
        built.map((l) => l.name),
        layers,
      );
      assert.equal(model.countParams(), params);
      for (const [layerName, weights] of Object.entries(EXPECTED[file]!)) {
        const values = model.getLayer(layerName).getWeights();
        assert.equal(values.length, weights.length, `${file} ${layerName}`);
        weights.forEach((expected, i) => {
          assert.deepEqual(values[i]!.shape, expected.shape, `${file} ${layerName}[${i}]`);
          const head = Array.from(values[i]!.dataSync().slice(0, 4));
          // float32 values written by numpy, read back as float32: equal to the bit.
          assert.deepEqual(head, expected.head.map(Math.fround), `${file} ${layerName}[${i}]`);
        });
      }
    } finally {
      model.dispose();
    }
  });
}

test('a Keras 2 .h5 and the same model as Keras 3 .keras give the same gradients', async () => {
  for (const name of ['mlp', 'mlp-keras3', 'conv', 'lstm']) {
    const fromH5 = await probeModel(tf, request(`${name}.h5`), backend);
    const fromKeras = await probeModel(
      tf,
      request(`${name.replace('-keras3', '')}.keras`),
      backend,
    );
    assert.deepEqual(
      fromH5.layers.map((l) => l.gradNorm),
      fromKeras.layers.map((l) => l.gradNorm),
      name,
    );
    assert.ok(fromH5.layers[0]!.gradNorm! > 0, name);
  }
});

test("tf.keras 2.15's .keras (the zip layout, Keras 2 configs) is probed with its compiled SGD", async () => {
  const fromZip = await probeModel(tf, request('lstm-keras2.keras', 2), backend);
  assert.deepEqual(
    fromZip.layers.map((l) => l.name),
    ['lstm', 'dense'],
  );
  assert.ok(fromZip.layers.every((l) => l.gradNorm! > 0 && Number.isFinite(l.gradNorm)));
  assert.equal(fromZip.learningRate, Math.fround(0.05));
  assert.equal(
    fromZip.assumptions[0],
    `Weights loaded from ${join(FOLDER, 'lstm-keras2.keras')}, a Keras 2 .keras file (Keras 2.15.0): 5 arrays, 425 values.`,
  );
  assert.ok(
    !fromZip.assumptions.some((a) => /optimizer|learning rate/.test(a)),
    fromZip.assumptions.join('\n'),
  );
});

test('the report names the format and Keras version each file was written by', async () => {
  for (const [file, label] of [
    ['mlp.h5', 'a Keras 2 .h5 file (Keras 2.15.0)'],
    ['mlp-keras3.h5', 'a Keras 3 .h5 file (Keras 3.11.3)'],
    ['mlp.keras', 'a Keras 3 .keras file (Keras 3.11.3)'],
  ]) {
    const { model, assumptions } = await loadKerasModel(tf, join(FOLDER, file!), 5e7);
    model.dispose();
    assert.equal(
      assumptions[0],
      `Weights loaded from ${join(FOLDER, file!)}, ${label}: 6 arrays, 467 values.`,
    );
  }
});

test("a saved file's compile settings are used: loss, optimizer, learning rate and clipnorm", async () => {
  const report = await probeModel(tf, request('mlp.h5', 2), backend);
  assert.equal(report.learningRate, 0.001);
  assert.deepEqual(report.assumptions.slice(0, 2), [
    `Weights loaded from ${join(FOLDER, 'mlp.h5')}, a Keras 2 .h5 file (Keras 2.15.0): 6 arrays, 467 values.`,
    "Keras's clipnorm=1 is applied to the gradients of each optimizer step (tfjs optimizers do not clip); the gradients reported are before clipping.",
  ]);
  assert.ok(!report.assumptions.some((a) => a.includes('loss')), report.assumptions.join('\n'));
  const uncompiled = await probeModel(tf, request('conv.keras'), backend);
  assert.ok(
    uncompiled.assumptions.includes(
      'No loss is compiled in the file: using categoricalCrossentropy, the usual loss for a softmax output.',
    ),
    uncompiled.assumptions.join('\n'),
  );
});

/** The message after the file's path. */
const REFUSED: [file: string, sentence: string][] = [
  [
    'mlp-weights-only.h5',
    ' holds weights only (model.save_weights): without a model_config the probe cannot tell the architecture; save the whole model with model.save',
  ],
  ['not-keras.h5', ' is an HDF5 file but not a Keras model: it has no model_config attribute'],
  [
    'subclassed.keras',
    ' holds a subclassed model (TinyNet): its config does not list its layers, so tfjs cannot rebuild it; save a Sequential or functional model, or probe the Python source that builds it',
  ],
  [
    'unknown-layer.keras',
    ': layer group_normalization is a GroupNormalization, which tfjs has no layer for, so the probe cannot build the model',
  ],
  [
    'gru-reset-after.keras',
    ": tfjs cannot build a GRU with reset_after=True (Keras's default), so layer gru's trained weights cannot be loaded; probe the Python source instead, which builds it with reset_after=False",
  ],
  [
    'expected-weights.json',
    ' is not a Keras file: it is neither HDF5 (.h5) nor a zip archive (.keras)',
  ],
];

for (const [file, sentence] of REFUSED) {
  test(`${file} is refused with one sentence`, async () => {
    const path = join(FOLDER, file);
    // A .json path would be read as a tfjs model.json; the Keras reader is asked directly.
    const attempt = file.endsWith('.json')
      ? loadKerasModel(tf, path, 5e7)
      : probeModel(tf, request(file), backend);
    await assert.rejects(attempt, (err: unknown) => {
      assert.ok(err instanceof ProbeError);
      assert.equal(err.message, `${path}${sentence}`);
      return true;
    });
  });
}

test('an oversized file is refused before tfjs builds it', async () => {
  await assert.rejects(loadKerasModel(tf, join(FOLDER, 'mlp.keras'), 100), {
    message: `${join(FOLDER, 'mlp.keras')} holds 467 parameters, over the probe's ceiling of 100`,
  });
});

test('Keras 3 config forms are converted for tfjs', () => {
  const tensor = (name: string) => ({
    class_name: '__keras_tensor__',
    config: { shape: [null, 4], dtype: 'float32', keras_history: [name, 0, 0] },
  });
  const converted = convertKerasConfig(
    {
      module: 'keras',
      class_name: 'Functional',
      config: {
        name: 'f',
        layers: [
          {
            class_name: 'InputLayer',
            name: 'x',
            config: { batch_shape: [null, 4], name: 'x' },
            inbound_nodes: [],
          },
          {
            module: 'keras.layers',
            class_name: 'Dense',
            name: 'd',
            registered_name: null,
            config: {
              name: 'd',
              units: 4,
              activation: 'silu',
              dtype: {
                module: 'keras',
                class_name: 'DTypePolicy',
                config: { name: 'mixed_float16' },
              },
              kernel_initializer: { class_name: 'OrthogonalInitializer', config: {} },
            },
            inbound_nodes: [{ args: [tensor('x')], kwargs: {} }],
          },
          {
            class_name: 'Add',
            name: 'a',
            config: { name: 'a' },
            inbound_nodes: [{ args: [[tensor('d'), tensor('x')]], kwargs: {} }],
          },
        ],
        input_layers: ['x', 0, 0],
        output_layers: ['a', 0, 0],
      },
    },
    'f.keras',
    () => true,
  );
  const config = converted.topology['config'] as { layers: Record<string, unknown>[] } & Record<
    string,
    unknown
  >;
  assert.equal(converted.topology['class_name'], 'Model');
  assert.deepEqual((config.layers[0]!['config'] as Record<string, unknown>)['batch_input_shape'], [
    null,
    4,
  ]);
  const dense = config.layers[1]!;
  assert.deepEqual(dense['inbound_nodes'], [[['x', 0, 0, {}]]]);
  assert.equal('module' in dense || 'registered_name' in dense, false);
  const denseConfig = dense['config'] as Record<string, unknown>;
  assert.equal(denseConfig['activation'], 'swish');
  assert.equal(denseConfig['dtype'], 'float32');
  assert.deepEqual(denseConfig['kernel_initializer'], { class_name: 'Orthogonal', config: {} });
  assert.deepEqual(config.layers[2]!['inbound_nodes'], [
    [
      ['d', 0, 0, {}],
      ['x', 0, 0, {}],
    ],
  ]);
  assert.deepEqual(config['input_layers'], [['x', 0, 0]]);
  assert.deepEqual(converted.layerNames, ['d', 'a']);
  assert.deepEqual(converted.notes, [
    "The file's dtype policy mixed_float16 is measured in float32 (tfjs layers compute in float32).",
  ]);
});

test("Keras 2.2's Sequential config, a bare list of layers, is read", () => {
  const layers = [
    { class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } },
  ];
  const converted = convertKerasConfig(
    { class_name: 'Sequential', config: layers },
    'old.h5',
    () => true,
  );
  assert.deepEqual(converted.topology, {
    class_name: 'Sequential',
    config: { name: 'sequential', layers },
  });
  assert.deepEqual(converted.layerNames, ['d']);
});

test("weights paths follow Keras's snake_case of the class name", () => {
  assert.deepEqual(
    ['Dense', 'Conv2D', 'MaxPooling2D', 'LSTM', 'BatchNormalization', 'GRU'].map(snakeCase),
    ['dense', 'conv2d', 'max_pooling2d', 'lstm', 'batch_normalization', 'gru'],
  );
});
