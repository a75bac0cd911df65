/**
 * Activation statistics per layer, read from the first gradient step's own forward pass (training mode): the fraction of saturated sigmoid/tanh outputs, and the fraction of ReLU units that are zero for
 * every example. A layer with a linear activation followed directly by an activation layer is judged by that
 * layer's output, since that is where its units saturate or die.
 */
import type { LayersModel, SymbolicTensor, Tensor, layers as tfLayers } from '@tensorflow/tfjs';

type Tf = typeof import('@tensorflow/tfjs');
type Layer = tfLayers.Layer;

export interface ActivationStats {
  activation: string | null;
  saturatedFraction: number | null;
  deadFraction: number | null;
}

const SATURATING = new Set(['sigmoid', 'hardSigmoid', 'tanh']);
const RELU_FAMILY = new Set(['relu', 'relu6']);
/** Their output is not activation(pre-activation) of the layer's units, so the fractions would mislead. */
const RECURRENT = new Set(['LSTM', 'GRU', 'ConvLSTM2D', 'Bidirectional', 'RNN']);
const ACTIVATION_LAYERS = new Set([
  'Activation',
  'ReLU',
  'Softmax',
  'LeakyReLU',
  'ELU',
  'ThresholdedReLU',
]);

/** The activation a layer applies, as a tfjs identifier; null when it has none. */
export function activationOf(layer: Layer): string | null {
  const className = layer.getClassName();
  if (className === 'ReLU') return 'relu';
  if (className === 'Softmax') return 'softmax';
  if (className === 'LeakyReLU') return 'leakyReLU';
  if (className === 'ELU') return 'elu';
  const activation = (layer.getConfig() as { activation?: unknown }).activation;
  return typeof activation === 'string' ? activation : null;
}

/** What to watch in the gradient pass's forward pass, and how to read the reduced values back. */
export interface ActivationPlan {
  outputs: SymbolicTensor[];
  /** One count per watched output (see countFor), stacked. */
  reduce: (values: Tensor[]) => Tensor;
  read: (data: Float32Array | null) => Map<Layer, ActivationStats>;
}

export function planActivations(tf: Tf, model: LayersModel): ActivationPlan {
  const sources = new Map<Layer, { source: Layer; activation: string }>();
  const names = new Map<Layer, string | null>();
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const activation = activationOf(layer);
    names.set(layer, activation);
    const judged = judgedBy(layer, activation);
    if (judged) sources.set(layer, judged);
  }
  const outputs: SymbolicTensor[] = [];
  const owners: { layer: Layer; activation: string }[] = [];
  const totals: number[] = [];
  for (const { source, activation } of new Map(
    [...sources.values()].map((s) => [s.source, s]),
  ).values()) {
    for (let k = 0; k < source.inboundNodes.length; k++) {
      const out = source.getOutputAt(k);
      for (const t of Array.isArray(out) ? out : [out]) {
        outputs.push(t);
        owners.push({ layer: source, activation });
      }
    }
  }
  return {
    outputs,
    reduce: (values) => {
      values.forEach((t, i) => (totals[i] = totalFor(t, owners[i]!.activation)));
      return tf.stack(values.map((t, i) => countFor(tf, t, owners[i]!.activation)));
    },
    read: (data) => {
      const result = new Map<Layer, ActivationStats>();
      for (const [layer, activation] of names) {
        result.set(layer, { activation, saturatedFraction: null, deadFraction: null });
      }
      if (!data) return result;
      for (const [layer, { source, activation }] of sources) {
        // [count, total] summed over every application of a shared layer.
        let count = 0;
        let total = 0;
        owners.forEach((owner, i) => {
          if (owner.layer !== source) return;
          total += totals[i]!;
          // Counted on the backend: saturated elements, or units alive on some example.
          count += SATURATING.has(activation) ? data[i]! : totals[i]! - data[i]!;
        });
        const stats = result.get(layer)!;
        const fraction = total > 0 ? count / total : null;
        if (SATURATING.has(activation)) stats.saturatedFraction = fraction;
        else stats.deadFraction = fraction;
      }
      return result;
    },
  };
}

function judgedBy(
  layer: Layer,
  activation: string | null,
): { source: Layer; activation: string } | null {
  if (RECURRENT.has(layer.getClassName())) return null;
  if (activation && (SATURATING.has(activation) || RELU_FAMILY.has(activation))) {
    return { source: layer, activation };
  }
  if (activation !== null && activation !== 'linear') return null;
  const consumers = layer.outboundNodes.map((node) => node.outboundLayer);
  const next = consumers.length === 1 ? consumers[0] : undefined;
  if (!next || !ACTIVATION_LAYERS.has(next.getClassName())) return null;
  const nextActivation = activationOf(next);
  if (nextActivation && (SATURATING.has(nextActivation) || RELU_FAMILY.has(nextActivation))) {
    return { source: next, activation: nextActivation };
  }
  return null;
}

/** What a count is out of: every element for saturation, every unit (last axis) for dead units. */
function totalFor(output: Tensor, activation: string): number {
  return SATURATING.has(activation) ? output.size : (output.shape[output.shape.length - 1] ?? 1);
}

/** Saturated elements (|y - 0.5| > 0.49 for sigmoid-like, |y| > 0.99 for tanh), or units alive on some example. */
function countFor(tf: Tf, output: Tensor, activation: string): Tensor {
  if (SATURATING.has(activation)) {
    const centred = activation === 'tanh' ? tf.abs(output) : tf.abs(tf.sub(output, 0.5));
    return tf.sum(tf.cast(tf.greater(centred, activation === 'tanh' ? 0.99 : 0.49), 'float32'));
  }
  const units = output.shape[output.shape.length - 1] ?? 1;
  const alive = tf.any(tf.notEqual(output.reshape([-1, units]), 0), 0);
  return tf.sum(tf.cast(alive, 'float32'));
}
