/** Shapes met on held-out batch 13 (calibration/real-projects/labels.json): tfjs from a loader module. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { memoryProject } from './memory-host';

function rows(models: ModelGraph[]): string[] {
  return models.map((m) => `${m.name}: ${m.layers.map((l) => l.factory).join(' ')}`);
}

const LOADER = `import type * as tfjs from '@tensorflow/tfjs';
type Tf = typeof tfjs;
const NATIVE = '@tensorflow/tfjs-node';
export async function loadTf(): Promise<Tf> {
  if (typeof process !== 'undefined' && process.versions?.node) {
    try {
      const native: unknown = await import(NATIVE);
      if (native && typeof native === 'object') return native as Tf;
    } catch {
      // no native build here: the browser build below
    }
  }
  const web = (await import('@tensorflow/tfjs')) as Tf;
  await web.ready();
  return web;
}
`;

const NETWORK = `import { loadTf } from './loadTf.js';
const tf = await loadTf();
export function valueNet(cells: number) {
  const board = tf.input({ shape: [cells] });
  const hidden = tf.layers.dense({ units: 32, activation: 'relu' }).apply(board);
  const value = tf.layers.dense({ units: 1, activation: 'tanh' }).apply(hidden);
  return tf.model({ inputs: board, outputs: value });
}
`;

test('tf from a loader that returns tfjs-node (a constant specifier) or tfjs on its paths', () => {
  const { ws, path } = memoryProject({ 'src/loadTf.ts': LOADER, 'src/network.ts': NETWORK });
  assert.deepEqual(rows(ws.analyzeFile(path('src/network.ts')).models), ['valueNet: dense dense']);
});

test('a loader whose paths return something else than tfjs gives no tf', () => {
  const loader = LOADER.replace(
    'return native as Tf;',
    'return { layers: null } as unknown as Tf;',
  );
  const { ws, path } = memoryProject({ 'src/loadTf.ts': loader, 'src/network.ts': NETWORK });
  assert.deepEqual(rows(ws.analyzeFile(path('src/network.ts')).models), []);
});
