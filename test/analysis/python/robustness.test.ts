import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parser } from '@lezer/python';
import { analyze, mentionsModelFramework } from '../../../src/analysis/index';
import { layersOf, onlyPyModel, runPy } from './helpers';

const K = 'from tensorflow import keras\nfrom tensorflow.keras import layers\n';

test('a Python file with no keras/tensorflow use is skipped without a parse', () => {
  const source = 'import numpy as np\n\ndef f(x):\n    return np.mean(x)\n';
  const result = analyze(source, 'util.py');
  assert.equal(result.language, 'python');
  assert.equal(result.importsTfjs, false);
  assert.deepEqual(result.models, []);
  assert.equal(mentionsModelFramework(source, 'util.py'), false);
  assert.equal(mentionsModelFramework(`${K}x = 1`, 'm.py'), true);
});

test('the same text as .js goes to the JavaScript front end', () => {
  const result = analyze(`${K}model = keras.Sequential([layers.Dense(1)])`, 'model.js');
  assert.equal(result.language, undefined);
  assert.deepEqual(result.models, []);
});

test('a syntax error is reported with its line and column, and what parses is still extracted', () => {
  const source = `${K}model = keras.Sequential()\nmodel.add(layers.Dense(16, activation='relu'))\nmodel.add(layers.Dense(\ndef later(:\n    pass\n`;
  const result = analyze(source, 'broken.py');
  const syntax = result.problems.filter((p) => p.kind === 'syntax');
  assert.equal(syntax.length, 1);
  assert.ok(syntax[0].line >= 5, `line ${syntax[0].line}`);
  assert.ok(syntax[0].column >= 1);
  assert.equal(result.models.length, 1);
  assert.equal(result.models[0].layers[0].factory, 'dense');
});

test('valid Python that @lezer/python misreads is no syntax error: bare yield, dotted with-targets', () => {
  const cases = [
    `${K}def batches():\n    yield\n    x = 1\n`,
    `${K}def batches():\r\n    yield\r\n    x = 1\r\n`,
    `${K}def consumer():\n    got = yield\n    return got\n`,
    `${K}class Agent:\n    def step(self):\n        with tf.GradientTape() as self.tape:\n            y = self.model(x)\n`,
    `${K}with open('a') as f, tf.GradientTape(persistent=True) as self.state.tape:\n    pass\n`,
  ];
  for (const source of cases)
    assert.deepEqual(analyze(source, 'ok.py').problems, [], JSON.stringify(source));
  const broken = analyze(`${K}def f():\n    yield\n\ndef g(:\n    pass\n`, 'broken.py');
  assert.deepEqual(
    broken.problems.map((p) => [p.kind, p.line, p.column, p.message]),
    [['syntax', 6, 7, "invalid syntax near ':'"]],
  );
  const crlf = analyze(`${K}x = (\r\n`, 'crlf.py').problems;
  assert.ok(
    crlf.every((p) => !p.message.includes('\r')),
    JSON.stringify(crlf),
  );
});

test('a dotted with-target does not rebind its object: the model built on self stays found', () => {
  const source = `${K}class Agent:
    def __init__(self):
        self.model = keras.Sequential([layers.Dense(4, activation='relu'), layers.Dense(1)])
        self.opt = keras.optimizers.Adam(1e-3)
    def train(self, x):
        with tf.GradientTape() as self.tape:
            loss = self.model(x)
        grads = self.tape.gradient(loss, self.model.trainable_variables)
        self.opt.apply_gradients(zip(grads, self.model.trainable_variables))
agent = Agent()
agent.train(None)
`;
  const result = analyze(source, 'agent.py');
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.models.flatMap(layersOf), [
    'dense(units=4,activation="relu")',
    'dense(units=1)',
  ]);
  assert.deepEqual(
    result.models[0].training.customLoops.map((c) => c.method),
    ['applyGradients'],
  );
});

test('a broken function later in the file keeps the definitions before it', () => {
  const source = `${K}def build():\n    return keras.Sequential([layers.LSTM(8), layers.Dense(1)])\n\nclass Broken(\n\nmodel = build()\n`;
  const result = analyze(source, 'broken.py');
  assert.equal(result.problems.filter((p) => p.kind === 'syntax').length, 1);
  assert.deepEqual(result.models.flatMap(layersOf), ['lstm(units=8)', 'dense(units=1)']);
});

test('unknown values are listed in the model, named by their expression', () => {
  const model = onlyPyModel(
    `${K}import config\nmodel = keras.Sequential([layers.Dense(config.HIDDEN, activation=config.ACT), layers.Dense(1)])`,
  );
  assert.deepEqual(model.unknowns, ['config.HIDDEN', 'config.ACT']);
});

test('an unknown layer list is not silently dropped', () => {
  const model = onlyPyModel(
    `${K}from mylib import make_layers\nmodel = keras.Sequential(make_layers())`,
  );
  assert.deepEqual(model.layers, []);
  assert.deepEqual(model.unknowns, ['make_layers()']);
});

test('unbounded recursion and `while True` end', () => {
  const source = `${K}model = keras.Sequential()\ndef grow(n):\n    model.add(layers.Dense(n))\n    return grow(n + 1)\ngrow(1)\nwhile True:\n    x = 1\n`;
  const result = analyze(source, 'loop.py');
  assert.equal(result.models.length, 1);
  assert.ok(result.models[0].layers.length >= 1);
});

test('too much computation stops at the budget with a problem; a loop that builds nothing is left before it', () => {
  const loops = (body: string) =>
    `${K}model = keras.Sequential([layers.Dense(1)])\nfor i in range(1000):\n    for j in range(1000):\n        ${body}\n`;
  const result = analyze(loops('extra = layers.Dense(i + j)'), 'slow.py');
  assert.equal(result.models.length, 1);
  const stops = result.problems.filter((p) => p.kind === 'incomplete');
  assert.equal(stops.length, 1);
  assert.match(stops[0].message, /stopped early/);
  assert.equal(result.problems.length, 1, 'a limit reached, no crash');
  const data = analyze(loops('x = i * j'), 'data.py');
  assert.equal(data.models.length, 1);
  assert.deepEqual(data.problems, []);
});

test('a training loop that repeats its calls after the first iteration ends without the budget', () => {
  // A GAN-style script: epochs over every batch of a dataset whose size is known, each batch trained.
  const source = `${K}import numpy as np
def build():
    return keras.Sequential([layers.Dense(8, activation='relu'), layers.Dense(1, activation='sigmoid')])
gen = build()
net = build()
net.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(1e-3))
for epoch in range(50):
    for index in range(1900):
        noise = np.array([np.random.uniform(-1, 1, 100) for _ in range(64)])
        fake = gen.predict(noise)
        d_loss = net.train_on_batch(fake, [1] * 64)
        g_loss = net.train_on_batch(noise, [0] * 64)
after = keras.Sequential([layers.Dense(2)])
`;
  const result = analyze(source, 'gan.py');
  assert.deepEqual(result.problems, []);
  // The model made after the loop is found; the builder's model keeps both training calls.
  assert.deepEqual(
    result.models.map((m) => [m.name, m.training.fitCalls.map((c) => c.method)]),
    [
      ['build', ['trainOnBatch', 'trainOnBatch']],
      ['after', []],
    ],
  );
});

test('a long comprehension that builds nothing is data: unknown, without the budget', () => {
  const source = `${K}paths = [("img/%d.jpg" % (i + 1), "ann/%d.txt" % (i + 1)) for i in range(8000)]
def epochs():
    for n in range(20):
        names = [("a%d" % (i + 1), "b%d" % (i + 1)) for i in range(8000)]
model = keras.Sequential([layers.Dense(len(paths))])
epochs()
`;
  const result = analyze(source, 'data.py');
  assert.deepEqual(result.problems, []);
  assert.equal(result.models.length, 1);
  assert.deepEqual(result.models[0].unknowns, ['len(paths)']);
  const small = onlyPyModel(`${K}sizes = [8 * (i + 1) for i in range(3)]
m = keras.Sequential([layers.Dense(sizes[2])])`);
  assert.deepEqual(layersOf(small), ['dense(units=24)']);
});

test('long range loops are capped', () => {
  const started = Date.now();
  const result = analyze(
    `${K}model = keras.Sequential()\nfor i in range(10**9):\n    model.add(layers.Dense(4))`,
    'big.py',
  );
  assert.ok(Date.now() - started < 5000);
  assert.equal(result.models.length, 1);
});

test('import forms: import tensorflow.keras as K, from keras import optimizers, keras.src paths', () => {
  const model = onlyPyModel(
    `import tensorflow.keras as K\nfrom keras import optimizers\nfrom keras.src.layers.core import Dense\nm = K.models.Sequential([Dense(2)])\nm.compile(optimizer=optimizers.Adamax(), loss='poisson')`,
  );
  assert.deepEqual(layersOf(model), ['dense(units=2)']);
  assert.equal(model.training.optimizer?.kind, 'adamax');
  assert.equal(model.training.loss?.name, 'poisson');
});

test('a name shadowing a Keras name is the file’s own value', () => {
  const model = onlyPyModel(
    `${K}def Dense(n):\n    return layers.Dropout(0.5)\nmodel = keras.Sequential([Dense(3)])`,
  );
  assert.deepEqual(layersOf(model), ['dropout(rate=0.5)']);
});

test('empty and whitespace-only Python files give no models and no problems', () => {
  for (const source of ['', '\n\n', '# just a comment\n']) {
    const result = analyze(source, 'empty.py');
    assert.deepEqual(result.models, []);
    assert.deepEqual(result.problems, []);
  }
});

test('the reported syntax error is the first error node of the tree, in small and large files', () => {
  // Reference: the first error node in document order, found by walking Lezer's node objects.
  const firstErrorNode = (source: string) => {
    let at = -1;
    parser.parse(source).iterate({
      enter: (node) =>
        at >= 0 ? false : node.type.isError ? ((at = node.from), false) : undefined,
    });
    return at;
  };
  const builder = (n: number) =>
    `def build_${n}(units=32):\n    model = keras.Sequential()\n    model.add(layers.Dense(units, activation='relu'))\n    return model\n\n`;
  const large = K + Array.from({ length: 400 }, (_, n) => builder(n)).join('');
  const cases = [
    `${K}model = keras.Sequential(\n`,
    `${K}def f(:\n    pass\n`,
    `${K}x = [1, 2\ny = 3\n`,
    `${large}def broken(:\n    pass\n`,
    large.replace('def build_200(units=32):', 'def build_200(units=32'),
    `${large.slice(0, 9000)})]${large.slice(9000)}`,
  ];
  for (const source of cases) {
    const at = firstErrorNode(source);
    assert.ok(at >= 0, 'each case is broken');
    const syntax = analyze(source, 'broken.py').problems.filter((p) => p.kind === 'syntax');
    const before = source.slice(0, at).split('\n');
    assert.deepEqual(
      syntax.map((p) => [p.line, p.column]),
      [[before.length, before[before.length - 1].length + 1]],
    );
  }
});

test('nested training loops of an RL script leave the budget for the code after them', () => {
  // A policy-gradient script: a step function under GradientTape, an episode loop over steps, and
  // four loops around it. The step loop, cut once as quiet, is cut sooner on each later pass of the
  // quiet loops around it; else each level multiplies its iterations and the run stops before the
  // value model below is built.
  const result = runPy(`import gym
import tensorflow as tf
from tensorflow import keras

env = gym.make('CartPole-v1')
policy = keras.Sequential([
    keras.layers.Dense(16, activation='relu', input_shape=(4,)),
    keras.layers.Dense(2, activation='softmax'),
])
optimizer = keras.optimizers.Adam(learning_rate=0.01)

def play_step(state):
    with tf.GradientTape() as tape:
        probs = policy(state[None])
        loss = -tf.reduce_mean(tf.math.log(probs))
    grads = tape.gradient(loss, policy.trainable_variables)
    state, reward, done, _ = env.step(int(tf.argmax(probs[0])))
    return state, reward, done, grads

def play_episode():
    state = env.reset()
    for step in range(500):
        state, reward, done, grads = play_step(state)
        if done:
            break
    return grads

for seed in range(10):
    for iteration in range(200):
        for episode in range(20):
            for attempt in range(5):
                grads = play_episode()
                optimizer.apply_gradients(zip(grads, policy.trainable_variables))

value = keras.Sequential([keras.layers.Dense(1, input_shape=(4,))])
value.compile(optimizer='sgd', loss='mse')
`);
  assert.deepEqual(
    result.models.map((m) => `${m.name}: ${m.layers.map((l) => l.factory).join(' ')}`),
    ['policy: dense dense', 'value: dense'],
  );
  assert.equal(result.models[0].training.trained, true);
  assert.equal(result.models[1].training.optimizer?.name, 'SGD');
});

test('indentation left on the last empty lines (no final newline) is no syntax error', () => {
  const source = `from tensorflow.keras import layers, models\n\ndef build():\n    x = layers.Input((4,))\n    model = models.Model(x, layers.Dense(1)(x))\n\n    return model\n\n \n     `;
  const result = analyze(source, 'tail.py');
  assert.deepEqual(
    result.problems.filter((p) => p.kind === 'syntax'),
    [],
  );
  assert.equal(result.models[0]?.layers[0]?.factory, 'dense');
  // A real error before the tail is still reported.
  const broken = analyze(source.replace('return model', 'return model)'), 'tail.py');
  assert.equal(broken.problems.filter((p) => p.kind === 'syntax')[0]?.line, 7);
});
