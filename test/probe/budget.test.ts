/**
 * A large image model within the probe's timeout and memory cap: the batch is reduced and the report says so,
 * a batch the caller chose is kept, and a model whose single example cannot fit is refused with the flag to raise.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fitBatch, modelCost } from '../../src/probe/budget';
import { probeModel } from '../../src/probe/engine';
import { ProbeError } from '../../src/probe/types';
import { irRequest, sequential } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

/** An ImageNet-sized stem as users write it: wide convolutions on 224x224 colour images, then a classifier. */
const imageNet = (withBatchNorm: boolean, side = 224, filters = 64) =>
  sequential(
    'cnn',
    [
      {
        factory: 'conv2d',
        config: { filters, kernelSize: 3, padding: 'same', inputShape: [side, side, 3] },
      },
      ...(withBatchNorm ? [{ factory: 'batchNormalization', config: {} }] : []),
      {
        factory: 'conv2d',
        config: { filters, kernelSize: 3, padding: 'same', activation: 'relu' },
      },
      { factory: 'globalAveragePooling2d', config: {} },
      { factory: 'dense', config: { units: 10, activation: 'softmax' } },
    ],
    { loss: 'categoricalCrossentropy', optimizer: 'adam' },
  );

function tfjsModel(withBatchNorm: boolean) {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', inputShape: [224, 224, 3] }),
  );
  if (withBatchNorm) model.add(tf.layers.batchNormalization({}));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 10 }));
  return model;
}

test('the cost of one example counts every pixel a convolution is applied at', () => {
  const model = tfjsModel(false);
  const cost = modelCost(model);
  // The second convolution alone: 6 flops x 36,928 params x 224 x 224 positions.
  assert.ok(cost.flopsPerExample > 6 * 36_928 * 224 * 224, String(cost.flopsPerExample));
  // Two 224x224x64 outputs of float32, a few copies each.
  assert.ok(cost.bytesPerExample > 2 * 224 * 224 * 64 * 4, String(cost.bytesPerExample));
  model.dispose();
});

test('a batch over the memory cap or the timeout is reduced, and the note says why and how to measure it all', () => {
  const model = tfjsModel(true);
  const request = irRequest(imageNet(true), { batchSize: 32 });
  const fitted = fitBatch(model, request, { timeoutMs: 60_000, maxHeapMb: 2048 });
  assert.ok(fitted.batchSize >= 2 && fitted.batchSize < 32, String(fitted.batchSize));
  assert.match(fitted.note ?? '', /measured on a batch of \d+, not 32/);
  assert.match(fitted.note ?? '', /2048 MB memory cap/);
  assert.match(fitted.note ?? '', /--batch 32/);
  // A small model is measured on the requested batch, with nothing to say.
  const small = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [8] })] });
  assert.deepEqual(
    fitBatch(small, irRequest(imageNet(false), { batchSize: 32 }), {
      timeoutMs: 60_000,
      maxHeapMb: 512,
    }),
    {
      batchSize: 32,
      note: null,
    },
  );
  small.dispose();
  model.dispose();
});

test('a batch the caller chose is kept; a model one example of which cannot fit is refused with --max-heap', () => {
  const model = tfjsModel(true);
  const chosen = irRequest(imageNet(true), { batchSize: 32, batchChosen: true });
  assert.equal(fitBatch(model, chosen, { timeoutMs: 60_000, maxHeapMb: 2048 }).batchSize, 32);
  assert.throws(
    () => fitBatch(model, chosen, { timeoutMs: 60_000, maxHeapMb: 256 }),
    (err: unknown) =>
      err instanceof ProbeError &&
      err.code === 'too-large' &&
      /a batch of 2 does not fit the probe's memory cap of 256 MB: raise it with --max-heap \d+/.test(
        err.message,
      ),
  );
  model.dispose();
});

test('the probe of a model too slow for its timeout reports the batch it measured and the reason', async () => {
  // About 1.5e7 flops per example: a 0.2 s timeout leaves room for a couple of examples.
  const request = irRequest(imageNet(true, 32, 16), {
    batchSize: 32,
    budget: { timeoutMs: 200, maxHeapMb: 2048 },
  });
  const report = await probeModel(tf, request, backend);
  assert.ok(report.batchSize >= 2 && report.batchSize < 32, String(report.batchSize));
  assert.ok(
    report.assumptions.some((a) =>
      a.includes(`measured on a batch of ${report.batchSize}, not 32`),
    ),
    report.assumptions.join('\n'),
  );
  assert.ok(report.assumptions.some((a) => a.includes('0.2 s timeout')));
  assert.ok(
    report.assumptions.some((a) => a.includes(`Inputs: a batch of ${report.batchSize} examples`)),
  );
});
