/** One-click probe from the CLI: open values assumed from their role, listed first in every format. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../src/cli/main';

const repoRoot = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-assume-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// A builder as real projects write it: sizes are parameters, the image side an imported constant.
const builder = join(scratch, 'classifier.js');
writeFileSync(
  builder,
  `import * as tf from '@tensorflow/tfjs';
import { IMAGE_H, IMAGE_W } from './data';

export function buildClassifier(numClasses, hiddenSize) {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [IMAGE_H, IMAGE_W, 1], filters: 8, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: hiddenSize, activation: 'relu' }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}
`,
);

async function probe(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (s: string) => out.push(s),
    stderr: (s: string) => err.push(s),
    cwd: repoRoot,
  };
  const code = await main(['probe', ...args, '--no-project-tfjs'], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('probe: assumed values', () => {
  test('json: one click measures the model and lists each open value with its role and source', async () => {
    const { code, stdout, stderr } = await probe(builder, '--format', 'json');
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    const byName = new Map(report.assumedValues.map((a: { name: string }) => [a.name, a]));
    assert.deepEqual([...byName.keys()], ['IMAGE_H', 'IMAGE_W', 'hiddenSize', 'numClasses']);
    assert.deepEqual(byName.get('numClasses'), {
      name: 'numClasses',
      value: 10,
      role: 'number of classes (output units for categoricalCrossentropy)',
      source: 'role-default',
    });
    assert.equal((byName.get('hiddenSize') as { value: number }).value, 64);
    // conv 3x3 then pool 2 keeps a pixel from side 8 on: the smallest side that fits is used.
    assert.equal((byName.get('IMAGE_H') as { value: number }).value, 8);
    const conv = report.layers[0];
    assert.equal(conv.params, 3 * 3 * 1 * 8 + 8);
    const output = report.layers[report.layers.length - 1];
    assert.equal(output.params, 64 * 10 + 10);
  });

  test('--set overrides one value; the others stay assumed and the source says which', async () => {
    const { code, stdout } = await probe(builder, '--set', 'numClasses=3', '--format', 'json');
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    const classes = report.assumedValues.find((a: { name: string }) => a.name === 'numClasses');
    assert.equal(classes.value, 3);
    assert.equal(classes.source, 'set');
    assert.equal(report.layers[report.layers.length - 1].params, 64 * 3 + 3);
    const hidden = report.assumedValues.find((a: { name: string }) => a.name === 'hiddenSize');
    assert.equal(hidden.source, 'role-default');
  });

  test('table: the values come before the layer rows, as text', async () => {
    const { code, stdout } = await probe(builder, '--set', 'hiddenSize=16');
    assert.equal(code, 0);
    const lines = stdout.split('\n');
    const title = lines.findIndex((l) => l.startsWith('Values the code leaves open'));
    const header = lines.findIndex((l) => l.includes('grad norm'));
    assert.ok(title > 0 && title < header, 'assumed values are listed above the table');
    assert.match(
      stdout,
      /^ {2}hiddenSize += 16 +units of hidden dense layer 3, line 9 \(set by you\)$/m,
    );
    assert.match(stdout, /^ {2}numClasses += 10 +number of classes .* \(assumed\)$/m);
    assert.doesNotMatch(stdout, /`/, 'no raw backticks in the text report');
  });

  test('html: a section of values at the top, escaped, with the --set hint', async () => {
    const out = join(scratch, 'report.html');
    const { code } = await probe(builder, '--format', 'html', '--out', out);
    assert.equal(code, 0);
    const html = (await import('node:fs')).readFileSync(out, 'utf8');
    const values = html.indexOf('Values the code leaves open');
    assert.ok(values > 0, 'the section is there');
    assert.ok(values < html.indexOf('L0_conv2d'), 'it comes before the layer rows');
    assert.match(html, /<code>numClasses<\/code><\/td><td><code>10<\/code>/);
    assert.match(html, /--no-assume/);
  });

  test('--no-assume lists the values and exits 2 without probing', async () => {
    const { code, stdout, stderr } = await probe(builder, '--no-assume');
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(
      stderr,
      /needs values the code leaves open \(--no-assume\): --set IMAGE_H=VALUE --set IMAGE_W=VALUE --set hiddenSize=VALUE --set numClasses=VALUE/,
    );
  });
});
