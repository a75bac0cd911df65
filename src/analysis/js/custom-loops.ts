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
import { type AV, type ModelRec, type OptimizerRec, Scope, unknown } from './values';

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
    for (const key in node) {
      if (key === 'parent' || key === 'loc' || key === 'range') continue;
      const child = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(child)) child.forEach((c) => isNode(c) && visit(c));
      else if (isNode(child)) visit(child);
    }
  };
  visit(root);
  const names = { identifiers: [...identifiers], thisProps: [...thisProps] };
  namesCache.set(root, names);
  return names;
}

function isNode(value: unknown): value is TSESTree.Node {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}
