/** Building from the IR: static parameter counts equal tfjs's, wrappers, initializer/regularizer calls, embeddings. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildFromIr } from '../../src/probe/build';
import { probeModel } from '../../src/probe/engine';
import { countSequential } from '../../src/probe/params';
import type { ModelGraph } from '../../src/analysis/ir';
import { call, functional, sequential, type LayerSpec, irRequest } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

const request = (model: ModelGraph) => irRequest(model, { batchSize: 4, seed: 5 });

const CASES: [string, () => import('@tensorflow/tfjs').layers.Layer[]][] = [
  ['dense without bias', () => [tf.layers.dense({ units: 7, useBias: false, inputShape: [5] })]],
  ['conv1d', () => [tf.layers.conv1d({ filters: 4, kernelSize: 3, inputShape: [10, 2] })]],
  [
    'conv2d channelsFirst + transpose',
    () => [
      tf.layers.conv2d({
        filters: 3,
        kernelSize: [2, 3],
        dataFormat: 'channelsFirst',
        inputShape: [2, 8, 8],
      }),
      tf.layers.conv2dTranspose({ filters: 5, kernelSize: 3, dataFormat: 'channelsFirst' }),
    ],
  ],
  [
    'depthwise and separable conv',
    () => [
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, inputShape: [8, 8, 3] }),
      tf.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2 }),
    ],
  ],
  [
    'recurrent stack',
    () => [
      tf.layers.simpleRNN({ units: 4, returnSequences: true, inputShape: [6, 3] }),
      tf.layers.gru({ units: 5, returnSequences: true }),
      tf.layers.lstm({ units: 3 }),
    ],
  ],
  [
    'embedding + bidirectional + timeDistributed',
    () => [
      tf.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 7 }),
      tf.layers.bidirectional({
        layer: tf.layers.lstm({ units: 4, returnSequences: true }) as never,
      }),
      tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3 }) }),
    ],
  ],
  [
    'normalization and weightless layers',
    () => [
      tf.layers.conv2d({ filters: 6, kernelSize: 3, inputShape: [9, 9, 2] }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 4 }),
      tf.layers.layerNormalization(),
    ],
  ],
];

for (const [name, make] of CASES) {
  test(`static parameter count before building equals tfjs countParams: ${name}`, () => {
    const layers = make();
    const counted = countSequential(layers, null);
    const model = tf.sequential({ layers });
    assert.equal(counted.total, model.countParams());
    assert.deepEqual(
      counted.perLayer,
      model.layers.map((l) => l.countParams()),
    );
    model.dispose();
  });
}

test('wrappers are built around their inner layer and measured as one layer', async () => {
  const ir = sequential('wrapped', [
    {
      factory: 'bidirectional',
      config: { inputShape: [5, 3], mergeMode: 'concat' },
      inner: { factory: 'lstm', config: { units: 4, returnSequences: true } },
    },
    { factory: 'timeDistributed', inner: { factory: 'dense', config: { units: 2 } } },
  ]);
  const report = await probeModel(tf, request(ir), backend);
  assert.deepEqual(
    report.layers.map((l) => [l.className, l.weights.length, l.params]),
    [
      ['Bidirectional', 6, 2 * 4 * (3 * 4 + 4 * 4 + 4)],
      ['TimeDistributed', 2, 8 * 2 + 2],
    ],
  );
  assert.ok(report.layers.every((l) => l.gradNorm !== null && l.gradNorm > 0));
});

test('initializer calls become tfjs initializers; a regularizer adds its penalty to the measured loss', async () => {
  const layers = (regularizer: unknown): LayerSpec[] => [
    {
      factory: 'dense',
      config: {
        units: 6,
        inputShape: [4],
        kernelInitializer: call('initializers.constant', { value: 0.5 }),
        ...(regularizer ? { kernelRegularizer: regularizer } : {}),
      },
    },
    { factory: 'dense', config: { units: 1, kernelInitializer: call('initializers.ones') } },
  ];
  const plain = await probeModel(tf, request(sequential('a', layers(null))), backend);
  const penalised = await probeModel(
    tf,
    request(sequential('b', layers(call('regularizers.l2', { l2: 0.01 })))),
    backend,
  );
  const kernel = penalised.layers[0]!.weights[0]!;
  assert.ok(
    Math.abs(kernel.weightNorm - Math.sqrt(4 * 6 * 0.25)) < 1e-6,
    String(kernel.weightNorm),
  );
  const penalty = 0.01 * kernel.weightNorm ** 2;
  assert.ok(
    Math.abs(penalised.loss - plain.loss - penalty) < 1e-5,
    `${penalised.loss} - ${plain.loss} vs ${penalty}`,
  );
});

test('calls outside initializers/regularizers/constraints are refused as unresolved', async () => {
  const ir = sequential('m', [
    {
      factory: 'dense',
      config: { units: 2, inputShape: [2], kernelInitializer: call('io.browserFiles', 'x') },
    },
  ]);
  await assert.rejects(probeModel(tf, request(ir), backend), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'unresolved');
    assert.match(
      err.message,
      /layer 0 \(dense, line 3\)\.kernelInitializer calls `tf\.io\.browserFiles\(\.\.\.\)`/,
    );
    return true;
  });
});

test('an int32 tf.input into an embedding gets integer ids below the vocabulary size', async () => {
  const ir = functional('emb', {
    inputs: [{ id: 'tokens', shape: [6], dtype: 'int32' }],
    layers: [
      { factory: 'embedding', config: { inputDim: 20, outputDim: 4 } },
      { factory: 'flatten' },
      { factory: 'dense', config: { units: 3, activation: 'softmax' } },
    ],
    nodes: [
      ['e', 0, ['tokens']],
      ['f', 1, ['e']],
      ['o', 2, ['f']],
    ],
    outputs: ['o'],
  });
  const report = await probeModel(tf, request(ir), backend);
  assert.ok(report.assumptions.some((a) => a.includes('integer ids drawn uniformly from [0, 20)')));
  assert.ok(report.layers[0]!.gradNorm! > 0, 'the embedding receives a gradient');
  const built = buildFromIr(tf, ir, { seed: 1, maxParams: 1e6 });
  assert.equal(built.model.inputs[0]!.dtype, 'int32');
  built.model.dispose();
});

test('a layer created but never applied in a functional graph is left out of the report', async () => {
  const ir = functional('f', {
    inputs: [{ id: 'x', shape: [3] }],
    layers: [
      { factory: 'dense', config: { units: 4 } },
      { factory: 'dense', config: { units: 9 } },
      { factory: 'dense', config: { units: 1 } },
    ],
    nodes: [
      ['h', 0, ['x']],
      ['o', 2, ['h']],
    ],
    outputs: ['o'],
  });
  const report = await probeModel(tf, request(ir), backend);
  assert.deepEqual(
    report.layers.map((l) => l.index),
    [0, 2],
  );
});

test('a layer the extractor could not place for sure is built once, and the report says so', async () => {
  const ir = sequential('m', [
    { factory: 'dense', config: { units: 4, inputShape: [3] } },
    { factory: 'dense', config: { units: 4 } },
    { factory: 'dense', config: { units: 1 } },
  ]);
  ir.layers[1]!.conditional = { condition: 'for (let i = 0; i < depth; i++)', branch: 'loop body' };
  const report = await probeModel(tf, request(ir), backend);
  assert.equal(report.layers.length, 3);
  assert.ok(
    report.assumptions.includes(
      'Layer 1 (dense, line 4) is added only on some paths (loop body of `for (let i = 0; i < depth; i++)`); the probe includes it once.',
    ),
  );
});

test("layers keep the file's own unique names; repeated or missing ones get L<index>_<factory>", async () => {
  const ir = sequential('named', [
    { factory: 'dense', config: { units: 4, inputShape: [3], name: 'encoder' } },
    { factory: 'dense', config: { units: 4, name: 'block' } },
    { factory: 'dense', config: { units: 4, name: 'block' } },
    { factory: 'dense', config: { units: 1 } },
  ]);
  const report = await probeModel(tf, request(ir), backend);
  assert.deepEqual(
    report.layers.map((l) => l.name),
    ['encoder', 'L1_dense', 'L2_dense', 'L3_dense'],
  );
  assert.match(report.layers[0]!.weights[0]!.name, /^encoder\/kernel/);
});
