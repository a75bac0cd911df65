/**
 * model.json loading: a model saved to files with a custom tf.io.withSaveHandler (split over two weight shards)
 * is probed with its real weights and its saved training config.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { LayersModel, io } from '@tensorflow/tfjs';
import { probeModel } from '../../src/probe/engine';
import { ProbeError, type ProbeRequest } from '../../src/probe/types';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
const folder = mkdtempSync(join(tmpdir(), 'gl-model-json-'));
before(async () => ({ tf, backend } = await loadTf()));
after(() => rmSync(folder, { recursive: true, force: true }));

function request(path: string, maxParams = 5e7): ProbeRequest {
  return {
    target: { kind: 'model-json', path },
    values: {},
    batchSize: 8,
    steps: 1,
    seed: 3,
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
    maxParams,
  };
}

function trainedModel(): LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 10, activation: 'tanh', inputShape: [6], name: 'hidden' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
  return model;
}

/** Saves like tfjs-node's file handler would: model.json plus the weights split over two shard files. */
async function save(model: LayersModel, name: string, includeOptimizer: boolean): Promise<string> {
  const dir = join(folder, name);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts: io.ModelArtifacts) => {
      const data = artifacts.weightData!;
      const bytes = new Uint8Array(
        Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data,
      );
      const half = Math.floor(bytes.length / 8) * 4;
      writeFileSync(join(dir, 'group1-shard1of2.bin'), bytes.subarray(0, half));
      writeFileSync(join(dir, 'group1-shard2of2.bin'), bytes.subarray(half));
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        weightsManifest: [
          {
            paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
            weights: artifacts.weightSpecs,
          },
        ],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer },
  );
  return join(dir, 'model.json');
}

test('probing a checkpoint measures its real weights and trains with its saved config', async () => {
  const model = trainedModel();
  // Move the weights away from any initializer so a re-initialised model could not match by chance.
  model.setWeights(model.getWeights().map((w, i) => tf.add(w, tf.fill(w.shape, 0.1 * (i + 1)))));
  const expected = model
    .getWeights()
    .map((w) => Math.sqrt([...w.dataSync()].reduce((a, v) => a + v * v, 0)));
  const path = await save(model, 'trained', true);
  model.dispose();

  const report = await probeModel(tf, request(path), backend);
  const measured = report.layers.flatMap((l) => l.weights.map((w) => w.weightNorm));
  assert.equal(measured.length, expected.length);
  measured.forEach((m, i) =>
    assert.ok(Math.abs(m - expected[i]!) / expected[i]! < 1e-6, `${m} vs ${expected[i]}`),
  );
  assert.deepEqual(
    report.layers.map((l) => [l.name, l.line, l.activation]),
    [
      ['hidden', null, 'tanh'],
      ['out', null, 'softmax'],
    ],
  );
  assert.ok(
    Math.abs(report.learningRate! - 0.02) < 1e-9,
    'the saved optimizer and learning rate are used',
  );
  assert.ok(report.assumptions.some((a) => a.includes('categoricalCrossentropy: one-hot')));
  assert.equal(report.model.line, null);
  assert.ok(report.layers.every((l) => l.gradNorm !== null && l.gradNorm > 0));
});

test('without a training config the default is stated', async () => {
  const path = await save(trainedModel(), 'untrained', false);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  assert.equal(json['trainingConfig'], undefined);
  const report = await probeModel(tf, request(path), backend);
  assert.ok(
    report.assumptions.some((a) =>
      a.includes('no training config: optimizer sgd with learning rate 0.01'),
    ),
  );
  assert.ok(
    report.assumptions.some((a) =>
      a.includes('No loss is compiled in the file: using categoricalCrossentropy'),
    ),
  );
});

async function rejects(
  path: string,
  code: string,
  message: RegExp,
  maxParams?: number,
): Promise<void> {
  await assert.rejects(probeModel(tf, request(path, maxParams), backend), (err: unknown) => {
    assert.ok(err instanceof ProbeError);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

test('a missing shard, a graph model, broken JSON and an oversized checkpoint fail clearly', async () => {
  const path = await save(trainedModel(), 'broken', false);
  await rejects(path, 'too-large', /holds 103 parameters, over the probe's ceiling of 50/, 50);
  rmSync(join(folder, 'broken', 'group1-shard2of2.bin'));
  await rejects(path, 'bad-input', /cannot read weight file .*group1-shard2of2\.bin/);

  const graph = join(folder, 'graph.json');
  writeFileSync(graph, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } }));
  await rejects(graph, 'bad-input', /graph model/);

  const garbage = join(folder, 'garbage.json');
  writeFileSync(garbage, '{ not json');
  await rejects(garbage, 'bad-input', /is not valid JSON/);
  await rejects(join(folder, 'absent.json'), 'bad-input', /cannot read .*absent\.json/);
});
