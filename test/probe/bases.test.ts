/**
 * Transfer learning: a base model loaded with tf.loadLayersModel from the workspace (weights included), cut at a
 * layer and topped with a new head, is probed as the code builds it; remote, missing and out-of-workspace bases
 * are named in one sentence and the head is probed on its own. The model.json + weights are written by the test.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { io } from '@tensorflow/tfjs';
import type { LayerNode, LoadedBase, ModelGraph } from '../../src/analysis/ir';
import { locateBase } from '../../src/probe/bases';
import { probeModel } from '../../src/probe/engine';
import { functional, irRequest, layerNode, sequential, span, unknown } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
const scratch = mkdtempSync(join(tmpdir(), 'gl-bases-'));
const root = join(scratch, 'app');
const source = join(root, 'src', 'train.js');
let baseNorms: Map<string, number>;

before(async () => {
  ({ tf, backend } = await loadTf());
  mkdirSync(join(root, 'src'), { recursive: true });
  mkdirSync(join(root, 'public', 'mobilenet'), { recursive: true });
  mkdirSync(join(scratch, 'outside'), { recursive: true });
  baseNorms = await saveBase(join(root, 'public', 'mobilenet'));
  await saveBase(join(scratch, 'outside'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A small pretrained-looking base: conv features, a bottleneck layer to cut at, its own classifier. */
async function saveBase(dir: string): Promise<Map<string, number>> {
  const base = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 3],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        name: 'conv1',
      }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 6, activation: 'relu', name: 'bottleneck' }),
      tf.layers.dense({ units: 5, activation: 'softmax', name: 'base_logits' }),
    ],
  });
  // Weights away from any initializer, so a re-initialised base could not match them.
  base.setWeights(base.getWeights().map((w, i) => tf.add(w, tf.fill(w.shape, 0.05 * (i + 1)))));
  const norms = new Map(
    base.layers.map((layer) => [
      layer.name,
      Math.sqrt(
        layer
          .getWeights()
          .reduce((a, w) => a + [...w.dataSync()].reduce((s, v) => s + v * v, 0), 0),
      ),
    ]),
  );
  await base.save(
    tf.io.withSaveHandler(async (artifacts: io.ModelArtifacts) => {
      const data = artifacts.weightData!;
      const bytes = new Uint8Array(
        Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data,
      );
      writeFileSync(join(dir, 'weights.bin'), bytes);
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }];
      writeFileSync(
        join(dir, 'model.json'),
        JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: manifest }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  base.dispose();
  return norms;
}

function loaded(url: string, truncatedAt?: string): LoadedBase {
  return {
    loader: 'loadLayersModel',
    url: { kind: 'string', value: url },
    span: span(3),
    ...(truncatedAt ? { truncatedAt } : {}),
  };
}

/** `model.add(base)` then a new head, as a sequential model (the IR's `loadedModel` layer). */
function sequentialHead(base: LoadedBase): ModelGraph {
  const model = sequential(
    'buildTransferModel',
    [{ factory: 'dense', config: { units: 3, activation: 'softmax' } }],
    { loss: 'categoricalCrossentropy', optimizer: 'adam' },
  );
  const baseLayer: LayerNode = { ...layerNode(0, { factory: 'loadedModel' }, 6), base: 0 };
  const head = model.layers.map((layer, i) => ({ ...layer, index: i + 1 }));
  model.layers = [baseLayer, ...head];
  model.bases = [base];
  return model;
}

function probe(model: ModelGraph) {
  const request = irRequest(model);
  request.target = { kind: 'ir', model, filePath: 'src/train.js', sourcePath: source, root };
  return probeModel(tf, request, backend);
}

describe('loaded base models', () => {
  test('a server path maps into the workspace: the base is loaded with its weights and cut', async () => {
    const report = await probe(sequentialHead(loaded('/mobilenet/model.json', 'bottleneck')));
    const names = report.layers.map((l) => l.name);
    assert.deepEqual(names.slice(0, 3), ['conv1', 'flat', 'bottleneck']);
    assert.ok(!names.includes('base_logits'), 'the base is cut at its bottleneck');
    assert.deepEqual(
      report.layers.slice(0, 3).map((l) => l.index),
      [-1, -1, -1],
    );
    for (const layer of report.layers.filter((l) => l.weights.length > 0 && l.index === -1)) {
      const norm = Math.sqrt(layer.weights.reduce((a, w) => a + w.weightNorm ** 2, 0));
      assert.ok(
        Math.abs(norm - baseNorms.get(layer.name)!) < 1e-4,
        `${layer.name} has its saved weights`,
      );
      assert.ok(layer.gradNorm! > 0, `${layer.name} is measured`);
    }
    const head = report.layers[report.layers.length - 1]!;
    assert.equal(head.params, 6 * 3 + 3, 'the head reads the bottleneck output');
    assert.ok(
      report.assumptions.some((a) =>
        /loaded from .*model\.json with its weights, cut at its layer bottleneck/.test(a),
      ),
    );
    assert.deepEqual(report.assumedValues, []);
  });

  test('functional head on base.outputs: the whole model reads the base input', async () => {
    const model = functional(
      'head',
      {
        inputs: [{ id: 'features', shape: unknown('truncated.outputs[0].shape.slice(1)') }],
        layers: [
          { factory: 'dense', config: { units: unknown('numClasses'), activation: 'softmax' } },
        ],
        nodes: [['probs', 0, ['features']]],
        outputs: ['probs'],
      },
      { loss: 'categoricalCrossentropy', optimizer: 'adam' },
    );
    model.inputs[0]!.base = 0;
    model.bases = [loaded('../public/mobilenet/model.json', 'bottleneck')];
    const report = await probe(model);
    assert.deepEqual(report.layers.map((l) => l.name).slice(0, 3), ['conv1', 'flat', 'bottleneck']);
    assert.equal(report.layers[3]!.params, 6 * 10 + 10);
    assert.deepEqual(
      report.assumedValues?.map((a) => a.name),
      ['numClasses'],
    );
  });

  test('a remote base is named in one sentence; the head is probed alone on an assumed input', async () => {
    const model = sequentialHead(loaded('https://storage.example.com/mobilenet/model.json'));
    const report = await probe(model);
    assert.ok(
      report.assumptions.includes(
        'The base model at https://storage.example.com/mobilenet/model.json is remote (the probe reads no network), so it measured the new head on its own.',
      ),
    );
    assert.equal(report.layers.length, 1);
    assert.deepEqual(
      report.assumedValues?.map((a) => [a.name, a.value, a.source]),
      [['input', [32], 'role-default']],
    );
  });

  test('a missing file, and a path that leaves the workspace, are not read', async () => {
    symlinkSync(join(scratch, 'outside'), join(root, 'linked'));
    const context = { sourcePath: source, root };
    for (const url of [
      './nowhere/model.json',
      '../../outside/model.json',
      '/linked/model.json',
      'file:///etc/passwd',
    ]) {
      const location = locateBase(loaded(url), context);
      assert.ok('unavailable' in location, url);
      assert.match(location.unavailable, /maps to no model\.json inside the workspace/);
    }
    assert.deepEqual(locateBase(loaded('file://' + join(root, 'public/mobilenet')), context), {
      file: join(root, 'public', 'mobilenet', 'model.json'),
    });
    const report = await probe(sequentialHead(loaded('../../outside/model.json')));
    assert.equal(report.layers.length, 1);
    assert.match(
      report.assumptions[0]!,
      /^The base model \.\.\/\.\.\/outside\/model\.json maps to no model\.json inside the workspace/,
    );
  });
});
