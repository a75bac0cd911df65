/** resolveUnknowns: what is missing before a probe starts, and how --set values fill it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveUnknowns } from '../../src/probe/resolve';
import { parseSetValue } from '../../src/probe/values';
import { functional, sequential, unknown } from '../fixtures/probe/ir';

const withUnknowns = () =>
  sequential('m', [
    { factory: 'dense', config: { units: unknown('hiddenSize'), name: unknown('layerName') } },
    {
      factory: 'dense',
      config: {
        units: unknown('hiddenSize'),
        kernelInitializer: { className: unknown('initName') },
      },
    },
  ]);

test('lists each unknown once, in source order, plus input for a missing input shape; ignores names', () => {
  const { missing } = resolveUnknowns(withUnknowns(), {});
  assert.deepEqual(missing, ['hiddenSize', 'initName', 'input']);
});

test('fills values everywhere they appear, without touching the original IR', () => {
  const original = withUnknowns();
  const { model, missing } = resolveUnknowns(original, {
    hiddenSize: '128',
    initName: 'heNormal',
    input: '[28, 28, 1]',
  });
  assert.deepEqual(missing, []);
  assert.deepEqual(model.layers[0]!.config.props['units']!.value, { kind: 'number', value: 128 });
  assert.deepEqual(model.layers[1]!.config.props['units']!.value, { kind: 'number', value: 128 });
  assert.deepEqual(model.layers[0]!.config.props['inputShape']!.value, {
    kind: 'array',
    items: [28, 28, 1].map((value) => ({ kind: 'number', value })),
  });
  assert.equal(original.layers[0]!.config.props['units']!.value.kind, 'unknown');
  assert.equal(original.layers[0]!.config.props['inputShape'], undefined);
});

test('an unknown inputShape is filled by its own text or by input', () => {
  const model = sequential('m', [
    { factory: 'dense', config: { units: 2, inputShape: unknown('shape') } },
  ]);
  assert.deepEqual(resolveUnknowns(model, {}).missing, ['shape']);
  assert.deepEqual(resolveUnknowns(model, { shape: '[4]' }).missing, []);
  // `input` names the model's input shape only when the first layer has none at all.
  assert.deepEqual(resolveUnknowns(model, { input: '[4]' }).missing, ['shape']);
});

test('functional inputs: by expression text, or input / input2 by position', () => {
  const model = functional('f', {
    inputs: [
      { id: 'a', shape: unknown('shapeA') },
      { id: 'b', shape: unknown('shapeB') },
    ],
    layers: [{ factory: 'concatenate' }],
    nodes: [['c', 0, ['a', 'b']]],
    outputs: ['c'],
  });
  assert.deepEqual(resolveUnknowns(model, {}).missing, ['shapeA', 'shapeB']);
  const filled = resolveUnknowns(model, { input: '[3]', input2: '[5]' });
  assert.deepEqual(filled.missing, []);
  assert.deepEqual(filled.model.inputs[1]!.shape, {
    kind: 'array',
    items: [{ kind: 'number', value: 5 }],
  });
});

test('a whole config that could not be read is asked for by its text and accepts a JSON object', () => {
  const model = sequential('m', [{ factory: 'dense', config: {} }]);
  model.layers[0]!.config = { props: {}, objectSpan: null, opaque: true, text: 'denseConfig' };
  assert.deepEqual(resolveUnknowns(model, {}).missing, ['denseConfig']);
  const { model: filled, missing } = resolveUnknowns(model, {
    denseConfig: '{"units": 3, "inputShape": [2]}',
  });
  assert.deepEqual(missing, []);
  assert.deepEqual(filled.layers[0]!.config.props['units']!.value, { kind: 'number', value: 3 });
});

test('an unknown learning rate is optional, and filled when given', () => {
  const model = sequential('m', [{ factory: 'dense', config: { units: 1, inputShape: [1] } }], {
    loss: 'meanSquaredError',
    optimizer: 'adam',
    learningRate: { unknown: 'LR' },
  });
  assert.deepEqual(resolveUnknowns(model, {}).missing, []);
  const { model: filled } = resolveUnknowns(model, { LR: '0.05' });
  assert.equal(filled.training.learningRate, 0.05);
  assert.deepEqual(filled.training.optimizer!.learningRate, { kind: 'number', value: 0.05 });
});

test('parseSetValue reads JSON, quoted and bare strings, and lenient arrays', () => {
  assert.deepEqual(parseSetValue('128'), { kind: 'number', value: 128 });
  assert.deepEqual(parseSetValue(' true '), { kind: 'boolean', value: true });
  assert.deepEqual(parseSetValue('relu'), { kind: 'string', value: 'relu' });
  assert.deepEqual(parseSetValue("'tanh'"), { kind: 'string', value: 'tanh' });
  assert.deepEqual(parseSetValue("['a', 2]"), {
    kind: 'array',
    items: [
      { kind: 'string', value: 'a' },
      { kind: 'number', value: 2 },
    ],
  });
  assert.deepEqual(parseSetValue('[]'), { kind: 'array', items: [] });
  assert.deepEqual(parseSetValue('28, 28,1'), {
    kind: 'array',
    items: [28, 28, 1].map((value) => ({ kind: 'number', value })),
  });
});
