/**
 * The language server on HTML pages and Vue components: tfjs loaded by a <script> tag is a browser
 * global, and the findings sit at the page's own lines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startClient, type Client } from './lsp-client';

const hidden = Array.from(
  { length: 8 },
  () => "      model.add(tf.layers.dense({ units: 64, activation: 'sigmoid' }));",
);
const PAGE = [
  '<!DOCTYPE html>',
  '<html>',
  '  <head>',
  '    <script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs"></script>',
  '  </head>',
  '  <body>',
  '    <script>',
  '      const model = tf.sequential();',
  "      model.add(tf.layers.dense({ units: 64, inputShape: [32], activation: 'sigmoid' }));",
  ...hidden,
  '      model.add(tf.layers.dense({ units: 1 }));',
  "      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });",
  '    </script>',
  '  </body>',
  '</html>',
  '',
].join('\n');

describe('language server: pages and components', () => {
  let client: Client;
  before(async () => {
    client = await startClient();
  });
  after(() => client.close());

  it('lints the script of an HTML page (language id html) at the page lines', async () => {
    const uri = 'file:///project/index.html';
    const opened = client.diagnostics(uri);
    client.open(uri, PAGE, 'html');
    const diagnostics = await opened;
    const sigmoid = diagnostics.filter((d) => d.code === 'saturating-activation');
    assert.equal(sigmoid.length, 9, JSON.stringify(diagnostics.map((d) => d.code)));
    // The first hidden layer's activation, line 9 of the page (0-based 8), inside the script block.
    assert.equal(sigmoid[0].range.start.line, 8);
    assert.ok(sigmoid[0].range.start.character > 0);
  });

  it('lints an untitled page and a Vue component by their language ids', async () => {
    const untitled = 'untitled:Untitled-2';
    const opened = client.diagnostics(untitled);
    client.open(untitled, PAGE, 'html');
    assert.ok((await opened).some((d) => d.code === 'saturating-activation'));

    const vue = 'file:///project/src/Trainer.vue';
    const component = PAGE.replace('<!DOCTYPE html>\n<html>', '<template><div /></template>')
      .replace(/<\/?(head|body|html)>/g, '')
      .replace('<script>', "<script>\nimport * as tf from '@tensorflow/tfjs';");
    const lintedVue = client.diagnostics(vue);
    client.open(vue, component, 'vue');
    assert.ok((await lintedVue).some((d) => d.code === 'saturating-activation'));
  });
});
