/** Choosing one path's model: `probe --variant ID`, the messages that list variants, and probeArgs. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../src/analysis/index';
import { main } from '../../src/cli/main';
import { parseProbeArgs } from '../../src/cli/commands/probe';
import { selectModel } from '../../src/probe/select';

const SOURCE = `import * as tf from '@tensorflow/tfjs';
export function buildModel(modelType, vocab = 1000) {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: vocab, outputDim: 16, inputLength: 20 }));
  if (modelType === 'cnn') {
    model.add(tf.layers.conv1d({ filters: 32, kernelSize: 3, activation: 'relu' }));
    model.add(tf.layers.globalMaxPool1d({}));
  } else if (modelType === 'lstm') {
    model.add(tf.layers.lstm({ units: 16 }));
  } else {
    throw new Error('unknown model type ' + modelType);
  }
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  return model;
}
export function baseline() {
  return tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [20] })] });
}
`;
const models = analyze(SOURCE, 'sentiment.js').models;

describe('selecting a variant', () => {
  test('the builder has one model per path; its name alone is ambiguous and lists them', () => {
    assert.deepEqual(
      models.map((m) => [m.name, m.variant?.id]),
      [
        ['buildModel', 'cnn'],
        ['buildModel', 'lstm'],
        ['baseline', undefined],
      ],
    );
    const byName = selectModel(models, { name: 'buildModel' });
    assert.equal(!byName.ok && byName.reason, 'ambiguous');
    assert.match(
      !byName.ok ? byName.message : '',
      /builds 2 models, one per path; choose one with --variant ID: cnn \(modelType = 'cnn'\), lstm \(modelType = 'lstm'\)/,
    );
    const all = selectModel(models, {});
    assert.match(!all.ok ? all.message : '', /defines 2 models/);
  });

  test('--variant picks the path, alone or with a name or a line', () => {
    const lstm = selectModel(models, { name: 'buildModel', variant: 'lstm' });
    assert.ok(lstm.ok && lstm.model === models[1]);
    const byLine = selectModel(models, { line: 9, variant: 'cnn' });
    assert.ok(byLine.ok && byLine.model === models[0]);
    const missing = selectModel(models, { name: 'buildModel', variant: 'gru' });
    assert.equal(!missing.ok && missing.reason, 'not-found');
    assert.match(!missing.ok ? missing.message : '', /no variant "gru"; the variants are cnn/);
    const plain = selectModel(models, { name: 'baseline', variant: 'cnn' });
    assert.match(!plain.ok ? plain.message : '', /"baseline" has no variants/);
    assert.ok(selectModel(models, { name: 'baseline' }).ok);
  });

  test('probe parses --variant', () => {
    const options = parseProbeArgs(['model.js', '--model', 'buildModel', '--variant', 'cnn'], '/');
    assert.equal(options.variant, 'cnn');
    assert.equal(options.model, 'buildModel');
  });

  test('models JSON gives each model the probe arguments that select it; text shows the variants', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-variants-'));
    writeFileSync(join(dir, 'sentiment.js'), SOURCE);
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: () => {}, cwd: dir };
    assert.equal(await main(['models', 'sentiment.js', '--format', 'json'], io), 0);
    const [report] = JSON.parse(out.join('')) as {
      models: { name: string; probeArgs: string[]; variant?: { id: string; label: string } }[];
    }[];
    assert.deepEqual(
      report.models.map((m) => m.probeArgs),
      [
        ['--model', 'buildModel', '--variant', 'cnn'],
        ['--model', 'buildModel', '--variant', 'lstm'],
        ['--model', 'baseline'],
      ],
    );
    assert.equal(report.models[1].variant?.label, "modelType = 'lstm'");
    out.length = 0;
    assert.equal(await main(['models', 'sentiment.js'], io), 0);
    const text = out.join('');
    assert.match(
      text,
      /buildModel variant cnn \[modelType = 'cnn'\] \(sequential, line 3\): 4 layers/,
    );
    assert.match(
      text,
      /buildModel variant lstm \[modelType = 'lstm'\] \(sequential, line 3\): 3 layers/,
    );
    assert.match(text, /probe with: --model buildModel --variant lstm/);
  });
});
