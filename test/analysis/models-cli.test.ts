import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main';

const root = join(__dirname, '../..');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), cwd: root },
    out,
    err,
  };
}

interface JsonLayer {
  factory: string;
  config: Record<string, unknown>;
  unknown: string[];
  line: number;
}
interface JsonModel {
  name: string;
  kind: string;
  line: number;
  layers: JsonLayer[];
  unknowns: string[];
  training: {
    optimizer: string | null;
    learningRate: number | null;
    loss: string | null;
    clipping: boolean;
    trained: boolean;
  };
  edges?: { from: string; to: string }[];
}

const examples = readdirSync(join(root, 'examples'))
  .filter((f) => /\.(js|ts)$/.test(f))
  .sort();

test('models --format json on every example: one fully resolved, trained model each', async () => {
  assert.ok(examples.length >= 6, 'the examples folder has its model files');
  const { io, out, err } = capture();
  const code = await main(
    ['models', '--format', 'json', ...examples.map((f) => `examples/${f}`)],
    io,
  );
  assert.equal(code, 0, err.join(''));
  const files = JSON.parse(out.join('')) as { file: string; models: JsonModel[] }[];
  assert.equal(files.length, examples.length);
  for (const file of files) {
    assert.equal(file.models.length, 1, file.file);
    const [model] = file.models;
    assert.deepEqual(
      model.unknowns,
      [],
      `${file.file}: everything needed to build the model resolves`,
    );
    assert.ok(model.layers.length >= 2, file.file);
    assert.ok(
      model.layers.every((l) => l.unknown.length === 0 && l.line > 0),
      file.file,
    );
    assert.ok(model.training.trained, `${file.file} trains its model`);
    assert.equal(typeof model.training.learningRate, 'number', file.file);
    const first = model.layers[0].config;
    assert.ok(
      model.kind === 'functional' || 'inputShape' in first || 'batchInputShape' in first,
      `${file.file} has an input shape`,
    );
  }
  const byFile = Object.fromEntries(
    files.map((f) => [f.file.replace('examples/', ''), f.models[0]]),
  );
  assert.equal(byFile['high-learning-rate.js'].training.learningRate, 2);
  assert.equal(byFile['sigmoid-mse.ts'].training.loss, 'meanSquaredError');
  assert.deepEqual(byFile['sigmoid-mse.ts'].layers[0].config.inputShape, [12]);
  assert.equal(
    byFile['deep-sigmoid-mlp.js'].layers.filter((l) => l.config.activation === 'sigmoid').length,
    8,
  );
  assert.deepEqual(
    byFile['lstm-text-no-clipping.js'].layers.map((l) => l.factory),
    ['lstm', 'lstm', 'dense'],
  );
  const resnet = byFile['residual-cnn.ts'];
  assert.equal(resnet.kind, 'functional');
  assert.equal(resnet.layers.filter((l) => l.factory === 'add').length, 3);
  assert.ok((resnet.edges ?? []).length > resnet.layers.length, 'skip connections add edges');
});

test('models text output: a summary per model with layers and training', async () => {
  const { io, out } = capture();
  assert.equal(await main(['models', 'examples/deep-sigmoid-mlp.js'], io), 0);
  const text = out.join('');
  assert.match(text, /createModel \(sequential, line \d+\): 9 layers, depth 9/);
  assert.match(text, /dense\s+64\s+sigmoid/);
  assert.match(text, /loop 7\/7/);
  assert.match(
    text,
    /training: sgd lr 0\.05; loss categoricalCrossentropy; trained by fit; no gradient clipping/,
  );
});

test('models: unreadable and unparsable files exit 2 with a one-line reason; the others still print', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-models-'));
  const broken = join(dir, 'broken.ts');
  writeFileSync(broken, `import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential(;\n`);
  const { io, out, err } = capture();
  const code = await main(
    ['models', join(dir, 'missing.js'), broken, 'examples/healthy-mlp.js'],
    io,
  );
  assert.equal(code, 2);
  const lines = err.join('').trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /missing\.js: no such file$/);
  assert.match(lines[1], /broken\.ts: syntax error at 2:25: /);
  assert.match(out.join(''), /createModel \(sequential/);
});

test('models on a folder: the files under it that hold a model, named relative to the cwd', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-models-'));
  mkdirSync(join(dir, 'src', 'nets'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'lib'), { recursive: true });
  const tfjs = `import * as tf from '@tensorflow/tfjs';\nexport function makeNet() {\n  return tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] })] });\n}\n`;
  writeFileSync(join(dir, 'src', 'nets', 'net.js'), tfjs);
  writeFileSync(join(dir, 'node_modules', 'lib', 'net.js'), tfjs);
  writeFileSync(join(dir, 'src', 'util.js'), 'export const answer = 42;\n');
  writeFileSync(
    join(dir, 'train.py'),
    'from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(2)])\n',
  );
  const { io, out, err } = capture();
  io.cwd = dir;
  assert.equal(await main(['models', '--format', 'json', '.'], io), 0, err.join(''));
  const files = (JSON.parse(out.join('')) as { file: string; models: JsonModel[] }[]).map((r) => [
    r.file,
    r.models.map((m) => m.name),
  ]);
  assert.deepEqual(files, [
    [join('src', 'nets', 'net.js'), ['makeNet']],
    ['train.py', ['model']],
  ]);
  const text = capture();
  assert.equal(await main(['models', dir], text.io), 0);
  assert.match(text.out.join(''), new RegExp(`^${join(dir, 'src', 'nets', 'net.js')}\\n`));
});

test('models: usage errors exit 2', async () => {
  for (const argv of [
    ['models'],
    ['models', '--format', 'xml', 'a.js'],
    ['models', '--bogus', 'a.js'],
  ]) {
    const { io, err } = capture();
    assert.equal(await main(argv, io), 2, argv.join(' '));
    assert.ok(err.join('').length > 0);
  }
  const { io, out } = capture();
  assert.equal(await main(['models', '--help'], io), 0);
  assert.match(out.join(''), /--format text\|json/);
});

test('models: a file without tfjs says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-models-'));
  const plain = join(dir, 'plain.js');
  writeFileSync(plain, 'export const answer = 42;\n');
  const { io, out } = capture();
  assert.equal(await main(['models', plain], io), 0);
  assert.match(out.join(''), /does not import tfjs/);
});

test('models text on a class that keeps its sizes in fields: no crash, undefined and unknown values shown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-models-class-'));
  writeFileSync(
    join(dir, 'policy.js'),
    `import * as tf from '@tensorflow/tfjs';
export class Policy {
  constructor(opts = {}) {
    this.hidden = opts.hidden;
    this.inputs = 4;
  }
  build() {
    this.net = tf.sequential();
    this.net.add(tf.layers.dense({ units: this.hidden, inputShape: [this.inputs] }));
    this.net.add(tf.layers.dense({ units: this.outputs }));
  }
}
`,
  );
  const { io, out, err } = capture();
  const code = await main(['models', join(dir, 'policy.js')], io);
  assert.equal(code, 0, err.join(''));
  const text = out.join('');
  assert.match(text, /net \(sequential, line 8\)/);
  assert.match(text, /0\s+9\s+dense\s+undefined/);
  assert.match(text, /1\s+10\s+dense\s+<this\.outputs>/);
  assert.match(text, /unresolved: this\.outputs/);
});
