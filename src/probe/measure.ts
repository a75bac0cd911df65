/**
 * The measurement: one backward pass per step with `tf.variableGrads` on the model's own training loss
 * (what `fit` minimises: mean loss over the batch plus regularisation penalties, with layers in training mode),
 * per-weight gradient and weight norms, non-finite counts, and N optimizer steps on the fixed batch. The first
 * step of the model's own optimizer is always applied and its change of each weight measured (updateNorm).
 * Norms are reduced on the backend and read back once per step, so memory and time stay flat.
 */
import type {
  LayersModel,
  NamedTensorMap,
  Optimizer,
  Scalar,
  SymbolicTensor,
  Tensor,
  Variable,
} from '@tensorflow/tfjs';

import type { TemporalPlan } from './temporal';

type Tf = typeof import('@tensorflow/tfjs');

export interface WeightMeasure {
  name: string;
  shape: number[];
  /** Gradient L2 norm at each step (finite entries only; non-finite ones are counted apart). */
  gradNorm: number[];
  /** Non-finite gradient entries at each step. */
  gradNonFinite: number[];
  /** Weight L2 norm before the first step. */
  weightNorm: number;
  /** L2 norm of the change the optimizer's first step made to the weight (after any clipping it applies). */
  updateNorm: number;
  weightNonFinite: number;
}

export interface Measurement {
  lossPerStep: number[];
  /** Per trainable variable, in `model.trainableWeights` order. */
  weights: WeightMeasure[];
  /** The observer's reduced values from the first step; null without an observer. */
  observed: Float32Array | null;
  /** The temporal plan's reduced per-step input gradients from the first step; null without a plan. */
  temporal: Float32Array | null;
}

export interface MeasureOptions {
  steps: number;
  onStep?: (step: number, loss: number) => void;
  observe?: Observer;
  /** Recurrent inputs to differentiate in the first step (backpropagation through time). */
  temporal?: TemporalPlan;
}

/** Layer outputs to watch during the first step's forward pass, reduced to one small tensor. */
export interface Observer {
  outputs: SymbolicTensor[];
  reduce: (values: Tensor[]) => Tensor;
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
  return lossOf(tf, core, (Array.isArray(predicted) ? predicted : [predicted]) as Tensor[], ys);
}

/**
 * As in tfjs's own training step: each output's loss averaged over its batch (outputs of different
 * ranks, a decoder's sequence and its states, give per-example losses of different shapes), summed,
 * plus penalties.
 */
function lossOf(tf: Tf, core: LayersModel, outputs: Tensor[], ys: Tensor[]): Scalar {
  let total: Scalar | null = null;
  core.lossFunctions.forEach((lossFn, i) => {
    const mean = tf.mean(lossFn(ys[i]!, outputs[i]!)) as Scalar;
    total = total === null ? mean : (tf.add(total, mean) as Scalar);
  });
  if (total === null) throw new Error('the model is not compiled with a loss');
  let loss: Scalar = total;
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
  const core = trainingCore(model);
  const observe = options.observe && options.observe.outputs.length > 0 ? options.observe : null;
  // The first step's forward pass also yields the observed layer outputs: same graph, same gradients.
  // tf.model rejects an output listed twice, so observed model outputs are read from their first place.
  const forwardOutputs = [...core.outputs];
  const observedAt = (observe?.outputs ?? []).map((t) => {
    if (!forwardOutputs.includes(t)) forwardOutputs.push(t);
    return forwardOutputs.indexOf(t);
  });
  const forward = observe ? tf.model({ inputs: core.inputs, outputs: forwardOutputs }) : null;
  const weights: WeightMeasure[] = variables.map((v) => ({
    name: v.name,
    shape: [...v.shape],
    gradNorm: [],
    gradNonFinite: [],
    weightNorm: NaN,
    weightNonFinite: 0,
    updateNorm: NaN,
  }));
  const lossPerStep: number[] = [];
  let observed: Float32Array | null = null;
  let temporal: Float32Array | null = null;
  const plan = options.temporal && options.temporal.deltas.length > 0 ? options.temporal : null;
  for (let step = 0; step < options.steps; step++) {
    let kept: Tensor | null = null;
    let timeGrads: Tensor | null = null;
    const tapped = step === 0 && plan !== null;
    const loss = (): Scalar => {
      if (step > 0 || !forward || !observe) return trainingLoss(tf, model, xs, ys);
      const applied = forward.apply(xs.length === 1 ? xs[0]! : xs, { training: true });
      const outputs = (Array.isArray(applied) ? applied : [applied]) as Tensor[];
      kept = tf.keep(observe.reduce(observedAt.map((i) => outputs[i]!)));
      return lossOf(tf, core, outputs.slice(0, core.outputs.length), ys);
    };
    let result: ReturnType<typeof tf.variableGrads>;
    const restore = tapped ? plan.install() : null;
    try {
      // The outer tidy releases the loss value tfjs would leak if the backward pass throws.
      result = tf.tidy(() =>
        tf.variableGrads(loss, tapped ? [...variables, ...plan.deltas] : variables),
      );
    } catch (err) {
      if (kept) (kept as Tensor).dispose();
      throw err;
    } finally {
      restore?.();
    }
    const { value } = result;
    let grads = result.grads;
    if (tapped) {
      const deltaGrads = plan.deltas.map((d) => grads[d.name]!);
      timeGrads = plan.reduce(deltaGrads);
      tf.dispose(deltaGrads);
      grads = Object.fromEntries(variables.map((v) => [v.name, grads[v.name]!]));
    }
    const ordered = variables.map((v) => grads[v.name]!);
    // One read-back per step: gradient norms, the loss, and at the first step weight norms and observations.
    const first = step === 0;
    const extra = [value, ...(kept ? [kept] : []), ...(timeGrads ? [timeGrads] : [])];
    const stats = readNorms(tf, first ? [...ordered, ...variables] : ordered, extra);
    weights.forEach((w, i) => {
      w.gradNorm.push(stats.norms[i]!);
      w.gradNonFinite.push(stats.nonFinite[i]!);
      if (first) {
        w.weightNorm = stats.norms[variables.length + i]!;
        w.weightNonFinite = stats.nonFinite[variables.length + i]!;
      }
    });
    const lossValue = stats.extras[0]!;
    const observedEnd = 1 + (kept ? (kept as Tensor).size : 0);
    if (kept) observed = stats.extras.slice(1, observedEnd);
    if (timeGrads) temporal = stats.extras.slice(observedEnd);
    lossPerStep.push(lossValue);
    options.onStep?.(step, lossValue);
    // Step k reports the gradient the optimizer applies at update k; the last update is skipped because
    // nothing after it is measured, except the first, whose change of the weights is the measurement.
    if (first) {
      const updates = firstUpdate(tf, optimizer, variables, grads as NamedTensorMap);
      weights.forEach((w, i) => (w.updateNorm = updates[i]!));
    } else if (step < options.steps - 1) optimizer.applyGradients(grads as NamedTensorMap);
    tf.dispose([
      value,
      ...Object.values(grads),
      ...(kept ? [kept] : []),
      ...(timeGrads ? [timeGrads] : []),
    ]);
  }
  return { lossPerStep, weights, observed, temporal };
}

/**
 * ||W after - W before|| per variable for one step of the model's own optimizer. The step is applied for real
 * rather than rebuilt from each optimizer's update formula: the formula would repeat tfjs's Adam, RMSProp,
 * Adagrad, Adadelta, Adamax and momentum code (and their epsilons, accumulators, Nesterov and centred variants)
 * and the clipping the Keras settings install around applyGradients, and could drift from any of them; the real
 * step costs one copy of the weights and one subtraction, and is exact for every optimizer tfjs runs, also one the
 * probe does not know by name.
 */
function firstUpdate(
  tf: Tf,
  optimizer: Optimizer,
  variables: Variable[],
  grads: NamedTensorMap,
): number[] {
  if (variables.length === 0) return [];
  const before = variables.map((v) => tf.keep(v.clone()));
  try {
    optimizer.applyGradients(grads);
    const deltas = tf.tidy(() => variables.map((v, i) => tf.sub(v, before[i]!)));
    try {
      return readNorms(tf, deltas, []).norms;
    } finally {
      tf.dispose(deltas);
    }
  } finally {
    tf.dispose(before);
  }
}

interface NormStats {
  norms: number[];
  nonFinite: number[];
  /** The `extra` tensors' values, flattened and concatenated. */
  extras: Float32Array;
}

/**
 * L2 norms in one read-back with the extra tensors. A finite norm means every entry is finite; only tensors
 * whose plain norm is not finite take the careful path (norm of the finite entries, scaled by their maximum so
 * float32 cannot overflow, plus the count of NaN/Inf entries).
 */
function readNorms(tf: Tf, tensors: Tensor[], extra: Tensor[]): NormStats {
  const packed = tf.tidy(() =>
    tf.concat([
      ...(tensors.length > 0 ? [tf.stack(tensors.map((t) => tf.norm(asFloat(t))))] : []),
      ...extra.map((t) => asFloat(t.reshape([-1]))),
    ]),
  );
  const data = packed.dataSync() as Float32Array;
  packed.dispose();
  const norms = Array.from(data.subarray(0, tensors.length));
  const nonFinite = norms.map(() => 0);
  norms.forEach((norm, i) => {
    if (Number.isFinite(norm)) return;
    const careful = carefulNorm(tf, tensors[i]!);
    norms[i] = careful.norm;
    nonFinite[i] = careful.nonFinite;
  });
  return { norms, nonFinite, extras: data.slice(tensors.length) };
}

/** Gradients and weights are float32 already; casting them anyway would cost one op each. */
function asFloat(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : t.toFloat();
}

function carefulNorm(tf: Tf, tensor: Tensor): { norm: number; nonFinite: number } {
  const packed = tf.tidy(() => {
    const flat = tensor.flatten().toFloat();
    const finite = tf.isFinite(flat);
    const clean = tf.where(finite, flat, tf.zerosLike(flat));
    const peak = tf.max(tf.abs(clean));
    const scale = tf.maximum(peak, tf.scalar(1e-30));
    const norm = tf.mul(tf.sqrt(tf.sum(tf.square(tf.div(clean, scale)))), peak);
    const bad = tf.sum(tf.cast(tf.logicalNot(finite), 'float32'));
    return tf.stack([norm, bad]);
  });
  const [norm, bad] = packed.dataSync();
  packed.dispose();
  return { norm: norm!, nonFinite: bad! };
}

/** The tf.Variable behind a layer weight: its name keys the gradients `tf.variableGrads` returns. */
export function variableOf(weight: { read(): Tensor }): Variable {
  return weight.read() as Variable;
}
