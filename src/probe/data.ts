/**
 * A synthetic batch that fits the model: inputs drawn from the input shape (N(0,1) floats, or integer ids for
 * embeddings) and targets shaped like the outputs and valid for the loss. Seeded, so runs repeat exactly.
 */
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { seededNormal, seededUniform } from './random';

type Tf = typeof import('@tensorflow/tfjs');

export interface Batch {
  xs: Tensor[];
  ys: Tensor[];
  assumptions: string[];
}

/** Length used for dimensions left open in the input shape (e.g. variable-length sequences). */
export const OPEN_DIMENSION = 10;

export function makeBatch(
  tf: Tf,
  model: LayersModel,
  lossName: string,
  batchSize: number,
  seed: number,
): Batch {
  const assumptions: string[] = [];
  const normal = seededNormal(seed);
  const uniform = seededUniform(seed + 1);
  let floats = 0;
  const open = openLength(tf, model);
  const xs = model.inputs.map((input, i) => {
    const shape = concreteShape(input.shape, batchSize, open, `input ${i}`, assumptions);
    const vocabulary = embeddingVocabulary(model, i);
    if (vocabulary !== null) {
      assumptions.push(
        `Input ${i} feeds an embedding: integer ids drawn uniformly from [0, ${vocabulary}).`,
      );
      const ids = fill(shape, () => Math.floor(uniform() * vocabulary));
      return input.dtype === 'int32'
        ? tf.tensor(Int32Array.from(ids), shape, 'int32')
        : tf.tensor(ids, shape, 'float32');
    }
    const pixels = pixelReader(model, i);
    if (pixels) {
      assumptions.push(
        `Input ${i} feeds a ${pixels} that rescales 0-255 pixels: values drawn uniformly from [0, 255).`,
      );
      return tf.tensor(
        fill(shape, () => uniform() * 255),
        shape,
        'float32',
      );
    }
    floats++;
    return tf.tensor(fill(shape, normal), shape, 'float32');
  });
  const values = floats > 0 ? ', float values drawn from N(0, 1)' : '';
  const examples = batchSize === 1 ? 'example' : 'examples';
  assumptions.push(`Inputs: a batch of ${batchSize} ${examples}${values} (seed ${seed}).`);
  const outputShapes = targetShapes(tf, model, xs);
  const ys = outputShapes.map((shape) => makeTarget(tf, shape, lossName, normal, uniform));
  assumptions.push(targetSentence(lossName));
  return { xs, ys, assumptions };
}

function concreteShape(
  shape: Shape,
  batchSize: number,
  open: number,
  what: string,
  assumptions: string[],
): number[] {
  return shape.map((dim, axis) => {
    if (axis === 0) return batchSize;
    if (dim !== null && dim !== undefined && dim > 0) return dim;
    const why =
      open === OPEN_DIMENSION
        ? ''
        : ` (the shortest of ${OPEN_LENGTHS.join(', ')} that every layer's output keeps at least one step of)`;
    assumptions.push(`Dimension ${axis} of ${what} is open; the batch uses length ${open}${why}.`);
    return open;
  });
}

/** Lengths tried for open dimensions, shortest first (short sequences keep the probe fast). */
const OPEN_LENGTHS = [OPEN_DIMENSION, 32, 64, 128, 256, 512];

/**
 * The length for open input dimensions: the shortest in OPEN_LENGTHS with which one example passes forward
 * (a stack of valid convolutions and poolings over an open-length sequence shrinks it below zero at 10
 * steps). OPEN_DIMENSION when no input is open or no length fits (the probe then reports the model's error).
 */
function openLength(tf: Tf, model: LayersModel): number {
  const isOpen = (dim: number | null | undefined) => !(typeof dim === 'number' && dim > 0);
  if (!model.inputs.some((input) => input.shape.slice(1).some(isOpen))) return OPEN_DIMENSION;
  // A stateful layer keeps the trial's state (and wants its own batch size): no trials.
  if (model.layers.some((layer) => (layer.getConfig() as { stateful?: unknown }).stateful === true))
    return OPEN_DIMENSION;
  for (const length of OPEN_LENGTHS) {
    const fits = tf.tidy(() => {
      const xs = model.inputs.map((input) =>
        tf.zeros(
          input.shape.map((dim, axis) => (axis === 0 ? 1 : isOpen(dim) ? length : dim!)),
          input.dtype === 'int32' ? 'int32' : 'float32',
        ),
      );
      try {
        model.predict(xs.length === 1 ? xs[0]! : xs);
        return true;
      } catch {
        return false;
      }
    });
    if (fits) return length;
  }
  return OPEN_DIMENSION;
}

type Shape = (number | null | undefined)[];

/**
 * The class of the layer that scales pixel values when input `index` goes into one, directly or through
 * layers that keep the values' range (a Resizing before the preprocessing): a Lambda whose body scales
 * them (lambda-layer.ts), or a Rescaling by at most 1/127.5 (Keras's `Rescaling(1./255)`: on N(0, 1) inputs
 * its output would be 255x smaller than the data the model is written for). Null otherwise.
 */
function pixelReader(model: LayersModel, index: number): string | null {
  for (const start of consumersOf(model, index)) {
    let layer = start;
    for (let hops = 0; KEEPS_RANGE.has(layer.getClassName()) && hops < 8; hops++) {
      const next = layer.outboundNodes.map((node) => node.outboundLayer);
      if (next.length !== 1 || !next[0]) break;
      layer = next[0];
    }
    if ((layer as unknown as { readsPixels?: boolean }).readsPixels === true) return 'Lambda';
    if (layer.getClassName() === 'Rescaling') {
      const scale = Number(layer.getConfig().scale);
      if (scale > 0 && scale <= 1 / 127.5 + 1e-9) return 'Rescaling';
    }
  }
  return null;
}

/** Layers whose output values stay in their input's range. */
const KEEPS_RANGE = new Set(['Resizing', 'CenterCrop', 'RandomCrop', 'RandomFlip', 'Masking']);

function consumersOf(model: LayersModel, index: number): LayersModel['layers'] {
  const input = model.inputs[index];
  const consumers = model.layers.filter((layer) =>
    layer.inboundNodes.some((node) =>
      node.inputTensors.some((t) => t === input || t.id === input?.id),
    ),
  );
  // A sequential model's first layer receives the input through its InputLayer.
  const first = model.layers.find((l) => l.getClassName() !== 'InputLayer');
  return consumers.length > 0 ? consumers : first ? [first] : [];
}

/** The vocabulary size when input `index` goes straight into an Embedding layer. */
function embeddingVocabulary(model: LayersModel, index: number): number | null {
  for (let layer of consumersOf(model, index)) {
    // Through layers that pass the ids on unchanged (`Masking(mask_value=0)` before an Embedding).
    for (let hops = 0; PASS_THROUGH.has(layer.getClassName()) && hops < 8; hops++) {
      const next = layer.outboundNodes.map((node) => node.outboundLayer);
      if (next.length !== 1 || !next[0]) break;
      layer = next[0];
    }
    if (layer.getClassName() === 'Embedding') {
      return Number((layer.getConfig() as { inputDim?: number }).inputDim);
    }
  }
  return null;
}

/** Layers whose output is their input's values (a mask aside): what follows them decides the input's kind. */
const PASS_THROUGH = new Set(['Masking']);

function targetShapes(tf: Tf, model: LayersModel, xs: Tensor[]): number[][] {
  const declared = model.outputs.map((o) => o.shape);
  if (declared.every((shape) => shape.slice(1).every((d) => typeof d === 'number' && d > 0))) {
    return declared.map((shape) => [xs[0]!.shape[0]!, ...(shape.slice(1) as number[])]);
  }
  // Open output dimensions follow the input's; one inference pass tells their length.
  return tf.tidy(() => {
    const out = model.predict(xs.length === 1 ? xs[0]! : xs);
    return (Array.isArray(out) ? out : [out]).map((t) => t.shape);
  });
}

function makeTarget(
  tf: Tf,
  shape: number[],
  lossName: string,
  normal: () => number,
  uniform: () => number,
): Tensor {
  const classes = shape[shape.length - 1] ?? 1;
  switch (lossName) {
    case 'categoricalCrossentropy':
    case 'categoricalHinge':
    case 'kullbackLeiblerDivergence': {
      const rows = shape.slice(0, -1);
      // One unit (a sigmoid head under a shared categorical loss): its only one-hot target is 1.
      if (classes < 2) return tf.ones(shape);
      const labels = fill(rows, () => Math.floor(uniform() * classes));
      return tf.tidy(() => tf.oneHot(tf.tensor(labels, rows, 'int32'), classes).toFloat());
    }
    case 'sparseCategoricalCrossentropy': {
      const rows = [...shape.slice(0, -1), 1];
      return tf.tensor(
        fill(rows, () => Math.floor(uniform() * classes)),
        rows,
        'float32',
      );
    }
    case 'binaryCrossentropy':
      return tf.tensor(
        fill(shape, () => (uniform() < 0.5 ? 0 : 1)),
        shape,
        'float32',
      );
    case 'hinge':
    case 'squaredHinge':
      return tf.tensor(
        fill(shape, () => (uniform() < 0.5 ? -1 : 1)),
        shape,
        'float32',
      );
    case 'poisson':
    case 'meanSquaredLogarithmicError':
      return tf.tensor(fill(shape, uniform), shape, 'float32');
    default:
      return tf.tensor(fill(shape, normal), shape, 'float32');
  }
}

function targetSentence(lossName: string): string {
  switch (lossName) {
    case 'categoricalCrossentropy':
    case 'categoricalHinge':
    case 'kullbackLeiblerDivergence':
      return `Targets for ${lossName}: one-hot vectors of uniformly drawn classes.`;
    case 'sparseCategoricalCrossentropy':
      return 'Targets for sparseCategoricalCrossentropy: integer class labels drawn uniformly.';
    case 'binaryCrossentropy':
      return 'Targets for binaryCrossentropy: 0/1 labels with equal odds.';
    case 'hinge':
    case 'squaredHinge':
      return `Targets for ${lossName}: -1/+1 labels with equal odds.`;
    case 'poisson':
    case 'meanSquaredLogarithmicError':
      return `Targets for ${lossName}: non-negative values drawn uniformly from [0, 1).`;
    default:
      return `Targets for ${lossName}: values drawn from N(0, 1) with the output's shape.`;
  }
}

function fill(shape: number[], draw: () => number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = draw();
  return values;
}
