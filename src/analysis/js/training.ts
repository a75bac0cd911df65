/** Training setup: optimizers, losses, and evidence that gradients are clipped. */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import {
  LOSS_NAMES,
  OPTIMIZER_DEFAULT_LR,
  TF_LOSSES_FUNCTIONS,
  TRAIN_FACTORY_DEFAULT_LR,
} from '../catalog';
import type {
  ClippingEvidence,
  LossInfo,
  OptimizerInfo,
  OptimizerKind,
  Span,
  TrainingSetup,
  Value,
} from '../ir';
import { toValue } from './convert';
import type { AV, ModelRec } from './values';

const STRING_OPTIMIZERS: Record<string, OptimizerKind> = {
  sgd: 'sgd',
  adam: 'adam',
  adamax: 'adamax',
  rmsprop: 'rmsprop',
  adagrad: 'adagrad',
  adadelta: 'adadelta',
};

/** tfjs-core's `tf.train` factories: each positional parameter's name, in order. */
const TRAIN_PARAMS: Readonly<Record<string, readonly string[]>> = {
  sgd: ['learningRate'],
  momentum: ['learningRate', 'momentum', 'useNesterov'],
  adagrad: ['learningRate', 'initialAccumulatorValue'],
  adadelta: ['learningRate', 'rho', 'epsilon'],
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  adamax: ['learningRate', 'beta1', 'beta2', 'epsilon', 'decay'],
  rmsprop: ['learningRate', 'decay', 'momentum', 'epsilon', 'centered'],
};

/**
 * `tf.train.X(...)`'s arguments by tfjs's parameter names; an argument written as `undefined` takes the
 * factory's default, so it is left out. Unknown factories keep their arguments by position (`0`, `1`).
 */
export function trainArguments(factory: string, args: AV[]): Record<string, Value> {
  const params = TRAIN_PARAMS[factory] ?? [];
  const named: Record<string, Value> = {};
  args.forEach((arg, i) => {
    if (arg.t === 'prim' && arg.v === undefined) return;
    named[params[i] ?? String(i)] = toValue(arg);
  });
  return named;
}

/** `tf.train.momentum(lr, 0)` steps as plain sgd; a momentum that is unread or nonzero keeps its kind. */
export function trainKind(factory: string, named: Record<string, Value>): OptimizerKind {
  if (!(factory in TRAIN_PARAMS)) return 'unknown';
  const momentum = named['momentum'];
  if (factory === 'momentum' && momentum?.kind === 'number' && momentum.value === 0) return 'sgd';
  return factory as OptimizerKind;
}

export function optimizerFromString(value: AV, span: Span, text: string): OptimizerInfo {
  if (value.t === 'prim' && typeof value.v === 'string') {
    const kind = STRING_OPTIMIZERS[value.v.toLowerCase()] ?? 'unknown';
    return { kind, span, text, form: 'string', ...(kind !== 'unknown' ? { name: kind } : {}) };
  }
  return { kind: 'unknown', span, text, form: 'unknown' };
}

export function lossInfo(value: AV, span: Span, text: string): LossInfo {
  if (value.t === 'prim' && typeof value.v === 'string') {
    return { name: value.v, resolved: LOSS_NAMES.includes(value.v), span, text };
  }
  if (value.t === 'tf' && value.path.startsWith('losses.')) {
    const mapped = TF_LOSSES_FUNCTIONS[value.path.slice(7)];
    if (mapped) return { name: mapped, resolved: true, span, text };
  }
  return { name: text, resolved: false, span, text };
}

/** The effective learning rate: explicit when resolved, tfjs's default for the kind, else null. */
export function effectiveLearningRate(info: OptimizerInfo | undefined): number | null {
  if (!info) return null;
  if (info.learningRate)
    return info.learningRate.kind === 'number' ? info.learningRate.value : null;
  if (info.form === 'string') return OPTIMIZER_DEFAULT_LR[info.kind] ?? null;
  if (info.form === 'call') return TRAIN_FACTORY_DEFAULT_LR[info.kind] ?? null;
  return null;
}

/**
 * Clipping evidence the evaluator met on the way (code that never runs clips nothing): tf.clipByValue
 * calls, clip-by-norm helpers, dividing gradients by a norm, assignments replacing `applyGradients`
 * on an object that is not a known optimizer, and the overrides installed on a custom loop's optimizer.
 */
export interface FileClipping {
  calls: ClippingEvidence[];
  overrides: Span[];
  /**
   * Per custom-loop call (by span start): the `applyGradients` overrides on its optimizer that were in
   * place when the call ran. Execution order, not text order: an override installed only after the
   * training ran never clipped it, while one installed by a function called before the loop did.
   */
  loopOverrides: Map<number, Span[]>;
}

function memberName(node: TSESTree.MemberExpression): string | null {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (node.property.type === 'Literal') return String(node.property.value);
  return null;
}

function calleeName(node: TSESTree.CallExpression): string | null {
  const callee = node.callee;
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression') return memberName(callee);
  return null;
}

export function clipKindOfCall(node: TSESTree.CallExpression): ClippingEvidence['kind'] | null {
  const name = calleeName(node);
  if (!name) return null;
  if (name === 'clipByValue') return 'clipByValue';
  const lower = name.toLowerCase();
  if (lower.includes('clip') && lower.includes('global')) return 'clipByGlobalNorm';
  if (lower.includes('clip') && lower.includes('norm')) return 'clipByNorm';
  if (lower.startsWith('clip') && lower.includes('grad')) return 'custom';
  // g.div(globalNorm) / tf.div(g, norm) / g.mul(scale / norm): rescaling by a norm is clip-by-norm.
  if (name === 'div' || name === 'mul') {
    const args = node.arguments.map((a) => (a.type === 'Identifier' ? a.name : ''));
    if (args.some((a) => /norm/i.test(a))) return 'clipByNorm';
  }
  return null;
}

export function trainingSetup(
  model: ModelRec,
  clipping: FileClipping,
  looseOverrides: Span[],
): TrainingSetup {
  const optimizerInfo =
    model.optimizer?.info ?? model.customLoops.find((loop) => loop.optimizer)?.optimizer;
  const evidence: ClippingEvidence[] = [];
  for (const span of model.optimizer?.overrides ?? [])
    evidence.push({ kind: 'applyGradients-override', span });
  for (const span of looseOverrides) evidence.push({ kind: 'applyGradients-override', span });
  for (const loop of model.customLoops)
    for (const span of clipping.loopOverrides.get(loop.span.start) ?? [])
      evidence.push({ kind: 'applyGradients-override', span });
  // Clip calls only touch gradients in a custom loop (or inside an applyGradients override).
  if (model.customLoops.length > 0 || evidence.length > 0) evidence.push(...clipping.calls);
  const setup: TrainingSetup = {
    learningRate: effectiveLearningRate(optimizerInfo),
    fitCalls: model.fitCalls,
    customLoops: model.customLoops,
    trained: model.fitCalls.length > 0 || model.customLoops.length > 0,
    clipping: { clipped: evidence.length > 0, evidence: dedupe(evidence) },
  };
  if (model.compile)
    setup.compile = {
      ...model.compile,
      ...(model.optimizer ? { optimizer: model.optimizer.info } : {}),
    };
  if (optimizerInfo) setup.optimizer = optimizerInfo;
  if (model.compile?.loss) setup.loss = model.compile.loss;
  return setup;
}

function dedupe(evidence: ClippingEvidence[]): ClippingEvidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const key = `${e.kind}@${e.span.start}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
