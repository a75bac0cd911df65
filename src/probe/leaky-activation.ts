/**
 * Keras's `leaky_relu` activation (`activation='leaky_relu'`, `activation=LeakyReLU(...)`, `Activation(LeakyReLU)`),
 * which tfjs has no activation of: an Activation layer is built as tfjs's LeakyReLU layer, a dense or conv layer
 * as the same layer with a linear activation whose output goes through leaky ReLU (one tfjs layer per Keras
 * layer, so the report's rows and lines stay the file's). The slope is Keras's default for the activation.
 */
import type { layers as tfLayers, Tensor } from '@tensorflow/tfjs';
import type { LayerNode } from '../analysis/ir';

type Tf = typeof import('@tensorflow/tfjs');
type Layer = tfLayers.Layer;

/** keras.activations.leaky_relu's negative slope (tf.nn.leaky_relu's alpha). */
export const KERAS_LEAKY_SLOPE = 0.2;

/** Layers whose activation is applied to their whole output, so applying it after the call is the same. */
const WEIGHTED = new Set([
  'dense',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv1dTranspose',
  'conv2dTranspose',
  'conv3dTranspose',
  'separableConv2d',
  'depthwiseConv2d',
]);

export function isLeaky(node: LayerNode): boolean {
  const value = node.config.props['activation']?.value;
  return value?.kind === 'string' && value.value === 'leakyReLU';
}

/** How to build a node whose activation is leaky ReLU; null when the node is not one this covers. */
export function leakyPlan(node: LayerNode): 'layer' | 'after' | null {
  if (!isLeaky(node)) return null;
  if (node.factory === 'activation') return 'layer';
  return WEIGHTED.has(node.factory) ? 'after' : null;
}

/** Makes `layer` (built with a linear activation) apply leaky ReLU to its output. */
export function applyLeakyAfter(tf: Tf, layer: Layer): void {
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => {
    const out = call(inputs, kwargs);
    return Array.isArray(out)
      ? out.map((t: Tensor) => tf.leakyRelu(t, KERAS_LEAKY_SLOPE))
      : tf.leakyRelu(out, KERAS_LEAKY_SLOPE);
  };
}

/** One sentence for the report naming the layers built so. */
export function leakySentences(layers: LayerNode[], lineOf: (node: LayerNode) => number): string[] {
  const built = layers.filter((node) => leakyPlan(node) !== null);
  if (built.length === 0) return [];
  const which = built.map((node) => `${node.index} (line ${lineOf(node)})`).join(', ');
  return [
    `Leaky ReLU activation of layer${built.length > 1 ? 's' : ''} ${which}: tfjs has no leaky_relu activation, so it is applied after the layer with slope ${KERAS_LEAKY_SLOPE} (Keras's default for the activation).`,
  ];
}
