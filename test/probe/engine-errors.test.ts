/** Failure paths: each ends in one ProbeError naming the layer and line, and nothing is left allocated. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { probeModel } from '../../src/probe/engine';
import { ProbeError, type ProbeErrorCode, type ProbeRequest } from '../../src/probe/types';
import { functional, sequential, unknown, irRequest } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

const request = (model: ModelGraph, extra: Partial<ProbeRequest> = {}) => irRequest(model, extra);

async function failure(req: ProbeRequest, code: ProbeErrorCode): Promise<ProbeError> {
  const tensors = tf.memory().numTensors;
  try {
    await probeModel(tf, req, backend);
  } catch (err) {
    assert.ok(err instanceof ProbeError, `a ProbeError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(tf.memory().numTensors, tensors, 'a failed probe leaves no tensors behind');
    return err;
  }
  assert.fail(`expected a ${code} error`);
}

test('an unknown factory names the layer index, the factory and the line', async () => {
  const model = sequential('m', [
    { factory: 'dense', config: { units: 4, inputShape: [3] } },
    { factory: 'fancyLayer', config: { units: 2 } },
  ]);
  const err = await failure(request(model), 'unknown-layer');
  assert.match(err.message, /layer 1 \(fancyLayer, line 4\)/);
  assert.deepEqual(err.details, { layerIndex: 1, line: 4 });
});

test('a sequential shape mismatch names the layer and line', async () => {
  const model = sequential('m', [
    { factory: 'dense', config: { units: 4, inputShape: [3] } },
    { factory: 'conv2d', config: { filters: 2, kernelSize: 3 } },
  ]);
  const err = await failure(request(model), 'shape');
  assert.match(err.message, /^layer 1 \(conv2d, line 4\) does not fit its input: /);
  assert.equal(err.details.line, 4);
});

test('a functional merge of mismatched shapes names the merge layer', async () => {
  const model = functional('f', {
    inputs: [{ id: 'x', shape: [6] }],
    layers: [
      { factory: 'dense', config: { units: 4 } },
      { factory: 'dense', config: { units: 5 } },
      { factory: 'add' },
    ],
    nodes: [
      ['a', 0, ['x']],
      ['b', 1, ['x']],
      ['s', 2, ['a', 'b']],
    ],
    outputs: ['s'],
  });
  const err = await failure(request(model), 'shape');
  assert.match(err.message, /layer 2 \(add, line 5\)/);
});

test('unresolved values without assume: the message lists exactly the --set values needed', async () => {
  const model = sequential('m', [
    { factory: 'dense', config: { units: unknown('hiddenSize'), activation: 'relu' } },
    { factory: 'dense', config: { units: unknown('numClasses'), activation: unknown('act') } },
  ]);
  const err = await failure(request(model, { assume: false }), 'unresolved');
  assert.equal(
    err.message,
    'the probe needs values the source does not fix: --set hiddenSize=VALUE --set numClasses=VALUE --set act=VALUE --set input=VALUE',
  );
  assert.deepEqual(err.details.needs, ['hiddenSize', 'numClasses', 'act', 'input']);
});

test('by default the same model is measured on assumed values, listed in the report', async () => {
  const model = sequential('m', [
    { factory: 'dense', config: { units: unknown('hiddenSize'), activation: 'relu' } },
    { factory: 'dense', config: { units: unknown('numClasses'), activation: unknown('act') } },
  ]);
  const report = await probeModel(tf, request(model), backend);
  assert.deepEqual(
    report.assumedValues?.map((a) => [a.name, a.value]),
    [
      ['hiddenSize', 64],
      ['numClasses', 1],
      ['act', null],
      ['input', [32]],
    ],
  );
  assert.deepEqual(
    report.layers.map((l) => [l.params, l.activation]),
    [
      [32 * 64 + 64, 'relu'],
      [64 + 1, 'linear'],
    ],
  );
});

test('--set values fill the unknowns and the probe runs', async () => {
  const model = sequential('m', [
    { factory: 'dense', config: { units: unknown('hiddenSize'), activation: 'relu' } },
    { factory: 'dense', config: { units: unknown('numClasses'), activation: unknown('act') } },
  ]);
  const values = { hiddenSize: '16', numClasses: '3', act: 'softmax', input: '[5]' };
  const report = await probeModel(tf, request(model, { values }), backend);
  assert.deepEqual(
    report.layers.map((l) => [l.params, l.activation]),
    [
      [5 * 16 + 16, 'relu'],
      [16 * 3 + 3, 'softmax'],
    ],
  );
});

test('a 10^10-parameter model fails fast with too-large, before any weight is allocated', async () => {
  const model = sequential('huge', [
    { factory: 'dense', config: { units: 100000, inputShape: [100000] } },
    { factory: 'dense', config: { units: 10 } },
  ]);
  const bytes = tf.memory().numBytes;
  const err = await failure(request(model), 'too-large');
  assert.match(
    err.message,
    /^the model has 10,001,100,010 parameters, over the probe's ceiling of 50,000,000; the largest is layer 0 \(dense, line 3\)/,
  );
  assert.equal(tf.memory().numBytes, bytes);
});

test('the ceiling counts conv and recurrent layers, and a model at the ceiling runs', async () => {
  const model = sequential('wide', [
    { factory: 'conv1d', config: { filters: 8, kernelSize: 3, inputShape: [12, 3] } },
    { factory: 'lstm', config: { units: 5 } },
    { factory: 'dense', config: { units: 2 } },
  ]);
  const params = 3 * 3 * 8 + 8 + 4 * (8 * 5 + 5 * 5 + 5) + 5 * 2 + 2;
  const err = await failure(request(model, { maxParams: params - 1 }), 'too-large');
  assert.match(
    err.message,
    new RegExp(`the model has ${params.toLocaleString('en-US')} parameters`),
  );
  await probeModel(tf, request(model, { maxParams: params }), backend);
});

test('bad requests are rejected with every problem listed', async () => {
  const model = sequential('m', [{ factory: 'dense', config: { units: 2, inputShape: [2] } }]);
  const err = await failure(request(model, { batchSize: 0, steps: 1.5 }), 'bad-input');
  assert.match(err.message, /batchSize must be an integer from 1 to 4096 \(got 0\)/);
  assert.match(err.message, /steps must be an integer from 1 to 1000 \(got 1\.5\)/);
});

test('a config tfjs rejects is a bad-input error naming the layer', async () => {
  const model = sequential('m', [
    { factory: 'dense', config: { units: 2, inputShape: [2], activation: 'nope' } },
  ]);
  const err = await failure(request(model), 'bad-input');
  assert.match(err.message, /layer 0 \(dense, line 3\): tfjs rejected the config/);
});
