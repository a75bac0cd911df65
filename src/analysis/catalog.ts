/**
 * The tfjs layer factories (`tf.layers.X`) and what the rules, the estimate and the probe need to know
 * about each. Pure data, taken from tfjs-layers 4.x (exports_layers.d.ts and the layer classes' defaults).
 */
import { FRAMEWORK_DEFAULTS } from './frameworks';

export type LayerKind =
  | 'weighted'
  | 'activation'
  | 'normalization'
  | 'merge'
  | 'recurrent'
  | 'wrapper'
  | 'input'
  | 'other';

export interface LayerInfo {
  kind: LayerKind;
  /** tfjs's activation when `activation` is not given (activation layers: what they apply). */
  defaultActivation?: string;
  /** LSTM/GRU gates: tfjs defaults `recurrentActivation` to hardSigmoid. */
  defaultRecurrentActivation?: string;
  /** Config key holding the layer width, when the layer has one. */
  widthKey?: 'units' | 'filters' | 'outputDim';
  /** True when the layer has a `kernel` initialised by `kernelInitializer` (default glorotNormal). */
  hasKernel: boolean;
  /** The config key (not) present means the layer is a convolution, for shape reasoning. */
  convolution?: boolean;
}

const weighted = (widthKey: LayerInfo['widthKey'], convolution = false): LayerInfo => ({
  kind: 'weighted',
  defaultActivation: 'linear',
  widthKey,
  hasKernel: true,
  convolution,
});
const recurrent = (gated: boolean): LayerInfo => ({
  kind: 'recurrent',
  defaultActivation: 'tanh',
  defaultRecurrentActivation: gated ? 'hardSigmoid' : undefined,
  widthKey: 'units',
  hasKernel: true,
});
const activation = (applies: string): LayerInfo => ({
  kind: 'activation',
  defaultActivation: applies,
  hasKernel: false,
});
const plain = (kind: LayerKind): LayerInfo => ({ kind, hasKernel: false });

export const LAYER_CATALOG: Readonly<Record<string, LayerInfo>> = {
  inputLayer: plain('input'),
  dense: weighted('units'),
  conv1d: weighted('filters', true),
  conv2d: weighted('filters', true),
  conv2dTranspose: weighted('filters', true),
  conv3d: weighted('filters', true),
  conv3dTranspose: weighted('filters', true),
  separableConv2d: weighted('filters', true),
  depthwiseConv2d: { ...weighted(undefined, true) },
  embedding: { kind: 'weighted', widthKey: 'outputDim', hasKernel: false },
  simpleRNN: recurrent(false),
  lstm: recurrent(true),
  gru: recurrent(true),
  convLstm2d: { ...recurrent(true), widthKey: 'filters', convolution: true },
  rnn: { kind: 'recurrent', hasKernel: false },
  simpleRNNCell: recurrent(false),
  lstmCell: recurrent(true),
  gruCell: recurrent(true),
  convLstm2dCell: { ...recurrent(true), widthKey: 'filters', convolution: true },
  stackedRNNCells: plain('recurrent'),
  bidirectional: plain('wrapper'),
  timeDistributed: plain('wrapper'),
  activation: { kind: 'activation', hasKernel: false },
  elu: activation('elu'),
  reLU: activation('relu'),
  leakyReLU: activation('leakyReLU'),
  prelu: activation('prelu'),
  softmax: activation('softmax'),
  thresholdedReLU: activation('thresholdedReLU'),
  batchNormalization: plain('normalization'),
  layerNormalization: plain('normalization'),
  add: plain('merge'),
  average: plain('merge'),
  concatenate: plain('merge'),
  maximum: plain('merge'),
  minimum: plain('merge'),
  multiply: plain('merge'),
  dot: plain('merge'),
  dropout: plain('other'),
  spatialDropout1d: plain('other'),
  gaussianNoise: plain('other'),
  gaussianDropout: plain('other'),
  alphaDropout: plain('other'),
  flatten: plain('other'),
  repeatVector: plain('other'),
  reshape: plain('other'),
  permute: plain('other'),
  masking: plain('other'),
  cropping2D: plain('other'),
  upSampling2d: plain('other'),
  zeroPadding2d: plain('other'),
  averagePooling1d: plain('other'),
  avgPool1d: plain('other'),
  avgPooling1d: plain('other'),
  averagePooling2d: plain('other'),
  avgPool2d: plain('other'),
  avgPooling2d: plain('other'),
  averagePooling3d: plain('other'),
  avgPool3d: plain('other'),
  avgPooling3d: plain('other'),
  globalAveragePooling1d: plain('other'),
  globalAveragePooling2d: plain('other'),
  globalMaxPooling1d: plain('other'),
  globalMaxPooling2d: plain('other'),
  maxPooling1d: plain('other'),
  maxPooling2d: plain('other'),
  maxPooling3d: plain('other'),
  globalMaxPool1d: plain('other'),
  globalMaxPool2d: plain('other'),
  maxPool1d: plain('other'),
  maxPool2d: plain('other'),
  rescaling: plain('other'),
  centerCrop: plain('other'),
  resizing: plain('other'),
  categoryEncoding: plain('other'),
  randomWidth: plain('other'),
};

export function layerInfo(factory: string): LayerInfo | undefined {
  return Object.prototype.hasOwnProperty.call(LAYER_CATALOG, factory)
    ? LAYER_CATALOG[factory]
    : undefined;
}

/** tfjs optimizer factories under `tf.train` and the learning rate tfjs uses for the string form. */
export const OPTIMIZER_DEFAULT_LR: Readonly<Record<string, number>> =
  FRAMEWORK_DEFAULTS.tfjs.learningRate;

/** `tf.train.X()` with no learning-rate argument (tfjs-core defaults), where one exists. */
export const TRAIN_FACTORY_DEFAULT_LR: Readonly<Record<string, number>> = {
  adam: 0.001,
  adamax: 0.002,
  adadelta: 0.001,
};

/** Loss names tfjs accepts as strings in `compile` (tfjs-layers losses.lossesMap). */
export const LOSS_NAMES: readonly string[] = [
  'meanSquaredError',
  'meanAbsoluteError',
  'meanAbsolutePercentageError',
  'meanSquaredLogarithmicError',
  'squaredHinge',
  'hinge',
  'categoricalHinge',
  'logcosh',
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryCrossentropy',
  'kullbackLeiblerDivergence',
  'poisson',
  'cosineProximity',
];

/** `tf.losses.X` functions and the compile-string loss they correspond to. */
export const TF_LOSSES_FUNCTIONS: Readonly<Record<string, string>> = {
  meanSquaredError: 'meanSquaredError',
  absoluteDifference: 'meanAbsoluteError',
  softmaxCrossEntropy: 'categoricalCrossentropy',
  sigmoidCrossEntropy: 'binaryCrossentropy',
  logLoss: 'binaryCrossentropy',
  hingeLoss: 'hinge',
  huberLoss: 'huberLoss',
  cosineDistance: 'cosineProximity',
  computeWeightedLoss: 'computeWeightedLoss',
};
