/**
 * Shapes met in other public tfjs projects (fixtures written here in the same shapes): pages with
 * inline scripts, classes extending the file's own classes, builders called twice, a model class
 * chosen per environment, submodels of a model loaded with tfjs 0.x's `tf.loadModel`, custom
 * layers inside a functional graph.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { htmlScripts } from '../../src/analysis/js/html';
import { assertSpanConsistent, run, textOf } from './helpers';

const TF = "import * as tf from '@tensorflow/tfjs';\n";
const layersOf = (m: ModelGraph) =>
  m.layers.map((l) => l.factory + (l.conditional ? '?' : '')).join(' ');
const summary = (models: ModelGraph[]) =>
  models.map((m) => `${m.name}${m.variant ? ` [${m.variant.id}]` : ''}: ${layersOf(m)}`);

const PAGE = `<!DOCTYPE html>
<html>
<head>
<script src="https://cdn.example/tf.min.js"></script>
<!-- <script>const old = tf.sequential();</script> -->
</head>
<body>
<textarea id="code">model.add(tf.layers.dense({units: 99}))</textarea>
<input type="button" value="Train" onclick="{
  (async function go() {
    const net = tf.sequential();
    net.add(tf.layers.dense({inputShape: [2], units: 10, activation: 'sigmoid'}));
    net.add(tf.layers.dense({units: 1, activation: 'sigmoid'}));
    net.compile({optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError'});
  })()
}"><br>
<input type="text" onchange="{ alert(this handler does not parse) }">
<script>
function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({inputShape: [1], units: 8, activation: 'relu'}));
  model.add(tf.layers.dropout({rate: 0.25}));
  model.add(tf.layers.dense({units: 1}));
  return model;
}
createModel();
</script><script>const ready = true</script>
</body>
</html>
`;

test('an HTML page: its script blocks and on* handlers are read at their own lines and offsets', () => {
  const result = run(PAGE, 'page.html');
  assert.deepEqual(summary(result.models), [
    'net: dense dense',
    'createModel: dense dropout dense',
  ]);
  const dense = result.models[1].layers[0];
  assert.equal(dense.callSpan.line, PAGE.split('\n').findIndex((l) => l.includes('units: 8')) + 1);
  assert.match(textOf(PAGE, dense.callSpan), /^tf\.layers\.dense\(\{inputShape: \[1\]/);
  assertSpanConsistent(PAGE, dense.callSpan);
});

test('the page text outside scripts becomes spaces, line breaks kept; pieces end with a separator', () => {
  const { code, pieces } = htmlScripts(PAGE);
  assert.equal(code.length, PAGE.length);
  assert.deepEqual(
    code.split('\n').map((l) => l.length),
    PAGE.split('\n').map((l) => l.length),
  );
  assert.ok(!code.includes('units: 99'), 'a textarea is text, not code');
  assert.ok(!code.includes('const old'), 'a commented-out script is not code');
  assert.ok(!code.includes('tf.min.js'));
  assert.equal(pieces.length, 4);
  assert.match(code, /const ready = true;/);
});

test('a script type that is not JavaScript and an entity-encoded handler are left out', () => {
  const page = `<script type="text/template">const t = tf.sequential();</script>
<button onclick="go(&quot;x&quot;)">go</button>
<script type="module">const m = tf.sequential(); m.add(tf.layers.dense({units: 2, inputShape: [3]}));</script>`;
  const { code } = htmlScripts(page);
  assert.ok(!code.includes('const t'));
  assert.ok(!code.includes('go('));
  assert.deepEqual(summary(run(page, 'p.htm').models), ['m: dense']);
});

test('a class extending the file’s own class: super(...) runs the base constructor and its methods', () => {
  const result = run(
    `${TF}class Policy {
  constructor(sizesOrModel) {
    if (sizesOrModel instanceof tf.LayersModel) this.net = sizesOrModel;
    else this.build(sizesOrModel);
  }
  build(sizes) {
    if (!Array.isArray(sizes)) sizes = [sizes];
    this.net = tf.sequential();
    sizes.forEach((units, i) => {
      this.net.add(tf.layers.dense({ units, activation: 'elu', inputShape: i === 0 ? [4] : undefined }));
    });
    this.net.add(tf.layers.dense({ units: 1 }));
  }
}
class StoredPolicy extends Policy {
  constructor(sizesOrModel) {
    super(sizesOrModel);
  }
}
let policy;
async function restore() {
  return new StoredPolicy(await tf.loadLayersModel('indexeddb://policy'));
}
async function start() {
  policy = new StoredPolicy([12, 6]);
  await restore();
}
start();
`,
    'policy.js',
  );
  // The loaded model is a tf.LayersModel: that call builds nothing.
  assert.deepEqual(summary(result.models), ['net: dense dense dense']);
});

test('x instanceof tf.Sequential: a model or a loaded one decides the branch; numbers and arrays do not', () => {
  const result = run(
    `${TF}function wrap(m) {
  const a = m instanceof tf.Sequential ? 'seq' : 'other';
  const b = [1] instanceof tf.LayersModel ? 'model' : 'sizes';
  return a + b;
}
const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
const kind = wrap(m);
m.add(tf.layers.dense({ units: kind === 'seqsizes' ? 3 : 5 }));
`,
  );
  const units = result.models[0].layers[1].config.props.units?.value;
  assert.deepEqual(units, { kind: 'number', value: 3 });
});

test('a model class chosen per environment: one variant per branch, the class guess dropped', () => {
  const result = run(
    `${TF}import { CarGame, PoleGame } from './games';
export class Agent extends tf.Sequential {
  constructor(inputDim, units) {
    super();
    this.add(tf.layers.dense({ inputDim, units: units[0], activation: 'relu' }));
    for (const [i, n] of units.slice(1).entries()) {
      this.add(tf.layers.dense({ units: n, activation: i === units.length - 2 ? 'tanh' : 'relu' }));
    }
  }
}
export const agentFor = (env) => {
  if (env === 'Car') return new Agent(CarGame.obs, [16, CarGame.act]);
  else if (env === 'Pole') return new Agent(PoleGame.obs, [6, PoleGame.act]);
  else if (env === 'Pole big') return new Agent(PoleGame.obs, [32, 32, PoleGame.act]);
  throw new Error(env);
};
`,
    'agent.ts',
  );
  assert.deepEqual(summary(result.models), [
    'Agent [Car]: dense dense',
    'Agent [Pole]: dense dense',
    'Agent [Pole-big]: dense dense dense',
  ]);
});

test('a builder called twice on one path is named by the argument that differs', () => {
  const result = run(
    `${TF}function mlp(shape, regularizer, dropout) {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: shape }));
  model.add(tf.layers.dense({ units: 32, kernelRegularizer: regularizer, activation: 'relu' }));
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}
function pick(kind) {
  if (kind === 'plain') return mlp([10, 4]);
  if (kind === 'dropout') return mlp([10, 4], null, 0.25);
  throw new Error(kind);
}
async function all() {
  for (const m of [pick('plain'), pick('dropout')]) await m.fit(xs, ys);
}
all();
`,
  );
  assert.deepEqual(summary(result.models), [
    'mlp [dropout-none]: flatten dense dense',
    'mlp [dropout-0.25]: flatten dense dropout dense',
  ]);
});

test('a builder called again by copy() is one model, not two variants', () => {
  const result = run(
    `class Brain {
  constructor(a, b, c, d) {
    if (a instanceof tf.Sequential) {
      this.model = a;
      this.inputs = b;
      this.hidden = c;
      this.outputs = d;
    } else {
      this.inputs = a;
      this.hidden = b;
      this.outputs = c;
      this.model = this.createModel();
    }
  }
  createModel() {
    const model = tf.sequential();
    const hidden = tf.layers.dense({ inputShape: [this.inputs], units: this.hidden, activation: 'sigmoid' });
    const out = tf.layers.dense({ units: this.outputs, activation: 'softmax' });
    model.add(hidden);
    model.add(out);
    return model;
  }
  copy() {
    return tf.tidy(() => {
      const copy = this.createModel();
      const weights = this.model.getWeights();
      for (let i = 0; i < weights.length; i++) weights[i] = weights[i].clone();
      copy.setWeights(weights);
      return new Brain(copy, this.inputs, this.hidden, this.outputs);
    });
  }
}
`,
    'brain.js',
  );
  assert.deepEqual(summary(result.models), ['Brain.createModel: dense dense']);
});

test('models built in a loop over agents: the loop repeats models, not layers', () => {
  const result = run(
    `${TF}function make(units) {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units, inputShape: [4] }));
  m.add(tf.layers.dense({ units: 2 }));
  return m;
}
const agents = [];
for (let i = 0; i < 20; i++) agents.push(make(8));
`,
  );
  assert.deepEqual(summary(result.models), ['make: dense dense']);
  assert.equal(result.models[0].layers[0].repeat, undefined);
});

test('tf.loadModel (tfjs 0.x) is a loaded base: its truncated submodel is known by the cut', () => {
  const result = run(
    `${TF}export async function truncated() {
  const mobilenet = await tf.loadModel('https://example.com/mobilenet/model.json');
  const layer = mobilenet.getLayer('conv_pw_13_relu');
  return tf.model({ inputs: mobilenet.inputs, outputs: layer.output });
}
`,
  );
  const [model] = result.models;
  assert.equal(model.name, 'truncated');
  assert.deepEqual(
    (model.bases ?? []).map((b) => `${b.loader}@${b.truncatedAt}`),
    ['loadLayersModel@conv_pw_13_relu'],
  );
});

test('a custom layer inside a functional graph keeps the layers that feed it', () => {
  const result = run(
    `${TF}class Attention extends tf.layers.Layer {
  call(inputs) { return inputs[0]; }
  computeOutputShape(shape) { return shape[0]; }
  getClassName() { return 'Attention'; }
}
const tokens = tf.input({ shape: [16] });
const mask = tf.input({ shape: [16, 16] });
let x = tf.layers.embedding({ inputDim: 100, outputDim: 32 }).apply(tokens);
for (let i = 0; i < 2; i++) {
  const normed = tf.layers.layerNormalization().apply(x);
  let attended = new Attention({ heads: 4 }).apply([normed, mask]);
  attended = tf.layers.dropout({ rate: 0.1 }).apply(attended);
  x = tf.layers.add().apply([x, attended]);
}
const logits = tf.layers.dense({ units: 100 }).apply(x);
const model = tf.model({ inputs: [tokens, mask], outputs: logits });
`,
  );
  assert.deepEqual(summary(result.models), [
    'model: embedding layerNormalization dropout add layerNormalization dropout add dense',
  ]);
});

test('a Vue component: its <script lang="ts"> block is read, the template is not', () => {
  const component = `<template>
  <button @click="train">Train {{ units }}</button>
</template>

<script setup lang="ts">
import * as tf from '@tensorflow/tfjs';
const units: number = 16;
function train(): void {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units, inputShape: [3], activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
}
</script>
`;
  const [model] = run(component, 'Trainer.vue').models;
  assert.equal(layersOf(model), 'dense dense');
  assert.deepEqual(model.layers[0].config.props.units?.value, { kind: 'number', value: 16 });
  assert.equal(model.layers[0].callSpan.line, 10);
});

test('a branch per item of a loop over unknown specs marks its layers, it does not fork the model', () => {
  const result = run(
    `class Policy {
  async load(url) {
    this.spec = (await (await fetch(url)).json()).spec;
    this.build();
  }
  build() {
    const input = tf.input({ shape: [this.spec.inputs] });
    let x = input;
    for (const item of this.spec.layers) {
      if (item.kind === 'linear') x = tf.layers.dense({ units: item.units }).apply(x);
      else if (item.kind === 'relu') x = tf.layers.reLU().apply(x);
    }
    if (this.spec.head) x = tf.layers.dense({ units: this.spec.head, activation: 'tanh' }).apply(x);
    this.model = tf.model({ inputs: input, outputs: x });
  }
}
`,
    'policy.js',
  );
  assert.deepEqual(summary(result.models), [
    'model [this-spec-head]: dense? reLU? dense',
    'model [no-this-spec-head]: dense? reLU?',
  ]);
});

test('an ES5 constructor function: this.x = tf.model(...) is read back, var redeclared in a loop chains', () => {
  const result = run(
    `function Compressor(depth, width) {
  this.depth = Number(depth);
  var x = tf.input({ shape: [16] });
  var y = tf.layers.dense({ units: width, activation: 'relu' }).apply(x);
  for (var k = 0; k < this.depth - 1; k++) {
    var skip = y;
    const merge = tf.layers.add();
    var y = tf.layers.dense({ units: width, activation: 'relu' }).apply(y);
    y = merge.apply([skip, y]);
  }
  this.squeeze = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2 }).apply(y) });
  var z = tf.input({ shape: [2] });
  this.expand = tf.model({ inputs: z, outputs: tf.layers.dense({ units: 16 }).apply(z) });
  var start = tf.input({ shape: [16] });
  this.whole = tf.model({ inputs: start, outputs: this.expand.apply(this.squeeze.apply(start)) });
}
function Scorer() {
  this.net = tf.sequential();
  this.net.add(tf.layers.dense({ units: 4, inputShape: [3] }));
  this.net.add(tf.layers.dense({ units: 1 }));
}
document.getElementById('go').onclick = () => {
  window.compressor = new Compressor(document.getElementById('depth').value, 8);
};
`,
    'page.js',
  );
  assert.deepEqual(summary(result.models), [
    'squeeze: dense dense? add? dense',
    'expand: dense',
    'whole: dense dense? add? dense dense',
    'net: dense dense',
  ]);
});
