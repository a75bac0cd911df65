/**
 * Activation statistics per layer, from a separate forward pass in training mode (the gradient pass is left
 * untouched): the fraction of saturated sigmoid/tanh outputs, and the fraction of ReLU units that are zero for
 * every example. A layer with a linear activation followed directly by an activation layer is judged by that
 * layer's output, since that is where its units saturate or die.
 */
import type { LayersModel, SymbolicTensor, Tensor, layers as tfLayers } from '@tensorflow/tfjs';
import { trainingCore } from './measure';

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

export function activationStats(
  tf: Tf,
  model: LayersModel,
  xs: Tensor[],
): Map<Layer, ActivationStats> {
  const result = new Map<Layer, ActivationStats>();
  const sources = new Map<Layer, { source: Layer; activation: string }>();
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const activation = activationOf(layer);
    result.set(layer, { activation, saturatedFraction: null, deadFraction: null });
    const judged = judgedBy(layer, activation);
    if (judged) sources.set(layer, judged);
  }
  if (sources.size === 0) return result;

  const sourceLayers = [...new Set([...sources.values()].map((s) => s.source))];
  const outputs: SymbolicTensor[] = [];
  const owner: Layer[] = [];
  for (const layer of sourceLayers) {
    for (let k = 0; k < layer.inboundNodes.length; k++) {
      const out = layer.getOutputAt(k);
      for (const t of Array.isArray(out) ? out : [out]) {
        outputs.push(t);
        owner.push(layer);
      }
    }
  }
  const core = trainingCore(model);
  const probe = tf.model({ inputs: core.inputs, outputs });
  const fractions = tf.tidy(() => {
    const values = probe.apply(xs.length === 1 ? xs[0]! : xs, { training: true });
    const tensors = (Array.isArray(values) ? values : [values]) as Tensor[];
    return tensors.map((t, i) => {
      const activation = [...sources.values()].find((s) => s.source === owner[i])!.activation;
      return fractionsFor(tf, t, activation);
    });
  });
  const read = fractions.map((t) => t.dataSync());
  tf.dispose(fractions);

  for (const [layer, { source, activation }] of sources) {
    const rows = owner.flatMap((o, i) => (o === source ? [read[i]!] : []));
    // [count, total] summed over every application of a shared layer.
    const count = rows.reduce((a, r) => a + r[0]!, 0);
    const total = rows.reduce((a, r) => a + r[1]!, 0);
    const fraction = total > 0 ? count / total : null;
    const stats = result.get(layer)!;
    if (SATURATING.has(activation)) stats.saturatedFraction = fraction;
    else stats.deadFraction = fraction;
  }
  return result;
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

/** [matching count, total] for one output: saturated elements, or ReLU units (last axis) dead on every example. */
function fractionsFor(tf: Tf, output: Tensor, activation: string): Tensor {
  if (SATURATING.has(activation)) {
    const saturated =
      activation === 'tanh'
        ? tf.greater(tf.abs(output), 0.99)
        : tf.logicalOr(tf.less(output, 0.01), tf.greater(output, 0.99));
    return tf.stack([tf.sum(tf.cast(saturated, 'float32')), tf.scalar(output.size)]);
  }
  const units = output.shape[output.shape.length - 1] ?? 1;
  const rows = output.reshape([-1, units]);
  const alive = tf.any(tf.notEqual(rows, 0), 0);
  const dead = tf.sub(tf.scalar(units), tf.sum(tf.cast(alive, 'float32')));
  return tf.stack([dead, tf.scalar(units)]);
}
