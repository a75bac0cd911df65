/** The CLI on Python files: lint (stylish, SARIF, directives in `#` comments) and models (JSON). */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../src/cli/main';

const root = join(__dirname, '../../..');
const fixture = 'test/fixtures/keras/deep-sigmoid-rnn.py';

async function run(args: string[], cwd = root) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), cwd });
  return { code, out: out.join(''), err: err.join('') };
}

test('lint on a .py file prints its findings with Python line numbers', async () => {
  const { out, err } = await run(['lint', fixture]);
  assert.equal(err, '');
  assert.match(out, /deep-sigmoid-rnn\.py/);
  assert.match(out, /6:\d+\s+warning\s+SimpleRNN over 200 time steps/);
  assert.match(out, /rnn-without-clipping/);
});

test('lint DIR finds the .py files in a folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-py-'));
  writeFileSync(join(dir, 'train.py'), readFileSync(join(root, fixture), 'utf8'));
  writeFileSync(join(dir, 'notes.txt'), 'model.add(Dense(1))');
  const { out } = await run(['lint', '--format', 'json', dir]);
  const files = JSON.parse(out) as { filePath: string; messages: unknown[] }[];
  assert.deepEqual(
    files.map((f) => f.filePath.replace(dir, '')),
    ['/train.py'],
  );
  assert.ok(files[0].messages.length > 0);
});

test('lint --format sarif reports Python findings with their regions', async () => {
  const { out } = await run(['lint', '--format', 'sarif', fixture]);
  const sarif = JSON.parse(out) as {
    runs: {
      results: {
        ruleId: string;
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        }[];
      }[];
    }[];
  };
  const results = sarif.runs[0].results;
  const rnn = results.find((r) => r.ruleId === 'simple-rnn-long-sequence');
  assert.ok(rnn, JSON.stringify(results.map((r) => r.ruleId)));
  assert.match(rnn.locations[0].physicalLocation.artifactLocation.uri, /deep-sigmoid-rnn\.py$/);
  assert.equal(rnn.locations[0].physicalLocation.region.startLine, 6);
});

test('# gradient-lens-disable-next-line in a Python comment suppresses the finding', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-py-'));
  const source = readFileSync(join(root, fixture), 'utf8').replace(
    'model.add(SimpleRNN(',
    '# gradient-lens-disable-next-line simple-rnn-long-sequence -- measured elsewhere\nmodel.add(SimpleRNN(',
  );
  writeFileSync(join(dir, 'train.py'), source);
  const { out } = await run(['lint', '--format', 'json', join(dir, 'train.py')]);
  const ids = (JSON.parse(out) as { messages: { ruleId: string }[] }[])[0].messages.map(
    (m) => m.ruleId,
  );
  assert.ok(!ids.includes('simple-rnn-long-sequence'), ids.join(', '));
  assert.ok(ids.includes('rnn-without-clipping'), 'other rules still report');
  // A `#` inside a string is not a comment.
  writeFileSync(
    join(dir, 'str.py'),
    source.replace('# gradient-lens-disable-next-line', 'x = "# gradient-lens-disable-next-line'),
  );
  const strOut = await run(['lint', '--format', 'json', join(dir, 'str.py')]);
  const strIds = (JSON.parse(strOut.out) as { messages: { ruleId: string }[] }[])[0].messages.map(
    (m) => m.ruleId,
  );
  assert.ok(strIds.includes('simple-rnn-long-sequence'));
});

test('models --format json gives the Keras model with its probeArgs', async () => {
  const { code, out, err } = await run(['models', '--format', 'json', fixture]);
  assert.equal(code, 0, err);
  const [file] = JSON.parse(out) as {
    file: string;
    models: {
      name: string;
      kind: string;
      layers: { factory: string }[];
      probeArgs: string[];
      training: {
        optimizer: string | null;
        learningRate: number | null;
        trained: boolean;
        clipping: boolean;
      };
    }[];
  }[];
  assert.equal(file.models.length, 1);
  const [model] = file.models;
  assert.equal(model.name, 'model');
  assert.equal(model.kind, 'sequential');
  assert.deepEqual(
    model.layers.map((l) => l.factory),
    ['simpleRNN', ...Array<string>(8).fill('dense'), 'dense'],
  );
  assert.deepEqual(model.probeArgs, ['--model', 'model']);
  assert.equal(model.training.trained, true);
  assert.equal(model.training.clipping, false);
  assert.equal(model.training.learningRate, 0.01);
});

test('models on a broken .py file reports the syntax error and still lists what parses', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gl-py-'));
  writeFileSync(
    join(dir, 'broken.py'),
    'from keras import layers, Sequential\nmodel = Sequential([layers.Dense(3)])\ndef f(:\n',
  );
  const { out } = await run(['models', '--format', 'json', join(dir, 'broken.py')]);
  const [file] = JSON.parse(out) as {
    problems: { kind: string; line: number }[];
    error?: string;
  }[];
  assert.equal(file.problems[0].kind, 'syntax');
  assert.equal(file.problems[0].line, 3);
  assert.match(file.error ?? '', /syntax error at 3:/);
});

test("models (text) shows Keras's own defaults for a Keras model", async () => {
  const { out } = await run(['models', fixture]);
  assert.match(out, /simpleRNN\s+64\s+tanh\*\s+glorotUniform\*/);
  assert.match(out, /sgd lr 0\.01 \(keras default\)/);
});
