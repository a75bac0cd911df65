/**
 * The vocabulary the rules are written in (stated in every rule's docs page):
 * weighted layers, activations and their families, tfjs defaults.
 */
import type { LayerNode } from '../../analysis/ir';

export const RECURRENT_FACTORIES = new Set(['simpleRNN', 'lstm', 'gru']);

export const CONV_FACTORIES = new Set([
  'conv1d',
  'conv2d',
  'conv3d',
  'conv2dTranspose',
  'separableConv2d',
  'depthwiseConv2d',
]);

/** Layers with a kernel the gradient flows through (wrappers count through their inner layer). */
export const WEIGHTED_FACTORIES = new Set(['dense', ...CONV_FACTORIES, ...RECURRENT_FACTORIES]);

export const WRAPPER_FACTORIES = new Set(['bidirectional', 'timeDistributed']);

export const NORMALIZATION_FACTORIES = new Set(['batchNormalization', 'layerNormalization']);

export const SATURATING = new Set(['sigmoid', 'tanh', 'hardSigmoid', 'softsign']);

export const RELU_FAMILY = new Set(['relu', 'relu6', 'elu', 'leakyReLU', 'swish', 'gelu', 'mish']);

/** Activations a recurrent layer can use without its state growing without bound. */
export const BOUNDED = new Set([...SATURATING, 'softmax']);

/** Layers that only apply an activation; their activation is named by the factory or the config. */
export const ACTIVATION_LAYER_FACTORIES: Record<string, string | null> = {
  activation: null,
  leakyReLU: 'leakyReLU',
  elu: 'elu',
  reLU: 'relu',
  softmax: 'softmax',
  thresholdedReLU: 'relu',
  prelu: 'leakyReLU',
};

/** Activation a weighted layer has when its config names none (tfjs defaults). */
export function defaultActivation(factory: string): string {
  return RECURRENT_FACTORIES.has(factory) ? 'tanh' : 'linear';
}

/** The layer whose kernel the gradient flows through: the wrapped layer for wrappers. */
export function coreLayer(layer: LayerNode): LayerNode {
  return WRAPPER_FACTORIES.has(layer.factory) && layer.inner ? coreLayer(layer.inner) : layer;
}

export function isWeighted(layer: LayerNode): boolean {
  return WEIGHTED_FACTORIES.has(coreLayer(layer).factory);
}

/** A dense or conv layer (possibly wrapped): one kernel whose initializer follows its activation. */
export function hasPlainKernel(layer: LayerNode): boolean {
  const factory = coreLayer(layer).factory;
  return factory === 'dense' || CONV_FACTORIES.has(factory);
}

export function isRecurrent(layer: LayerNode): boolean {
  return RECURRENT_FACTORIES.has(coreLayer(layer).factory);
}

/**
 * The recurrent layers among `layers`, each with its core (the cell inside a bidirectional/timeDistributed
 * wrapper, whose config the recurrent rules read) beside the layer findings point at. `only` narrows to one
 * factory (e.g. 'lstm').
 */
export function recurrentCores(
  layers: readonly LayerNode[],
  only?: string,
): { layer: LayerNode; core: LayerNode }[] {
  return layers
    .map((layer) => ({ layer, core: coreLayer(layer) }))
    .filter(({ core }) =>
      only === undefined ? RECURRENT_FACTORIES.has(core.factory) : core.factory === only,
    );
}

export function isActivationLayer(layer: LayerNode): boolean {
  return layer.factory in ACTIVATION_LAYER_FACTORIES;
}
