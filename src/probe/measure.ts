/**
 * The measurement: one backward pass per step with `tf.variableGrads` on the model's own training loss
 * (what `fit` minimises: mean loss over the batch plus regularisation penalties, with layers in training mode),
 * per-weight gradient and weight norms, non-finite counts, and N optimizer steps on the fixed batch.
 * Norms are reduced on the backend and read back once per step, so memory and time stay flat.
 */
import type {
  LayersModel,
  NamedTensorMap,
  Optimizer,
  Scalar,
  Tensor,
  Variable,
  layers as tfLayers,
} from '@tensorflow/tfjs';

type Tf = typeof import('@tensorflow/tfjs');
type Layer = tfLayers.Layer;

export interface WeightMeasure {
  name: string;
  shape: number[];
  /** Gradient L2 norm at each step (finite entries only; non-finite ones are counted apart). */
  gradNorm: number[];
  /** Non-finite gradient entries at each step. */
  gradNonFinite: number[];
  /** Weight L2 norm before the first step. */
  weightNorm: number;
  weightNonFinite: number;
}

export interface Measurement {
  lossPerStep: number[];
  /** Per trainable variable, in `model.trainableWeights` order. */
  weights: WeightMeasure[];
}

export interface MeasureOptions {
  steps: number;
  onStep?: (step: number, loss: number) => void;
}

/** The LayersModel that owns compile state: a Sequential keeps its compiled functional model inside. */
export function trainingCore(model: LayersModel): LayersModel {
  const inner = (model as unknown as { model?: LayersModel }).model;
  return inner && typeof inner.calculateLosses === 'function' ? inner : model;
}

/** The loss `fit` minimises for this batch; the model must be compiled. */
export function trainingLoss(tf: Tf, model: LayersModel, xs: Tensor[], ys: Tensor[]): Scalar {
  const core = trainingCore(model);
  const predicted = core.apply(xs.length === 1 ? xs[0]! : xs, { training: true });
  const outputs = (Array.isArray(predicted) ? predicted : [predicted]) as Tensor[];
  let total: Tensor | null = null;
  core.lossFunctions.forEach((lossFn, i) => {
    const perExample = lossFn(ys[i]!, outputs[i]!);
    total = total === null ? perExample : tf.add(total, perExample);
  });
  if (total === null) throw new Error('the model is not compiled with a loss');
  let loss = tf.mean(total) as Scalar;
  for (const penalty of core.calculateLosses()) loss = tf.add(loss, penalty);
  return loss;
}

export function measureGradients(
  tf: Tf,
  model: LayersModel,
  optimizer: Optimizer,
  xs: Tensor[],
  ys: Tensor[],
  options: MeasureOptions,
): Measurement {
  const variables = model.trainableWeights.map(variableOf);
  const initial = readNorms(tf, variables);
  const weights: WeightMeasure[] = variables.map((v, i) => ({
    name: v.name,
    shape: [...v.shape],
    gradNorm: [],
    gradNonFinite: [],
    weightNorm: initial.norms[i]!,
    weightNonFinite: initial.nonFinite[i]!,
  }));
  const lossPerStep: number[] = [];
  for (let step = 0; step < options.steps; step++) {
    const { value, grads } = tf.variableGrads(() => trainingLoss(tf, model, xs, ys), variables);
    const ordered = variables.map((v) => grads[v.name]!);
    const stats = readNorms(tf, ordered, value);
    weights.forEach((w, i) => {
      w.gradNorm.push(stats.norms[i]!);
      w.gradNonFinite.push(stats.nonFinite[i]!);
    });
    lossPerStep.push(stats.extra);
    options.onStep?.(step, stats.extra);
    // Step k reports the gradient the optimizer applies at update k; the last update is skipped
    // because nothing after it is measured.
    if (step < options.steps - 1) optimizer.applyGradients(grads as NamedTensorMap);
    tf.dispose([value, ...Object.values(grads)]);
  }
  return { lossPerStep, weights };
}

interface NormStats {
  norms: number[];
  nonFinite: number[];
  extra: number;
}

/** L2 norm over the finite entries (scaled by the max so float32 does not overflow) and non-finite counts. */
function readNorms(tf: Tf, tensors: Tensor[], scalar?: Tensor): NormStats {
  if (tensors.length === 0) {
    return { norms: [], nonFinite: [], extra: scalar ? scalar.dataSync()[0]! : NaN };
  }
  const packed = tf.tidy(() => {
    const rows = tensors.map((t) => {
      const flat = t.flatten().toFloat();
      const finite = tf.isFinite(flat);
      const clean = tf.where(finite, flat, tf.zerosLike(flat));
      const peak = tf.max(tf.abs(clean));
      const scale = tf.maximum(peak, tf.scalar(1e-30));
      const norm = tf.mul(tf.sqrt(tf.sum(tf.square(tf.div(clean, scale)))), peak);
      const bad = tf.sum(tf.cast(tf.logicalNot(finite), 'float32'));
      return tf.stack([norm, bad]);
    });
    const all = tf.concat(rows);
    return scalar ? tf.concat([all, scalar.reshape([1]).toFloat()]) : all;
  });
  const data = packed.dataSync();
  packed.dispose();
  const norms: number[] = [];
  const nonFinite: number[] = [];
  for (let i = 0; i < tensors.length; i++) {
    norms.push(data[2 * i]!);
    nonFinite.push(data[2 * i + 1]!);
  }
  return { norms, nonFinite, extra: scalar ? data[2 * tensors.length]! : NaN };
}

/** Which layer owns each trainable variable, by identity of the underlying tf.Variable. */
export function weightOwners(model: LayersModel): Map<string, Layer> {
  const owners = new Map<string, Layer>();
  for (const layer of model.layers) {
    for (const w of layer.trainableWeights) owners.set(variableOf(w).name, layer);
  }
  return owners;
}

/** The tf.Variable behind a layer weight: its name keys the gradients `tf.variableGrads` returns. */
export function variableOf(weight: { read(): Tensor }): Variable {
  return weight.read() as Variable;
}
