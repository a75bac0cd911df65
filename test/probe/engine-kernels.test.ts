/** The convolution filter gradient the probe adds to the wasm backend equals tfjs's cpu kernel. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Tensor4D } from '@tensorflow/tfjs';
import { probeModel } from '../../src/probe/engine';
import { borrowMissingKernels } from '../../src/probe/kernels';
import { sequential } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

type Shape4 = [number, number, number, number];
const CASES: [Shape4, Shape4, number, 'same' | 'valid'][] = [
  [[2, 7, 7, 3], [3, 3, 3, 4], 1, 'same'],
  [[2, 8, 9, 3], [3, 2, 3, 5], 2, 'valid'],
  [[3, 9, 9, 2], [5, 5, 2, 3], 2, 'same'],
  [[1, 6, 6, 4], [1, 1, 4, 2], 1, 'valid'],
  [[2, 10, 10, 3], [3, 3, 3, 4], 3, 'same'],
];

for (const [xShape, wShape, stride, pad] of CASES) {
  test(`conv2d filter gradient on wasm equals cpu: x ${xShape}, w ${wShape}, stride ${stride}, ${pad}`, async (t) => {
    if (backend !== 'wasm') return t.skip('the wasm backend could not start here');
    assert.ok(borrowMissingKernels(tf).includes('Conv2DBackpropFilter'));
    const gradient = (): Float32Array => {
      const x = tf.randomNormal(xShape, 0, 1, 'float32', 1) as Tensor4D;
      const w = tf.randomNormal(wShape, 0, 1, 'float32', 2) as Tensor4D;
      const g = tf.grad((k) => tf.sum(tf.square(tf.conv2d(x, k as Tensor4D, stride, pad))))(w);
      const values = g.dataSync() as Float32Array;
      tf.dispose([x, w, g]);
      return values;
    };
    const onWasm = gradient();
    await tf.setBackend('cpu');
    try {
      const onCpu = gradient();
      const scale = Math.max(...onCpu.map(Math.abs));
      onWasm.forEach((v, i) =>
        assert.ok(Math.abs(v - onCpu[i]!) <= 1e-5 * scale, `entry ${i}: ${v} vs ${onCpu[i]}`),
      );
    } finally {
      await tf.setBackend('wasm');
    }
  });
}

test('an embedding gradient on wasm (UnsortedSegmentSum from cpu) equals the cpu backend', async (t) => {
  if (backend !== 'wasm') return t.skip('the wasm backend could not start here');
  borrowMissingKernels(tf);
  const gradient = (): Float32Array => {
    const table = tf.randomNormal([12, 3], 0, 1, 'float32', 4);
    const ids = tf.tensor1d([0, 5, 5, 11, 3, 0], 'int32');
    const g = tf.grad((w) => tf.sum(tf.square(tf.gather(w, ids))))(table);
    const values = g.dataSync() as Float32Array;
    tf.dispose([table, ids, g]);
    return values;
  };
  const onWasm = gradient();
  await tf.setBackend('cpu');
  try {
    assert.deepEqual([...onWasm], [...gradient()]);
  } finally {
    await tf.setBackend('wasm');
  }
});

test('a kernel missing on the backend moves the probe to cpu, says so, restores the backend, leaks nothing', async (t) => {
  if (backend !== 'wasm') return t.skip('the wasm backend could not start here');
  const saved = tf.getKernel('MaxPoolGrad', 'wasm');
  assert.ok(saved, 'wasm has MaxPoolGrad in this tfjs version');
  const ir = sequential('pool', [
    { factory: 'dense', config: { units: 16, inputShape: [8] } },
    { factory: 'reshape', config: { targetShape: [4, 4, 1] } },
    { factory: 'maxPooling2d', config: { poolSize: 2 } },
    { factory: 'flatten' },
    { factory: 'dense', config: { units: 1 } },
  ]);
  const request = {
    target: { kind: 'ir' as const, model: ir, filePath: 'model.ts' },
    values: {},
    batchSize: 4,
    steps: 1,
    seed: 1,
    thresholds: { vanishingRatio: 1e-3, explodingRatio: 70 },
    maxParams: 1e6,
  };
  const expected = await probeModel(tf, request, backend);
  const tensors = tf.memory().numTensors;
  tf.unregisterKernel('MaxPoolGrad', 'wasm');
  try {
    const report = await probeModel(tf, request, backend);
    assert.equal(report.backend, 'cpu (fallback from wasm)');
    assert.ok(report.assumptions.some((a) => a.includes('because wasm has no MaxPoolGrad kernel')));
    assert.equal(tf.getBackend(), 'wasm');
    report.layers.forEach((l, i) => {
      const want = expected.layers[i]!.gradNorm;
      if (want === null) return assert.equal(l.gradNorm, null);
      assert.ok(
        Math.abs(l.gradNorm! - want) <= 1e-5 * want,
        `layer ${i}: ${l.gradNorm} vs ${want}`,
      );
    });
  } finally {
    tf.registerKernel(saved!);
  }
  assert.equal(tf.memory().numTensors, tensors, 'the failed wasm attempt left no tensors behind');
});
