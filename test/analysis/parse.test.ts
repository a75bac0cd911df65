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
  // Mostly one embedded data string (as bundled vocabularies are), plus ordinary code.
  const code = Array.from({ length: 2_000 }, (_, i) => `const value${i} = ${i} * 2;`).join('\n');
  const filler = `const VOCAB = '${'word '.repeat(220_000)}';\n${code}`;
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
  assert.equal(result.models.length, 1);
});

test('a heavy data loop before the model does not hide it', () => {
  const source = `import * as tf from '@tensorflow/tfjs';\nlet s = 0;\nfor (let i = 0; i < 1e6; i++) for (let j = 0; j < 1e6; j++) s += i * j;\nconst m = tf.sequential();\nm.add(tf.layers.dense({ units: 2, inputShape: [1] }));`;
  const result = analyze(source, 'data.js');
  assert.deepEqual(result.problems, []);
  assert.equal(result.models[0]?.layers.length, 1);
});

test('runaway computation stops with an incomplete-analysis problem; other functions are still analysed', () => {
  const source = `import * as tf from '@tensorflow/tfjs';\nexport function heavy() {\n  const a = Array.from({ length: 100000 }, (_, i) => i);\n  return a.map((x) => a.map((y) => x + y));\n}\nexport function build() {\n  const model = tf.sequential();\n  model.add(tf.layers.dense({ units: 3, inputShape: [3] }));\n  return model;\n}\nexport function useTf() { return heavy().length + tf.layers.dense({ units: 1 }).name; }`;
  const result = analyze(source, 'heavy.js');
  assert.equal(result.models.length, 1);
  assert.equal(result.models[0].name, 'build');
  const stops = result.problems.filter((p) => p.kind === 'incomplete');
  assert.equal(stops.length, 1);
  assert.equal(result.problems.length, 1, 'a limit reached, no crash');
  assert.match(stops[0].message, /stopped early in useTf/);
  assert.equal(stops[0].line, 11);
});

test('labelled break leaves only the labelled loop', () => {
  const source = `import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential();\nouter: for (let i = 0; i < 3; i++) {\n  for (let j = 0; j < 3; j++) {\n    if (i === 1) break outer;\n    m.add(tf.layers.dense({ units: 10 * i + j }));\n  }\n}\nm.add(tf.layers.dense({ units: 99 }));`;
  const result = analyze(source, 'label.js');
  assert.deepEqual(
    result.models[0].layers.map((l) => (l.config.props.units.value as { value: number }).value),
    [0, 1, 2, 99],
  );
});

test('access names how the file reaches tf and tf.layers', () => {
  const cases: [string, { tf: string | null; layers: string | null }][] = [
    [`import * as tf from '@tensorflow/tfjs';`, { tf: 'tf', layers: 'tf.layers' }],
    [
      `import * as tfn from '@tensorflow/tfjs-node';\nconst L = tfn.layers;`,
      { tf: 'tfn', layers: 'L' },
    ],
    [`import { layers, sequential } from '@tensorflow/tfjs';`, { tf: null, layers: 'layers' }],
    [`import { sequential } from '@tensorflow/tfjs';`, { tf: null, layers: null }],
    [`const tf = require('@tensorflow/tfjs');`, { tf: 'tf', layers: 'tf.layers' }],
  ];
  for (const [source, access] of cases)
    assert.deepEqual(analyze(source, 'a.ts').access, access, source);
});

test('parseSource gives the tree typescript-estree parses from the text itself', async () => {
  const { parse } = await import('@typescript-eslint/typescript-estree');
  const { PARSE_OPTIONS, parseSource } = await import('../../src/analysis/js/parse');
  // `export` keywords, a constructor, import.meta and an import with attributes are where
  // typescript-estree asks TypeScript for a node's tokens (the children parseSource lets go of).
  const code = [
    "import * as tf from '@tensorflow/tfjs';",
    "import data from './data.json' with { type: 'json' };",
    'export const rate = 0.1;',
    'export default class Net { private constructor(readonly units = 4) {} }',
    'export function build<T>(x: T) { return tf.sequential({ name: import.meta.url }); }',
    'const cast = <number>rate;',
  ].join('\n');
  const jsx = 'export const view = (x) => <div>{x}</div>;\nconst y = data;';
  for (const [text, file, asJsx] of [
    [code, 'model.ts', false],
    [jsx, 'view.js', true],
    [jsx, 'view.tsx', true],
  ] as const) {
    const outcome = parseSource(text, file);
    assert.ok(outcome.ok, file);
    assert.deepEqual(outcome.ast, parse(text, { ...PARSE_OPTIONS, jsx: asJsx }), file);
  }
});

test('the installed TypeScript can move a tree’s children off it (else every tree is promoted)', async () => {
  const ts = (await import('typescript')) as unknown as Record<string, unknown>;
  assert.equal(typeof ts.transferSourceFileChildren, 'function');
});

test('valid code parses to the tree of typescript-estree’s checked parse (the checks parseSource skips only ever throw)', async () => {
  const { parse } = await import('@typescript-eslint/typescript-estree');
  const { parseSource } = await import('../../src/analysis/js/parse');
  // Modifiers, decorators, declarations, destructuring targets, switch and catch: what the checks
  // typescript-estree runs on every node look at.
  const code = [
    "import * as tf from '@tensorflow/tfjs';",
    'declare const injected: number;',
    'declare function shape(x: number): number[];',
    'abstract class Base { abstract build(): tf.Sequential; protected static readonly size = 8; }',
    'function logged(target: unknown, key: string) {}',
    'class Net extends Base {',
    '  @logged build() { return tf.sequential(); }',
    '  declare units: number;',
    '  private rate!: number;',
    '  async *steps() { yield 1; }',
    '}',
    'let { a = 1, ...rest } = { a: 2, b: 3 };',
    '[a, ...rest.list] = [1, 2];',
    'switch (a) { case 1: break; default: a = 2; }',
    'try { new Net().build(); } catch ({ message }) { throw new Error(message); }',
    'export type Units = number;',
    'export abstract class Head {}',
  ].join('\n');
  const outcome = parseSource(code, 'model.ts');
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.ast, parse(code, { loc: true, range: true, jsDocParsingMode: 'none' }));
});

test('a grammar error TypeScript’s parser reads past does not hide the model', () => {
  // A catch clause with an initializer: the checked parse would reject the file (so do engines),
  // but the model beside it is plain to read.
  const code = [
    "import * as tf from '@tensorflow/tfjs';",
    'export function build() {',
    '  const model = tf.sequential();',
    "  model.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }));",
    '  model.add(tf.layers.dense({ units: 1 }));',
    '  return model;',
    '}',
    'try { build(); } catch (error = null) {}',
  ].join('\n');
  const result = analyze(code, 'catch-default.js');
  assert.deepEqual(
    result.problems.filter((p) => p.kind === 'syntax'),
    [],
  );
  assert.deepEqual(
    result.models.map((m) => m.layers.map((l) => l.factory)),
    [['dense', 'dense']],
  );
});

test('what TypeScript’s own parser rejects is still a syntax problem', () => {
  const result = analyze(
    "import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential({ layers: [ };\n",
    'broken.js',
  );
  assert.equal(result.problems[0]?.kind, 'syntax');
  assert.equal(result.problems[0]?.line, 2);
});
