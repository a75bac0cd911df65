import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { inferShapes } from '../../src/analysis/shapes';
import { functionalModel, sequentialModel, Unknown, type LayerSpec } from '../estimate/ir-builder';

/** The same spec, built by tfjs itself. */
function tfjsLayer(spec: LayerSpec): tf.layers.Layer {
  // tfjs mutates some config arrays in place (reshape turns -1 into null): give it a copy.
  const config: Record<string, unknown> = structuredClone(spec.config ?? {});
  if (spec.inner) config.layer = tfjsLayer(spec.inner);
  const factory = (tf.layers as unknown as Record<string, (c: unknown) => tf.layers.Layer>)[
    spec.factory
  ];
  return factory(config);
}

function compareWithTfjs(specs: LayerSpec[]): void {
  const model = tf.sequential({ layers: specs.map(tfjsLayer) });
  const inferred = inferShapes(sequentialModel(specs));
  assert.equal(inferred.layers.length, model.layers.length);
  model.layers.forEach((layer, i) => {
    const ours = inferred.layers[i];
    assert.deepEqual(ours.outputShape, layer.outputShape, `${specs[i].factory} #${i} output shape`);
    assert.equal(ours.params, layer.countParams(), `${specs[i].factory} #${i} params`);
  });
  assert.equal(inferred.totalParams, model.countParams());
  model.dispose();
}

const cases: Record<string, LayerSpec[]> = {
  'dense MLP with inputShape, no-bias layer': [
    { factory: 'dense', config: { units: 32, inputShape: [10], activation: 'relu' } },
    { factory: 'dense', config: { units: 16, useBias: false } },
    { factory: 'dropout', config: { rate: 0.5 } },
    { factory: 'dense', config: { units: 3, activation: 'softmax' } },
  ],
  'dense with inputDim and batchInputShape variants': [
    { factory: 'dense', config: { units: 5, inputDim: 7 } },
    { factory: 'activation', config: { activation: 'tanh' } },
    { factory: 'dense', config: { units: 2 } },
  ],
  'conv2d stack: same/valid padding, strides, dilation, pooling, batch norm': [
    {
      factory: 'conv2d',
      config: { filters: 8, kernelSize: 3, inputShape: [28, 28, 1], padding: 'same' },
    },
    { factory: 'batchNormalization', config: {} },
    { factory: 'conv2d', config: { filters: 16, kernelSize: [3, 5], strides: 2 } },
    { factory: 'conv2d', config: { filters: 4, kernelSize: 3, dilationRate: 2, padding: 'valid' } },
    { factory: 'maxPooling2d', config: { poolSize: 2 } },
    { factory: 'averagePooling2d', config: { poolSize: [2, 2], strides: 1, padding: 'same' } },
    { factory: 'flatten' },
    { factory: 'dense', config: { units: 10 } },
  ],
  'conv1d, pooling1d, global pooling': [
    { factory: 'conv1d', config: { filters: 6, kernelSize: 5, inputShape: [50, 3], strides: 2 } },
    { factory: 'maxPooling1d', config: { poolSize: 3 } },
    { factory: 'conv1d', config: { filters: 4, kernelSize: 3, padding: 'same', useBias: false } },
    { factory: 'globalAveragePooling1d' },
  ],
  'conv3d with channels last': [
    { factory: 'conv3d', config: { filters: 2, kernelSize: 3, inputShape: [8, 8, 8, 1] } },
    { factory: 'maxPooling3d', config: { poolSize: 2 } },
    { factory: 'flatten' },
  ],
  'conv2dTranspose, separable, depthwise, padding, cropping, upsampling': [
    {
      factory: 'conv2dTranspose',
      config: { filters: 4, kernelSize: 3, strides: 2, inputShape: [7, 7, 3] },
    },
    {
      factory: 'conv2dTranspose',
      config: { filters: 3, kernelSize: 4, strides: 2, padding: 'same' },
    },
    { factory: 'separableConv2d', config: { filters: 5, kernelSize: 3, depthMultiplier: 2 } },
    { factory: 'depthwiseConv2d', config: { kernelSize: 3, depthMultiplier: 3, strides: 2 } },
    {
      factory: 'zeroPadding2d',
      config: {
        padding: [
          [1, 2],
          [0, 3],
        ],
      },
    },
    { factory: 'cropping2D', config: { cropping: [1, 2] } },
    { factory: 'upSampling2d', config: { size: [2, 3] } },
    { factory: 'globalMaxPooling2d' },
  ],
  'embedding into recurrent layers with returnSequences': [
    { factory: 'embedding', config: { inputDim: 100, outputDim: 16, inputLength: 12 } },
    { factory: 'lstm', config: { units: 8, returnSequences: true } },
    { factory: 'gru', config: { units: 6, returnSequences: true } },
    { factory: 'simpleRNN', config: { units: 5 } },
    { factory: 'repeatVector', config: { n: 4 } },
    { factory: 'simpleRNN', config: { units: 3, returnSequences: true, useBias: false } },
  ],
  'bidirectional merge modes and timeDistributed': [
    {
      factory: 'bidirectional',
      config: { inputShape: [10, 4] },
      inner: { factory: 'lstm', config: { units: 6, returnSequences: true } },
    },
    {
      factory: 'bidirectional',
      config: { mergeMode: 'sum' },
      inner: { factory: 'gru', config: { units: 5, returnSequences: true } },
    },
    { factory: 'timeDistributed', inner: { factory: 'dense', config: { units: 7 } } },
    { factory: 'permute', config: { dims: [2, 1] } },
    { factory: 'layerNormalization' },
    { factory: 'reshape', config: { targetShape: [14, 5] } },
    { factory: 'prelu', config: { sharedAxes: [1] } },
  ],
};

describe('inferShapes agrees with tfjs', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });
  for (const [name, specs] of Object.entries(cases)) {
    it(name, () => compareWithTfjs(specs));
  }

  it('reshape with -1: the inferred dim matches a real forward pass (tfjs leaves it null statically)', () => {
    const specs: LayerSpec[] = [
      { factory: 'dense', config: { units: 12, inputShape: [3] } },
      { factory: 'reshape', config: { targetShape: [-1, 4] } },
    ];
    const model = tf.sequential({ layers: specs.map(tfjsLayer) });
    const output = model.predict(tf.zeros([2, 3])) as tf.Tensor;
    assert.deepEqual(inferShapes(sequentialModel(specs)).layers[1].outputShape, [
      null,
      ...output.shape.slice(1),
    ]);
    output.dispose();
    model.dispose();
  });

  it('functional graph with a skip connection (add) and concatenate', () => {
    const input = tf.input({ shape: [12] });
    const a = tf.layers.dense({ units: 12, activation: 'relu' });
    const b = tf.layers.dense({ units: 12 });
    const c = tf.layers.concatenate();
    const d = tf.layers.dense({ units: 3 });
    const h = a.apply(input) as tf.SymbolicTensor;
    const skip = tf.layers
      .add()
      .apply([input, b.apply(h) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    const out = d.apply(c.apply([skip, h]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });

    const ir = functionalModel(
      { in: [12] },
      [
        { factory: 'dense', config: { units: 12, activation: 'relu' } },
        { factory: 'dense', config: { units: 12 } },
        { factory: 'add' },
        { factory: 'concatenate' },
        { factory: 'dense', config: { units: 3 } },
      ],
      // Deliberately out of order: the replay must not depend on it.
      [
        { id: 'n4', layer: 4, inputs: ['n3'] },
        { id: 'n0', layer: 0, inputs: ['in'] },
        { id: 'n1', layer: 1, inputs: ['n0'] },
        { id: 'n2', layer: 2, inputs: ['in', 'n1'] },
        { id: 'n3', layer: 3, inputs: ['n2', 'n0'] },
      ],
      ['n4'],
    );
    const inferred = inferShapes(ir);
    assert.deepEqual(inferred.layers[3].outputShape, [null, 24]);
    assert.deepEqual(inferred.layers[3].inputShapes, [
      [null, 12],
      [null, 12],
    ]);
    assert.deepEqual(inferred.layers[4].outputShape, [null, 3]);
    assert.equal(inferred.totalParams, model.countParams());
    model.dispose();
  });
});

describe('inferShapes says unknown instead of guessing', () => {
  it('an unresolved units value makes that layer and the total unknown, not the previous ones', () => {
    const inferred = inferShapes(
      sequentialModel([
        { factory: 'dense', config: { units: 8, inputShape: [4] } },
        { factory: 'dense', config: { units: new Unknown('hidden') } },
        { factory: 'dense', config: { units: 2 } },
      ]),
    );
    assert.equal(inferred.layers[0].params, 40);
    assert.equal(inferred.layers[1].params, null);
    assert.deepEqual(inferred.layers[1].outputShape, [null, null]);
    assert.equal(inferred.layers[2].params, null, 'fan-in of the next layer is unknown too');
    assert.equal(inferred.layers[2].fanOut, 2);
    assert.equal(inferred.totalParams, null);
  });

  it('no input shape: shapes and counts are unknown, fans that depend only on config are kept', () => {
    const inferred = inferShapes(sequentialModel([{ factory: 'dense', config: { units: 8 } }]));
    assert.equal(inferred.layers[0].outputShape, null);
    assert.equal(inferred.layers[0].params, null);
    assert.equal(inferred.layers[0].fanOut, 8);
  });

  it('a factory it does not model is unknown with a note, and does not throw', () => {
    const inferred = inferShapes(
      sequentialModel([
        { factory: 'dense', config: { units: 8, inputShape: [4] } },
        { factory: 'myCustomLayer', config: {} },
      ]),
    );
    assert.equal(inferred.layers[1].params, null);
    assert.match(inferred.layers[1].note ?? '', /myCustomLayer/);
  });

  it('factory names that are Object.prototype members are unknown layers, not crashes', () => {
    const inferred = inferShapes(
      sequentialModel([
        { factory: 'dense', config: { units: 8, inputShape: [4] } },
        { factory: 'constructor', config: {} },
        { factory: 'toString', config: {} },
      ]),
    );
    assert.equal(inferred.layers[1].params, null);
    assert.match(inferred.layers[2].note ?? '', /toString/);
  });

  it('a malformed config (wrong rank for conv2d) yields a note, not an exception', () => {
    const inferred = inferShapes(
      sequentialModel([
        { factory: 'conv2d', config: { filters: 2, kernelSize: 3, inputShape: [5] } },
      ]),
    );
    assert.equal(inferred.layers[0].params, null);
    assert.match(inferred.layers[0].note ?? '', /rank/);
  });

  it('a shared layer takes its weights from its first application wave by wave, in any node order', () => {
    const layers: LayerSpec[] = [
      { factory: 'dense', config: { units: 8 } },
      { factory: 'dense', config: { units: 6 } },
      { factory: 'dense', config: { units: 6 } },
    ];
    // In creation order the shared layer 0 is first applied deep (to 6 features), but a node of an
    // earlier wave applies it to the 4 input features: that application defines its kernel.
    const created = [
      { id: 'a', layer: 1, inputs: ['in'] },
      { id: 'b', layer: 2, inputs: ['a'] },
      { id: 'c', layer: 0, inputs: ['b'] },
      { id: 'd', layer: 0, inputs: ['in'] },
    ];
    const shuffled = [created[2], created[3], created[1], created[0]];
    for (const nodes of [created, shuffled]) {
      const inferred = inferShapes(functionalModel({ in: [4] }, layers, nodes, ['c', 'd']));
      assert.equal(inferred.layers[0].params, 4 * 8 + 8);
      assert.deepEqual(inferred.layers[0].inputShape, [null, 4]);
      assert.equal(inferred.layers[2].params, 6 * 6 + 6);
    }
  });

  it('a functional node fed by an undefined id is unknown, and the empty model is fine', () => {
    const ir = functionalModel(
      { in: [3] },
      [{ factory: 'dense', config: { units: 2 } }],
      [{ id: 'n0', layer: 0, inputs: ['ghost'] }],
      ['n0'],
    );
    assert.equal(inferShapes(ir).layers[0].params, null);
    assert.deepEqual(inferShapes(sequentialModel([])), { layers: [], totalParams: 0 });
  });
});
