/**
 * Training in Keras code: optimizers (with their `clipnorm` / `clipvalue` / `global_clipnorm`),
 * `compile`, `fit` / `train_on_batch`, and custom loops (`tf.GradientTape`, `tape.gradient`,
 * `optimizer.apply_gradients`, `tf.clip_by_*` on the gradients).
 */
import type { SyntaxNode } from '@lezer/common';
import type {
  ClippingEvidence,
  ClippingKind,
  CustomLoopCall,
  LossInfo,
  OptimizerInfo,
} from '../ir';
import { toValue } from './convert';
import type { PyInterp } from './interpreter';
import type { Arg } from './keras';
import { lossName, optimizerKind } from './keras-names';
import { unknown, type ModelRec, type OptimizerRec, type PV } from './values';

const CLIP_KEYWORDS: Readonly<Record<string, ClippingKind>> = {
  clipnorm: 'optimizer-clipnorm',
  clipvalue: 'optimizer-clipvalue',
  global_clipnorm: 'optimizer-global-clipnorm',
};

export function makeOptimizer(ip: PyInterp, className: string, args: Arg[], node: SyntaxNode): PV {
  let kind = optimizerKind(className);
  const rate =
    args.find((a) => a.name === 'learning_rate' || a.name === 'lr') ??
    (args[0] && !args[0].name && !args[0].star ? args[0] : undefined);
  const info: OptimizerInfo = { kind, span: ip.span(node), text: ip.text(node), form: 'call' };
  if (rate) {
    info.learningRate = toValue(rate.value, 'learningRate', ip.text(rate.node));
    info.learningRateSpan = ip.span(rate.node);
  }
  const momentum =
    args.find((a) => a.name === 'momentum') ??
    (kind === 'sgd' ? args.filter((a) => !a.name && !a.star)[1] : undefined);
  if (kind === 'sgd' && momentum && !(momentum.value.t === 'num' && momentum.value.v === 0))
    kind = 'momentum';
  info.kind = kind;
  const clipping: ClippingEvidence[] = [];
  for (const arg of args) {
    const clip = arg.name ? CLIP_KEYWORDS[arg.name] : undefined;
    if (clip && arg.value.t !== 'none') clipping.push({ kind: clip, span: arg.span });
  }
  return { t: 'optimizer', rec: { info, name: className.toLowerCase(), clipping } };
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
    return { info, name: value.v.toLowerCase(), clipping: [] };
  }
  return { info: { kind: 'unknown', span, text, form: 'unknown' }, name: '', clipping: [] };
}

function lossInfo(ip: PyInterp, arg: Arg): LossInfo {
  const span = ip.span(arg.node);
  const text = ip.text(arg.node);
  const value = arg.value;
  const name =
    value.t === 'str'
      ? lossName(value.v)
      : value.t === 'path'
        ? lossName(value.path.slice(value.path.lastIndexOf('.') + 1))
        : value.t === 'kcall' && value.path.startsWith('losses.')
          ? value.path.slice(7)
          : null;
  if (name) return { name, resolved: true, span, text };
  return { name: value.t === 'str' ? value.v : text, resolved: false, span, text };
}

/** `keras.losses.CategoricalCrossentropy(from_logits=True)`: a loss object compile can take. */
export function lossObject(ip: PyInterp, className: string, args: Arg[], node: SyntaxNode): PV {
  const name = lossName(className);
  if (!name) return unknown(ip.text(node));
  void args;
  return { t: 'kcall', path: `losses.${name}`, props: {}, text: ip.text(node) };
}

export function fitCall(
  ip: PyInterp,
  rec: ModelRec,
  method: string,
  args: Arg[],
  node: SyntaxNode,
): void {
  void args;
  pushOnce(rec.fitCalls, {
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
    pushOnce(model.customLoops, call);
    model.optimizer ??= rec;
  } else if (!ip.looseLoops.some((l) => l.call.span.start === call.span.start))
    ip.looseLoops.push({ call, optimizer: rec });
  return unknown(ip.text(node));
}

/** `tape.gradient(loss, model.trainable_variables)`: the gradients of that model's weights. */
export function tapeGradient(ip: PyInterp, args: Arg[], node: SyntaxNode): PV {
  const model = modelIn(args.map((a) => a.value));
  const call: CustomLoopCall = { method: 'variableGrads', span: ip.span(node) };
  if (model) pushOnce(model.customLoops, call);
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
  pushOnce(first.model ? first.model.clipping : ip.clipCalls, evidence);
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
function pushOnce<T extends { span: { start: number } }>(list: T[], item: T): void {
  if (!list.some((x) => x.span.start === item.span.start)) list.push(item);
}
