/** Shapes met on held-out public tfjs projects (calibration/real-projects/labels.json, CHANGELOG). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../src/analysis/index';
import { flattenStringChains } from '../../src/analysis/js/parse';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../fixtures/analysis', name), 'utf8');

test('a module-level list that every path of a root pushes to is not carried from path to path', () => {
  const result = analyze(fixture('module-list-builder.js'), 'trainer.js');
  assert.deepEqual(result.problems, []);
  // The decisions in readRate make three paths; each pushes two sizes, so each builds two lstm
  // layers (before: 2, 4 and 6 as the pushes of earlier paths stayed in the list).
  const builds = result.models.map((m) => m.layers.map((l) => l.factory).join(' '));
  assert.ok(builds.length >= 1);
  for (const build of builds) assert.equal(build, 'lstm lstm dense');
});

test('a file with a long text pasted in as string pieces joined by + still parses', () => {
  const lines = Array.from({ length: 6000 }, (_, i) => `  "line ${i} of the corpus\\n" +`);
  const source = `const tf = require('@tensorflow/tfjs');
const corpus =
${lines.join('\n')}
  "end";
function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 32, inputShape: [40, 60] }));
  model.add(tf.layers.dense({ units: 60, activation: 'softmax' }));
  return model;
}
module.exports = { createModel, corpus };
`;
  const result = analyze(source, 'text-model.js');
  assert.deepEqual(result.problems, []);
  assert.equal(result.models.length, 1);
  assert.deepEqual(
    result.models[0].layers.map((l) => l.factory),
    ['lstm', 'dense'],
  );
  // Lines stay where they were: the model is on the line after the text.
  assert.equal(result.models[0].anchor.line, lines.length + 5);
});

test('flattening keeps length and line breaks, and leaves short chains alone', () => {
  const long = Array.from({ length: 80 }, (_, i) => `'w${i}' +\n`).join('') + "'end'";
  const flat = flattenStringChains(`x = ${long};`);
  assert.equal(flat.length, `x = ${long};`.length);
  assert.equal(flat.split('\n').length, long.split('\n').length);
  assert.match(flat, /^x = `[\s]*`;$/);
  const short = "y = 'a' + 'b' + 'c';";
  assert.equal(flattenStringChains(short), short);
});

test('a list grown inside a loop of unknown length: the items every path has, then the rest once as conditional', () => {
  const result = analyze(fixture('config-sizes-builder.js'), 'worker.js');
  assert.deepEqual(result.problems, []);
  const byName = new Map(
    result.models.map((m) => [
      m.name,
      m.layers.map((l) => l.factory + (l.conditional ? '?' : '')).join(' '),
    ]),
  );
  // for (i < sizes.length), forEach and for-of read the same list: one sure item, more on some paths.
  assert.equal(byName.get('buildCounted'), 'lstm lstm? dense');
  assert.equal(byName.get('buildIterated'), 'dense dense? dropout dropout? dense');
  // `[...Array(n)]` with n a parameter, and a copy of the grown list, keep their open length.
  assert.equal(byName.get('repeatedBlocks'), 'dense dense? dropout dropout? dense');
});

test('a builder that compares channels read from symbolic tensor shapes adds the residual where they match', () => {
  const result = analyze(fixture('channel-residual-builder.js'), 'net.js');
  assert.deepEqual(result.problems, []);
  assert.equal(result.models.length, 1);
  const b = 'conv2d conv2d batchNormalization conv2d';
  // 16 -> 16 at stride 1 adds; 16 -> 24 at stride 2 does not; 24 -> 24 adds; 24 -> 32 does not.
  assert.equal(
    result.models[0].layers.map((l) => l.factory).join(' '),
    `conv2d batchNormalization ${b} add ${b} ${b} add ${b} globalAveragePooling2d`,
  );
});

test('a model made from a sequential model’s input and one of its layers’ output has the layers up to there', () => {
  const result = analyze(fixture('sequential-feature-model.js'), 'views.js');
  assert.deepEqual(result.problems, []);
  const byName = new Map(
    result.models.map((m) => [m.name, m.layers.map((l) => l.factory).join(' ')]),
  );
  assert.equal(byName.get('classifier'), 'conv2d maxPooling2d conv2d flatten dense');
  assert.equal(byName.get('firstConv'), 'conv2d');
  assert.equal(byName.get('features'), 'conv2d maxPooling2d conv2d');
  assert.equal(byName.get('pooled'), 'conv2d maxPooling2d');
});

const layerNames = (m: { layers: { factory: string; conditional?: unknown }[] }) =>
  m.layers.map((l) => l.factory + (l.conditional ? '?' : '')).join(' ');

test('a sequential model added to another is its layers in order; a cut of a loaded model is its base row', () => {
  const result = analyze(fixture('nested-sequential.js'), 'gan.js');
  assert.deepEqual(result.problems, []);
  const byName = new Map(result.models.map((m) => [m.name, m]));
  const chains = result.models.filter((m) => m.name === 'chain').map(layerNames);
  assert.deepEqual(chains.sort(), [
    'dense reshape conv2dTranspose conv2d flatten dense',
    'gaussianNoise dense reshape conv2dTranspose conv2d flatten dense',
  ]);
  // Added in a loop of unknown length: conditional in the outer model, not in the block itself.
  assert.equal(layerNames(byName.get('repeated')!), 'dense? dense');
  assert.equal(layerNames(byName.get('block')!), 'dense');
  assert.equal(layerNames(byName.get('makeGenerator')!), 'dense reshape conv2dTranspose');
  assert.equal(layerNames(byName.get('makeCritic')!), 'conv2d flatten dense');
  assert.equal(layerNames(byName.get('autoencoder')!), 'dense dense');
  const whole = byName.get('headOnCut')!;
  assert.equal(layerNames(whole), 'loadedModel dense');
  assert.equal(whole.bases?.length, 1);
  assert.equal(whole.layers[0].base, 0);
  assert.equal(whole.bases?.[0].truncatedAt, 'pool_7');
});

test('static factories, static methods called on the class, arrow-function fields and setters build their models', () => {
  const source = fixture('class-members.ts');
  const result = analyze(source, 'agents.ts');
  assert.deepEqual(result.problems, []);
  const byName = new Map(result.models.map((m) => [m.name, layerNames(m)]));
  assert.equal(byName.get('QNet.create'), 'dense dense');
  // `Tower.build(3)`: the call's depth, not an open loop.
  assert.equal(byName.get('Tower.build'), 'dense dense dense dense dense');
  assert.equal(byName.get('model'), 'conv1d flatten dense');
  // `this.training = true` in the constructor runs the setter, which builds with the settings given.
  assert.equal(byName.get('net'), 'dense dense dense');
});

test('a layer’s inbound node is its own call, its outbound node the next layer’s call', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
const seq = tf.sequential();
seq.add(tf.layers.dense({ inputShape: [4], units: 8 }));
seq.add(tf.layers.flatten());
seq.add(tf.layers.dense({ units: 6 }));
seq.add(tf.layers.dense({ units: 3 }));
const second = seq.layers[1];
const upToNext = tf.model({ inputs: seq.inputs, outputs: second.outboundNodes[0].outputTensors[0] });
const upToOwn = tf.model({ inputs: seq.inputs, outputs: second.inboundNodes[0].outputTensors[0] });
const last = seq.layers[3];
const none = last.outboundNodes.length;
export { upToNext, upToOwn, none };
`;
  const result = analyze(source, 'cuts.ts');
  assert.deepEqual(result.problems, []);
  const byName = new Map(result.models.map((m) => [m.name, layerNames(m)]));
  assert.equal(byName.get('upToNext'), 'dense flatten dense');
  assert.equal(byName.get('upToOwn'), 'dense flatten');
});

test('a layer applied to symbolic tensors gives its output by `.output`, after a helper applied it', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
function chain(x, ...layers) {
  return layers.reduce((t, layer) => layer.apply(t), x);
}
export function twoHeads(classes) {
  const input = tf.input({ shape: [6, 6, 2] });
  const trunk = chain(input, tf.layers.conv2d({ filters: 8, kernelSize: 3 }), tf.layers.flatten());
  const score = tf.layers.dense({ units: 1, activation: 'tanh' });
  chain(trunk, tf.layers.dense({ units: 16, activation: 'relu' }), score);
  const probs = tf.layers.dense({ units: classes, activation: 'softmax' });
  chain(trunk, probs);
  return tf.model({ inputs: input, outputs: [score.output, probs.output] });
}
`;
  const result = analyze(source, 'heads.ts');
  assert.deepEqual(result.problems, []);
  assert.equal(result.models.length, 1);
  assert.equal(layerNames(result.models[0]), 'conv2d flatten dense dense dense');
});

test('an argument that is undefined on some paths gives a builder one build with it and one with the default', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
const DEFAULT_SPEC = [{ dense: { units: 8, inputShape: [4] } }, { dropout: { rate: 0.1 } }, { dense: { units: 2 } }];
export function fromSpec(spec = DEFAULT_SPEC) {
  const layers = spec.map((entry) => {
    const kind = Object.keys(entry)[0];
    return tf.layers[kind](entry[kind]);
  });
  return tf.sequential({ layers });
}
export function onSubmit(text) {
  return fromSpec(text ? JSON.parse(text) : undefined);
}
export function plainUnknown(text) {
  return fromSpec(JSON.parse(text));
}
`;
  const result = analyze(source, 'spec.ts');
  assert.deepEqual(result.problems, []);
  const builds = result.models.map((m) => `${m.variant?.id ?? ''}: ${layerNames(m)}`).sort();
  // The plain JSON.parse call adds only the build with the given (unknown) spec.
  assert.deepEqual(builds, ['spec-default: dense dropout dense', 'spec-given: ']);
});

test('a chain kept in a list, list[list.length - 1], through a loop of open length stays one chain', () => {
  const source = `import * as tf from '@tensorflow/tfjs';
export function encoderDecoder(depth: number) {
  const input = tf.input({ shape: [32, 32, 1] });
  const downs = [input];
  for (let i = 0; i < depth; i++) {
    downs.push(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }).apply(downs[downs.length - 1]) as tf.SymbolicTensor);
  }
  const ups = [downs[downs.length - 1]];
  for (let i = 0; i < depth; i++) {
    const up = tf.layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }).apply(ups[ups.length - 1]) as tf.SymbolicTensor;
    ups.push(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }).apply(up) as tf.SymbolicTensor);
  }
  return tf.model({ inputs: input, outputs: ups[ups.length - 1] });
}
`;
  const result = analyze(source, 'unet.ts');
  assert.deepEqual(result.problems, []);
  const builds = result.models
    .map((m) => m.layers.map((l) => l.factory + (l.conditional ? '?' : '')).join(' '))
    .sort();
  // depth is open (no caller): each loop's layers once, on some paths only (before: no layers, as
  // the index of the list's last item was open)
  assert.deepEqual(builds, ['conv2d? conv2dTranspose? conv2d?']);
});
