/**
 * What differs between the frameworks a model can be written in, as data. The IR speaks one vocabulary
 * (tfjs's factory names, camelCase config keys, tfjs initializer and activation names) whatever the
 * front end; a Keras model differs only in the defaults that apply where its code writes nothing, which
 * the rules, the estimate and the probe read from here.
 */
export type Framework = 'tfjs' | 'keras';

export interface FrameworkDefaults {
  /** The kernel initializer of dense/conv/recurrent layers when none is given. */
  kernelInitializer: string;
  /** The recurrent kernel's initializer (both frameworks: orthogonal). */
  recurrentInitializer: string;
  /** LSTM's `unitForgetBias` when not given. */
  unitForgetBias: boolean;
  /** LSTM/GRU gate activation when not given. */
  recurrentActivation: string;
  /** GRU's `resetAfter` when not given (Keras 2.x/3: true; tfjs has no such option and builds false). */
  gruResetAfter: boolean;
  /**
   * Keras's truncated-normal initializers (he_normal, glorot_normal, lecun_normal, variance_scaling with a
   * normal distribution) divide the stddev by 0.87962566103423978 so the truncated draw keeps the target
   * variance; tfjs's do not. The factor the stddev is multiplied by.
   */
  truncatedNormalStddevFactor: number;
  /** Learning rate of an optimizer given by name or built without one. */
  learningRate: Readonly<Record<string, number>>;
}

export const FRAMEWORK_DEFAULTS: Readonly<Record<Framework, FrameworkDefaults>> = {
  tfjs: {
    kernelInitializer: 'glorotNormal',
    recurrentInitializer: 'orthogonal',
    unitForgetBias: false,
    recurrentActivation: 'hardSigmoid',
    gruResetAfter: false,
    truncatedNormalStddevFactor: 1,
    learningRate: {
      sgd: 0.01,
      adam: 0.001,
      adamax: 0.002,
      rmsprop: 0.001,
      adagrad: 0.01,
      adadelta: 1.0,
    },
  },
  keras: {
    kernelInitializer: 'glorotUniform',
    recurrentInitializer: 'orthogonal',
    unitForgetBias: true,
    recurrentActivation: 'sigmoid',
    gruResetAfter: true,
    truncatedNormalStddevFactor: 1 / 0.87962566103423978,
    learningRate: {
      sgd: 0.01,
      momentum: 0.01,
      adam: 0.001,
      adamax: 0.001,
      rmsprop: 0.001,
      adagrad: 0.001,
      adadelta: 0.001,
      nadam: 0.001,
      adamw: 0.001,
      lion: 0.001,
      ftrl: 0.001,
      adafactor: 0.001,
    },
  },
};

export function frameworkDefaults(framework: Framework | undefined): FrameworkDefaults {
  return FRAMEWORK_DEFAULTS[framework ?? 'tfjs'];
}
