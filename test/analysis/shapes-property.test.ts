/**
 * Property test over the shapes real projects write (branching builders, classes with fields, config
 * arrays, React state, a global tf, loaded bases), filled with arbitrary values: the extractor, the
 * linter and both `models` formats never crash, and each model's probeArgs select exactly it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../src/analysis/index';
import { main } from '../../src/cli/main';
import { lintText } from '../../src/lint/index';
import { selectModel } from '../../src/probe/select';

const value = fc.oneof(
  fc.integer({ min: -3, max: 300 }).map(String),
  fc.constantFrom('undefined', 'null', "'relu'", 'this.size', 'cfg.units', 'NaN', '[4]', 'units'),
);
const header = fc.constantFrom(
  "import * as tf from '@tensorflow/tfjs';\n",
  "const tf = require('@tensorflow/tfjs');\n",
  '', // a page that loads tfjs with a <script> tag
  'const tf = window.tf;\n',
);

const shapes: fc.Arbitrary<string>[] = [
  fc.tuple(value, value, fc.constantFrom('if', 'switch', 'ternary')).map(
    ([a, b, kind]) => `export function build(modelType, units = ${a}) {
  const model = tf.sequential();
  ${
    kind === 'if'
      ? `if (modelType === 'cnn') model.add(tf.layers.conv1d({ filters: ${a}, kernelSize: 3, inputShape: [10, 2] }));
  else if (modelType === 'rnn') model.add(tf.layers.lstm({ units: ${b}, inputShape: [10, 2] }));
  else throw new Error(modelType);`
      : kind === 'switch'
        ? `switch (modelType) { case 'a': model.add(tf.layers.dense({ units: ${a}, inputShape: [3] })); break; case 'b': return null; default: model.add(tf.layers.gru({ units })); }`
        : `model.add(modelType ? tf.layers.dense({ units: ${a}, inputShape: [3] }) : tf.layers.dense({ units: ${b}, inputShape: [3] }));`
  }
  model.add(tf.layers.dense({ units: ${b} }));
  return model;
}`,
  ),
  fc.tuple(value, value).map(
    ([a, b]) => `class Net {
  size = ${a};
  constructor(opts = {}) { this.units = opts.units ?? ${b}; this.depth = ${a}; }
  build() {
    this.model = tf.sequential();
    for (let i = 0; i < this.depth; i++) this.model.add(tf.layers.dense({ units: this.units, inputShape: i === 0 ? [this.size] : undefined }));
    this.model.add(tf.layers.dense({ units: this.missing }));
  }
  async train(xs, ys) { this.model.compile({ optimizer: tf.train.adam(${a}), loss: 'meanSquaredError' }); await this.model.fit(xs, ys); }
}`,
  ),
  fc
    .array(fc.tuple(fc.constantFrom('dense', 'dropout', 'lstm', 'nope', ''), value), {
      maxLength: 4,
    })
    .map(
      (
        specs,
      ) => `const specs = [${specs.map(([type, v]) => `{ type: '${type}', units: ${v}, rate: 0.1 }`).join(', ')}];
export const fromSpecs = () => tf.sequential({ layers: specs.map((s) => tf.layers[s.type](s)) });`,
    ),
  fc.tuple(value, value).map(
    ([a, b]) => `export function Panel() {
  const [units, setUnits] = useState(${a});
  const [depth] = React.useState(() => ${b});
  const m = tf.sequential();
  for (let i = 0; i < depth; i++) m.add(tf.layers.dense({ units, inputShape: [2] }));
  return m;
}`,
  ),
  value.map(
    (a) => `export async function transfer() {
  const base = await tf.loadLayersModel(${a});
  const cut = tf.model({ inputs: base.inputs, outputs: base.getLayer(${a}).output });
  const head = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: cut.outputs[0].shape.slice(1) })] });
  const stacked = tf.sequential(); stacked.add(base); stacked.add(tf.layers.dense({ units: ${a} }));
  return tf.model({ inputs: cut.inputs, outputs: head.apply(cut.outputs[0]) });
}`,
  ),
];

const program = fc
  .tuple(header, fc.array(fc.oneof(...shapes), { minLength: 1, maxLength: 3 }))
  .map(([head, parts]) => head + parts.join('\n'));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), cwd: '/' };
  return { io, out, err };
}

test(
  'real-project shapes with arbitrary values: no crash in any output format',
  { timeout: 180_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-shapes-'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(program, async (source) => {
        const file = join(dir, `case${n++}.js`);
        writeFileSync(file, source);
        const result = analyze(source, file);
        const crashes = result.problems.filter(
          (p) => p.kind === 'internal' && !/paths through|stopped early/.test(p.message),
        );
        assert.deepEqual(crashes, [], source);
        const lint = lintText(source, file);
        assert.ok(
          !lint.problems.some((p) => p.kind === 'internal' && /crashed|failed/.test(p.message)),
          source,
        );
        for (const format of ['text', 'json']) {
          const { io, out, err } = capture();
          const code = await main(['models', file, '--format', format], io);
          assert.equal(code, 0, `${format}: ${err.join('')}\n${source}`);
          if (format === 'json') {
            const [report] = JSON.parse(out.join('')) as { models: { probeArgs: string[] }[] }[];
            report.models.forEach((m, i) => {
              const args = m.probeArgs;
              const at = (flag: string) => {
                const k = args.indexOf(flag);
                return k >= 0 ? args[k + 1] : undefined;
              };
              const line = at('--line');
              const picked = selectModel(result.models, {
                name: at('--model'),
                line: line === undefined ? undefined : Number(line),
                variant: at('--variant'),
              });
              assert.ok(
                picked.ok && picked.model === result.models[i],
                `${args.join(' ')}\n${source}`,
              );
            });
          } else assert.equal(typeof out.join(''), 'string');
        }
      }),
      { numRuns: 60, seed: 20261201 },
    );
  },
);
