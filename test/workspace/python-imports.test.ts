/**
 * Python files of one workspace importing each other (`from .blocks import conv_block`, `from model
 * import build_model`, `import blocks as b`): projects of our own with the shapes real Keras
 * projects have.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelGraph } from '../../src/analysis/ir';
import { pythonCandidates } from '../../src/workspace/resolve';
import { memoryProject } from './memory-host';

const K = 'from tensorflow import keras\nfrom tensorflow.keras import layers\n';
const summary = (models: ModelGraph[]) =>
  models.map((m) => `${m.name}: ${m.layers.map((l) => l.factory).join(' ')}`);

const BLOCKS = `${K}FILTERS = 32\ndef conv_block(x, filters=FILTERS):\n    x = layers.Conv2D(filters, 3, padding='same')(x)\n    x = layers.BatchNormalization()(x)\n    return layers.ReLU()(x)\n`;

test('a builder using blocks from a module of its package (`from .blocks import`)', () => {
  const { ws, path } = memoryProject({
    'pkg/__init__.py': '',
    'pkg/blocks.py': BLOCKS,
    'pkg/model.py': `${K}from .blocks import conv_block, FILTERS\ndef build(shape=(32, 32, 3)):\n    inputs = keras.Input(shape)\n    x = conv_block(inputs)\n    x = conv_block(x, FILTERS * 2)\n    x = layers.GlobalAveragePooling2D()(x)\n    return keras.Model(inputs, layers.Dense(10)(x))\n`,
  });
  const result = ws.analyzeFile(path('pkg/model.py'));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(summary(result.models), [
    'build: conv2d batchNormalization reLU conv2d batchNormalization reLU globalAveragePooling2d dense',
  ]);
  const [model] = result.models;
  assert.equal(model.layers[0].callSpan.file, path('pkg/blocks.py'), 'a layer of the block file');
  assert.equal(model.layers[0].callSpan.line, 5);
  assert.equal(model.layers[6].callSpan.file, undefined, 'a layer of this file');
  assert.equal(model.anchor.file, undefined);
  assert.deepEqual(ws.linkedFiles(path('pkg/model.py')), [path('pkg/blocks.py')]);
});

test('a script importing a sibling module by name, and a module imported whole', () => {
  const { ws, path } = memoryProject({
    'blocks.py': BLOCKS,
    'config.py': `UNITS = 64\nDEPTH = 2\n`,
    'train.py': `${K}import blocks as b\nfrom config import UNITS, DEPTH\ninputs = keras.Input((16, 16, 1))\nx = inputs\nfor _ in range(DEPTH):\n    x = b.conv_block(x, UNITS)\nmodel = keras.Model(inputs, layers.Flatten()(x))\n`,
  });
  const result = ws.analyzeFile(path('train.py'));
  assert.deepEqual(summary(result.models), [
    'model: conv2d batchNormalization reLU conv2d batchNormalization reLU flatten',
  ]);
  assert.equal(result.models[0].layers[0].config.props.filters?.value.kind, 'number');
});

test("an imported module's own models and top-level code stay out of the importer", () => {
  const { ws, path } = memoryProject({
    'model.py': `${K}def build_model(units=8):\n    return keras.Sequential([layers.Dense(units), layers.Dense(1)])\nif __name__ == '__main__':\n    demo = build_model(4)\nbaseline = keras.Sequential([layers.Dense(2)])\n`,
    'train.py': `${K}from model import build_model\nnet = build_model(16)\nnet.compile(optimizer='adam', loss='mse')\nnet.fit([[0.0]], [[0.0]])\n`,
  });
  const models = ws.analyzeFile(path('train.py')).models;
  assert.deepEqual(summary(models), ['build_model: dense dense']);
  assert.equal(models[0].anchor.file, path('model.py'));
  assert.equal(models[0].training.trained, true);
  assert.equal(models[0].layers[0].config.props.units?.value.kind, 'number');
  // The module's own analysis: its builder (built first by its main block, trained by train.py)
  // and its baseline.
  const own = ws.analyzeFile(path('model.py')).models;
  assert.deepEqual(summary(own), ['build_model: dense dense', 'baseline: dense']);
  assert.deepEqual(own[0].layers[0].config.props.units?.value, { kind: 'number', value: 4 });
  assert.equal(own[0].training.trained, true);
  assert.equal(own[1].training.trained, false);
});

test('an edit of an imported module re-analyses its importer', () => {
  const { ws, path } = memoryProject({
    'blocks.py': BLOCKS,
    'model.py': `${K}from blocks import conv_block\ninputs = keras.Input((8, 8, 3))\nmodel = keras.Model(inputs, conv_block(inputs))\n`,
  });
  assert.equal(ws.analyzeFile(path('model.py')).models[0].layers.length, 3);
  ws.update(path('blocks.py'), `${K}def conv_block(x):\n    return layers.Conv2D(4, 3)(x)\n`);
  assert.deepEqual(ws.dependents(path('blocks.py')), []);
  assert.equal(ws.analyzeFile(path('model.py')).models[0].layers.length, 1);
  assert.deepEqual(ws.dependents(path('blocks.py')), [path('model.py')]);
});

test('a module outside the workspace or missing stays unknown, with no problem', () => {
  const { ws, path } = memoryProject({
    'model.py': `${K}from helpers import conv_block\nimport numpy as np\ninputs = keras.Input((8,))\nmodel = keras.Model(inputs, layers.Dense(2)(conv_block(inputs)))\n`,
  });
  const result = ws.analyzeFile(path('model.py'));
  assert.deepEqual(result.problems, []);
  assert.deepEqual(summary(result.models), ['model: dense']);
});

test('python module candidates: relative to the package, absolute from the script up to the root', () => {
  assert.deepEqual(pythonCandidates('blocks', 1, '/p/pkg/model.py', '/p'), [
    '/p/pkg/blocks.py',
    '/p/pkg/blocks/__init__.py',
  ]);
  assert.deepEqual(pythonCandidates('common.layers', 2, '/p/pkg/sub/m.py', '/p'), [
    '/p/pkg/common/layers.py',
    '/p/pkg/common/layers/__init__.py',
  ]);
  assert.deepEqual(pythonCandidates('pkg.blocks', 0, '/p/scripts/train.py', '/p'), [
    '/p/scripts/pkg/blocks.py',
    '/p/scripts/pkg/blocks/__init__.py',
    '/p/pkg/blocks.py',
    '/p/pkg/blocks/__init__.py',
  ]);
  assert.deepEqual(pythonCandidates('x', 3, '/p/m.py', '/p'), [], 'never above the root');
});

test('a star import of a workspace module binds its public names, not its private ones', () => {
  const { ws, path } = memoryProject({
    'common.py': `${K}UNITS = 12\n_HIDDEN = 99\ndef head(x):\n    return layers.Dense(UNITS)(x)\n`,
    'net.py': `${K}from common import *\ninputs = keras.Input((4,))\nmodel = keras.Model(inputs, head(layers.Dense(_HIDDEN)(inputs)))\n`,
  });
  const [model] = ws.analyzeFile(path('net.py')).models;
  assert.deepEqual(summary([model]), ['model: dense dense']);
  assert.equal(model.layers[0].config.props.units?.value.kind, 'unknown');
  assert.deepEqual(model.layers[1].config.props.units?.value, { kind: 'number', value: 12 });
  assert.equal(model.layers[1].callSpan.file, path('common.py'));
});

test('`from package import module` of an absolute package binds the module (`from pcg.nets import models`)', () => {
  const { ws, path } = memoryProject({
    'pcg/__init__.py': '',
    'pcg/nets/__init__.py': '',
    'pcg/nets/models.py': `${K}def small(shape):\n    return keras.Sequential([layers.LSTM(4, input_shape=shape), layers.Dense(1)])\n`,
    'run.py': `from pcg.nets import models\nfrom keras.optimizers import RMSprop\nnet = models.small((120, 3))\nnet.compile(loss='mse', optimizer=RMSprop(0.001))\nnet.fit(x, y)\n`,
  });
  const [model] = ws.analyzeFile(path('run.py')).models;
  assert.deepEqual(summary([model]), ['small: lstm dense']);
  assert.equal(model.anchor.file, path('pcg/nets/models.py'));
  const [own] = ws.analyzeFile(path('pcg/nets/models.py')).models;
  assert.equal(own.training.optimizer?.kind, 'rmsprop');
  // The trainer, and the package it imports the module through (an edit of either changes it).
  assert.deepEqual(ws.linkedFiles(path('pcg/nets/models.py')), [
    path('pcg/nets/__init__.py'),
    path('run.py'),
  ]);
});
