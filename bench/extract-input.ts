/**
 * Generates realistic tfjs model files of a given size for the extractor benchmark: builder functions,
 * functional residual models, custom training loops, and the data-handling code around them.
 */
const HEADER = `import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';

const BATCH_SIZE = 32;
const EPOCHS = 20;
`;

const BLOCKS: Array<(n: number) => string> = [
  (n) => `
/** Builds dense classifier number ${n}. */
export function buildClassifier${n}(inputDim: number, numClasses = 10): tf.Sequential {
  const hiddenSizes = [256, 128, 64, 32];
  const model = tf.sequential();
  hiddenSizes.forEach((units, i) => {
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: 'heNormal', ...(i === 0 ? { inputShape: [inputDim] } : {}) }));
    if (i % 2 === 1) model.add(tf.layers.batchNormalization());
  });
  model.add(tf.layers.dropout({ rate: 0.25 }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
`,
  (n) => `
function residualBlock${n}(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  const y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const z = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same' }).apply(y) as tf.SymbolicTensor;
  return tf.layers.add().apply([x, z]) as tf.SymbolicTensor;
}

export function buildResNet${n}(blocks = 3): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 16] });
  let x: tf.SymbolicTensor = input;
  for (let i = 0; i < blocks; i++) x = residualBlock${n}(x, 16);
  const pooled = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}
`,
  (n) => `
interface Sample${n} {
  features: number[];
  label: number;
}

export function loadSamples${n}(path: string): Sample${n}[] {
  const lines = readFileSync(path, 'utf8').split('\\n');
  const samples: Sample${n}[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const parts = line.split(',').map(Number);
    samples.push({ features: parts.slice(0, -1), label: parts[parts.length - 1] });
  }
  return samples;
}

export function normalize${n}(samples: Sample${n}[]): number[][] {
  const dims = samples[0]?.features.length ?? 0;
  const means = new Array(dims).fill(0);
  for (const s of samples) s.features.forEach((v, i) => (means[i] += v / samples.length));
  return samples.map((s) => s.features.map((v, i) => v - means[i]));
}
`,
  (n) => `
export async function trainLoop${n}(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): Promise<number[]> {
  const optimizer = tf.train.sgd(0.01);
  const losses: number[] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.predict(xs) as tf.Tensor), true);
    losses.push(cost ? (await cost.data())[0] : NaN);
    cost?.dispose();
  }
  return losses;
}

export class Trainer${n} {
  private history: number[] = [];
  constructor(private readonly batchSize = BATCH_SIZE) {}
  async run(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): Promise<void> {
    const result = await model.fit(xs, ys, { epochs: EPOCHS, batchSize: this.batchSize, shuffle: true });
    this.history.push(...(result.history.loss as number[]));
  }
  best(): number {
    return Math.min(...this.history);
  }
}
`,
];

/** A file of about `lines` lines (the blocks are cycled until the size is reached). */
export function generateModelFile(lines: number): string {
  let out = HEADER;
  for (let n = 0; out.split('\n').length < lines; n++) out += BLOCKS[n % BLOCKS.length](n);
  return out;
}

/** Ordinary application code of about `lines` lines that never imports tfjs. */
export function generatePlainFile(lines: number): string {
  let out = `import { readFileSync } from 'node:fs';\n`;
  for (let n = 0; out.split('\n').length < lines; n++) {
    out += `
export function parseRecord${n}(line: string): Record<string, string> {
  const [key, ...rest] = line.split('=');
  return { [key.trim()]: rest.join('=').trim() };
}
export const config${n} = readFileSync('config${n}.ini', 'utf8').split('\\n').map(parseRecord${n});
`;
  }
  return out;
}
