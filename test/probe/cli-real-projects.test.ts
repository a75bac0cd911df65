/**
 * One-click probes of shapes met when probing real projects (scripts/real-probe-check.mjs): every
 * model `gradient-lens models` lists for a file is one `gradient-lens probe FILE <probeArgs>` measures.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../src/cli/main';

const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-real-probe-'));
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

/** `models FILE --format json`, then `probe FILE <probeArgs>` for each model, from the project root. */
async function probeEach(cwd: string, file: string) {
  const listed = await cli(cwd, 'models', file, '--format', 'json');
  const models = JSON.parse(listed.stdout)[0].models as { name: string; probeArgs: string[] }[];
  assert.ok(models.length > 0, `models lists none in ${file}`);
  const reports = [];
  for (const model of models) {
    const probed = await cli(
      cwd,
      'probe',
      file,
      ...model.probeArgs,
      '--format',
      'json',
      '--no-project-tfjs',
    );
    assert.equal(probed.stderr, '', `${model.name}: ${probed.stderr}`);
    reports.push(JSON.parse(probed.stdout));
  }
  return reports;
}

describe('probe: models as real projects lay them out', () => {
  test('a Keras model built in a package module and trained by a script in another folder (no package.json, no .git)', async () => {
    const root = project('keras-scripts', {
      'pkg/__init__.py': '',
      'pkg/models.py': `from tensorflow import keras
from tensorflow.keras import layers


def build_regressor(n_features):
    model = keras.Sequential([
        layers.Input(shape=(n_features,)),
        layers.Dense(32, activation='relu'),
        layers.Dense(1),
    ])
    return model
`,
      'scripts/train.py': `import numpy as np
import tensorflow as tf
from pkg.models import build_regressor

x = np.load('features.npy')
model = build_regressor(x.shape[1])
model.compile(optimizer='adam', loss='mse')
model.fit(x, x[:, :1], epochs=3)
`,
    });
    const [report] = await probeEach(root, 'scripts/train.py');
    assert.equal(report.verdict, 'healthy');
    assert.deepEqual(
      report.layers.map((l: { className: string }) => l.className),
      ['InputLayer', 'Dense', 'Dense'],
    );
  });

  test("a decoder rebuilt from another model's layers copies their units and activations", async () => {
    const root = project('copied-layers', {
      'package.json': '{"name": "autoencoder"}',
      'index.js': `const tf = require('@tensorflow/tfjs');

function createDecoder(decoderLayers) {
  const decoder = tf.sequential();
  for (const layer of decoderLayers) {
    const copy = tf.layers.dense({
      units: layer.units,
      activation: layer.activation,
      inputShape: [layer.kernel.shape[0]],
    });
    decoder.add(copy);
    copy.setWeights(layer.getWeights());
  }
  decoder.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return decoder;
}

function buildAutoencoder() {
  const autoencoder = tf.sequential();
  autoencoder.add(tf.layers.dense({ units: 64, inputShape: [256], activation: 'relu' }));
  autoencoder.add(tf.layers.dense({ units: 8, activation: 'relu' }));
  const decoderLayers = [];
  decoderLayers.push(tf.layers.dense({ units: 64, activation: 'relu' }));
  decoderLayers.push(tf.layers.dense({ units: 256, activation: 'sigmoid' }));
  for (const layer of decoderLayers) autoencoder.add(layer);
  autoencoder.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return { autoencoder, decoderLayers };
}

const { decoderLayers } = buildAutoencoder();
const decoder = createDecoder(decoderLayers);
`,
    });
    const listed = JSON.parse(
      (await cli(root, 'models', 'index.js', '--format', 'json')).stdout,
    )[0];
    const decoder = listed.models.find((m: { name: string }) => m.name === 'createDecoder');
    assert.deepEqual(
      decoder.layers.map((l: { config: { units?: number; activation?: string } }) => [
        l.config.units,
        l.config.activation,
      ]),
      [
        [64, 'relu'],
        [256, 'sigmoid'],
      ],
    );
    // The input width the code reads from a weight at run time stays open, under its own name.
    assert.deepEqual(decoder.unknowns, ['layer.kernel.shape[0]']);
    const reports = await probeEach(root, 'index.js');
    assert.deepEqual(
      reports.map((r) => r.layers.map((l: { activation: string }) => l.activation).join(' ')),
      ['relu sigmoid', 'relu relu relu sigmoid'],
    );
  });
  test('a Keras builder whose Input(shape=input_shape) feeds an LSTM gets a sequence, alone and from its caller', async () => {
    const builder = {
      'lstm_model.py': `from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Input, LSTM, Dense


def lstm_model(input_shape):
    model = Sequential()
    model.add(Input(shape=input_shape))
    model.add(LSTM(16))
    model.add(Dense(1))
    return model
`,
    };
    const alone = (await probeEach(project('keras-sequence-alone', builder), 'lstm_model.py'))[0];
    const root = project('keras-sequence', {
      ...builder,
      'train.py': `import numpy as np
import tensorflow as tf
from lstm_model import lstm_model

X = np.load('windows.npy')
y = np.load('targets.npy')
input_shape = (X.shape[1], X.shape[2])
model = lstm_model(input_shape)
model.compile(optimizer='adam', loss='mse')
model.fit(X, y, epochs=5)
`,
    });
    assert.equal(alone.verdict, 'healthy');
    assert.deepEqual(
      alone.assumedValues.map((a: { name: string; value: unknown }) => [a.name, a.value]),
      [['input_shape', [20, 8]]],
    );
    const [called] = await probeEach(root, 'train.py');
    assert.equal(called.verdict, 'healthy');
    // Each element of the caller's tuple is its own open value, with its own role.
    assert.deepEqual(
      called.assumedValues.map((a: { name: string; value: unknown }) => [a.name, a.value]),
      [
        ['X.shape[1]', 20],
        ['X.shape[2]', 8],
      ],
    );
  });
  test('a skip connection from a list the loop count leaves open: the failure names the assumed values and --set', async () => {
    const root = project('unet', {
      'package.json': '{"name": "unet"}',
      'unet.ts': `import * as tf from '@tensorflow/tfjs';

export function createUNet(inputShape: [number, number, number], depth: number) {
  const input = tf.input({ shape: inputShape });
  const downs = [input];
  for (let i = 0; i < depth; i++) {
    downs.push(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', strides: 2 }).apply(downs[downs.length - 1]) as tf.SymbolicTensor);
  }
  let x = downs[downs.length - 1];
  for (let i = 0; i < depth; i++) {
    const up = tf.layers.conv2dTranspose({ filters: 16, kernelSize: 3, padding: 'same', strides: 2 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.concatenate().apply([up, downs[depth - i - 1]]) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: x });
}
`,
    });
    const failed = await cli(root, 'probe', 'unet.ts', '--no-project-tfjs');
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /concatenate, line 12\) does not fit its input/);
    assert.match(
      failed.stderr,
      /built with assumed values \(.*downs\[depth - i - 1\] = \[32\].*\): set the real ones with --set NAME=VALUE/,
    );
    const set = await cli(
      root,
      'probe',
      'unet.ts',
      '--set',
      'downs[depth - i - 1]=[8,8,3]',
      '--format',
      'json',
      '--no-project-tfjs',
    );
    assert.equal(set.stderr, '');
    assert.ok(JSON.parse(set.stdout).verdict);
  });
  test('a Keras text model with Masking before its Embedding gets token ids, not floats', async () => {
    const root = project('masked-text', {
      'text.py': `from tensorflow import keras

model = keras.Sequential([
    keras.layers.Masking(mask_value=0),
    keras.layers.Embedding(input_dim=500, output_dim=16),
    keras.layers.GlobalAveragePooling1D(),
    keras.layers.Dense(1),
])
model.compile(optimizer='adam', loss=keras.losses.BinaryCrossentropy(from_logits=True))
`,
    });
    const [report] = await probeEach(root, 'text.py');
    assert.ok(report.verdict);
    assert.ok(
      report.assumptions.some((a: string) =>
        /feeds an embedding: integer ids drawn uniformly from \[0, 500\)/.test(a),
      ),
      report.assumptions.join('\n'),
    );
  });
  test('a model of weightless layers only: the probe says there is no gradient to measure', async () => {
    const root = project('weightless', {
      'package.json': '{"name": "demo"}',
      'linear.js': `function Flat(inputShape) {
  const input = tf.input({ shape: inputShape });
  const x = tf.layers.flatten().apply(input);
  return tf.model({ inputs: input, outputs: x });
}
`,
    });
    const probed = await cli(root, 'probe', 'linear.js', '--no-project-tfjs');
    assert.equal(probed.code, 2);
    assert.match(
      probed.stderr,
      /model "Flat" has no trainable weights \(its layers: InputLayer, Flatten\): there is no gradient to measure/,
    );
  });
});

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
