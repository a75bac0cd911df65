/** Shapes met on held-out batch 10 (calibration/real-projects/labels.json): modules that hand tfjs on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { memoryProject } from './memory-host';

function rows(models: ModelGraph[]): string[] {
  return models.map((m) => `${m.name}: ${m.layers.map((l) => l.factory).join(' ')}`);
}

const REEXPORT_NAMESPACE = `export * as tf from '@tensorflow/tfjs';
export const HIDDEN = 12;
`;

test('tf taken from a module that re-exports it (export * as tf) builds models, also through await import()', () => {
  const { ws, path } = memoryProject({
    'src/lib/engine.ts': REEXPORT_NAMESPACE,
    'src/routes/fit/+page.svelte': `<script lang="ts">
  import { onMount } from 'svelte';
  onMount(async () => {
    const { tf, HIDDEN } = await import('../../lib/engine');
    const net = new tf.Sequential();
    net.add(tf.layers.inputLayer({ inputShape: [6] }));
    net.add(tf.layers.dense({ units: HIDDEN, activation: 'tanh' }));
    net.add(tf.layers.dense({ units: 2 }));
    net.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  });
</script>

<h1>fit</h1>
`,
    'src/static.ts': `import { tf } from './lib/engine';
export function makeNet() {
  const net = tf.sequential();
  net.add(tf.layers.dense({ units: 3, inputShape: [5] }));
  return net;
}
`,
  });
  const page = ws.analyzeFile(path('src/routes/fit/+page.svelte'));
  assert.deepEqual(rows(page.models), ['net: inputLayer dense dense']);
  assert.equal(page.models[0].layers[1].config.props.units?.value.kind, 'number');
  assert.deepEqual(rows(ws.analyzeFile(path('src/static.ts')).models), ['makeNet: dense']);
});

test('export * from tfjs lends its names; the module’s own exports come first', () => {
  const { ws, path } = memoryProject({
    'kit.js': `export * from '@tensorflow/tfjs';
export const WIDTH = 20;
export function sequential() {
  return null;
}
`,
    'named.js': `export { layers, sequential as stack } from '@tensorflow/tfjs';
`,
    'a.js': `import * as tf from './kit.js';
const x = tf.input({ shape: [4] });
const y = tf.layers.dense({ units: tf.WIDTH }).apply(x);
export const head = tf.model({ inputs: x, outputs: y });
`,
    'b.js': `import * as tf from './named.js';
const body = tf.stack();
body.add(tf.layers.dense({ units: 1, inputShape: [2] }));
`,
    'c.js': `import * as tf from './kit.js';
const own = tf.sequential();
own?.add(tf.layers.dense({ units: 1, inputShape: [2] }));
`,
  });
  const a = ws.analyzeFile(path('a.js')).models;
  assert.deepEqual(rows(a), ['head: dense']);
  const units = a[0].layers[0].config.props.units?.value;
  assert.equal(units?.kind === 'number' && units.value, 20);
  assert.deepEqual(rows(ws.analyzeFile(path('b.js')).models), ['body: dense']);
  // kit.js's own `sequential` shadows tfjs's: it builds nothing.
  assert.deepEqual(rows(ws.analyzeFile(path('c.js')).models), []);
});
