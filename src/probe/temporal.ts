/**
 * Backpropagation through time: the gradient of the loss with respect to each time step's input of every recurrent
 * layer. A zero tensor is added to the layer's input sequence inside its `call` (the model runs as built), and that
 * zero is differentiated in the same backward pass as the weights, so dL/d(zero) = dL/d(input) costs no extra pass.
 * A Bidirectional wrapper gets one zero per direction: each direction's profile is judged on its own, because the
 * other direction always reaches the far end of the sequence.
 */
import type { LayersModel, Tensor, Variable, layers as tfLayers } from '@tensorflow/tfjs';

type Tf = typeof import('@tensorflow/tfjs');
type Layer = tfLayers.Layer;

export const RECURRENT_CLASSES = new Set(['SimpleRNN', 'LSTM', 'GRU', 'RNN', 'ConvLSTM2D']);

/** One recurrent computation to watch: a plain recurrent layer, or one direction of a Bidirectional. */
interface Tap {
  owner: Layer;
  /** The layer whose `call` receives the sequence. */
  target: Layer;
  direction: 'forward' | 'backward';
  delta: Variable;
}

export interface TemporalPlan {
  /** Extra variables to differentiate in the first step's backward pass. */
  deltas: Variable[];
  /** Adds the zero tensors to the recurrent inputs; returns the function that undoes it. */
  install(): () => void;
  /** One tensor of every tap's per-step gradient norms (time axis 1), concatenated. */
  reduce(grads: Tensor[]): Tensor;
  /** Splits the values `reduce` produced back into per-layer profiles. */
  read(values: Float32Array): Map<Layer, RawTemporal>;
  dispose(): void;
  /** Recurrent layers the probe could not watch, with the reason. */
  skipped: { layer: Layer; why: string }[];
}

/** Per-step gradient norms of one recurrent layer, step 1 first. */
export interface RawTemporal {
  gradNormByStep: number[];
  /** Bidirectional layers: each direction's own profile. */
  directions?: { forward: number[]; backward: number[] };
  /** Whether the sequence is read last step first (goBackwards). */
  reversed: boolean;
}

let planCount = 0;

export function planTemporal(
  tf: Tf,
  model: LayersModel,
  layers: Layer[],
  xs: Tensor[],
): TemporalPlan {
  const taps: Tap[] = [];
  const skipped: TemporalPlan['skipped'] = [];
  const plan = planCount++;
  for (const layer of layers) {
    const className = layer.getClassName();
    const inner = className === 'Bidirectional' ? bidirectionalParts(layer) : null;
    if (!RECURRENT_CLASSES.has(className) && !inner) continue;
    let shape: number[];
    try {
      shape = inputShape(tf, model, layer, xs);
    } catch (err) {
      skipped.push({ layer, why: err instanceof Error ? err.message : String(err) });
      continue;
    }
    if (shape.length < 3) {
      skipped.push({ layer, why: `its input has shape [${shape.join(', ')}], not a sequence` });
      continue;
    }
    // One time step has no backpropagation through time to watch (and tfjs cannot differentiate a
    // one-step sequence's input: the unstack gradient of a single step throws).
    if ((shape[1] ?? 0) < 2) {
      skipped.push({
        layer,
        why: 'its input sequence has one time step: there is no gradient through time',
      });
      continue;
    }
    const parts: [Layer, Tap['direction']][] = inner
      ? [
          [inner.forward, 'forward'],
          [inner.backward, 'backward'],
        ]
      : [[layer, 'forward']];
    for (const [target, direction] of parts) {
      const name = `gradient_lens_bptt_${plan}_${taps.length}`;
      taps.push({
        owner: layer,
        target,
        direction,
        delta: tf.variable(tf.zeros(shape), true, name),
      });
    }
  }
  return {
    deltas: taps.map((t) => t.delta),
    skipped,
    install: () => installTaps(tf, taps),
    reduce: (grads) =>
      tf.tidy(() => {
        const parts = grads.map((g) => stepNorms(tf, g));
        // A Bidirectional's input gradient is the sum of its two directions' gradients.
        taps.forEach((tap, i) => {
          if (tap.direction === 'backward')
            parts.push(stepNorms(tf, tf.add(grads[i - 1]!, grads[i]!)));
        });
        return tf.concat(parts);
      }),
    read: (values) => readProfiles(taps, values),
    dispose: () => tf.dispose(taps.map((t) => t.delta)),
  };
}

function bidirectionalParts(layer: Layer): { forward: Layer; backward: Layer } | null {
  const wrapper = layer as unknown as { forwardLayer?: Layer; backwardLayer?: Layer };
  const { forwardLayer, backwardLayer } = wrapper;
  if (!forwardLayer || !backwardLayer) return null;
  return RECURRENT_CLASSES.has(forwardLayer.getClassName())
    ? { forward: forwardLayer, backward: backwardLayer }
    : null;
}

/** The concrete shape of the layer's input sequence for this batch. */
function inputShape(tf: Tf, model: LayersModel, layer: Layer, xs: Tensor[]): number[] {
  if (layer.inboundNodes.length !== 1) {
    throw new Error('the layer is applied more than once in the model');
  }
  const input = first(layer.input);
  const batch = xs[0]?.shape[0] ?? 1;
  const asModelInput = model.inputs.findIndex((t) => t === input || t.id === input.id);
  if (asModelInput >= 0 && xs[asModelInput]) return [...xs[asModelInput]!.shape];
  const rest = input.shape.slice(1);
  if (rest.every((d) => typeof d === 'number' && d > 0)) return [batch, ...(rest as number[])];
  // An open dimension (sequence length left to the data): run the model up to this layer once.
  return tf.tidy(() => {
    const prefix = tf.model({ inputs: model.inputs, outputs: input });
    const out = prefix.predict(xs.length === 1 ? xs[0]! : xs) as Tensor | Tensor[];
    return [...first(out).shape];
  });
}

function first<T>(value: T | T[]): T {
  return Array.isArray(value) ? value[0]! : value;
}

/** Replaces each target's `call` with one that adds its zero tensor to the sequence first. */
function installTaps(tf: Tf, taps: Tap[]): () => void {
  const restore: (() => void)[] = [];
  for (const tap of taps) {
    const target = tap.target as unknown as {
      call: (inputs: Tensor | Tensor[], kwargs: unknown) => Tensor | Tensor[];
    };
    const own = Object.prototype.hasOwnProperty.call(target, 'call');
    const original = target.call;
    target.call = function (this: unknown, inputs, kwargs) {
      const shifted = Array.isArray(inputs)
        ? [tf.add(inputs[0]!, tap.delta), ...inputs.slice(1)]
        : tf.add(inputs, tap.delta);
      return original.call(this, shifted, kwargs);
    };
    restore.push(() => {
      if (own) target.call = original;
      else delete (target as { call?: unknown }).call;
    });
  }
  return () => restore.forEach((undo) => undo());
}

/** L2 norm over every axis but time (axis 1): batch and features together. */
function stepNorms(tf: Tf, grad: Tensor): Tensor {
  const axes = grad.shape.map((_, i) => i).filter((i) => i !== 1);
  return tf.sqrt(tf.sum(tf.square(grad.toFloat()), axes));
}

function readProfiles(taps: Tap[], values: Float32Array): Map<Layer, RawTemporal> {
  const out = new Map<Layer, RawTemporal>();
  const byOwner = new Map<Layer, { tap: Tap; norms: number[] }[]>();
  const combined = new Map<Layer, number[]>();
  let at = 0;
  for (const tap of taps) {
    const steps = tap.delta.shape[1]!;
    const norms = Array.from(values.subarray(at, at + steps));
    at += steps;
    byOwner.set(tap.owner, [...(byOwner.get(tap.owner) ?? []), { tap, norms }]);
  }
  for (const [owner, parts] of byOwner) {
    if (parts.length > 1) {
      const steps = parts[0]!.norms.length;
      combined.set(owner, Array.from(values.subarray(at, at + steps)));
      at += steps;
    }
  }
  for (const [owner, parts] of byOwner) {
    if (parts.length === 1) {
      const reversed = Boolean(
        (parts[0]!.tap.target as unknown as { goBackwards?: boolean }).goBackwards,
      );
      out.set(owner, { gradNormByStep: parts[0]!.norms, reversed });
      continue;
    }
    const forward = parts.find((p) => p.tap.direction === 'forward')!.norms;
    const backward = parts.find((p) => p.tap.direction === 'backward')!.norms;
    out.set(owner, {
      gradNormByStep: combined.get(owner)!,
      directions: { forward, backward },
      reversed: false,
    });
  }
  return out;
}
