import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, MAX_SOURCE_LENGTH, mentionsTfjs } from '../../src/analysis/index';

test('a file that never names tfjs is skipped without parsing', () => {
  // Deliberately broken syntax: if it were parsed there would be a problem.
  const result = analyze('const x = ;;; import React from "react"', 'a.js');
  assert.deepEqual(result, {
    filePath: 'a.js',
    importsTfjs: false,
    access: { tf: null, layers: null },
    models: [],
    problems: [],
  });
});

test('mentionsTfjs accepts the four tfjs packages and rejects look-alikes', () => {
  for (const spec of [
    '@tensorflow/tfjs',
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
    '@tensorflow/tfjs-layers',
  ]) {
    assert.equal(mentionsTfjs(`import * as tf from '${spec}';`), true, spec);
  }
  assert.equal(mentionsTfjs(`import * as tf from '@tensorflow/tfjs-vis';`), false);
  assert.equal(mentionsTfjs(`import x from '@tensorflow/tfjs-core';`), false);
  assert.equal(mentionsTfjs(''), false);
});

test('empty and import-only files produce no models and no problems', () => {
  assert.deepEqual(analyze('', 'empty.ts').problems, []);
  const onlyImport = analyze(`import * as tf from '@tensorflow/tfjs';\n`, 'm.ts');
  assert.equal(onlyImport.importsTfjs, true);
  assert.deepEqual(onlyImport.models, []);
  assert.deepEqual(onlyImport.problems, []);
  assert.deepEqual(onlyImport.access, { tf: 'tf', layers: 'tf.layers' });
});

test('a syntax error becomes a problem with its 1-based position, never an exception', () => {
  const source = `import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: }));\n`;
  const result = analyze(source, 'broken.ts');
  assert.equal(result.importsTfjs, true);
  assert.deepEqual(result.models, []);
  assert.equal(result.problems.length, 1);
  const [problem] = result.problems;
  assert.equal(problem.kind, 'syntax');
  assert.equal(problem.line, 3);
  assert.equal(problem.column, 36); // the `}` after `units: `
  assert.match(problem.message, /expected/i);
});

test('files over the size limit are reported too-large', () => {
  const big =
    `import * as tf from '@tensorflow/tfjs';\n` +
    '// padding\n'.repeat(Math.ceil(MAX_SOURCE_LENGTH / 11) + 10);
  const result = analyze(big, 'big.js');
  assert.equal(result.problems[0]?.kind, 'too-large');
  assert.deepEqual(result.models, []);
});

test('a file over 1 MB but under the limit is analysed', () => {
  const filler = Array.from(
    { length: 30_000 },
    (_, i) => `const value${i} = ${i} * 2 + ${i} * 3; // padding`,
  ).join('\n');
  const source = `import * as tf from '@tensorflow/tfjs';\n${filler}\nconst model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 3, inputShape: [1] }));\n`;
  assert.ok(source.length > 1024 * 1024);
  const result = analyze(source, 'huge.js');
  assert.deepEqual(result.problems, []);
  assert.equal(result.models[0]?.layers.length, 1);
});

test('.js may contain JSX; .ts keeps angle-bracket casts', () => {
  const jsx = analyze(
    `import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nm.add(tf.layers.dense({units: 2, inputShape: [1]}));\nconst el = <b>{1}</b>;`,
    'a.js',
  );
  assert.deepEqual(jsx.problems, []);
  assert.equal(jsx.models.length, 1);
  const cast = analyze(
    `import * as tf from '@tensorflow/tfjs';\nconst m = <tf.Sequential>tf.sequential();\nm.add(tf.layers.dense({units: 2, inputShape: [1]}));`,
    'a.ts',
  );
  assert.deepEqual(cast.problems, []);
  assert.equal(cast.models[0].layers.length, 1);
});

test('pathological input ends with a problem, not a hang or a throw', () => {
  const source = `import * as tf from '@tensorflow/tfjs';\nfunction f(n) { return f(n + 1) + f(n + 2); }\nf(0);\nwhile (true) { let a = 1; }\nconst m = tf.sequential();`;
  const result = analyze(source, 'loop.js');
  assert.ok(Array.isArray(result.problems));
  assert.ok(result.models.length <= 1);
});
