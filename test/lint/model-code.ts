/**
 * Generates realistic tfjs model files for property tests and the lint benchmark: builder
 * functions with sequential models, loops, recurrent layers, compile/fit, helper constants,
 * ordinary comments and a few disable directives. Deterministic for a given seed.
 */

const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'elu', 'selu', 'linear', 'softmax', 'relu6'];
const INITIALIZERS = ['heNormal', 'glorotNormal', 'leCunNormal', 'zeros', 'ones', 'glorotUniform'];
const OPTIMIZERS = [
  "'adam'",
  "'sgd'",
  'tf.train.adam(0.05)',
  'tf.train.sgd(LEARNING_RATE)',
  'tf.train.rmsprop(0.001)',
];
const LOSSES = [
  "'meanSquaredError'",
  "'categoricalCrossentropy'",
  "'binaryCrossentropy'",
  'tf.losses.meanSquaredError',
];

/** A small deterministic PRNG (mulberry32), so generated files are reproducible. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ModelSpec {
  layers: LayerSpec[];
  optimizer: string;
  loss: string;
  trained: boolean;
}

export interface LayerSpec {
  factory: 'dense' | 'lstm' | 'simpleRNN' | 'gru' | 'batchNormalization' | 'dropout';
  units: number;
  activation?: string;
  initializer?: string;
  /** Repeat the layer in a for loop this many times (1 = no loop). */
  repeat: number;
}

/** One builder function for one model. */
export function modelFunction(name: string, spec: ModelSpec): string {
  const lines = [`export function ${name}() {`, '  const model = tf.sequential();'];
  spec.layers.forEach((layer, index) => {
    const call = `model.add(tf.layers.${layer.factory}(${layerConfig(layer, index === 0)}));`;
    // The first layer carries the input shape, so it is never repeated.
    if (layer.repeat > 1 && index > 0) {
      lines.push(`  for (let i = 0; i < ${layer.repeat}; i++) {`, `    ${call}`, '  }');
    } else {
      lines.push(`  ${call}`);
    }
  });
  lines.push(`  model.compile({ optimizer: ${spec.optimizer}, loss: ${spec.loss} });`);
  if (spec.trained) lines.push('  model.fit(xs, ys, { epochs: 2, batchSize: BATCH });');
  lines.push('  return model;', '}', '');
  return lines.join('\n');
}

function layerConfig(layer: LayerSpec, first: boolean): string {
  if (layer.factory === 'batchNormalization') return '';
  if (layer.factory === 'dropout') return '{ rate: 0.2 }';
  const props = [`units: ${layer.units}`];
  if (layer.activation) props.push(`activation: '${layer.activation}'`);
  if (layer.initializer) props.push(`kernelInitializer: '${layer.initializer}'`);
  const recurrent = layer.factory !== 'dense';
  if (first) props.push(recurrent ? 'inputShape: [40, 8]' : 'inputShape: [INPUT_SIZE]');
  if (layer.factory === 'lstm' || layer.factory === 'gru') props.push('returnSequences: false');
  return `{ ${props.join(', ')} }`;
}

export function randomModel(next: () => number): ModelSpec {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const count = 2 + Math.floor(next() * 8);
  const layers: LayerSpec[] = [];
  for (let i = 0; i < count; i++) {
    const roll = next();
    const factory: LayerSpec['factory'] =
      i === 0 && roll < 0.2
        ? pick(['lstm', 'simpleRNN', 'gru'] as const)
        : roll < 0.1
          ? 'batchNormalization'
          : roll < 0.15
            ? 'dropout'
            : 'dense';
    layers.push({
      factory,
      units: pick([1, 8, 16, 32, 64, 128]),
      activation: next() < 0.8 ? pick(ACTIVATIONS) : undefined,
      initializer: next() < 0.4 ? pick(INITIALIZERS) : undefined,
      repeat: next() < 0.2 ? 2 + Math.floor(next() * 4) : 1,
    });
  }
  return { layers, optimizer: pick(OPTIMIZERS), loss: pick(LOSSES), trained: next() < 0.7 };
}

const HEADER = `import * as tf from '@tensorflow/tfjs';

const LEARNING_RATE = 0.2;
const INPUT_SIZE = 32;
const BATCH = 64;
const xs = tf.randomNormal([BATCH, INPUT_SIZE]);
const ys = tf.randomNormal([BATCH, 1]);
`;

/** A whole file of about `lines` lines built from random models. */
export function generateModelFile(lines: number, seed = 1): string {
  const next = random(seed);
  const parts = [HEADER];
  let total = HEADER.split('\n').length;
  for (let index = 0; total < lines; index++) {
    const comment =
      index % 7 === 3
        ? '// gradient-lens-disable-next-line saturating-activation -- generated\n'
        : `// Model ${index}: built for the benchmark.\n`;
    const body = comment + modelFunction(`buildModel${index}`, randomModel(next));
    parts.push(body);
    total += body.split('\n').length - 1;
  }
  return parts.join('\n');
}
