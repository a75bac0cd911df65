/**
 * Custom training loops: `optimizer.minimize(() => loss)`, `tf.variableGrads(...)`,
 * `applyGradients(...)`, and which models they train (the models named inside the loss callback,
 * or those compiled with the optimizer).
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { CallNode } from './calls';
import type { CustomLoopCall, Span } from '../ir';
import type { Interp } from './interpreter';
import { spanOf } from './spans';
import { forEachChild } from './ast';
import { forwardModel } from './tfjs';
import {
  type AV,
  type FunctionNode,
  type ModelRec,
  type OptimizerRec,
  type TensorNode,
  Scope,
  UNDEFINED,
  unknown,
} from './values';

type OptimizerAV = Extract<AV, { t: 'optimizer' }>;

export function callOptimizerMethod(
  interp: Interp,
  self: OptimizerAV,
  method: string,
  args: AV[],
  node: CallNode,
): AV {
  if (method === 'minimize' || method === 'applyGradients' || method === 'computeGradients') {
    recordLoop(interp, method, node, args, self.opt);
  }
  return unknown(interp.text(node), 'optimizer method');
}

export function recordLoop(
  interp: Interp,
  method: CustomLoopCall['method'],
  node: CallNode,
  args: AV[],
  opt: OptimizerRec | undefined,
): void {
  const call: CustomLoopCall = {
    method,
    span: spanOf(node),
    ...(opt ? { optimizer: opt.info } : {}),
  };
  if (!interp.loopFrames.has(call.span.start)) interp.progress++;
  interp.loopFrames.set(call.span.start, interp.currentFunction());
  if (opt) noteLoopOverrides(interp, call.span.start, opt.overrides);
  const models = new Set<ModelRec>(opt?.models ?? []);
  const fn = args.find((a) => a.t === 'fn');
  if (fn?.t === 'fn')
    for (const model of modelsReferenced(interp, fn.node, fn.scope)) models.add(model);
  // No model is named: the loss may call a forward function that applies layers itself.
  if (models.size === 0 && fn?.t === 'fn')
    for (const model of forwardsTrained(interp, fn)) models.add(model);
  if (models.size === 0) {
    if (!interp.looseLoops.some((c) => c.span.start === call.span.start))
      interp.looseLoops.push(call);
    return;
  }
  for (const model of models) {
    if (!model.customLoops.some((c) => c.span.start === call.span.start))
      model.customLoops.push(call);
  }
}

/** The overrides on the loop's optimizer at the moment the call runs (see FileClipping.loopOverrides). */
function noteLoopOverrides(interp: Interp, callStart: number, overrides: Span[]): void {
  if (overrides.length === 0) return;
  const known = interp.clipping.loopOverrides.get(callStart) ?? [];
  for (const span of overrides) if (!known.some((s) => s.start === span.start)) known.push(span);
  interp.clipping.loopOverrides.set(callStart, known);
}

/** Models named by identifiers (or `this.x`) inside a loss callback: the models this loop trains. */
function modelsReferenced(interp: Interp, root: TSESTree.Node, scope: Scope): ModelRec[] {
  const found: ModelRec[] = [];
  const names = namesIn(interp, root);
  const self = names.thisProps.length > 0 ? scope.lookup('this') : undefined;
  const values = names.identifiers.map((name) => scope.lookup(name));
  if (self?.t === 'object')
    values.push(...names.thisProps.map((key) => self.props.get(key)?.value));
  for (const value of values) {
    if (value?.t !== 'model') continue;
    for (const model of [value.model, ...(value.alternatives ?? [])]) {
      if (!found.includes(model)) found.push(model);
    }
  }
  return found;
}

interface NamesIn {
  identifiers: string[];
  thisProps: string[];
}

// Training loops call the same callback every epoch: collect its names once.
const namesCache = new WeakMap<TSESTree.Node, NamesIn>();

function namesIn(interp: Interp, root: TSESTree.Node): NamesIn {
  const cached = namesCache.get(root);
  if (cached) return cached;
  const identifiers = new Set<string>();
  const thisProps = new Set<string>();
  const visit = (node: TSESTree.Node): void => {
    interp.tick();
    if (node.type === 'Identifier') identifiers.add(node.name);
    else if (
      node.type === 'MemberExpression' &&
      node.object.type === 'ThisExpression' &&
      !node.computed
    ) {
      thisProps.add((node.property as TSESTree.Identifier).name);
    }
    forEachChild(node, visit);
  };
  visit(root);
  const names = { identifiers: [...identifiers], thisProps: [...thisProps] };
  namesCache.set(root, names);
  return names;
}

type FnAV = Extract<AV, { t: 'fn' }>;

/** A function that returned what layers it applied itself made of tensors it was given. */
export interface Forward {
  fn: FnAV;
  outputs: AV;
  speculative: boolean;
  /** When it was last called (the order of notes), to tell which calls a loss callback made. */
  at: number;
}

let notes = 0;

/**
 * Notes a forward pass written as a function (`function f(x) { return dense2.apply(dense1.apply(x)) }`):
 * what it returns is the output of a layer it applied, on tensors that no `tf.input` made (a
 * symbolic graph is a builder's helper block, not a forward pass). A custom layer's `call` is not one.
 */
export function noteForward(interp: Interp, fn: FnAV, result: AV): void {
  const short = fn.name.slice(fn.name.lastIndexOf('.') + 1);
  if (!short || short === '<anonymous>' || short === 'call' || short === 'apply') return;
  const [start, end] = fn.node.range;
  const own = tensorsIn(result).filter(
    (t) => t.node.kind === 'apply' && t.node.span.start >= start && t.node.span.end <= end,
  );
  if (own.length === 0 || own.some((t) => reachesInput(t.node, new Set()))) return;
  interp.forwards.set(fn.node, {
    fn,
    outputs: own.length === 1 ? own[0] : { t: 'array', items: own },
    speculative: interp.inSpeculativeFrame(),
    at: ++notes,
  });
}

type TensorAV = Extract<AV, { t: 'tensor' }>;

/** The tensors a function returned: itself, an array's items, an object's values (`{forward, state}`). */
function tensorsIn(value: AV): TensorAV[] {
  if (value.t === 'tensor') return [value];
  const items =
    value.t === 'array'
      ? value.items
      : value.t === 'object'
        ? [...value.props.values()].map((p) => p.value)
        : [];
  return items.filter((item): item is TensorAV => item.t === 'tensor');
}

function reachesInput(node: TensorNode, seen: Set<number>): boolean {
  if (seen.has(node.id)) return false;
  seen.add(node.id);
  if (node.kind === 'input') return true;
  return (node.kind === 'apply' || node.kind === 'opaque' ? (node.inputs ?? []) : []).some(
    (input) => reachesInput(input, seen),
  );
}

// A loss callback runs once to see which forward functions it calls (a loop calls it every step).
const evaluatedLosses = new WeakSet<FunctionNode>();

/** The forward functions a loss callback calls (by name), each as the model the loop trains. */
function forwardsTrained(interp: Interp, loss: FnAV): ModelRec[] {
  const called = (): Forward[] => {
    if (interp.forwards.size === 0) return [];
    const names = namesIn(interp, loss.node);
    const named = new Set([...names.identifiers, ...names.thisProps]);
    return [...interp.forwards.values()].filter(
      (f) =>
        (f.fn.home ?? null) === (loss.home ?? null) &&
        named.has(f.fn.name.slice(f.fn.name.lastIndexOf('.') + 1)),
    );
  };
  let found = called();
  if (found.length === 0 && loss.node.params.length === 0 && !evaluatedLosses.has(loss.node)) {
    evaluatedLosses.add(loss.node);
    const before = notes;
    interp.callFunction(loss, [], UNDEFINED);
    // Called under another name (`[this.encoder, this.decoder, this.apply] = this.build()`, the
    // loss calling `this.apply(x)`): the forward functions this run of the loss called.
    found = called();
    for (const forward of interp.forwards.values())
      if (forward.at > before && !found.includes(forward)) found.push(forward);
  }
  return found.map((forward) => modelOfForward(interp, forward));
}

/** One model per forward function and path run, however many steps train it. */
function modelOfForward(interp: Interp, forward: Forward): ModelRec {
  const known = interp.forwardModels.get(forward.fn.node) ?? [];
  const same = known.find((m) => (m.run ?? null) === interp.path);
  if (same) return same;
  const span = spanOf(forward.fn.node);
  const model = interp.inHome(forward.fn.home, () =>
    forwardModel(interp, forward.fn.name, span, forward.outputs),
  );
  model.speculative = model.speculative || forward.speculative;
  known.push(model);
  interp.forwardModels.set(forward.fn.node, known);
  return model;
}
