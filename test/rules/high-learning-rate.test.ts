import { rule } from '../../src/rules/high-learning-rate';
import { HEALTHY_RECURRENT_MODEL } from './healthy-recurrent';
import { testRule } from './rule-tester';

const header = "import * as tf from '@tensorflow/tfjs';\n";
const dense = 'tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] })';

testRule(rule, {
  valid: [
    {
      name: 'healthy deep recurrent model, clipped and well set up',
      code: HEALTHY_RECURRENT_MODEL,
    },
    {
      name: 'conventional rates for every optimizer',
      code: `${header}const a = ${dense};
a.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
const b = ${dense};
b.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
const c = ${dense};
c.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'meanSquaredError' });
const d = ${dense};
d.compile({ optimizer: tf.train.adadelta(1.0), loss: 'meanSquaredError' });
const e = ${dense};
e.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'string optimizers use the tfjs default rate',
      code: `${header}const model = ${dense};
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
model.fit(xs, ys);
`,
    },
    {
      name: 'tfjs default rate when the argument is omitted',
      code: `${header}const model = ${dense};
model.compile({ optimizer: tf.train.adam(), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'unknown learning rate (a parameter) is not flagged',
      code: `${header}export function build(lr: number) {
  const model = ${dense};
  model.compile({ optimizer: tf.train.rmsprop(lr), loss: 'meanSquaredError' });
  return model;
}
`,
    },
    {
      name: 'thresholds are options',
      code: `${header}const model = ${dense};
model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
`,
      options: { adam: 0.1 },
    },
  ],
  invalid: [
    {
      name: 'adam at 0.1 in compile',
      code: `${header}const model = ${dense};
model.compile({ optimizer: tf.train.adam(0.1), loss: 'meanSquaredError' });
`,
      errors: [{ messageId: 'tooHigh', line: 3, column: 42, endLine: 3, endColumn: 45 }],
      output: `${header}const model = ${dense};
model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'shared constant: overridden at the call argument, the constant stays',
      code: `${header}const LEARNING_RATE = 0.05;
const model = ${dense};
model.compile({ optimizer: tf.train.adamax(LEARNING_RATE), loss: 'meanSquaredError' });
`,
      errors: [{ messageId: 'tooHigh', line: 4, column: 44, endLine: 4, endColumn: 57 }],
      output: `${header}const LEARNING_RATE = 0.05;
const model = ${dense};
model.compile({ optimizer: tf.train.adamax(0.001), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'optimizer variable with momentum, extra arguments kept',
      code: `${header}const model = ${dense};
const optimizer = tf.train.momentum(0.5, 0.9);
model.compile({ optimizer, loss: 'meanSquaredError' });
`,
      errors: [{ messageId: 'tooHigh', line: 3, column: 37, endLine: 3, endColumn: 40 }],
      output: `${header}const model = ${dense};
const optimizer = tf.train.momentum(0.01, 0.9);
model.compile({ optimizer, loss: 'meanSquaredError' });
`,
    },
    {
      name: 'custom loop with an arithmetic rate',
      code: `${header}const BASE = 0.05;
const model = ${dense};
const sgd = tf.train.sgd(BASE * 10);
for (let i = 0; i < 10; i++) sgd.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor));
`,
      errors: [{ messageId: 'tooHigh', line: 4, column: 26, endLine: 4, endColumn: 35 }],
      output: `${header}const BASE = 0.05;
const model = ${dense};
const sgd = tf.train.sgd(0.01);
for (let i = 0; i < 10; i++) sgd.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor));
`,
    },
    {
      name: 'JS, adagrad and adadelta above their thresholds, double quotes',
      filePath: 'train.js',
      code: `const tf = require("@tensorflow/tfjs");
const a = ${dense};
a.compile({ optimizer: tf.train.adagrad(0.5), loss: "meanSquaredError" });
const b = ${dense};
b.compile({ optimizer: tf.train.adadelta(5), loss: "meanSquaredError" });
`,
      errors: [
        { messageId: 'tooHigh', line: 3, column: 41, endLine: 3, endColumn: 44 },
        { messageId: 'tooHigh', line: 5, column: 42, endLine: 5, endColumn: 43 },
      ],
      output: `const tf = require("@tensorflow/tfjs");
const a = ${dense};
a.compile({ optimizer: tf.train.adagrad(0.01), loss: "meanSquaredError" });
const b = ${dense};
b.compile({ optimizer: tf.train.adadelta(1), loss: "meanSquaredError" });
`,
    },
    {
      name: 'a custom threshold below the conventional rate: the fix writes the threshold',
      code: `${header}const model = ${dense};
model.compile({ optimizer: tf.train.rmsprop(0.001), loss: 'meanSquaredError' });
`,
      options: { rmsprop: 0.0005 },
      errors: [{ messageId: 'tooHigh', line: 3, column: 45, endLine: 3, endColumn: 50 }],
      output: `${header}const model = ${dense};
model.compile({ optimizer: tf.train.rmsprop(0.0005), loss: 'meanSquaredError' });
`,
    },
    {
      name: 'rate through a parameter every call site agrees on: only a suggestion at the argument',
      code: `${header}function makeModel(lr: number) {
  const model = ${dense};
  model.compile({ optimizer: tf.train.adam(lr), loss: 'meanSquaredError' });
  return model;
}
makeModel(0.1);
`,
      errors: [{ messageId: 'tooHigh', line: 4, column: 44, endLine: 4, endColumn: 46 }],
      output: null,
      fixes: [
        [
          `${header}function makeModel(lr: number) {
  const model = ${dense};
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  return model;
}
makeModel(0.1);
`,
        ],
      ],
    },
  ],
});
