/** Models as class instances and worker globals: `extends tf.Sequential`, `new tf.Sequential()`, `self.model`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { config, run } from './helpers';

const TF = "import * as tf from '@tensorflow/tfjs';\n";
const summary = (models: ModelGraph[]) =>
  models.map(
    (m) =>
      `${m.name}: ${m.layers.map((l) => l.factory + (l.conditional ? '?' : '')).join(' ')}${m.training.trained ? ' (trained)' : ''}`,
  );

test('a class extending tf.Sequential is a model: super() then this.add(...), fields read through this', () => {
  const result = run(
    `${TF}export class Policy extends tf.Sequential {
  constructor(inputs, actions, hidden) {
    super();
    this.inputs_ = inputs;
    hidden.forEach((units, i) => {
      this.add(tf.layers.dense({ units, activation: 'relu', inputShape: i === 0 ? [this.inputs_] : undefined }));
    });
    this.add(tf.layers.dense({ units: actions }));
  }
}
const policy = new Policy(4, 2, [24, 24]);
policy.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
policy.fit(xs, ys);
`,
    'policy.js',
  );
  assert.deepEqual(summary(result.models), ['Policy: dense dense dense (trained)']);
  const first = result.models[0].layers[0].config.props.inputShape?.value;
  assert.deepEqual(first, { kind: 'array', items: [{ kind: 'number', value: 4 }] });
});

test('a model class never constructed in its file is built once with unknown parameters', () => {
  const result = run(
    `${TF}export class Net extends tf.Sequential {
  constructor() {
    super({ layers: [tf.layers.dense({ units: 8, inputShape: [3] }), tf.layers.dense({ units: 1 })] });
  }
}
export class Deep extends tf.Sequential {
  constructor(widths) {
    super();
    for (const units of widths) this.add(tf.layers.dense({ units }));
    this.add(tf.layers.dense({ units: 1 }));
  }
}
`,
    'nets.ts',
  );
  assert.deepEqual(summary(result.models), ['Net: dense dense', 'Deep: dense? dense']);
});

test('new tf.Sequential() is tf.sequential()', () => {
  const result = run(
    `${TF}const model = new tf.Sequential();
model.add(tf.layers.dense({ units: 2, inputShape: [3] }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
`,
    'plain.ts',
  );
  assert.deepEqual(summary(result.models), ['model: dense dense']);
});

test('a worker keeps its model on self: self.model = tf.sequential() then self.model.add(...)', () => {
  const result = run(
    `importScripts('tf.min.js');
self.create = (steps, depth, units) => {
  self.model = tf.sequential();
  for (let i = 0; i < depth; i++) {
    self.model.add(tf.layers.gru({ units, returnSequences: i < depth - 1, inputShape: i === 0 ? [steps, 1] : undefined }));
  }
  self.model.add(tf.layers.dense({ units: 1 }));
  return self.model;
};
self.onmessage = () => {
  const model = self.create(12, 2, 16);
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  model.fit(xs, ys);
};
`,
    'worker.js',
  );
  assert.deepEqual(summary(result.models), ['create: gru gru dense (trained)']);
});

test('React string state the page sets is a choice: one variant per branch; number state keeps its value', () => {
  const result = run(
    `import React, { useEffect, useState } from 'react';
${TF}export const App = () => {
  const [kind, setKind] = useState('small');
  const [units] = useState(32);
  useEffect(() => {
    const model = tf.sequential();
    if (kind === 'small') {
      model.add(tf.layers.dense({ units, inputShape: [4] }));
    } else {
      model.add(tf.layers.dense({ units: 128, inputShape: [4] }));
      model.add(tf.layers.dense({ units: 128 }));
    }
    model.add(tf.layers.dense({ units: 1 }));
  }, [kind]);
  return <select onChange={(e) => setKind(e.target.value)} />;
};
`,
    'App.jsx',
  );
  assert.deepEqual(
    result.models.map((m) => `${m.variant?.id}: ${m.layers.map((l) => l.factory).join(' ')}`),
    ['small: dense dense', 'not-small: dense dense dense'],
  );
  assert.deepEqual(result.models[0].layers[0].config.props.units?.value, {
    kind: 'number',
    value: 32,
  });
});

test("'key' in options decides on an object literal argument", () => {
  const result = run(
    `${TF}function build(params) {
  const model = tf.sequential();
  const widths = 'widths' in params ? params.widths : [8];
  widths.forEach((units, i) => model.add(tf.layers.dense({ units, inputShape: i === 0 ? [2] : undefined })));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}
const a = build({ widths: [16, 16, 16] });
`,
    'in.js',
  );
  assert.deepEqual(summary(result.models), ['build: dense dense dense dense']);
});

test('a subclass of an abstract base extending tf.Sequential is the model, named by the subclass', () => {
  const result = run(
    `import { Sequential, layers } from '@tensorflow/tfjs';
abstract class Classifier extends Sequential {
  constructor(settings) {
    super();
    this.build(settings);
  }
  protected abstract build(settings): void;
}
export class Conv extends Classifier {
  protected build(settings) {
    this.add(layers.conv1d({ filters: settings.filters, kernelSize: 3, inputShape: [32, 1] }));
    this.add(layers.globalMaxPooling1d());
    this.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  }
}
export class Flat extends Classifier {
  protected build(settings) {
    this.add(layers.flatten({ inputShape: [32, 1] }));
    this.add(layers.dense({ units: settings.hidden }));
    this.add(layers.dense({ units: 1 }));
  }
}
const flat = new Flat({ hidden: 8 });
flat.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
flat.fit(xs, ys);
`,
    'classifiers.ts',
  );
  // The abstract base is no model of its own; the subclass never constructed is built once.
  assert.deepEqual(summary(result.models).sort(), [
    'Conv: conv1d globalMaxPooling1d dense',
    'Flat: flatten dense dense (trained)',
  ]);
});

test('a typed field declared without a value is open in a builder method run on its own, not undefined', () => {
  const result = run(
    `${TF}export class CharModel {
  steps_: number;
  alphabet_: number;
  hint?: number;
  net: tf.LayersModel | undefined;
  constructor(data: Corpus) {
    this.steps_ = data.windowLength();
    this.alphabet_ = data.alphabetSize();
  }
  build = (units: number): void => {
    const net = tf.sequential();
    net.add(tf.layers.gru({ units, inputShape: [this.steps_, this.alphabet_] }));
    net.add(tf.layers.dense({ units: this.alphabet_, activation: 'softmax' }));
    this.net = net;
    if (!this.net) throw new Error('no model');
    net.add(tf.layers.dense({ units: this.hint === undefined ? 3 : 4 }));
  };
}
`,
    'char-model.ts',
  );
  const model = result.models[0]!;
  assert.deepEqual(
    model.layers.map((l) => config(l)),
    [
      { units: '?units', inputShape: ['?this.steps_', '?this.alphabet_'] },
      { units: '?this.alphabet_', activation: 'softmax' },
      // `hint?:` may be undefined, as it is in JavaScript: its branch is decided.
      { units: 3 },
    ],
  );
});
