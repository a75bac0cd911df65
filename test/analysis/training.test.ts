import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyModel, textOf } from './helpers';

const TF = `import * as tf from '@tensorflow/tfjs';\n`;
const MODEL = `const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 1, inputShape: [1] }));\n`;

interface Case {
  name: string;
  code: string;
  optimizer?: string;
  form?: string;
  learningRate: number | null;
  loss?: string;
  lossResolved?: boolean;
  fit?: string[];
  loops?: string[];
  clipping?: string[];
}

const cases: Case[] = [
  {
    name: 'string optimizer uses the tfjs default learning rate',
    code: `model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });\nawait model.fit(xs, ys, { epochs: 3 });`,
    optimizer: 'adam',
    form: 'string',
    learningRate: 0.001,
    loss: 'meanSquaredError',
    lossResolved: true,
    fit: ['fit'],
  },
  {
    name: 'sgd string default is 0.01; adadelta 1.0; adamax 0.002',
    code: `model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });`,
    optimizer: 'sgd',
    form: 'string',
    learningRate: 0.01,
    loss: 'binaryCrossentropy',
    lossResolved: true,
  },
  {
    name: 'tf.train call with a constant learning rate',
    code: `const LR = 0.5;\nconst opt = tf.train.rmsprop(LR);\nmodel.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });\nmodel.fitDataset(ds, { epochs: 1 });\nmodel.trainOnBatch(x, y);`,
    optimizer: 'rmsprop',
    form: 'call',
    learningRate: 0.5,
    loss: 'categoricalCrossentropy',
    fit: ['fitDataset', 'trainOnBatch'],
  },
  {
    name: 'tf.train.adam() without argument uses the tfjs-core default',
    code: `model.compile({ optimizer: tf.train.adam(), loss: tf.losses.meanSquaredError });`,
    optimizer: 'adam',
    form: 'call',
    learningRate: 0.001,
    loss: 'meanSquaredError',
    lossResolved: true,
  },
  {
    name: 'unknown learning rate stays null',
    code: `export function setup(lr: number) { model.compile({ optimizer: tf.train.sgd(lr), loss: 'mse' }); }`,
    optimizer: 'sgd',
    form: 'call',
    learningRate: null,
    loss: 'mse',
    lossResolved: false,
  },
  {
    name: 'applyGradients override on model.optimizer clips inside fit',
    code: `model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });\nconst original = model.optimizer.applyGradients.bind(model.optimizer);\nmodel.optimizer.applyGradients = (grads) => original(tf.tidy(() => clip(grads)));\nawait model.fit(xs, ys);`,
    optimizer: 'adam',
    form: 'string',
    learningRate: 0.001,
    loss: 'meanSquaredError',
    fit: ['fit'],
    clipping: ['applyGradients-override'],
  },
  {
    name: 'custom loop with optimizer.minimize and tf.clipByValue',
    code: `const optimizer = tf.train.sgd(0.1);\nfor (let step = 0; step < 10; step++) {\n  optimizer.minimize(() => tf.losses.meanSquaredError(ys, tf.clipByValue(model.predict(xs) as tf.Tensor, -1, 1)));\n}`,
    optimizer: 'sgd',
    form: 'call',
    learningRate: 0.1,
    loops: ['minimize'],
    clipping: ['clipByValue'],
  },
  {
    name: 'tf.variableGrads + clip by global norm + applyGradients',
    code: `const optimizer = tf.train.adam(0.01);\nfunction clipByGlobalNorm(grads, maxNorm) { return grads; }\nfunction trainStep(xs, ys) {\n  const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, model.predict(xs)));\n  optimizer.applyGradients(clipByGlobalNorm(grads, 1.0));\n}`,
    optimizer: 'adam',
    form: 'call',
    learningRate: 0.01,
    loops: ['variableGrads', 'applyGradients'],
    clipping: ['clipByGlobalNorm'],
  },
  {
    name: 'gradients divided by a global norm count as clip-by-norm',
    code: `const optimizer = tf.train.sgd(0.1);\nconst { grads } = tf.variableGrads(() => model.predict(x).sum());\nconst globalNorm = tf.norm(tf.concat(Object.values(grads).map((g) => g.flatten())));\nconst clipped = {};\nfor (const k of Object.keys(grads)) clipped[k] = grads[k].div(globalNorm);\noptimizer.applyGradients(clipped);`,
    optimizer: 'sgd',
    form: 'call',
    learningRate: 0.1,
    loops: ['variableGrads', 'applyGradients'],
    clipping: ['clipByNorm'],
  },
  {
    name: 'clipByValue in a loss function does not count for fit',
    code: `model.compile({ optimizer: 'adam', loss: (yt, yp) => tf.losses.logLoss(yt, tf.clipByValue(yp, 1e-7, 1 - 1e-7)) });\nmodel.fit(xs, ys);`,
    optimizer: 'adam',
    form: 'string',
    learningRate: 0.001,
    lossResolved: false,
    fit: ['fit'],
    clipping: [],
  },
];

for (const c of cases) {
  test(`training: ${c.name}`, async () => {
    const source = `${TF}${MODEL}${c.code}`;
    const model = onlyModel(source);
    const t = model.training;
    if (c.optimizer) assert.equal(t.optimizer?.kind, c.optimizer);
    if (c.form) assert.equal(t.optimizer?.form, c.form);
    assert.equal(t.learningRate, c.learningRate);
    if (c.loss) assert.equal(t.loss?.name, c.loss);
    if (c.lossResolved !== undefined) assert.equal(t.loss?.resolved, c.lossResolved);
    assert.deepEqual(
      t.fitCalls.map((f) => f.method),
      c.fit ?? [],
    );
    assert.deepEqual(
      t.customLoops.map((l) => l.method),
      c.loops ?? [],
    );
    assert.equal(t.trained, (c.fit ?? []).length + (c.loops ?? []).length > 0);
    if (c.clipping) {
      assert.deepEqual(
        t.clipping.evidence.map((e) => e.kind),
        c.clipping,
      );
      assert.equal(t.clipping.clipped, c.clipping.length > 0);
    }
    for (const call of t.fitCalls) assert.match(textOf(source, call.span), /^model\.\w+\(/);
  });
}

test('optimizer and learning-rate spans point at the source, inherited for a shared constant', () => {
  const source = `${TF}${MODEL}const LR = 0.05;\nmodel.compile({ optimizer: tf.train.sgd(LR), loss: 'hinge' });`;
  const t = onlyModel(source).training;
  assert.equal(textOf(source, t.optimizer?.span), 'tf.train.sgd(LR)');
  assert.equal(textOf(source, t.optimizer?.learningRateSpan), '0.05');
  assert.equal(t.optimizer?.learningRateInherited, true);
  assert.equal(textOf(source, t.loss?.span), `'hinge'`);
  assert.equal(
    textOf(source, t.compile?.span),
    `model.compile({ optimizer: tf.train.sgd(LR), loss: 'hinge' })`,
  );
  const inline = `${TF}${MODEL}model.compile({ optimizer: tf.train.sgd(0.3), loss: 'hinge' });`;
  const o = onlyModel(inline).training.optimizer;
  assert.equal(textOf(inline, o?.learningRateSpan), '0.3');
  assert.equal(o?.learningRateInherited, false);
});

test('compile and fit follow the model returned by a builder', () => {
  const source = `${TF}function buildModel() {\n  const m = tf.sequential();\n  m.add(tf.layers.dense({ units: 2, inputShape: [2] }));\n  return m;\n}\nconst model = buildModel();\nmodel.compile({ optimizer: 'adamax', loss: 'meanSquaredError' });\nmodel.fit(x, y);`;
  const model = onlyModel(source);
  assert.equal(model.name, 'buildModel');
  assert.equal(model.training.learningRate, 0.002);
  assert.equal(model.training.trained, true);
  assert.equal(textOf(source, model.span).startsWith('function buildModel()'), true);
});

/**
 * An `applyGradients` override on a custom loop's optimizer clips that loop. It counts when it is in place
 * at the moment the loop call runs (execution order): installed after training it clipped nothing, and an
 * override on another optimizer says nothing about this one.
 */
interface LoopOverrideCase {
  name: string;
  code: string;
  /** The override assignments credited, by how their text starts. */
  credited: string[];
}

const OVERRIDE = (opt: string): string =>
  `const orig_${opt} = ${opt}.applyGradients.bind(${opt});\n${opt}.applyGradients = (grads) => orig_${opt}(grads);\n`;
const MINIMIZE = `for (let i = 0; i < 10; i++) opt.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs)));\n`;

const loopOverrideCases: LoopOverrideCase[] = [
  {
    name: 'override before a minimize loop, on the same optimizer',
    code: `const opt = tf.train.adam(0.01);\n${OVERRIDE('opt')}${MINIMIZE}`,
    credited: ['opt.applyGradients = '],
  },
  {
    name: 'override before a variableGrads + applyGradients loop',
    code: `const opt = tf.train.sgd(0.1);\n${OVERRIDE('opt')}for (let i = 0; i < 3; i++) {\n  const { grads } = tf.variableGrads(() => model.predict(xs).sum());\n  opt.applyGradients(grads);\n}\n`,
    credited: ['opt.applyGradients = '],
  },
  {
    name: 'override installed by a function called before the loop',
    code: `const opt = tf.train.adam(0.01);\nfunction installClip(o) {\n  const orig = o.applyGradients.bind(o);\n  o.applyGradients = (grads) => orig(grads);\n}\ninstallClip(opt);\n${MINIMIZE}`,
    credited: ['o.applyGradients = '],
  },
  {
    name: 'override on a different optimizer',
    code: `const opt = tf.train.adam(0.01);\nconst other = tf.train.sgd(0.1);\n${OVERRIDE('other')}${MINIMIZE}`,
    credited: [],
  },
  {
    name: 'override only after the loop ran',
    code: `const opt = tf.train.adam(0.01);\n${MINIMIZE}${OVERRIDE('opt')}`,
    credited: [],
  },
  {
    name: 'override after the training function but before its call',
    code: `const opt = tf.train.adam(0.01);\nfunction train() {\n  ${MINIMIZE}}\n${OVERRIDE('opt')}train();\n`,
    credited: ['opt.applyGradients = '],
  },
];

for (const c of loopOverrideCases) {
  test(`training: custom-loop optimizer override: ${c.name}`, () => {
    const source = `${TF}${MODEL}${c.code}`;
    const clipping = onlyModel(source).training.clipping;
    assert.deepEqual(
      clipping.evidence.map((e) => e.kind),
      c.credited.map(() => 'applyGradients-override'),
    );
    clipping.evidence.forEach((e, i) =>
      assert.ok(textOf(source, e.span).startsWith(c.credited[i]), textOf(source, e.span)),
    );
    assert.equal(clipping.clipped, c.credited.length > 0);
  });
}
