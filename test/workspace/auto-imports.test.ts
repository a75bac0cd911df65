import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { memoryProject } from './memory-host';

const TF = `import * as tf from '@tensorflow/tfjs';\n`;
const layers = (m: ModelGraph | undefined) => m?.layers.map((l) => l.factory).join(' ');

// A Nuxt app: builders in utils/, a composable that wires them, no import statements between them.
const NUXT = {
  'app/nuxt.config.ts': 'export default defineNuxtConfig({ ssr: false });\n',
  'app/utils/makeEncoder.js': `${TF}export function makeEncoder(width) {
  const enc = tf.sequential();
  enc.add(tf.layers.dense({ inputShape: [width], units: 8, activation: 'relu' }));
  enc.add(tf.layers.dense({ units: 2 }));
  return enc;
}
`,
  'app/utils/makeDecoder.js': `${TF}export const makeDecoder = (width) => {
  const dec = tf.sequential();
  dec.add(tf.layers.dense({ inputShape: [2], units: 8, activation: 'relu' }));
  dec.add(tf.layers.dense({ units: width, activation: 'sigmoid' }));
  return dec;
};
`,
  'app/utils/joinModels.js': `${TF}export function joinModels(first, second) {
  const both = tf.sequential();
  both.add(first);
  both.add(second);
  both.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return both;
}
`,
  'app/composables/useAutoencoder.js': `export function useAutoencoder(width = 16) {
  const encoder = makeEncoder(width);
  const decoder = makeDecoder(width);
  return { encoder, decoder, whole: joinModels(encoder, decoder) };
}
`,
  'app/pages/train.vue': `<script setup>
const { whole } = useAutoencoder(32);
</script>
<template><div /></template>
`,
};

test('in a Nuxt project, utils and composables are reached by name, so their callers give the layers', () => {
  const { ws, path } = memoryProject(NUXT);
  const [joined] = ws.analyzeFile(path('app/utils/joinModels.js')).models;
  assert.equal(layers(joined), 'dense dense dense dense');
  assert.ok(
    ws
      .linkedFiles(path('app/utils/joinModels.js'))
      .includes(path('app/composables/useAutoencoder.js')),
  );
});

test('without a nuxt.config the same names are not imports', () => {
  const files: Record<string, string> = { ...NUXT };
  delete files['app/nuxt.config.ts'];
  const { ws, path } = memoryProject(files);
  const [joined] = ws.analyzeFile(path('app/utils/joinModels.js')).models;
  assert.equal(layers(joined), '');
});

test('renaming an auto-imported export is seen by the files that use the name', () => {
  const { ws, path } = memoryProject(NUXT);
  assert.equal(
    layers(ws.analyzeFile(path('app/utils/joinModels.js')).models[0]),
    'dense dense dense dense',
  );
  const decoder = NUXT['app/utils/makeDecoder.js'].replace('makeDecoder =', 'buildDecoder =');
  ws.update(path('app/utils/makeDecoder.js'), decoder);
  // The composable now calls a name nothing exports: the decoder's layers are unknown.
  assert.equal(layers(ws.analyzeFile(path('app/utils/joinModels.js')).models[0]), 'dense dense');
});

test('an edit inside an auto-imported function re-analyses its users, as a fresh workspace reads it', () => {
  const { ws, path } = memoryProject(NUXT);
  const file = path('app/utils/joinModels.js');
  ws.analyzeFile(file);
  const encoder = NUXT['app/utils/makeEncoder.js'].replace('units: 8', 'units: 12');
  ws.update(path('app/utils/makeEncoder.js'), encoder);
  const fresh = memoryProject({ ...NUXT, 'app/utils/makeEncoder.js': encoder });
  const mine = ws.analyzeFile(file);
  assert.deepEqual(mine, fresh.ws.analyzeFile(fresh.path('app/utils/joinModels.js')));
  const units = mine.models[0]?.layers[0]?.config.props.units?.value;
  assert.deepEqual(units, { kind: 'number', value: 12 });
});
