import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSpanConsistent, onlyModel, textOf } from './helpers';

const source = `import * as tf from '@tensorflow/tfjs';
const shared = { activation: 'tanh', kernelInitializer: 'glorotUniform' };
const cfg = { units: 3 };

export function build() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, ...shared, inputShape: [4] }));
  model.add(tf.layers.dense(cfg));
  model.add(tf.layers.flatten());
  return model;
}
`;

test('spans: layer call, config properties, values and the inline object literal', () => {
  const model = onlyModel(source);
  const [first, second, third] = model.layers;
  assert.equal(
    textOf(source, first.callSpan),
    `tf.layers.dense({ units: 16, ...shared, inputShape: [4] })`,
  );
  assert.equal(
    textOf(source, first.config.objectSpan),
    `{ units: 16, ...shared, inputShape: [4] }`,
  );
  assert.equal(first.config.text, `{ units: 16, ...shared, inputShape: [4] }`);
  const units = first.config.props.units;
  assert.equal(textOf(source, units.span), 'units: 16');
  assert.equal(textOf(source, units.valueSpan), '16');
  assert.equal(units.inherited, false);
  const activation = first.config.props.activation;
  assert.equal(textOf(source, activation.span), `activation: 'tanh'`);
  assert.equal(textOf(source, activation.valueSpan), `'tanh'`);
  assert.equal(activation.inherited, true, 'came through ...shared');
  assert.equal(textOf(source, first.config.props.inputShape.valueSpan), '[4]');

  // A config held in a variable: no inline literal to insert into, every property shared.
  assert.equal(second.config.objectSpan, null);
  assert.equal(second.config.text, 'cfg');
  assert.equal(second.config.props.units.inherited, true);
  assert.equal(textOf(source, second.config.props.units.span), 'units: 3');

  assert.deepEqual(third.config, { props: {}, objectSpan: null, opaque: false, text: '' });

  assert.equal(textOf(source, model.anchor), 'tf.sequential()');
  assert.ok(textOf(source, model.span).startsWith('function build()'));
  for (const layer of model.layers) {
    assertSpanConsistent(source, layer.callSpan);
    for (const prop of Object.values(layer.config.props)) {
      if (prop.span) assertSpanConsistent(source, prop.span);
      if (prop.valueSpan) assertSpanConsistent(source, prop.valueSpan);
    }
  }
  assertSpanConsistent(source, model.anchor);
  assertSpanConsistent(source, model.span);
});

test('spans: lines and 1-based columns on a known position', () => {
  const model = onlyModel(source);
  const span = model.layers[0].callSpan;
  assert.equal(span.line, 7);
  assert.equal(span.column, 13);
  assert.equal(span.endLine, 7);
});

test('spans: a model built at the top level spans creation through the last add', () => {
  const src = `import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nconst x = 1;\nm.add(tf.layers.dense({ units: 1, inputShape: [1] }));\nconsole.log(x);\n`;
  const model = onlyModel(src);
  assert.equal(
    textOf(src, model.span),
    `tf.sequential();\nconst x = 1;\nm.add(tf.layers.dense({ units: 1, inputShape: [1] }))`,
  );
});

test('spans: optional chaining, TS casts and unicode before the layer keep offsets right', () => {
  const src = `import * as tf from '@tensorflow/tfjs';\n// ünïcödé 😀 comment\nconst m = tf.sequential() as tf.Sequential;\nm?.add(tf.layers.dense({ units: 2 as number, inputShape: [1] }) as tf.layers.Layer);\n`;
  const model = onlyModel(src);
  const layer = model.layers[0];
  assert.equal(
    textOf(src, layer.callSpan),
    `tf.layers.dense({ units: 2 as number, inputShape: [1] })`,
  );
  assert.equal(textOf(src, layer.config.props.units.valueSpan), '2 as number');
  assert.deepEqual(layer.config.props.units.value, { kind: 'number', value: 2 });
  assertSpanConsistent(src, layer.callSpan);
});

test('spans: properties nested in the layer literal (initializer args) are its own, not inherited', () => {
  const src = `import * as tf from '@tensorflow/tfjs';\nconst init = tf.initializers.randomNormal({ stddev: 0.5 });\nconst m = tf.sequential();\nm.add(tf.layers.dense({ units: 2, inputShape: [1], kernelInitializer: tf.initializers.randomNormal({ stddev: 2 }), biasInitializer: init }));\n`;
  const layer = onlyModel(src).layers[0];
  const kernel = layer.config.props.kernelInitializer.value;
  assert.equal(kernel.kind, 'call');
  const own = kernel.kind === 'call' ? kernel.args[0] : null;
  assert.equal(own?.kind, 'object');
  const stddev = own?.kind === 'object' ? own.props.stddev : null;
  assert.equal(textOf(src, stddev?.valueSpan), '2');
  assert.equal(stddev?.inherited, false);
  const shared = layer.config.props.biasInitializer.value;
  const sharedArg = shared.kind === 'call' ? shared.args[0] : null;
  const sharedStddev = sharedArg?.kind === 'object' ? sharedArg.props.stddev : null;
  assert.equal(textOf(src, sharedStddev?.valueSpan), '0.5');
  assert.equal(sharedStddev?.inherited, true);
});
