/**
 * The calibration sweep's model families, written as the tfjs source a user would write: dense stacks of every
 * depth, activation, initializer scale and width, with and without normalisation and residual connections;
 * recurrent layers over short and long sequences; optimizers over five decades of learning rate. A seeded
 * subsample keeps the sweep within minutes on two cores.
 */

export interface Case {
  id: string;
  family: 'dense' | 'residual' | 'recurrent' | 'optimizer';
  source: string;
  /** Recurrent cases: the sequence length, for the per-time-step gradient. */
  steps?: number;
  /**
   * Per rule, the same model with that rule's remedy applied: a case where the probe shows the rule's problem is
   * a miss only when its remedy measures healthy (the problem was this rule's to report).
   */
  remedies: Record<string, string>;
}

export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'elu', 'selu', 'leakyReLU'] as const;
export const INITIALIZERS = [
  'default',
  'glorotNormal',
  'heNormal',
  'leCunNormal',
  'small',
  'large',
] as const;
type Activation = (typeof ACTIVATIONS)[number];
type Init = (typeof INITIALIZERS)[number];

interface DenseSpec {
  depth: number;
  width: number;
  activation: Activation;
  init: Init;
  norm: 'none' | 'batch' | 'layer';
  output: 'linear-mse' | 'softmax-ce' | 'sigmoid-mse';
  optimizer: string;
}

/** The explicit randomNormal scales of the 'small' and 'large' initializers, relative to He's sqrt(2/fanIn). */
const SCALE = { small: 0.3, large: 2.5 };

function matchedInit(activation: Activation): Init {
  if (activation === 'sigmoid' || activation === 'tanh') return 'glorotNormal';
  return activation === 'selu' ? 'leCunNormal' : 'heNormal';
}

function denseRemedies(spec: DenseSpec): Record<string, string> {
  const init = denseSource({ ...spec, init: matchedInit(spec.activation) });
  return {
    'saturating-activation': denseSource({ ...spec, activation: 'relu', init: 'heNormal' }),
    'missing-initializer': init,
    'initializer-mismatch': init,
    'initializer-scale': init,
    'deep-without-normalization': denseSource({ ...spec, norm: 'batch' }),
  };
}

function recurrentRemedies(spec: RecurrentSpec): Record<string, string> {
  return {
    'simple-rnn-long-sequence': recurrentSource({ ...spec, cell: 'lstm', forgetBias: true }),
    'non-orthogonal-recurrent-init': recurrentSource({ ...spec, recurrent: 'default' }),
    'unbounded-recurrent-activation': recurrentSource({ ...spec, activation: 'tanh' }),
    'lstm-forget-bias': recurrentSource({ ...spec, forgetBias: true }),
  };
}

function initArg(init: Init, fanIn: number): string {
  if (init === 'default') return '';
  if (init === 'small' || init === 'large') {
    const stddev = Number((SCALE[init] * Math.sqrt(2 / fanIn)).toPrecision(2));
    return `, kernelInitializer: tf.initializers.randomNormal({mean: 0, stddev: ${stddev}})`;
  }
  return `, kernelInitializer: '${init}'`;
}

function activationCode(activation: Activation): { arg: string; layer: string | null } {
  // leakyReLU is a layer of its own in tfjs, not an activation string.
  return activation === 'leakyReLU'
    ? { arg: '', layer: 'tf.layers.leakyReLU({alpha: 0.2})' }
    : { arg: `, activation: '${activation}'`, layer: null };
}

export function denseSource(spec: DenseSpec): string {
  const lines = ["import * as tf from '@tensorflow/tfjs';", 'const model = tf.sequential();'];
  const act = activationCode(spec.activation);
  for (let i = 0; i < spec.depth - 1; i++) {
    const fanIn = i === 0 ? 16 : spec.width;
    const shape = i === 0 ? 'inputShape: [16], ' : '';
    lines.push(
      `model.add(tf.layers.dense({${shape}units: ${spec.width}${act.arg}${initArg(spec.init, fanIn)}}));`,
    );
    if (spec.norm === 'batch') lines.push('model.add(tf.layers.batchNormalization());');
    if (spec.norm === 'layer') lines.push('model.add(tf.layers.layerNormalization());');
    if (act.layer) lines.push(`model.add(${act.layer});`);
  }
  const [outAct, loss, units] =
    spec.output === 'softmax-ce'
      ? ['softmax', 'categoricalCrossentropy', 10]
      : spec.output === 'sigmoid-mse'
        ? ['sigmoid', 'meanSquaredError', 1]
        : ['linear', 'meanSquaredError', 1];
  lines.push(`model.add(tf.layers.dense({units: ${units}, activation: '${outAct}'}));`);
  lines.push(`model.compile({optimizer: ${spec.optimizer}, loss: '${loss}'});`);
  return lines.join('\n') + '\n';
}

export function residualSource(depth: number, width: number, activation: Activation): string {
  const act = activationCode(activation);
  const apply = (x: string) => (act.layer ? `${act.layer}.apply(${x})` : x);
  const lines = [
    "import * as tf from '@tensorflow/tfjs';",
    'const input = tf.input({shape: [16]});',
    `let x = tf.layers.dense({units: ${width}${act.arg}}).apply(input);`,
  ];
  for (let i = 0; i < depth; i++) {
    lines.push(
      `const h${i} = ${apply(`tf.layers.dense({units: ${width}${act.arg}, kernelInitializer: 'heNormal'}).apply(x)`)};`,
      `x = tf.layers.add().apply([x, h${i}]);`,
    );
  }
  lines.push(
    'const output = tf.layers.dense({units: 1}).apply(x);',
    'const model = tf.model({inputs: input, outputs: output});',
    "model.compile({optimizer: 'adam', loss: 'meanSquaredError'});",
  );
  return lines.join('\n') + '\n';
}

interface RecurrentSpec {
  cell: 'simpleRNN' | 'lstm' | 'gru';
  steps: number;
  units: number;
  activation: 'tanh' | 'relu';
  /** normal-S: randomNormal stddev S; uniform-A: randomUniform on [-A, A]. */
  recurrent: 'default' | 'glorotNormal' | 'heNormal' | `normal-${number}` | `uniform-${number}`;
  forgetBias: boolean;
}

export function recurrentSource(spec: RecurrentSpec): string {
  const init =
    spec.recurrent === 'default'
      ? ''
      : spec.recurrent.startsWith('normal-')
        ? `, recurrentInitializer: tf.initializers.randomNormal({mean: 0, stddev: ${spec.recurrent.slice(7)}})`
        : spec.recurrent.startsWith('uniform-')
          ? `, recurrentInitializer: tf.initializers.randomUniform({minval: -${spec.recurrent.slice(8)}, maxval: ${spec.recurrent.slice(8)}})`
          : `, recurrentInitializer: '${spec.recurrent}'`;
  const act = spec.activation === 'tanh' ? '' : `, activation: '${spec.activation}'`;
  const forget = spec.cell === 'lstm' && spec.forgetBias ? ', unitForgetBias: true' : '';
  return [
    "import * as tf from '@tensorflow/tfjs';",
    'const model = tf.sequential();',
    `model.add(tf.layers.${spec.cell}({inputShape: [${spec.steps}, 8], units: ${spec.units}${act}${init}${forget}}));`,
    'model.add(tf.layers.dense({units: 1}));',
    "model.compile({optimizer: 'adam', loss: 'meanSquaredError'});",
    '',
  ].join('\n');
}

/** mulberry32: the same seed draws the same subsample on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

const OPTIMIZERS = ['sgd', 'adam', 'rmsprop'] as const;
const RATES = [1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1, 3, 10];

export interface SweepOptions {
  seed: number;
  /** Cases drawn per family (dense, residual, recurrent, optimizer, recurrent kernel scales). */
  dense: number;
  residual: number;
  recurrent: number;
  optimizer: number;
  recurrentKernel: number;
}

/**
 * Recurrent kernels drawn iid at several scales: stddev s over n units gives a spectral radius near s sqrt(n)
 * (the circular law), from well below 1 to about 4.5, over units 16-128 and 10-300 steps.
 */
const KERNEL_SCALES = [
  'normal-0.05',
  'normal-0.1',
  'normal-0.2',
  'normal-0.3',
  'normal-0.5',
  'uniform-0.1',
  'uniform-0.3',
  'uniform-0.5',
  'uniform-1',
] as const;

export function generateCases(options: SweepOptions): Case[] {
  const random = seededRandom(options.seed);
  const cases: Case[] = [];
  const seen = new Set<string>();
  const add = (c: Omit<Case, 'remedies'> & { remedies?: Record<string, string> }) => {
    if (seen.has(c.source)) return false;
    seen.add(c.source);
    cases.push({ remedies: {}, ...c });
    return true;
  };
  const depths = [2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30];
  for (let n = 0, tries = 0; n < options.dense && tries < options.dense * 20; tries++) {
    const spec: DenseSpec = {
      depth: pick(random, depths),
      width: pick(random, [16, 32, 64]),
      activation: pick(random, ACTIVATIONS),
      init: pick(random, INITIALIZERS),
      norm: pick(random, ['none', 'none', 'none', 'batch', 'layer'] as const),
      output: pick(random, ['linear-mse', 'linear-mse', 'softmax-ce', 'sigmoid-mse'] as const),
      optimizer: "'adam'",
    };
    const id = `dense d${spec.depth} w${spec.width} ${spec.activation} ${spec.init} ${spec.norm} ${spec.output}`;
    if (add({ id, family: 'dense', source: denseSource(spec), remedies: denseRemedies(spec) })) n++;
  }
  for (let n = 0, tries = 0; n < options.residual && tries < options.residual * 20; tries++) {
    const depth = pick(random, [3, 6, 10, 15]);
    const width = pick(random, [16, 32]);
    const activation = pick(random, ['relu', 'tanh', 'sigmoid'] as const);
    const id = `residual d${depth} w${width} ${activation}`;
    if (add({ id, family: 'residual', source: residualSource(depth, width, activation) })) n++;
  }
  for (let n = 0, tries = 0; n < options.recurrent && tries < options.recurrent * 20; tries++) {
    const spec: RecurrentSpec = {
      cell: pick(random, ['simpleRNN', 'simpleRNN', 'lstm', 'gru'] as const),
      steps: pick(random, [5, 10, 15, 20, 25, 30, 50, 100, 200, 300]),
      units: pick(random, [16, 32]),
      activation: pick(random, ['tanh', 'tanh', 'relu'] as const),
      recurrent: pick(random, [
        'default',
        'default',
        'glorotNormal',
        'heNormal',
        'normal-0.1',
        'normal-0.3',
        'normal-0.5',
      ] as const),
      forgetBias: random() < 0.5,
    };
    const id = `recurrent ${spec.cell} T${spec.steps} u${spec.units} ${spec.activation} ${spec.recurrent}${spec.forgetBias && spec.cell === 'lstm' ? ' forgetBias' : ''}`;
    const remedies = recurrentRemedies(spec);
    if (
      add({ id, family: 'recurrent', source: recurrentSource(spec), steps: spec.steps, remedies })
    )
      n++;
  }
  for (let n = 0, tries = 0; n < options.optimizer && tries < options.optimizer * 20; tries++) {
    const kind = pick(random, OPTIMIZERS);
    const rate = pick(random, RATES);
    const spec: DenseSpec = {
      depth: pick(random, [3, 4, 6]),
      width: pick(random, [32, 64]),
      activation: 'relu',
      init: 'heNormal',
      norm: 'none',
      output: pick(random, ['linear-mse', 'softmax-ce'] as const),
      optimizer: `tf.train.${kind}(${rate})`,
    };
    const id = `optimizer ${kind}(${rate}) d${spec.depth} w${spec.width} ${spec.output}`;
    const conventional = `tf.train.${kind}(${kind === 'sgd' ? 0.01 : 0.001})`;
    const remedies = { 'high-learning-rate': denseSource({ ...spec, optimizer: conventional }) };
    if (add({ id, family: 'optimizer', source: denseSource(spec), remedies })) n++;
  }
  for (
    let n = 0, tries = 0;
    n < options.recurrentKernel && tries < options.recurrentKernel * 20;
    tries++
  ) {
    const spec: RecurrentSpec = {
      cell: pick(random, ['simpleRNN', 'lstm', 'gru'] as const),
      steps: pick(random, [10, 30, 100, 300]),
      units: pick(random, [16, 32, 64, 128]),
      activation: pick(random, ['tanh', 'tanh', 'tanh', 'relu'] as const),
      recurrent: pick(random, KERNEL_SCALES),
      forgetBias: random() < 0.5,
    };
    const id = `recurrent ${spec.cell} T${spec.steps} u${spec.units} ${spec.activation} ${spec.recurrent}${spec.forgetBias && spec.cell === 'lstm' ? ' forgetBias' : ''}`;
    const remedies = recurrentRemedies(spec);
    if (
      add({ id, family: 'recurrent', source: recurrentSource(spec), steps: spec.steps, remedies })
    )
      n++;
  }
  return cases;
}
