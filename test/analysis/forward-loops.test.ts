/** Shapes met on held-out batch 7 (calibration/real-projects/labels.json): custom-loop forward functions, add-layer handlers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analysisFixture, modelRows } from './helpers';

const fixture = analysisFixture;
const builds = modelRows;

test('a page whose custom loop trains a forward function of layers applied to data has that model', () => {
  // The loss callback is the only place the forward function is called: it runs once to see it.
  assert.deepEqual(builds(fixture('eager-forward-page.html'), 'digits.html'), [
    {
      name: 'net',
      kind: 'functional',
      // The reshape between the conv and dense stacks is a tensor op, not a break in the chain.
      layers: 'conv2d maxPooling2d conv2d maxPooling2d dense dense',
      trained: true,
    },
  ]);
});

test('a forward function returning an object of the output and the RNN states is one model', () => {
  assert.deepEqual(builds(fixture('eager-forward-rnn.js'), 'forecast.js'), [
    { name: 'predictWindow', kind: 'functional', layers: 'rnn dense', trained: true },
  ]);
});

test('helper blocks on symbolic tensors, a custom layer’s call and an untrained layer demo are no forward models', () => {
  const found = builds(fixture('forward-not-trained.js'), 'scorer.js');
  assert.deepEqual(
    found.map((m) => m.name),
    ['buildScorer'],
  );
  assert.equal(found[0].layers, 'dense batchNormalization dense batchNormalization dense');
});

test('a layer count an add-layer handler changes makes the builder’s loop of hidden layers open', () => {
  // onAddLayer/onRemoveLayer run when the page's buttons are pressed, any number of times before
  // onBuild: the hidden layers of the loop are there on some builds only (was: none, depth 1).
  assert.deepEqual(builds(fixture('add-layer-handler.js'), 'neural.js'), [
    { name: 'classifier', kind: 'sequential', layers: 'dense dense? dense', trained: true },
  ]);
});

test('a count only the top level changes stays what it is', () => {
  const source = fixture('add-layer-handler.js')
    .replace('function onAddLayer() {', 'onAddLayer();\nfunction onAddLayer() {')
    .replace(
      'function onRemoveLayer() {',
      'function unusedRemove() {}\nfunction onRemoveLayerX() {',
    )
    .replace(/arch\.depth--;/, '');
  // onAddLayer is called once at the top level, and nothing uncalled counts arch.depth: depth 2.
  assert.deepEqual(builds(source, 'neural.js'), [
    { name: 'classifier', kind: 'sequential', layers: 'dense dense dense', trained: true },
  ]);
});
