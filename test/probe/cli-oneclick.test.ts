/**
 * One-click probes of model shapes met on real Keras and tfjs projects (scripts/real-probe-check.mjs): every model
 * `gradient-lens models` lists is measured by `gradient-lens probe FILE <probeArgs>` without a --set.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { main } from '../../src/cli/main';

const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-oneclick-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function project(name: string, files: Record<string, string>): string {
  const root = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function cli(cwd: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), cwd };
  const code = await main(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** `models FILE --format json`, then `probe FILE <probeArgs>` for each model: the reports, in order. */
async function probeEach(cwd: string, file: string, ...extra: string[]) {
  const listed = await cli(cwd, 'models', file, '--format', 'json');
  const models = JSON.parse(listed.stdout)[0].models as { name: string; probeArgs: string[] }[];
  assert.ok(models.length > 0, `models lists none in ${file}`);
  const reports = [];
  for (const model of models) {
    const probed = await cli(cwd, 'probe', file, ...model.probeArgs, '--format', 'json', ...extra);
    assert.equal(probed.stderr, '', `${model.name}: ${probed.stderr}`);
    reports.push(JSON.parse(probed.stdout));
  }
  return reports;
}

const valuesOf = (report: { assumedValues: { name: string; value: unknown }[] }) =>
  Object.fromEntries(report.assumedValues.map((a) => [a.name, a.value]));

test('a Reshape with a written -1 and an open size: the open size divides the input, keeping the features per step', async () => {
  const root = project('reshape-open', {
    'windows.py': `from tensorflow import keras
from tensorflow.keras import layers


def dense_to_sequence(n_features):
    model = keras.Sequential()
    model.add(layers.Dense(48, input_shape=(30,)))
    model.add(layers.Reshape((-1, n_features)))
    model.add(layers.GRU(12))
    model.add(layers.Dense(1))
    model.compile(optimizer="adam", loss="mse")
    return model


def sequence_to_sequence(step_features):
    inputs = keras.Input(shape=(15, 4))
    x = layers.Dense(6)(inputs)
    x = layers.Reshape((-1, step_features))(x)
    x = layers.LSTM(10)(x)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model
`,
  });
  const [flat, sequence] = await probeEach(root, 'windows.py');
  // 48 values: n_features is 1 (48 steps; 48 features would leave a one-step sequence).
  assert.equal(valuesOf(flat).n_features, 1);
  assert.equal(flat.layers[2].temporal.steps, 48);
  // 15 x 6 values: step_features keeps the input's 6 features per step, over 15 steps.
  assert.equal(valuesOf(sequence).step_features, 6);
  assert.equal(
    sequence.layers.find((l: { className: string }) => l.className === 'LSTM').temporal.steps,
    15,
  );
  for (const report of [flat, sequence]) assert.ok(report.verdict, JSON.stringify(report.verdict));
});
