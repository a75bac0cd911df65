/** Shapes met on held-out batch 9 (calibration/real-projects/labels.json): pages a server writes out, a forgotten import. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analysisFixture, modelRows, run } from './helpers';

test('a page a Node script writes out as a template literal has the models of its scripts, at the file’s lines', () => {
  const source = analysisFixture('served-page.js');
  assert.deepEqual(modelRows(source, 'server.js'), [
    { name: 'net', kind: 'sequential', layers: 'dense dropout dense', trained: false },
  ]);
  const result = run(source, 'server.js');
  assert.equal(result.importsTfjs, true);
  const span = result.models[0]!.layers[0]!.callSpan;
  assert.match(source.slice(span.start, span.end), /^tf\.layers\.dense\(\{ units: 6/);
  assert.equal(
    source.split('\n')[span.line - 1]!.trim().startsWith('net.add(tf.layers.dense'),
    true,
  );
});

test('a template literal with scripts that never use tfjs, or tfjs code in a plain string, is no page', () => {
  const noTf = analysisFixture('served-page.js').replace(/tf\./g, 'ml.');
  // The file imports tfjs itself, but the page's scripts never use it: no model.
  const withImport = `const tf = require('@tensorflow/tfjs');\n${noTf}`;
  assert.deepEqual(modelRows(withImport, 'server.js'), []);
  const plain = [
    "const tf = require('@tensorflow/tfjs');",
    'const help = "<script>net = tf.sequential(); net.add(tf.layers.dense({ units: 1 }));</script>";',
    'module.exports = help;',
    '',
  ].join('\n');
  assert.deepEqual(modelRows(plain, 'help.js'), []);
});

test('a bare sequential() in a file that imports tfjs but not that name is tfjs’s sequential', () => {
  const source = [
    "import * as tf from '@tensorflow/tfjs';",
    "import { gru } from '@tensorflow/tfjs-layers/dist/exports_layers';",
    'const scorer = sequential();',
    'scorer.add(tf.layers.dense({ units: 16, inputShape: [8] }));',
    'scorer.add(tf.layers.reshape({ targetShape: [4, 4] }));',
    '',
  ].join('\n');
  assert.deepEqual(modelRows(source, 'scorer.js'), [
    { name: 'scorer', kind: 'sequential', layers: 'dense reshape', trained: false },
  ]);
  // A file of its own `sequential` (or one that never imports tfjs) keeps it.
  const own = source.replace(
    'const scorer',
    'const sequential = () => new Pipeline();\nconst scorer',
  );
  assert.deepEqual(modelRows(own, 'scorer.js'), []);
});
