/**
 * Keras `Lambda` layers from Python source: a body of tensor arithmetic, subscripts and known ops is run
 * as tfjs ops (no weights, its output shape from the body); any other body is refused in one sentence
 * that names the line and the part not understood. With them: Keras's lenient Flatten and padding.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { analyze } from '../../src/analysis';
import { buildFromIr } from '../../src/probe/build';
import { probeModel } from '../../src/probe/engine';
import { irRequest } from '../fixtures/probe/ir';
import { loadTf, type Tf } from '../fixtures/probe/tf';

let tf: Tf;
let backend: string;
before(async () => ({ tf, backend } = await loadTf()));

function only(source: string, name?: string) {
  const models = analyze(source, 'net.py').models;
  const model = name ? models.find((m) => m.name === name) : models[0];
  assert.ok(model, `the front end finds ${name ?? 'the model'}`);
  return model;
}

function outputShapes(source: string, name?: string): (number | null)[][] {
  const built = buildFromIr(tf, only(source, name), { seed: 1, maxParams: 1e7 });
  try {
    return built.layers.map((l) => l.layer.outputShape as (number | null)[]);
  } finally {
    built.model.dispose();
  }
}

const PIXELS = `from tensorflow import keras
from tensorflow.keras import layers, backend as K

classifier = keras.Sequential([
    layers.Input(shape=(20, 20)),
    layers.Lambda(lambda img: img / 255.0),
    layers.Lambda(lambda img: K.expand_dims(img, -1)),
    layers.Lambda(lambda img: img[:, 2:18, 2:18, :]),
    layers.Conv2D(4, 3, padding='SAME', activation='relu'),
    layers.GlobalAveragePooling2D(),
    layers.Flatten(),
    layers.Dense(5, activation='softmax'),
])
classifier.compile(optimizer='adam', loss='categorical_crossentropy')
`;

test('Lambda bodies of arithmetic, expand_dims and slices are built with their output shapes', () => {
  assert.deepEqual(outputShapes(PIXELS), [
    [null, 20, 20],
    [null, 20, 20],
    [null, 20, 20, 1],
    [null, 16, 16, 1],
    [null, 16, 16, 4],
    [null, 4],
    [null, 4],
    [null, 5],
  ]);
});

test('a model with Lambda layers is measured in one click, pixel inputs for a /255 body', async () => {
  const report = await probeModel(tf, irRequest(only(PIXELS), { steps: 1 }), backend);
  assert.equal(report.verdict, 'healthy');
  assert.equal(report.layers.filter((l) => l.className === 'KerasLambda').length, 3);
  assert.ok(
    report.assumptions.includes(
      'Input 0 feeds a Lambda that rescales 0-255 pixels: values drawn uniformly from [0, 255).',
    ),
    report.assumptions.join('\n'),
  );
});

const SAMPLER = `import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras import backend as K

code_size = 3

def reparameterise(pair):
    centre, log_spread = pair
    eps = K.random_normal(shape=(K.shape(centre)[0], code_size), stddev=1.0)
    return centre + K.exp(0.5 * log_spread) * eps

class Actor:
    def __init__(self):
        self.limit = 4.0

    def make(self):
        seen = keras.Input(shape=(6, 5))
        pooled = layers.Lambda(lambda t: K.mean(t, axis=1))(seen)
        centre = layers.Dense(code_size)(pooled)
        log_spread = layers.Dense(code_size)(pooled)
        code = layers.Lambda(reparameterise, output_shape=(code_size,))([centre, log_spread])
        gap = layers.Lambda(lambda ts: K.abs(ts[0] - ts[1]))([code, log_spread])
        act = layers.Dense(2, activation='tanh')(gap)
        scaled = layers.Lambda(lambda a: a * self.limit)(act)
        net = keras.Model(seen, scaled)
        net.compile(optimizer='adam', loss='mse')
        return net

Actor().make()
`;

test('a def body with unpacking and K.random_normal, list inputs and self attributes are built', async () => {
  assert.deepEqual(outputShapes(SAMPLER, 'net').slice(0, 7), [
    [null, 5],
    [null, 3],
    [null, 3],
    [null, 3],
    [null, 3],
    [null, 2],
    [null, 2],
  ]);
  const report = await probeModel(tf, irRequest(only(SAMPLER, 'net'), { steps: 1 }), backend);
  assert.ok(report.layers.every((l) => l.nonFinite === 0));
  assert.ok((report.layers.find((l) => l.name.startsWith('L1_'))?.gradNorm ?? 0) > 0);
});

test('Keras preprocessing passed by name is built, and its input is pixels', async () => {
  const source = `from tensorflow import keras
from tensorflow.keras import layers
net = keras.Sequential([
    layers.Input(shape=(16, 16, 3)),
    layers.Lambda(keras.applications.mobilenet_v2.preprocess_input),
    layers.Conv2D(4, 3, activation='relu'),
    layers.Flatten(),
    layers.Dense(2, activation='softmax'),
])
net.compile(optimizer='adam', loss='categorical_crossentropy')
`;
  const report = await probeModel(tf, irRequest(only(source), { steps: 1 }), backend);
  assert.equal(report.verdict, 'healthy');
  assert.ok(report.assumptions.some((a) => a.startsWith('Input 0 feeds a Lambda that rescales')));
});

test('a Lambda whose body calls what the probe cannot run is refused in one sentence with its line', async () => {
  const source = `from tensorflow import keras
from tensorflow.keras import layers
net = keras.Sequential([
    layers.Input(shape=(4,)),
    layers.Dense(4),
    layers.Lambda(lambda v: squash_somehow(v)),
    layers.Dense(1),
])
net.compile(optimizer='adam', loss='mse')
`;
  await assert.rejects(probeModel(tf, irRequest(only(source)), backend), {
    name: 'ProbeError',
    message:
      'layer 2 (Lambda, line 6): tfjs has no Lambda layer and the probe runs only a body of tensor arithmetic, slices and known ops: `squash_somehow` is not an op the probe can run',
  });
});

test('Resizing keeps its batch axis, and a caffe-style preprocess_input is centred pixels', async () => {
  const source = `from tensorflow import keras
from tensorflow.keras import layers
net = keras.Sequential([
    layers.Input(shape=(24, 24, 3)),
    layers.Resizing(12, 12),
    layers.Lambda(keras.applications.vgg16.preprocess_input),
    layers.Conv2D(4, 3, activation='relu'),
    layers.GlobalAveragePooling2D(),
    layers.Dense(2, activation='softmax'),
])
net.compile(optimizer='adam', loss='categorical_crossentropy')
`;
  assert.deepEqual(outputShapes(source).slice(1, 4), [
    [null, 12, 12, 3],
    [null, 12, 12, 3],
    [null, 10, 10, 4],
  ]);
  const report = await probeModel(tf, irRequest(only(source), { steps: 1 }), backend);
  assert.equal(report.verdict, 'healthy');
});

test("a Lambda's scale the analysis cannot know is built as 1, and the report says so", async () => {
  const source = `from tensorflow import keras
from tensorflow.keras import layers

class Policy:
    def __init__(self, env):
        self.reach = env.action_space.high[0]

    def build(self):
        state = keras.Input(shape=(3,))
        move = layers.Dense(2, activation='tanh')(state)
        move = layers.Lambda(lambda m: m * self.reach)(move)
        net = keras.Model(state, move)
        net.compile(optimizer='adam', loss='mse')
        return net

Policy(make_env()).build()
`;
  const model = analyze(source, 'policy.py').models[0];
  assert.ok(model);
  const report = await probeModel(tf, irRequest(model, { steps: 1 }), backend);
  assert.equal(report.verdict, 'healthy');
  assert.ok(
    report.assumptions.includes(
      "Layer 1 (Lambda, line 11) is built with self.reach = 1: the code's value is not known before it runs.",
    ),
    report.assumptions.join('\n'),
  );
});
