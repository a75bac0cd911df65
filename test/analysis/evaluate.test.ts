import assert from 'node:assert/strict';
import { test } from 'node:test';
import { config, onlyModel } from './helpers';

// Each row: declarations, an expression, and the plain value the extractor should resolve it to
// (`?text` when it must stay unknown with that expression text).
const rows: [string, string, unknown][] = [
  ['const A = 3;', 'A * 2 + 1', 7],
  ['const A = 3;', '(A + 1) ** 2 / 4', 4],
  ['const A = 10;', 'A % 4 - -1', 3],
  ['const name = "enc";', '`${name}_${2 * 3}`', 'enc_6'],
  ['const base = { a: 1, b: 2 };', '{ ...base, b: 5 }', { a: 1, b: 5 }],
  ['const xs = [1, 2];', '[0, ...xs, 3]', [0, 1, 2, 3]],
  ['const { p, q: [r] } = { p: 4, q: [7] };', 'p + r', 11],
  ['const s = [8, 16, 32];', 's[s.length - 1]', 32],
  ['const big = true;', 'big ? 128 : 64', 128],
  ['let u;', 'u ?? 12', 12],
  ['const c = { d: { e: 5 } };', 'c?.d?.e', 5],
  ['', 'Math.max(2, Math.floor(7.9), Math.sqrt(16))', 7],
  ['', 'parseInt("42", 10)', 42],
  ['', "'relu'.toUpperCase()", 'RELU'],
  ['const n = 4 as number;', '<number>n + 1', 5],
  ['function half(x) { return x / 2; }', 'half(64)', 32],
  ['const double = (x: number) => x * 2;', 'double(double(3))', 12],
  ['const widths = [1, 2, 3];', 'widths.map((w) => w * 10).reduce((a, b) => a + b, 0)', 60],
  ['const k = { a: 1, b: 2 };', 'Object.keys(k).length', 2],
  ['let total = 0;', '(() => { for (let i = 1; i <= 4; i++) total += i; return total; })()', 10],
  ['declare const WIDTH: number;', 'WIDTH * 2', '?WIDTH * 2'],
  ['', 'process.env.UNITS', '?process.env.UNITS'],
  ['', 'Math.random() > 2 ? 1 : 2', '?Math.random() > 2 ? 1 : 2'],
  ['', 'someUnknownFn(3)', '?someUnknownFn(3)'],
];

for (const [declarations, expression, expected] of rows) {
  test(`evaluate: ${expression}`, () => {
    const source = `import * as tf from '@tensorflow/tfjs';\n${declarations}\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 1, probe: ${expression} }));\n`;
    const model = onlyModel(source, 'm.ts');
    assert.deepEqual(config(model.layers[0]).probe, expected);
  });
}
