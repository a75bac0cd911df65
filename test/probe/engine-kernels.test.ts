/** The convolution filter gradient the probe adds to the wasm backend equals tfjs's cpu kernel. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Tensor4D } from '@tensorflow/tfjs';
import { borrowMissingKernels } from '../../src/probe/kernels';
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
