/**
 * The loss and optimizer the probe trains with: the model's own (from compile in the source, or the training
 * config saved in model.json), else a stated default. Every choice the file did not make is an assumption.
 */
import type { LayersModel, Optimizer, Tensor } from '@tensorflow/tfjs';
import { LOSS_NAMES } from '../analysis/catalog';
import type { Framework } from '../analysis/frameworks';
import type { OptimizerInfo, TrainingSetup, Value } from '../analysis/ir';
import {
  appliedClipping,
  isPlainFallback,
  kerasOptimizer,
  plainFallback,
  settingsFromArgs,
  settingsFromConfig,
  settingsFromText,
  type KerasClipping,
} from './keras-training';
import { callArguments } from './call-text';

type Tf = typeof import('@tensorflow/tfjs');
type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

export interface TrainingChoice {
  /** Canonical loss name; also decides what the synthetic targets look like. */
  lossName: string;
  /** What `compile` receives (one per output when outputs differ). */
  loss: string | LossFn | (string | LossFn)[];
  optimizer: Optimizer;
  learningRate: number | null;
  /** Keras's clipping, applied in the optimizer steps: the update ratio measures the clipped step. */
  clipping?: KerasClipping;
  /** The model's optimizer is not known (or there is none): the probe steps with sgd, the plain step. */
  plainFallback?: boolean;
  assumptions: string[];
}

// The compile-string losses tfjs-layers knows, as the extractor's catalog lists them.
const LAYERS_LOSSES: ReadonlySet<string> = new Set(LOSS_NAMES);

const LOSS_ALIASES: Record<string, string> = {
  mse: 'meanSquaredError',
  MSE: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  MAE: 'meanAbsoluteError',
  mape: 'meanAbsolutePercentageError',
  MAPE: 'meanAbsolutePercentageError',
  msle: 'meanSquaredLogarithmicError',
  MSLE: 'meanSquaredLogarithmicError',
  kld: 'kullbackLeiblerDivergence',
  KLD: 'kullbackLeiblerDivergence',
  cosine: 'cosineProximity',
};

/** `tf.losses.*` functions usable as a compile loss, with the target kind each expects. */
const CORE_LOSSES: Record<string, string> = {
  softmaxCrossEntropy: 'categoricalCrossentropy',
  sigmoidCrossEntropy: 'binaryCrossentropy',
  logLoss: 'binaryCrossentropy',
  hingeLoss: 'binaryCrossentropy',
  absoluteDifference: 'meanAbsoluteError',
  huberLoss: 'meanSquaredError',
};

/** Keras cross-entropies with from_logits=True, as the tf.losses function that takes logits. */
const LOGITS_LOSSES: Record<string, string> = {
  categoricalCrossentropy: 'softmaxCrossEntropy',
  sparseCategoricalCrossentropy: 'softmaxCrossEntropy',
  binaryCrossentropy: 'sigmoidCrossEntropy',
};

/** The training setup written in the source file. */
export function trainingFromIr(
  tf: Tf,
  training: TrainingSetup,
  model: LayersModel,
  framework: Framework = 'tfjs',
): TrainingChoice {
  const assumptions: string[] = [];
  const written = training.loss?.resolved ? training.loss.name : null;
  // Keras `from_logits=True`: the cross-entropy takes the logits, as tf.losses' softmax/sigmoid ones do.
  const onLogits = training.loss?.fromLogits && written ? LOGITS_LOSSES[written] : undefined;
  if (onLogits)
    assumptions.push(
      `The loss \`${training.loss!.text}\` takes logits (from_logits=True): tf.losses.${onLogits} on the output.`,
    );
  const { lossName, loss } = chooseLoss(
    tf,
    onLogits ?? written,
    training.loss?.text,
    model,
    assumptions,
  );
  const optimizer =
    framework === 'keras'
      ? chooseKerasOptimizer(tf, training, assumptions)
      : chooseOptimizer(tf, training, assumptions);
  return withClipping({
    lossName,
    loss,
    optimizer,
    learningRate: learningRateOf(optimizer),
    assumptions,
  });
}

/** A saved Keras model: the loss and optimizer it was compiled with, when it was compiled before saving. */
export function trainingFromKeras(
  tf: Tf,
  model: LayersModel,
  compiled: {
    loss: unknown;
    optimizer: { className: string; config: Record<string, unknown> } | null;
  } | null,
): TrainingChoice {
  const assumptions: string[] = [];
  const { lossName, loss } = chooseLoss(
    tf,
    kerasLossName(compiled?.loss),
    undefined,
    model,
    assumptions,
  );
  let optimizer: Optimizer;
  if (compiled?.optimizer) {
    const { className, config } = compiled.optimizer;
    optimizer = kerasOptimizer(tf, settingsFromConfig(className, config), assumptions);
  } else {
    optimizer = plainFallback(tf, 0.01);
    assumptions.push(
      "The file holds no compiled optimizer: sgd with learning rate 0.01 (Keras's default for SGD), so each step moves weights by exactly learningRate × gradient.",
    );
  }
  return withClipping({
    lossName,
    loss,
    optimizer,
    learningRate: learningRateOf(optimizer),
    assumptions,
  });
}

function withClipping(choice: TrainingChoice): TrainingChoice {
  const clipping = appliedClipping(choice.optimizer);
  const plain = isPlainFallback(choice.optimizer);
  return {
    ...choice,
    ...(clipping ? { clipping } : {}),
    ...(plain ? { plainFallback: true } : {}),
  };
}

/** `'categorical_crossentropy'`, `'mse'` or `{class_name: 'CategoricalCrossentropy'}` -> a tfjs loss name. */
function kerasLossName(loss: unknown): string | null {
  const raw =
    typeof loss === 'string'
      ? loss
      : typeof (loss as { class_name?: unknown } | null)?.class_name === 'string'
        ? (loss as { class_name: string }).class_name
        : null;
  if (raw === null) return null;
  if (LOSS_ALIASES[raw] || LOSS_ALIASES[raw.toLowerCase()]) return raw.toLowerCase();
  const camel = raw.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return camel.charAt(0).toLowerCase() + camel.slice(1);
}

/** Keras's optimizer from the code: its class and arguments, Keras's default learning rate, its clipping. */
function chooseKerasOptimizer(tf: Tf, training: TrainingSetup, assumptions: string[]): Optimizer {
  const info = training.optimizer;
  if (!info) {
    assumptions.push(
      "No optimizer is set up in the file: using sgd with learning rate 0.01 (Keras's default for SGD), so each step moves weights by exactly learningRate × gradient.",
    );
    return plainFallback(tf, 0.01);
  }
  // The IR's resolved arguments when the front end gave them; a call's text only for IRs without them.
  const settings =
    info.args && info.name
      ? settingsFromArgs(info.name, info.args)
      : info.form === 'string' && info.name
        ? settingsFromArgs(info.name, {})
        : settingsFromText(info.text, info.kind);
  const lr = explicitRate(info);
  if (lr !== null) {
    settings.numbers['learning_rate'] = lr;
    settings.unread = settings.unread.filter((key) => key !== 'learning_rate');
  } else if (info.learningRate?.kind === 'unknown') {
    settings.unread = settings.unread.filter((key) => key !== 'learning_rate');
    assumptions.push(
      `The learning rate \`${info.learningRate.text}\` is not known: using Keras's default (pass --set ${info.learningRate.text}=VALUE to use yours).`,
    );
  }
  return kerasOptimizer(tf, settings, assumptions);
}

/** A model loaded from model.json: compiled from its saved training config when there was one. */
export function trainingFromLoaded(tf: Tf, model: LayersModel): TrainingChoice {
  const assumptions: string[] = [];
  const saved = typeof model.loss === 'string' ? model.loss : null;
  const { lossName, loss } = chooseLoss(tf, saved, undefined, model, assumptions);
  let optimizer = model.optimizer as Optimizer | undefined;
  if (!optimizer) {
    optimizer = plainFallback(tf, 0.01);
    assumptions.push(
      'model.json has no training config: optimizer sgd with learning rate 0.01 (tfjs\'s default for "sgd"), so each step moves weights by exactly learningRate × gradient.',
    );
  }
  return withClipping({
    lossName,
    loss,
    optimizer,
    learningRate: learningRateOf(optimizer),
    assumptions,
  });
}

function chooseLoss(
  tf: Tf,
  name: string | null,
  text: string | undefined,
  model: LayersModel,
  assumptions: string[],
): { lossName: string; loss: TrainingChoice['loss'] } {
  const canonical = name ? (LOSS_ALIASES[name] ?? name.replace(/^(tf\.)?losses\./, '')) : null;
  if (canonical && LAYERS_LOSSES.has(canonical)) return { lossName: canonical, loss: canonical };
  if (canonical && CORE_LOSSES[canonical]) {
    const fn = (tf.losses as unknown as Record<string, (a: Tensor, b: Tensor) => Tensor>)[
      canonical
    ];
    if (fn) return { lossName: CORE_LOSSES[canonical]!, loss: (yTrue, yPred) => fn(yTrue, yPred) };
  }
  const fallback = defaultLoss(model);
  const why = text
    ? `The loss \`${text}\` cannot be rebuilt by the probe`
    : name
      ? `The loss "${name}" is not a tfjs loss the probe knows`
      : 'No loss is compiled in the file';
  const states = model.outputs.map(isReturnedState);
  if (!states.some(Boolean)) {
    assumptions.push(`${why}: using ${fallback.name}, ${fallback.reason}.`);
    return { lossName: fallback.name, loss: fallback.name };
  }
  // A step model that hands back a recurrent layer's states (a seq2seq decoder for sampling): no
  // loss trains states, and a classification loss on tanh values would measure nonsense.
  assumptions.push(
    `${why}: using ${fallback.name} on the model's other outputs, ${fallback.reason}; the recurrent states it returns get no loss.`,
  );
  const none: LossFn = (_yTrue, yPred) => tf.mul(tf.mean(yPred, -1), 0);
  return { lossName: fallback.name, loss: states.map((state) => (state ? none : fallback.name)) };
}

/** Whether a model output is a state an RNN returns (returnState), not its output sequence or vector. */
function isReturnedState(output: LayersModel['outputs'][number]): boolean {
  const index = (output as unknown as { outputTensorIndex?: number }).outputTensorIndex ?? 0;
  const config = output.sourceLayer.getConfig() as { returnState?: unknown };
  return index > 0 && config.returnState === true;
}

/** The loss such an output is normally trained with, so the output gradient has its usual form. */
function defaultLoss(model: LayersModel): { name: string; reason: string } {
  const last = model.layers[model.layers.length - 1];
  const activation = last
    ? String((last.getConfig() as { activation?: unknown }).activation ?? '')
    : '';
  if (activation === 'softmax')
    return { name: 'categoricalCrossentropy', reason: 'the usual loss for a softmax output' };
  if (activation === 'sigmoid')
    return { name: 'binaryCrossentropy', reason: 'the usual loss for a sigmoid output' };
  return {
    name: 'meanSquaredError',
    reason: 'a regression loss for an output without softmax/sigmoid',
  };
}

function chooseOptimizer(tf: Tf, training: TrainingSetup, assumptions: string[]): Optimizer {
  const info = training.optimizer;
  if (!info || info.kind === 'unknown') {
    const what = info
      ? `The optimizer \`${info.text}\` is not known`
      : 'No optimizer is set up in the file';
    const lr = training.learningRate ?? 0.01;
    assumptions.push(
      `${what}: using sgd with learning rate ${lr}, so each step moves weights by exactly learningRate × gradient.`,
    );
    return plainFallback(tf, lr);
  }
  const lr = explicitRate(info);
  if (info.learningRate?.kind === 'unknown' && lr === null) {
    assumptions.push(
      `The learning rate \`${info.learningRate.text}\` is not known: using tfjs's default for ${info.kind} (pass --set ${info.learningRate.text}=VALUE to use yours).`,
    );
  }
  // A factory without its learning rate uses tfjs-core's default (adadelta: 0.001, not the string's 1).
  const rate = lr ?? (info.form === 'call' ? training.learningRate : null);
  if (info.args) return fromArguments(tf, info.kind, rate, info.args, assumptions);
  const extra = info.form === 'call' ? callArguments(info.text).slice(1) : [];
  if (extra.length > 0 && info.kind !== 'momentum') {
    assumptions.push(
      `Only the learning rate is read from \`${info.text}\`; its other arguments take tfjs's defaults.`,
    );
  }
  return makeOptimizer(tf, info.kind, rate, assumptions, Number(extra[0]));
}

/**
 * `tf.train.X(...)` rebuilt from the IR's arguments by tfjs's parameter names: values that came from constants or
 * config objects are numbers here. An argument the front end could not read takes tfjs's default, said once.
 */
function fromArguments(
  tf: Tf,
  kind: string,
  explicit: number | null,
  args: Readonly<Record<string, Value>>,
  assumptions: string[],
): Optimizer {
  const lr = explicit ?? DEFAULT_RATES[kind] ?? 0.01;
  const unread: string[] = [];
  const num = (key: string): number | undefined => {
    const value = args[key];
    if (value?.kind === 'number') return value.value;
    if (value && value.kind !== 'undefined' && value.kind !== 'null')
      unread.push(value.kind === 'unknown' ? `${key} \`${value.text}\`` : key);
    return undefined;
  };
  const flag = (key: string): boolean => args[key]?.kind === 'boolean' && args[key].value === true;
  let optimizer: Optimizer;
  switch (kind) {
    case 'sgd':
      optimizer = tf.train.sgd(lr);
      break;
    case 'momentum': {
      const momentum = num('momentum');
      if (momentum === undefined)
        assumptions.push('Momentum optimizer: its momentum is not known, so 0.9 is assumed.');
      optimizer = tf.train.momentum(lr, momentum ?? 0.9, flag('useNesterov'));
      break;
    }
    case 'adagrad':
      optimizer = tf.train.adagrad(lr, num('initialAccumulatorValue'));
      break;
    case 'adadelta':
      optimizer = tf.train.adadelta(lr, num('rho') ?? 0.95, num('epsilon'));
      break;
    case 'adam':
      optimizer = tf.train.adam(lr, num('beta1'), num('beta2'), num('epsilon'));
      break;
    case 'adamax':
      optimizer = tf.train.adamax(lr, num('beta1'), num('beta2'), num('epsilon'), num('decay'));
      break;
    case 'rmsprop':
      optimizer = tf.train.rmsprop(
        lr,
        num('decay'),
        num('momentum'),
        num('epsilon'),
        flag('centered'),
      );
      break;
    default:
      return makeOptimizer(tf, kind, explicit, assumptions);
  }
  const others = unread.filter((u) => !u.startsWith('learningRate'));
  if (others.length > 0)
    assumptions.push(
      `The optimizer's ${others.join(', ')} ${others.length > 1 ? 'are' : 'is'} not known: tfjs's default is used.`,
    );
  return optimizer;
}

/** Top-level arguments of a call written as text, e.g. `tf.train.momentum(0.01, 0.9)` -> ['0.01', '0.9']. */
function explicitRate(info: OptimizerInfo): number | null {
  return info.learningRate?.kind === 'number' ? info.learningRate.value : null;
}

/** tfjs's own defaults (tfjs-layers getOptimizer) when no learning rate is written. */
export const DEFAULT_RATES: Record<string, number> = {
  sgd: 0.01,
  momentum: 0.01,
  adagrad: 0.01,
  adadelta: 1,
  adam: 0.001,
  adamax: 0.002,
  rmsprop: 0.001,
};

function makeOptimizer(
  tf: Tf,
  kind: string,
  explicit: number | null,
  assumptions: string[],
  momentum = Number.NaN,
): Optimizer {
  const lr = explicit ?? DEFAULT_RATES[kind] ?? 0.01;
  switch (kind) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      if (Number.isFinite(momentum)) return tf.train.momentum(lr, momentum);
      assumptions.push(
        'Momentum optimizer: its momentum is not a literal number, so 0.9 is assumed.',
      );
      return tf.train.momentum(lr, 0.9);
    case 'adagrad':
      return tf.train.adagrad(lr);
    case 'adadelta':
      return tf.train.adadelta(lr, 0.95);
    case 'adam':
      return tf.train.adam(lr);
    case 'adamax':
      return tf.train.adamax(lr);
    case 'rmsprop':
      return tf.train.rmsprop(lr);
    default:
      assumptions.push(`Optimizer ${kind} is not supported: using sgd.`);
      return plainFallback(tf, lr);
  }
}

function learningRateOf(optimizer: Optimizer): number | null {
  const config = optimizer.getConfig() as { learningRate?: unknown };
  return typeof config.learningRate === 'number' ? config.learningRate : null;
}
