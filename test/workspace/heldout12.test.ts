/** Shapes met on held-out batch 12 (calibration/real-projects/labels.json): a local module that hands tfjs on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { reexportsTfjs } from '../../src/workspace/scan';
import { memoryProject } from './memory-host';

function rows(models: ModelGraph[]): string[] {
  return models.map((m) => `${m.name}: ${m.layers.map((l) => l.factory).join(' ')}`);
}

const BACKEND = `import * as tf from '@tensorflow/tfjs-node';
import { layers, sequential, Sequential } from '@tensorflow/tfjs-node';
const DEVICE = 'cpu';
export { tf, layers, sequential, Sequential, DEVICE };
`;

test('a file importing layers and sequential from a module that re-exports tfjs builds its models', () => {
  const { ws, path } = memoryProject({
    'src/backend.ts': BACKEND,
    'src/cnn.ts': `import { layers, sequential, Sequential } from './backend';
export const smallCnn = (channels: number): Sequential => {
  const net = sequential();
  net.add(layers.conv2d({ inputShape: [28, 28, channels], filters: 4, kernelSize: 3 }));
  net.add(layers.flatten());
  net.add(layers.dense({ units: 10, activation: 'softmax' }));
  return net;
};
`,
    'src/other.ts': `import { DEVICE } from './backend';
export const layers = [DEVICE];
export function sequential() {
  return layers.length;
}
`,
  });
  assert.deepEqual(rows(ws.analyzeFile(path('src/cnn.ts')).models), [
    'smallCnn: conv2d flatten dense',
  ]);
  assert.deepEqual(rows(ws.analyzeFile(path('src/other.ts')).models), []);
});

test('which modules hand tfjs on', () => {
  assert.equal(reexportsTfjs(BACKEND), true);
  assert.equal(reexportsTfjs(`export * from '@tensorflow/tfjs';\n`), true);
  assert.equal(reexportsTfjs(`export { layers as L } from '@tensorflow/tfjs-node-gpu';\n`), true);
  assert.equal(
    reexportsTfjs(`const tf = require('@tensorflow/tfjs-node');\nmodule.exports = tf;\n`),
    true,
  );
  assert.equal(reexportsTfjs(`import tf from '@tensorflow/tfjs';\nexport default tf;\n`), true);
  // Uses tfjs and exports its own things: importers still name tfjs when they build with it.
  const own = `import * as tf from '@tensorflow/tfjs';
export const scale = (x) => tf.mul(x, 2);
export { scale as double };
export default scale;
`;
  assert.equal(reexportsTfjs(own), false);
  assert.equal(reexportsTfjs(`export { layers } from './elsewhere';\n`), false);
});

test('a component builds with this.$tf when the app installed tfjs as a global property', () => {
  const component = (expose: string) => `<template><button @click="fit">fit</button></template>
<script>
export default {
  props: ['depth'],
  methods: {
    fit() {
      this.net = this.${expose}.sequential();
      this.net.add(this.${expose}.layers.dense({ units: 6, inputShape: [3] }));
      for (let i = 1; i < this.depth; i++) this.net.add(this.${expose}.layers.dense({ units: 6 }));
      this.net.add(this.${expose}.layers.dense({ units: 1 }));
    },
  },
};
</script>
`;
  const layers = (ws: ReturnType<typeof memoryProject>['ws'], file: string) =>
    ws
      .analyzeFile(file)
      .models.map((m) => m.layers.map((l) => l.factory + (l.conditional ? '?' : '')).join(' '));
  const vue2 = memoryProject({
    'src/main.js': `import Vue from 'vue';\nimport * as tf from '@tensorflow/tfjs';\nVue.prototype.$tf = tf;\n`,
    'src/components/Fit.vue': component('$tf'),
  });
  assert.deepEqual(layers(vue2.ws, vue2.path('src/components/Fit.vue')), ['dense dense? dense']);
  const vue3 = memoryProject({
    'src/plugins/tfjs.ts': `import * as tensorflow from '@tensorflow/tfjs';
export default {
  install(app) {
    app.config.globalProperties.$nn = tensorflow;
  },
};
`,
    'src/components/Fit.vue': component('$nn'),
  });
  assert.deepEqual(layers(vue3.ws, vue3.path('src/components/Fit.vue')), ['dense dense? dense']);
  // The same component in an app that never installed tfjs builds nothing.
  const bare = memoryProject({ 'src/components/Fit.vue': component('$tf') });
  assert.deepEqual(layers(bare.ws, bare.path('src/components/Fit.vue')), []);
});
