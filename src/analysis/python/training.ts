/**
 * Training in Keras code: optimizers (with their `clipnorm` / `clipvalue` / `global_clipnorm`),
 * `compile`, `fit` / `train_on_batch`, and custom loops (`tf.GradientTape`, `tape.gradient`,
 * `optimizer.apply_gradients`, `tf.clip_by_*` on the gradients).
 */
import type { SyntaxNode } from '@lezer/common';
import type {
  ClippingEvidence,
  ClippingKind,
  ConfigProp,
  CustomLoopCall,
  LossInfo,
  OptimizerInfo,
  Span,
  Value,
} from '../ir';
import { toValue } from './convert';
import type { PyInterp } from './interpreter';
import type { Arg } from './keras';
import { lossName, optimizerKind } from './keras-names';
import { kids } from './parse';
import { unknown, type ModelRec, type OptimizerRec, type PV } from './values';

const CLIP_KEYWORDS: Readonly<Record<string, ClippingKind>> = {
  clipnorm: 'optimizer-clipnorm',
  clipvalue: 'optimizer-clipvalue',
  global_clipnorm: 'optimizer-global-clipnorm',
};

/**
 * Keras's optimizer classes: the parameters a positional argument binds to, in order (Keras 3 and tf.keras 2.11+
 * agree on them up to `weight_decay`; nobody passes the base class's clipping arguments by position).
 */
const OPTIMIZER_PARAMS: Readonly<Record<string, readonly string[]>> = {
  SGD: ['learning_rate', 'momentum', 'nesterov', 'weight_decay'],
  Adam: ['learning_rate', 'beta_1', 'beta_2', 'epsilon', 'amsgrad', 'weight_decay'],
  AdamW: ['learning_rate', 'weight_decay', 'beta_1', 'beta_2', 'epsilon', 'amsgrad'],
  Nadam: ['learning_rate', 'beta_1', 'beta_2', 'epsilon', 'weight_decay'],
  Adamax: ['learning_rate', 'beta_1', 'beta_2', 'epsilon', 'weight_decay'],
  RMSprop: ['learning_rate', 'rho', 'momentum', 'epsilon', 'centered', 'weight_decay'],
  Adagrad: ['learning_rate', 'initial_accumulator_value', 'epsilon', 'weight_decay'],
  Adadelta: ['learning_rate', 'rho', 'epsilon', 'weight_decay'],
  Lion: ['learning_rate', 'beta_1', 'beta_2', 'weight_decay'],
  Ftrl: [
    'learning_rate',
    'learning_rate_power',
    'initial_accumulator_value',
    'l1_regularization_strength',
    'l2_regularization_strength',
    'l2_shrinkage_regularization_strength',
    'beta',
    'weight_decay',
  ],
  Adafactor: [
    'learning_rate',
    'beta_2_decay',
    'epsilon_1',
    'epsilon_2',
    'clip_threshold',
    'relative_step',
    'weight_decay',
  ],
};

/** `'adamw'` -> `AdamW`: the class a string optimizer names (keras.optimizers.get). */
export function optimizerClassName(name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(OPTIMIZER_PARAMS).find((cls) => cls.toLowerCase() === lower);
}

interface OptimizerArgument {
  value: PV;
  /** The value expression, for fixes. */
  span: Span;
  /** The whole argument, or the `**kwargs` dict's entry. */
  whole: Span;
  /** From a `**kwargs` dict rather than the call's own arguments. */
  spread: boolean;
  text: string;
}

export function makeOptimizer(ip: PyInterp, className: string, args: Arg[], node: SyntaxNode): PV {
  // `LossScaleOptimizer(inner)` steps with its inner optimizer (the loss scale cancels out of the update).
  if (className === 'LossScaleOptimizer') {
    const inner = args.find((a) => a.name === 'inner_optimizer') ?? args[0];
    if (inner?.value.t === 'optimizer') return inner.value;
  }
  const bound = optimizerArguments(ip, className, args);
  const values: Record<string, Value> = {};
  for (const [key, arg] of bound) values[key] = toValue(arg.value, key, arg.text);
  const info: OptimizerInfo = {
    kind: optimizerKind(className),
    span: ip.span(node),
    text: ip.text(node),
    form: 'call',
    name: optimizerClassName(className) ?? className,
    args: values,
  };
  const rate = bound.get('learning_rate');
  if (rate) {
    info.learningRate = values['learning_rate']!;
    info.learningRateSpan = rate.span;
    if (rate.spread) info.learningRateInherited = true;
  }
  // Heavy-ball momentum only when the momentum is a number other than 0; an unread one stays in `args`.
  const momentum = values['momentum'];
  if (info.kind === 'sgd' && momentum?.kind === 'number' && momentum.value !== 0)
    info.kind = 'momentum';
  const clipping: ClippingEvidence[] = [];
  for (const [key, arg] of bound) {
    const clip = CLIP_KEYWORDS[key];
    if (clip && arg.value.t !== 'none') clipping.push({ kind: clip, span: arg.whole });
  }
  return { t: 'optimizer', rec: { info, name: className.toLowerCase(), clipping } };
}

/**
 * The call's arguments by Keras's parameter names: positional ones by the class's order, keywords as written
 * (`lr`, Keras 2's alias, as `learning_rate`), and the entries of `**kwargs` dicts. A later binding wins, as
 * Python would reject a duplicate anyway.
 */
function optimizerArguments(
  ip: PyInterp,
  className: string,
  args: Arg[],
): Map<string, OptimizerArgument> {
  const params = OPTIMIZER_PARAMS[optimizerClassName(className) ?? ''] ?? ['learning_rate'];
  const bound = new Map<string, OptimizerArgument>();
  const bind = (key: string, argument: OptimizerArgument) =>
    bound.set(key === 'lr' ? 'learning_rate' : key, argument);
  let position = 0;
  for (const arg of args) {
    if (arg.star === '**') {
      if (arg.value.t !== 'dict') continue;
      for (const [key, entry] of arg.value.entries)
        bind(key, {
          value: entry.value,
          span: entry.valueSpan,
          whole: entry.span,
          spread: true,
          text: ip.source.slice(entry.valueSpan.start, entry.valueSpan.end),
        });
      continue;
    }
    if (arg.star) continue;
    const key = arg.name ?? params[position++];
    if (!key) continue;
    bind(key, {
      value: arg.value,
      span: ip.span(arg.node),
      whole: arg.span,
      spread: false,
      text: ip.text(arg.node),
    });
  }
  return bound;
}

/** Keras's learning-rate schedules: their leading positional parameters. */
const SCHEDULE_PARAMS: Readonly<Record<string, readonly string[]>> = {
  ExponentialDecay: ['initial_learning_rate', 'decay_steps', 'decay_rate', 'staircase'],
  InverseTimeDecay: ['initial_learning_rate', 'decay_steps', 'decay_rate', 'staircase'],
  PolynomialDecay: ['initial_learning_rate', 'decay_steps', 'end_learning_rate', 'power'],
  CosineDecay: ['initial_learning_rate', 'decay_steps', 'alpha'],
  CosineDecayRestarts: ['initial_learning_rate', 'first_decay_steps', 't_mul', 'm_mul', 'alpha'],
  PiecewiseConstantDecay: ['boundaries', 'values'],
};

/** `keras.optimizers.schedules.ExponentialDecay(initial_learning_rate=0.1, ...)`: a schedule, by Keras's names. */
export function learningRateSchedule(
  ip: PyInterp,
  className: string,
  args: Arg[],
  node: SyntaxNode,
): PV {
  const props: Record<string, ConfigProp> = {};
  const params = SCHEDULE_PARAMS[className] ?? ['initial_learning_rate'];
  let position = 0;
  for (const arg of args) {
    if (arg.star) continue;
    const key = arg.name ?? params[position++];
    if (!key) continue;
    props[key] = {
      value: toValue(arg.value, key, ip.text(arg.node)),
      span: arg.span,
      valueSpan: ip.span(arg.node),
      inherited: false,
    };
  }
  return { t: 'kcall', path: `optimizers.schedules.${className}`, props, text: ip.text(node) };
}

export function compile(ip: PyInterp, rec: ModelRec, args: Arg[], node: SyntaxNode): void {
  const positional = args.filter((a) => !a.name && !a.star);
  const optimizerArg = args.find((a) => a.name === 'optimizer') ?? positional[0];
  const lossArg = args.find((a) => a.name === 'loss') ?? positional[1];
  const argList = node.lastChild!;
  const entry: NonNullable<ModelRec['compile']> = {
    span: ip.span(node),
    argsText: ip.source.slice(argList.from + 1, argList.to - 1),
  };
  if (optimizerArg) {
    const optimizer = optimizerOf(ip, optimizerArg);
    entry.optimizer = optimizer.info;
    rec.optimizer = optimizer;
  }
  if (lossArg) entry.loss = lossInfo(ip, lossArg);
  rec.compile = entry;
}

function optimizerOf(ip: PyInterp, arg: Arg): OptimizerRec {
  const value = arg.value;
  const span = ip.span(arg.node);
  const text = ip.text(arg.node);
  if (value.t === 'optimizer') return value.rec;
  if (value.t === 'str') {
    const info: OptimizerInfo = { kind: optimizerKind(value.v), span, text, form: 'string' };
    const name = optimizerClassName(value.v);
    if (name) info.name = name;
    return { info, name: value.v.toLowerCase(), clipping: [] };
  }
  return { info: { kind: 'unknown', span, text, form: 'unknown' }, name: '', clipping: [] };
}

function lossInfo(ip: PyInterp, arg: Arg): LossInfo {
  const info = singleLoss(ip, arg.value, ip.span(arg.node), ip.text(arg.node));
  const perOutput = perOutputLosses(ip, arg);
  return perOutput ? { ...info, perOutput } : info;
}

/** `loss=['mse', 'categorical_crossentropy']` or `loss={'priority': 'mse'}` written in the call. */
function perOutputLosses(ip: PyInterp, arg: Arg): LossInfo['perOutput'] {
  const { node, value } = arg;
  const parts = kids(node).filter((c) => !/^[[\](){},:]$/.test(c.name));
  if (value.t === 'list' && (node.name === 'ArrayExpression' || node.name === 'TupleExpression')) {
    if (parts.length !== value.items.length) return undefined;
    return parts.map((item, key) => ({
      key,
      loss: singleLoss(ip, value.items[key], ip.span(item), ip.text(item)),
    }));
  }
  if (value.t === 'dict' && node.name === 'DictionaryExpression') {
    const losses: NonNullable<LossInfo['perOutput']> = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const key = parts[i].name === 'String' ? ip.text(parts[i]).slice(1, -1) : null;
      const entry = key === null ? undefined : value.entries.get(key);
      if (key === null || !entry) return undefined;
      losses.push({
        key,
        loss: singleLoss(ip, entry.value, ip.span(parts[i + 1]), ip.text(parts[i + 1])),
      });
    }
    return losses;
  }
  return undefined;
}

/**
 * A loss function of the file's own whose body is a squared or absolute error of its two arguments
 * (`K.mean(K.square(y_pred - y_true), axis=-1)`, `tf.reduce_sum((a - b) ** 2)`, `K.abs(b - a)`):
 * the regression loss it computes. A body that takes a log or an exp (a cross-entropy) is none.
 */
function userLossName(ip: PyInterp, value: PV): string | null {
  if (value.t !== 'func') return null;
  const source = ip.inModule(value.module, () => ip.text(value.node));
  const head = /^\s*(?:async\s+)?def\s+\w+\s*\(\s*(\w+)\s*(?::[^,]*)?,\s*(\w+)/.exec(source);
  if (!head) return null;
  const body = source
    .slice(head[0].length)
    .replace(/("""|''')[\s\S]*?\1/g, '')
    .replace(/#.*$/gm, '');
  if (/\blog\w*\s*\(|crossentropy|\bexp\s*\(/i.test(body)) return null;
  const [a, b] = [head[1], head[2]];
  const diff = `\\(?\\s*(?:${a}\\s*-\\s*${b}|${b}\\s*-\\s*${a})\\s*\\)?`;
  if (new RegExp(`square\\s*\\(\\s*${diff}\\s*\\)|${diff}\\s*\\*\\*\\s*2(?![\\d.])`).test(body))
    return 'meanSquaredError';
  if (new RegExp(`\\babs(?:olute)?\\s*\\(\\s*${diff}\\s*\\)`).test(body))
    return 'meanAbsoluteError';
  return null;
}

function singleLoss(ip: PyInterp, value: PV, span: Span, text: string): LossInfo {
  const computed = userLossName(ip, value);
  if (computed && value.t === 'func')
    return { name: computed, resolved: true, userFunction: value.name, span, text };
  const name =
    value.t === 'str'
      ? lossName(value.v)
      : value.t === 'path'
        ? lossName(value.path.slice(value.path.lastIndexOf('.') + 1))
        : value.t === 'kcall' && value.path.startsWith('losses.')
          ? value.path.slice(7)
          : null;
  const logits = value.t === 'kcall' ? value.props.fromLogits : undefined;
  const fromLogits = logits?.value.kind === 'boolean';
  if (name)
    return {
      name,
      resolved: true,
      ...(fromLogits ? { fromLogits } : {}),
      ...(logits?.valueSpan ? { fromLogitsSpan: logits.valueSpan } : {}),
      span,
      text,
    };
  return { name: value.t === 'str' ? value.v : text, resolved: false, span, text };
}

/** `keras.losses.CategoricalCrossentropy(from_logits=True)`: a loss object compile can take. */
export function lossObject(ip: PyInterp, className: string, args: Arg[], node: SyntaxNode): PV {
  const name = lossName(className);
  if (!name) return unknown(ip.text(node));
  // Only `from_logits=True` is kept: a linear output then trains as softmax (sigmoid) + cross-entropy.
  const logits = args.find((a) => a.name === 'from_logits');
  const props: Record<string, ConfigProp> =
    logits?.value.t === 'bool' && logits.value.v
      ? {
          fromLogits: {
            value: { kind: 'boolean', value: true },
            span: logits.span,
            valueSpan: ip.span(logits.node),
            inherited: false,
          },
        }
      : {};
  const object: PV = { t: 'kcall', path: `losses.${name}`, props, text: ip.text(node) };
  // The function form (`keras.losses.mean_squared_error(y, pred)`) is the loss applied at once.
  if (/^[a-z]/.test(className) && args.filter((a) => !a.name).length >= 2)
    return lossApplied(ip, object, args, node) ?? unknown(ip.text(node));
  return object;
}

/**
 * `loss_object(labels, model(images))`, `keras.losses.mean_squared_error(y, pred)`: a Keras loss applied to
 * a model's output (`y_pred`, the second argument) is that model's loss in its training loop.
 */
export function lossApplied(
  ip: PyInterp,
  loss: Extract<PV, { t: 'kcall' }>,
  args: Arg[],
  node: SyntaxNode,
): PV | null {
  if (!loss.path.startsWith('losses.')) return null;
  const pred = args.find((a) => a.name === 'y_pred') ?? args.filter((a) => !a.name)[1];
  const value = pred?.value;
  const model =
    value?.t === 'tensor'
      ? ip.modelOutputs.get(value.node)
      : value?.t === 'unknown'
        ? value.output
        : undefined;
  if (!model) return null;
  const logits = loss.props.fromLogits;
  model.loopLoss ??= {
    name: loss.path.slice(7),
    resolved: true,
    ...(logits ? { fromLogits: true } : {}),
    ...(logits?.valueSpan ? { fromLogitsSpan: logits.valueSpan } : {}),
    span: ip.span(node),
    text: ip.text(node),
  };
  return unknown(ip.text(node));
}

export function fitCall(
  ip: PyInterp,
  rec: ModelRec,
  method: string,
  args: Arg[],
  node: SyntaxNode,
): void {
  void args;
  pushOnce(ip, rec.fitCalls, {
    method: method === 'train_on_batch' ? 'trainOnBatch' : 'fit',
    span: ip.span(node),
  });
}

export function optimizerMethod(
  ip: PyInterp,
  rec: OptimizerRec,
  name: string,
  args: Arg[],
  node: SyntaxNode,
): PV {
  if (name !== 'apply_gradients' && name !== 'minimize') return unknown(ip.text(node));
  const call: CustomLoopCall = {
    method: name === 'minimize' ? 'minimize' : 'applyGradients',
    span: ip.span(node),
    optimizer: rec.info,
  };
  const model = modelIn(args.map((a) => a.value));
  if (model) {
    pushOnce(ip, model.customLoops, call);
    model.optimizer ??= rec;
  } else if (!ip.looseLoops.some((l) => l.call.span.start === call.span.start))
    ip.looseLoops.push({ call, optimizer: rec });
  return unknown(ip.text(node));
}

/** `tape.gradient(loss, model.trainable_variables)`: the gradients of that model's weights. */
export function tapeGradient(ip: PyInterp, args: Arg[], node: SyntaxNode): PV {
  const model = modelIn(args.map((a) => a.value));
  const call: CustomLoopCall = { method: 'variableGrads', span: ip.span(node) };
  if (model) pushOnce(ip, model.customLoops, call);
  else if (!ip.looseLoops.some((l) => l.call.span.start === call.span.start))
    ip.looseLoops.push({ call });
  return { t: 'grads', ...(model ? { model } : {}) };
}

/** `tf.clip_by_global_norm(grads, 1.0)` and friends count only when they clip gradients. */
export function clipCall(ip: PyInterp, fn: string, args: Arg[], node: SyntaxNode): PV {
  const first = args[0]?.value;
  if (first?.t !== 'grads') return first?.t === 'tensor' ? first : unknown(ip.text(node));
  const kind: ClippingKind =
    fn === 'clip_by_global_norm'
      ? 'clipByGlobalNorm'
      : fn === 'clip_by_norm'
        ? 'clipByNorm'
        : 'clipByValue';
  const evidence: ClippingEvidence = { kind, span: ip.span(node) };
  pushOnce(ip, first.model ? first.model.clipping : ip.clipCalls, evidence);
  return fn === 'clip_by_global_norm'
    ? { t: 'list', items: [first, unknown(`global norm of ${ip.text(node)}`)], tuple: true }
    : first;
}

function modelIn(values: PV[]): ModelRec | undefined {
  for (const value of values) {
    if (value.t === 'weights') return value.model;
    if (value.t === 'grads' && value.model) return value.model;
    if (value.t === 'list') {
      const inner = modelIn(value.items);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** A loop body runs once per iteration; each call site is recorded once. */
/** Adds a training record once per span, counting it for PyInterp.progress(). */
function pushOnce<T extends { span: { start: number } }>(ip: PyInterp, list: T[], item: T): void {
  if (list.some((x) => x.span.start === item.span.start)) return;
  list.push(item);
  ip.records++;
}
