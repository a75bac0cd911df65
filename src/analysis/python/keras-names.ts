/**
 * Keras names in tfjs's vocabulary: layer classes to tfjs factories with their positional parameters,
 * snake_case keys to camelCase, string values (activations, initializers, losses, data formats) to the
 * names tfjs uses. Taken from the Keras 2/3 API reference (keras.io/api/layers, /optimizers, /losses).
 */
import type { OptimizerKind } from '../ir';
import { legacyKey } from './keras1';

interface LayerSpec {
  factory: string;
  /** Keras's positional parameters, already camelCase. */
  params: string[];
}

const CONV = ['filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate'];
const POOL = ['poolSize', 'strides', 'padding', 'dataFormat'];
const RNN_TAIL = ['useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer'];
const GATED = ['units', 'activation', 'recurrentActivation', ...RNN_TAIL];

const spec = (factory: string, ...params: string[]): LayerSpec => ({ factory, params });

/** Keras layer classes (keras.layers.X) and their tfjs factory. */
export const LAYER_CLASSES: Readonly<Record<string, LayerSpec>> = {
  InputLayer: spec('inputLayer'),
  Dense: spec('dense', 'units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer'),
  Conv1D: spec('conv1d', ...CONV),
  Conv2D: spec('conv2d', ...CONV),
  Conv3D: spec('conv3d', ...CONV),
  // Keras 2's (and 3's) longer aliases of the same classes.
  Convolution1D: spec('conv1d', ...CONV),
  Convolution2D: spec('conv2d', ...CONV),
  Convolution2DTranspose: spec('conv2dTranspose', 'filters', 'kernelSize', 'strides', 'padding'),
  Convolution3DTranspose: spec('conv3dTranspose', 'filters', 'kernelSize', 'strides', 'padding'),
  SeparableConvolution2D: spec('separableConv2d', 'filters', 'kernelSize', 'strides', 'padding'),
  Conv2DTranspose: spec('conv2dTranspose', 'filters', 'kernelSize', 'strides', 'padding'),
  Conv3DTranspose: spec('conv3dTranspose', 'filters', 'kernelSize', 'strides', 'padding'),
  SeparableConv2D: spec('separableConv2d', 'filters', 'kernelSize', 'strides', 'padding'),
  DepthwiseConv2D: spec('depthwiseConv2d', 'kernelSize', 'strides', 'padding', 'depthMultiplier'),
  Embedding: spec('embedding', 'inputDim', 'outputDim', 'embeddingsInitializer'),
  SimpleRNN: spec('simpleRNN', 'units', 'activation', ...RNN_TAIL),
  LSTM: spec('lstm', ...GATED, 'unitForgetBias'),
  GRU: spec('gru', ...GATED),
  // Keras 2's cuDNN kernels: an LSTM and a GRU with their activations fixed at tanh and sigmoid.
  CuDNNLSTM: spec('lstm', 'units', ...RNN_TAIL, 'unitForgetBias'),
  CuDNNGRU: spec('gru', 'units', ...RNN_TAIL),
  ConvLSTM2D: spec('convLstm2d', 'filters', 'kernelSize', 'strides', 'padding'),
  RNN: spec('rnn', 'cell'),
  SimpleRNNCell: spec('simpleRNNCell', 'units', 'activation'),
  LSTMCell: spec('lstmCell', 'units', 'activation', 'recurrentActivation'),
  GRUCell: spec('gruCell', 'units', 'activation', 'recurrentActivation'),
  StackedRNNCells: spec('stackedRNNCells', 'cells'),
  Bidirectional: spec('bidirectional', 'layer', 'mergeMode'),
  TimeDistributed: spec('timeDistributed', 'layer'),
  Activation: spec('activation', 'activation'),
  ELU: spec('elu', 'alpha'),
  ReLU: spec('reLU', 'maxValue', 'negativeSlope', 'threshold'),
  LeakyReLU: spec('leakyReLU', 'alpha'),
  PReLU: spec('prelu', 'alphaInitializer'),
  Softmax: spec('softmax', 'axis'),
  ThresholdedReLU: spec('thresholdedReLU', 'theta'),
  BatchNormalization: spec('batchNormalization', 'axis', 'momentum', 'epsilon', 'center', 'scale'),
  LayerNormalization: spec('layerNormalization', 'axis', 'epsilon', 'center', 'scale'),
  Add: spec('add'),
  Average: spec('average'),
  Concatenate: spec('concatenate', 'axis'),
  Maximum: spec('maximum'),
  Minimum: spec('minimum'),
  Multiply: spec('multiply'),
  Dot: spec('dot', 'axes', 'normalize'),
  Dropout: spec('dropout', 'rate', 'noiseShape', 'seed'),
  SpatialDropout1D: spec('spatialDropout1d', 'rate'),
  GaussianNoise: spec('gaussianNoise', 'stddev'),
  GaussianDropout: spec('gaussianDropout', 'rate'),
  AlphaDropout: spec('alphaDropout', 'rate'),
  Flatten: spec('flatten', 'dataFormat'),
  RepeatVector: spec('repeatVector', 'n'),
  Reshape: spec('reshape', 'targetShape'),
  Permute: spec('permute', 'dims'),
  Masking: spec('masking', 'maskValue'),
  Cropping2D: spec('cropping2D', 'cropping'),
  UpSampling2D: spec('upSampling2d', 'size', 'dataFormat', 'interpolation'),
  ZeroPadding2D: spec('zeroPadding2d', 'padding'),
  AveragePooling1D: spec('averagePooling1d', ...POOL),
  AveragePooling2D: spec('averagePooling2d', ...POOL),
  AveragePooling3D: spec('averagePooling3d', ...POOL),
  AvgPool1D: spec('averagePooling1d', ...POOL),
  AvgPool2D: spec('averagePooling2d', ...POOL),
  AvgPool3D: spec('averagePooling3d', ...POOL),
  MaxPooling1D: spec('maxPooling1d', ...POOL),
  MaxPooling2D: spec('maxPooling2d', ...POOL),
  MaxPooling3D: spec('maxPooling3d', ...POOL),
  MaxPool1D: spec('maxPooling1d', ...POOL),
  MaxPool2D: spec('maxPooling2d', ...POOL),
  MaxPool3D: spec('maxPooling3d', ...POOL),
  GlobalAveragePooling1D: spec('globalAveragePooling1d', 'dataFormat'),
  GlobalAveragePooling2D: spec('globalAveragePooling2d', 'dataFormat'),
  GlobalAvgPool1D: spec('globalAveragePooling1d', 'dataFormat'),
  GlobalAvgPool2D: spec('globalAveragePooling2d', 'dataFormat'),
  GlobalMaxPooling1D: spec('globalMaxPooling1d', 'dataFormat'),
  GlobalMaxPooling2D: spec('globalMaxPooling2d', 'dataFormat'),
  GlobalMaxPool1D: spec('globalMaxPooling1d', 'dataFormat'),
  GlobalMaxPool2D: spec('globalMaxPooling2d', 'dataFormat'),
  Rescaling: spec('rescaling', 'scale', 'offset'),
  CenterCrop: spec('centerCrop', 'height', 'width'),
  Resizing: spec('resizing', 'height', 'width', 'interpolation'),
  CategoryEncoding: spec('categoryEncoding', 'numTokens', 'outputMode'),
};

/** Merge functions (`keras.layers.add([a, b])`): a layer made and applied at once. */
export const MERGE_FUNCTIONS: Readonly<Record<string, string>> = {
  add: 'add',
  average: 'average',
  concatenate: 'concatenate',
  maximum: 'maximum',
  minimum: 'minimum',
  multiply: 'multiply',
  dot: 'dot',
};

/** Keras 1's `merge(tensors, mode='concat')`: the merge layer each mode names (`sum` by default). */
export const MERGE_MODES: Readonly<Record<string, string>> = {
  sum: 'add',
  mul: 'multiply',
  concat: 'concatenate',
  ave: 'average',
  max: 'maximum',
  dot: 'dot',
  cos: 'dot',
};

/** A class the tables do not know keeps a tfjs-style name: `MultiHeadAttention` -> `multiHeadAttention`. */
export function layerSpec(className: string): LayerSpec {
  if (Object.prototype.hasOwnProperty.call(LAYER_CLASSES, className))
    return LAYER_CLASSES[className];
  const factory =
    className.charAt(0).toLowerCase() + className.slice(1).replace(/([123])D$/, '$1d');
  return { factory, params: [] };
}

/** Keys whose Keras spelling is not just the camelCase of the snake_case one. */
const KEY_RENAMES: Readonly<Record<string, Record<string, string>>> = {
  leakyReLU: { negativeSlope: 'alpha' },
  inputLayer: { shape: 'inputShape', batchShape: 'batchInputShape' },
};

export function configKey(factory: string, pythonKey: string): string {
  const camel = camelCase(pythonKey);
  return KEY_RENAMES[factory]?.[camel] ?? legacyKey(factory, camel) ?? camel;
}

export function camelCase(name: string): string {
  if (!name.includes('_')) return name;
  let camel = camelNames.get(name);
  if (camel === undefined) {
    camel = name.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    remember(camelNames, name, camel);
  }
  return camel;
}

// Keyword names and string values repeat across every call of a file: converted once each.
const camelNames = new Map<string, string>();

/** Sets `key` in a cache of repeated strings, emptied once it holds this many (a bound on memory). */
export function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  if (cache.size >= 10_000) cache.clear();
  cache.set(key, value);
}

const INITIALIZERS: Readonly<Record<string, string>> = {
  glorot_uniform: 'glorotUniform',
  glorot_normal: 'glorotNormal',
  he_uniform: 'heUniform',
  he_normal: 'heNormal',
  lecun_uniform: 'leCunUniform',
  lecun_normal: 'leCunNormal',
  random_normal: 'randomNormal',
  random_uniform: 'randomUniform',
  truncated_normal: 'truncatedNormal',
  variance_scaling: 'varianceScaling',
  orthogonal: 'orthogonal',
  identity: 'identity',
  zeros: 'zeros',
  ones: 'ones',
  constant: 'constant',
  // Keras 2's aliases (and Keras 1's names): `init='uniform'` is random_uniform(-0.05, 0.05).
  uniform: 'randomUniform',
  normal: 'randomNormal',
  zero: 'zeros',
  one: 'ones',
};

/** Initializer classes (`keras.initializers.HeNormal`) and their positional parameters. */
export const INITIALIZER_CLASSES: Readonly<Record<string, LayerSpec>> = {
  GlorotUniform: spec('glorotUniform', 'seed'),
  GlorotNormal: spec('glorotNormal', 'seed'),
  HeUniform: spec('heUniform', 'seed'),
  HeNormal: spec('heNormal', 'seed'),
  LecunUniform: spec('leCunUniform', 'seed'),
  LecunNormal: spec('leCunNormal', 'seed'),
  RandomNormal: spec('randomNormal', 'mean', 'stddev', 'seed'),
  RandomUniform: spec('randomUniform', 'minval', 'maxval', 'seed'),
  TruncatedNormal: spec('truncatedNormal', 'mean', 'stddev', 'seed'),
  VarianceScaling: spec('varianceScaling', 'scale', 'mode', 'distribution', 'seed'),
  Orthogonal: spec('orthogonal', 'gain', 'seed'),
  OrthogonalInitializer: spec('orthogonal', 'gain', 'seed'),
  Identity: spec('identity', 'gain'),
  Zeros: spec('zeros'),
  Ones: spec('ones'),
  Constant: spec('constant', 'value'),
};
/** An initializer class, or its snake_case function alias (`keras.initializers.he_normal(seed=1)`). */
export function initializerSpec(name: string): LayerSpec | null {
  if (Object.prototype.hasOwnProperty.call(INITIALIZER_CLASSES, name))
    return INITIALIZER_CLASSES[name];
  const factory = Object.prototype.hasOwnProperty.call(INITIALIZERS, name)
    ? INITIALIZERS[name]
    : null;
  if (!factory) return null;
  return Object.values(INITIALIZER_CLASSES).find((s) => s.factory === factory) ?? spec(factory);
}

/** Regularizers and constraints, as tfjs's `tf.regularizers.l2({l2})` / `tf.constraints.maxNorm({maxValue})`. */
export const REGULARIZERS: Readonly<Record<string, LayerSpec>> = {
  l1: spec('l1', 'l1'),
  l2: spec('l2', 'l2'),
  l1_l2: spec('l1l2', 'l1', 'l2'),
  L1: spec('l1', 'l1'),
  L2: spec('l2', 'l2'),
  L1L2: spec('l1l2', 'l1', 'l2'),
};
export const CONSTRAINTS: Readonly<Record<string, LayerSpec>> = {
  max_norm: spec('maxNorm', 'maxValue', 'axis'),
  MaxNorm: spec('maxNorm', 'maxValue', 'axis'),
  unit_norm: spec('unitNorm', 'axis'),
  UnitNorm: spec('unitNorm', 'axis'),
  non_neg: spec('nonNeg'),
  NonNeg: spec('nonNeg'),
  min_max_norm: spec('minMaxNorm', 'minValue', 'maxValue', 'rate', 'axis'),
  MinMaxNorm: spec('minMaxNorm', 'minValue', 'maxValue', 'rate', 'axis'),
};

const ACTIVATIONS: Readonly<Record<string, string>> = {
  hard_sigmoid: 'hardSigmoid',
  leaky_relu: 'leakyReLU',
  silu: 'swish',
  gelu: 'gelu',
  log_softmax: 'logSoftmax',
  hard_silu: 'hardSwish',
  hard_swish: 'hardSwish',
};

/** Activation layers (`activation=LeakyReLU()`) as the activation name tfjs would take. */
export const ACTIVATION_LAYERS: Readonly<Record<string, string>> = {
  LeakyReLU: 'leakyReLU',
  ReLU: 'relu',
  ELU: 'elu',
  PReLU: 'prelu',
  Softmax: 'softmax',
};

const DATA_FORMATS: Readonly<Record<string, string>> = {
  channels_last: 'channelsLast',
  channels_first: 'channelsFirst',
};
const VS_MODES: Readonly<Record<string, string>> = {
  fan_in: 'fanIn',
  fan_out: 'fanOut',
  fan_avg: 'fanAvg',
};

/** A string value under a given (camelCase) key, as tfjs spells it. */
export function translateString(key: string, value: string): string {
  if (key === 'activation' || key === 'recurrentActivation') return ACTIVATIONS[value] ?? value;
  if (key.endsWith('Initializer')) return INITIALIZERS[value] ?? value;
  if (key === 'dataFormat') return DATA_FORMATS[value] ?? value;
  if (key === 'mode') return VS_MODES[value] ?? value;
  if (key === 'distribution') return value === 'truncated_normal' ? 'truncatedNormal' : value;
  // Keras lower-cases the padding it is given (`padding='SAME'` is 'same'); tfjs accepts only lower case.
  if (key === 'padding') return value.toLowerCase();
  return value;
}

/**
 * Optimizer classes and `compile(optimizer='...')` names. Nadam and AdamW step like Adam, and so does Lion on
 * the first step (each weight moves by the learning rate times the gradient's sign). Ftrl and Adafactor have
 * no kind of their own: no rule or probe formula covers them, so they stay unknown, named by `name`.
 */
const OPTIMIZERS: Readonly<Record<string, OptimizerKind>> = {
  sgd: 'sgd',
  adam: 'adam',
  adamw: 'adam',
  nadam: 'adam',
  lion: 'adam',
  adamax: 'adamax',
  rmsprop: 'rmsprop',
  adagrad: 'adagrad',
  adadelta: 'adadelta',
};

export function optimizerKind(name: string): OptimizerKind {
  return OPTIMIZERS[name.toLowerCase()] ?? 'unknown';
}

export function isOptimizerName(name: string): boolean {
  return /^(?:SGD|Adam|AdamW|Nadam|Adamax|RMSprop|Adagrad|Adadelta|Ftrl|Lion|Adafactor|LossScaleOptimizer)$/.test(
    name,
  );
}

const LOSSES: Readonly<Record<string, string>> = {
  mse: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
  MeanSquaredError: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  mean_absolute_error: 'meanAbsoluteError',
  MeanAbsoluteError: 'meanAbsoluteError',
  mape: 'meanAbsolutePercentageError',
  mean_absolute_percentage_error: 'meanAbsolutePercentageError',
  MeanAbsolutePercentageError: 'meanAbsolutePercentageError',
  msle: 'meanSquaredLogarithmicError',
  mean_squared_logarithmic_error: 'meanSquaredLogarithmicError',
  MeanSquaredLogarithmicError: 'meanSquaredLogarithmicError',
  categorical_crossentropy: 'categoricalCrossentropy',
  CategoricalCrossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  SparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  BinaryCrossentropy: 'binaryCrossentropy',
  hinge: 'hinge',
  Hinge: 'hinge',
  squared_hinge: 'squaredHinge',
  SquaredHinge: 'squaredHinge',
  categorical_hinge: 'categoricalHinge',
  CategoricalHinge: 'categoricalHinge',
  logcosh: 'logcosh',
  log_cosh: 'logcosh',
  LogCosh: 'logcosh',
  kld: 'kullbackLeiblerDivergence',
  kl_divergence: 'kullbackLeiblerDivergence',
  kullback_leibler_divergence: 'kullbackLeiblerDivergence',
  KLDivergence: 'kullbackLeiblerDivergence',
  poisson: 'poisson',
  Poisson: 'poisson',
  cosine_similarity: 'cosineProximity',
  CosineSimilarity: 'cosineProximity',
  huber: 'huberLoss',
  Huber: 'huberLoss',
};

/** A Keras loss name (string, function or class) as tfjs's compile name, or null. */
export function lossName(name: string): string | null {
  return Object.prototype.hasOwnProperty.call(LOSSES, name) ? LOSSES[name] : null;
}
