/** Member access and calls: dispatches to functions in the file, built-ins, and tfjs semantics. */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { baseGetLayer, baseMember } from './bases';
import { callBuiltin, builtinMember } from './builtins';
import { clipKindOfCall } from './training';
import { evaluate } from './expressions';
import type { Interp } from './interpreter';
import { tfjsModuleSpecifier } from './bindings';
import { callTf, callModelMethod, callLayerMethod, modelMember } from './tfjs';
import { sequentialLayerEnd } from './layer-ends';
import { callOptimizerMethod, recordLoop } from './custom-loops';
import { registerMembers, staticMember } from './class-members';
import { type AV, type LayerRec, Scope, UNDEFINED, openTails, prim, unknown } from './values';
import type { Value } from '../ir';
import { shapeValue } from './tensor-shapes';

export type CallNode = TSESTree.CallExpression | TSESTree.NewExpression;

/** Tensor methods that compute another tensor from it (a forward pass's reshapes and activations). */
const TENSOR_OPS = new Set([
  'reshape',
  'flatten',
  'squeeze',
  'expandDims',
  'transpose',
  'slice',
  'gather',
  'concat',
  'add',
  'sub',
  'mul',
  'div',
  'matMul',
  'relu',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'leakyRelu',
  'square',
  'sqrt',
  'exp',
  'log',
  'abs',
  'neg',
  'mean',
  'sum',
  'max',
  'min',
  'clipByValue',
  'dropout',
  'cast',
  'asType',
  'toFloat',
]);

export function memberOf(interp: Interp, object: AV, key: string, node: TSESTree.Node): AV {
  switch (object.t) {
    case 'tf':
      return { t: 'tf', path: object.path ? `${object.path}.${key}` : key };
    case 'object': {
      const prop = object.props.get(key);
      if (prop) return prop.value;
      if (object.tfRest) return { t: 'tf', path: key };
      if (interp.instanceTf.has(key)) return { t: 'tf', path: '' };
      return object.opaque ? unknown(interp.text(node), 'opaque object') : UNDEFINED;
    }
    case 'model':
      return (
        modelMember(interp, object, key) ?? { t: 'builtin', name: `model.${key}`, self: object }
      );
    case 'base':
      return baseMember(
        interp,
        object,
        key,
        node.type === 'MemberExpression' ? interp.text(node) : `loaded model.${key}`,
      );
    case 'layer':
      return (
        sequentialLayerEnd(interp, object.layer, key) ??
        layerAttribute(object.layer, key) ?? {
          t: 'builtin',
          name: `layer.${key}`,
          self: object,
        }
      );
    case 'optimizer':
      return { t: 'builtin', name: `${object.t}.${key}`, self: object };
    case 'class':
      return staticMember(interp, object, key) ?? unknown(interp.text(node), 'class member');
    case 'tensor':
      if (key === 'shape') return shapeValue(object.node, interp.text(node));
      if (TENSOR_OPS.has(key)) return { t: 'builtin', name: `tensor.${key}`, self: object };
      return builtinMember(object, key) ?? unknown(interp.text(node), 'member');
    case 'unknown':
      return unknown(
        node.type === 'MemberExpression' ? interp.text(node) : `${object.text}.${key}`,
        object.reason,
      );
    default:
      if (object.t === 'builtin' && object.name === 'globalThis' && interp.globals.has(key))
        return interp.globals.get(key)!;
      return builtinMember(object, key) ?? unknown(interp.text(node), 'member');
  }
}

/**
 * Config keys a tfjs layer object keeps as attributes of the same name and meaning (`dense.units`,
 * `conv.kernelSize`): code that copies layers (`tf.layers.dense({units: layer.units, ...})`) reads them.
 * `activation` is an Activation object there, which a layer config accepts as the name it stands for.
 */
const LAYER_ATTRIBUTES = new Set([
  'units',
  'activation',
  'filters',
  'kernelSize',
  'strides',
  'padding',
  'dilationRate',
  'rate',
  'useBias',
  'returnSequences',
  'returnState',
  'inputDim',
  'outputDim',
  'poolSize',
  'dataFormat',
  'axis',
  'momentum',
  'epsilon',
  'n',
]);

/** A layer's attribute read back from its own config, when the config states it as a constant. */
function layerAttribute(layer: LayerRec, key: string): AV | undefined {
  if (!LAYER_ATTRIBUTES.has(key) || layer.config.opaque) return undefined;
  const value = layer.config.props[key]?.value;
  return value ? constantOf(value) : undefined;
}

function constantOf(value: Value): AV | undefined {
  switch (value.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return prim(value.value);
    case 'null':
      return prim(null);
    case 'array': {
      const items = value.items.map(constantOf);
      return items.every((item) => item !== undefined)
        ? { t: 'array', items: items as AV[] }
        : undefined;
    }
    default:
      return undefined;
  }
}

export function evaluateCall(interp: Interp, node: CallNode, scope: Scope): AV {
  const callee = node.callee;
  if (node.type === 'CallExpression') {
    const clip = clipKindOfCall(node);
    if (clip) interp.noteClipping(clip, node);
  }
  if (callee.type === 'Identifier' && callee.name === 'require' && !scope.lookup('require')) {
    const first = node.arguments[0];
    const spec = first?.type === 'Literal' && typeof first.value === 'string' ? first.value : null;
    if (spec && tfjsModuleSpecifier(spec)) return { t: 'tf', path: '' };
    const linked = spec ? interp.linker?.require(spec, node) : undefined;
    return linked ?? unknown(interp.text(node), 'module');
  }
  const hook = reactHook(interp, node, scope);
  if (hook) return hook;
  if (callee.type === 'Super') return callSuper(interp, node, scope);
  let target: AV;
  let self: AV = UNDEFINED;
  if (callee.type === 'MemberExpression') {
    self = evaluate(interp, callee.object, scope);
    if (callee.optional && self.t === 'prim' && self.v == null) return UNDEFINED;
    const key = callee.computed ? evaluate(interp, callee.property, scope) : null;
    const name = callee.computed
      ? key?.t === 'prim'
        ? String(key.v)
        : null
      : (callee.property as TSESTree.Identifier).name;
    target = name === null ? unknown(interp.text(callee)) : memberOf(interp, self, name, callee);
  } else {
    target = evaluate(interp, callee, scope);
  }
  if (node.type === 'CallExpression' && node.optional && target.t === 'prim' && target.v == null)
    return UNDEFINED;
  return callValue(interp, target, self, node, scope);
}

function callValue(interp: Interp, target: AV, self: AV, node: CallNode, scope: Scope): AV {
  const args = () => evaluateArgs(interp, node.arguments, scope);
  switch (target.t) {
    case 'tf':
      return callTf(interp, target.path, args(), node);
    case 'fn': {
      // `new Autoencoder(...)` of a plain function (an ES5 constructor): `this` is a new object,
      // the result unless the function returns an object of its own.
      if (node.type === 'NewExpression' && target.node.type !== 'ArrowFunctionExpression') {
        const instance: AV = { t: 'object', props: new Map(), opaque: true };
        const made = interp.callFunction(target, args(), instance);
        return made.t === 'prim' ? instance : made;
      }
      const result = interp.callFunction(target, args(), target.self ?? self);
      // An unknown result is known to users by the call they wrote (`width(kind)`), not the function.
      return result.t === 'unknown' && result.text.endsWith('(…)')
        ? unknown(interp.text(node), result.reason)
        : result;
    }
    case 'class': {
      const evaluated = args();
      return interp.inHome(target.home, () => instantiate(interp, target, evaluated));
    }
    case 'builtin': {
      const evaluated = args();
      if (target.self?.t === 'model')
        return callModelMethod(interp, target.self, target.name.slice(6), evaluated, node);
      if (target.self?.t === 'layer')
        return callLayerMethod(interp, target.self, target.name.slice(6), evaluated, node);
      if (target.self?.t === 'base' && target.name === 'base.getLayer')
        return baseGetLayer(interp, target.self, evaluated, node);
      if (target.self?.t === 'optimizer') {
        return callOptimizerMethod(interp, target.self, target.name.slice(10), evaluated, node);
      }
      return callBuiltin(interp, target, evaluated, node);
    }
    default: {
      // arguments may still build layers or models (e.g. `wrap(tf.layers.dense(...))`)
      const evaluated = args();
      const iterated =
        self.t === 'unknown' ? iterateUnknown(interp, node, self, evaluated) : undefined;
      if (iterated) return iterated;
      if (self.t === 'unknown' && evaluated[0]?.t === 'fn' && calledMethod(node) === 'minimize') {
        // `config.optimizer.minimize(() => loss)`: an optimizer passed in still trains what the loss uses.
        recordLoop(interp, 'minimize', node, evaluated, undefined);
      }
      return customApply(interp, self, evaluated, node) ?? unknown(interp.text(node), 'call');
    }
  }
}

function calledMethod(node: CallNode): string | null {
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed) return null;
  return (callee.property as TSESTree.Identifier).name;
}

/**
 * `new Attention({...}).apply([x, mask])`: a layer the extractor cannot read (a custom layer class,
 * an unknown one) applied to tensors gives an unknown value that still records what fed it, so the
 * layers before it stay in the model where it is used.
 */
function customApply(interp: Interp, self: AV, args: AV[], node: CallNode): AV | null {
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed) return null;
  if ((callee.property as TSESTree.Identifier).name !== 'apply') return null;
  if (self.t !== 'object' && self.t !== 'unknown') return null;
  const first = args[0];
  const given = first?.t === 'array' ? first.items : first ? [first] : [];
  const inputs = given.flatMap((a) => (a.t === 'tensor' ? [a.node] : []));
  if (inputs.length === 0) return null;
  return { t: 'unknown', text: interp.text(node), reason: 'call', feeds: inputs };
}

const HOOKS = new Set(['useState', 'useRef', 'useMemo', 'useCallback']);

/**
 * React state as model code reads it: `const [units, setUnits] = useState(64)` starts at 64, a lazy
 * `useState(() => 64)` too; `useRef(x).current` is x; `useMemo(fn)` is what fn returns.
 */
function reactHook(interp: Interp, node: CallNode, scope: Scope): AV | null {
  const callee = node.callee;
  const name =
    callee.type === 'Identifier'
      ? callee.name
      : callee.type === 'MemberExpression' &&
          !callee.computed &&
          callee.property.type === 'Identifier'
        ? callee.property.name
        : null;
  if (!name || !HOOKS.has(name) || node.type !== 'CallExpression') return null;
  if (callee.type === 'Identifier' && scope.lookup(name)) return null;
  if (callee.type === 'MemberExpression') {
    const owner = evaluate(interp, callee.object, scope);
    if (owner.t !== 'unknown') return null;
  }
  const [first] = evaluateArgs(interp, node.arguments, scope);
  const initial = first ?? UNDEFINED;
  const run = (value: AV): AV =>
    value.t === 'fn' ? interp.callFunction(value, [], UNDEFINED) : value;
  switch (name) {
    case 'useState': {
      const setter = unknown(`${interp.text(node)}[1]`, 'state setter');
      return { t: 'array', items: [selectorState(interp, node, run(initial)), setter] };
    }
    case 'useRef':
      return {
        t: 'object',
        props: new Map([['current', { value: initial, span: null, valueSpan: null }]]),
      };
    case 'useMemo':
      return run(initial);
    default:
      return initial;
  }
}

/**
 * `const [modelType, setModelType] = useState('cnn')` with `setModelType(...)` called: a choice the
 * user makes in the page, so a branch on it is a decision (one variant per option), not the initial
 * value. Numbers keep their initial value (sizes, rates: what the probe needs).
 */
function selectorState(interp: Interp, node: CallNode, initial: AV): AV {
  if (initial.t !== 'prim' || typeof initial.v !== 'string') return initial;
  // The trees carry no parent links: the declaration is read from the text before the call.
  const before = interp.source.slice(Math.max(0, node.range[0] - 160), node.range[0]);
  const pair = /\[\s*([\w$]+)\s*,\s*([\w$]+)\s*\]\s*=\s*(?:React\s*\.\s*)?$/.exec(before);
  if (!pair) return initial;
  const [, value, set] = pair;
  const called = new RegExp(`\\b${set.replace(/\$/g, '\\$')}\\s*\\(`);
  return called.test(interp.source) ? unknown(value, 'state the page sets') : initial;
}

const ITERATORS = new Set(['forEach', 'map', 'flatMap', 'reduce']);

/**
 * `sizes.forEach((units) => model.add(...))` over an array the file never pins down: the callback
 * runs once, as a loop body of unknown length (as `for (const units of sizes)` does). What it gives
 * back is kept when it is a layer or a tensor: `sizes.map((u) => tf.layers.lstmCell({ units: u }))`
 * is a list of such layers of unknown length, `sizes.reduce((h, u) => dense(u).apply(h), input)` the
 * tensor after the last one.
 */
function iterateUnknown(interp: Interp, node: CallNode, self: AV, args: AV[]): AV | undefined {
  const callee = node.callee;
  const callback = args[0];
  if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return undefined;
  const method = callee.property.name;
  if (!ITERATORS.has(method) || callback?.t !== 'fn') return undefined;
  if (method === 'reduce' && args.length < 2) return undefined;
  const list = self.t === 'unknown' ? self.text : interp.text(callee.object);
  const header = `${interp.text(callee.object)}.${method}(…)`;
  const item = unknown(`${list}[i]`, 'unknown array');
  const params = method === 'reduce' ? [args[1], item, unknown('i')] : [item, unknown('i')];
  const result = interp.branch(header, 'loop body', () =>
    interp.callFunction(callback, params, UNDEFINED),
  );
  if (method === 'reduce') return result.t === 'tensor' ? result : undefined;
  if (method === 'forEach') return undefined;
  const made = method === 'flatMap' && result.t === 'array' ? result.items : [result];
  if (
    made.length === 0 ||
    !made.every((v) => v.t === 'layer' || v.t === 'model' || v.t === 'tensor')
  )
    return undefined;
  const items = [...made];
  openTails.set(items, 0);
  return { t: 'array', items };
}

export function evaluateArgs(
  interp: Interp,
  nodes: TSESTree.CallExpressionArgument[],
  scope: Scope,
): AV[] {
  const out: AV[] = [];
  for (const arg of nodes) {
    if (arg.type === 'SpreadElement') {
      const spread = evaluate(interp, arg.argument, scope);
      if (spread.t === 'array') out.push(...spread.items);
      else out.push(unknown(interp.text(arg), 'spread'));
    } else out.push(evaluate(interp, arg, scope));
  }
  return out;
}

/**
 * `new Class(...)`: an object whose methods see it as `this`; fields and the constructor run.
 * A class extending one of the file's own classes has its base's members too (its own win), and
 * `super(...)` runs the base's constructor on the same object.
 * With `args` null (the class declaration itself) only the methods are registered, so methods the file
 * never calls are still analysed.
 */
export function instantiate(
  interp: Interp,
  cls: Extract<AV, { t: 'class' }>,
  args: AV[] | null,
): AV {
  if (args) interp.instantiated.add(cls.node);
  const instance: Extract<AV, { t: 'object' }> = { t: 'object', props: new Map(), opaque: true };
  // Members from the farthest base first, so a subclass's own override them.
  for (const c of classChain(interp, cls).reverse())
    inClassHome(interp, c, () => registerMembers(interp, c, instance));
  return construct(interp, cls, instance, args);
}

type ClassAV = Extract<AV, { t: 'class' }>;

/** `cls` and the file's (or imported files') own classes it extends, nearest first. */
function classChain(interp: Interp, cls: ClassAV): ClassAV[] {
  const chain: ClassAV[] = [];
  for (
    let c: ClassAV | null = cls;
    c && !chain.includes(c) && chain.length < 8;
    c = userBase(interp, c)
  )
    chain.push(c);
  return chain;
}

/** The constructor `new cls(...)` runs: its own, else the nearest base class's. */
export function constructorOf(interp: Interp, cls: ClassAV): TSESTree.FunctionExpression | null {
  for (const c of classChain(interp, cls)) {
    const ctor = ownConstructor(c);
    if (ctor) return ctor;
  }
  return null;
}

/**
 * Whether `cls` is a tfjs model class: it extends tf.Sequential / tf.LayersModel, directly or
 * through the file's (or an imported file's) own classes (`class Dense extends Model`, where
 * `abstract class Model extends Sequential`).
 */
export function extendsTfModel(interp: Interp, cls: ClassAV): boolean {
  return classChain(interp, cls).some((c) => isTfModelClass(baseOf(interp, c)));
}

function inClassHome<T>(interp: Interp, cls: ClassAV, run: () => T): T {
  return cls.home !== undefined ? interp.inHome(cls.home, run) : run();
}

function baseOf(interp: Interp, cls: ClassAV): AV | null {
  return cls.node.superClass
    ? inClassHome(interp, cls, () => evaluate(interp, cls.node.superClass!, cls.scope))
    : null;
}

function userBase(interp: Interp, cls: ClassAV): ClassAV | null {
  const base = baseOf(interp, cls);
  return base?.t === 'class' ? base : null;
}

function ownConstructor(cls: ClassAV): TSESTree.FunctionExpression | null {
  for (const element of cls.node.body.body) {
    if (element.type === 'MethodDefinition' && element.kind === 'constructor')
      return element.value as TSESTree.FunctionExpression;
  }
  return null;
}

/** Runs `cls`'s constructor (a missing one passes its arguments to the base's) on `instance`. */
function construct(
  interp: Interp,
  cls: ClassAV,
  instance: Extract<AV, { t: 'object' }>,
  args: AV[] | null,
): AV {
  // `class Net extends tf.Sequential`: `super(config)` makes the instance a model (see callSuper).
  const base = baseOf(interp, cls);
  const frame: SuperFrame = { base, cls, instance, model: null };
  interp.superFrames.push(frame);
  try {
    const ctorNode = ownConstructor(cls);
    // Made even when not called: the uncalled-function pass runs a class's constructor first.
    const ctor =
      ctorNode &&
      inClassHome(interp, cls, () =>
        interp.makeFunction(ctorNode, cls.scope, `${cls.name}.constructor`, instance),
      );
    if (ctor && args) interp.callFunction(ctor, args, instance);
    else if (!ctorNode && args && base?.t === 'class') {
      const made = construct(interp, base, instance, args);
      if (made.t === 'model') frame.model = made;
    } else if (!ctorNode && args && isTfModelClass(base)) callSuperModel(interp, frame, [], null);
  } finally {
    interp.superFrames.pop();
  }
  return frame.model ?? instance;
}

export interface SuperFrame {
  base: AV | null;
  cls: Extract<AV, { t: 'class' }>;
  instance: Extract<AV, { t: 'object' }>;
  model: Extract<AV, { t: 'model' }> | null;
}

function isTfModelClass(base: AV | null): boolean {
  return base?.t === 'tf' && ['Sequential', 'LayersModel'].includes(base.path);
}

/** `super(...)` in a constructor: a tfjs model base class creates the model `this` then is. */
function callSuper(interp: Interp, node: CallNode, scope: Scope): AV {
  const frame = interp.superFrames[interp.superFrames.length - 1];
  const args = evaluateArgs(interp, node.arguments, scope);
  if (frame?.base?.t === 'class') {
    const made = construct(interp, frame.base, frame.instance, args);
    if (made.t === 'model') {
      frame.model = made;
      scope.owner('this')?.vars.set('this', made);
    }
    return UNDEFINED;
  }
  if (!frame || !isTfModelClass(frame.base)) return UNDEFINED;
  const model = callSuperModel(interp, frame, args, node);
  scope.owner('this')?.vars.set('this', model);
  return UNDEFINED;
}

function callSuperModel(
  interp: Interp,
  frame: SuperFrame,
  args: AV[],
  node: CallNode | null,
): Extract<AV, { t: 'model' }> {
  // Named by the class constructed, not the base whose `super()` made it (`new Dense()` runs
  // `Model`'s constructor): the outermost frame on the same instance. A subclass's model is at
  // that class (in its file: the base may be imported), a direct subclass's at its `super()`.
  const built = interp.superFrames.find((f) => f.instance === frame.instance) ?? frame;
  const derived = built !== frame;
  const at = (derived ? built.cls.node : (node ?? frame.cls.node)) as CallNode;
  const path = frame.base?.t === 'tf' && frame.base.path === 'LayersModel' ? 'model' : 'sequential';
  const saved = interp.nameHint;
  interp.nameHint = { node: at, name: built.cls.name };
  let created: AV;
  try {
    const make = () => callTf(interp, path, args, at);
    created = derived ? interp.inHome(built.cls.home, make) : make();
  } finally {
    interp.nameHint = saved;
  }
  const model = created as Extract<AV, { t: 'model' }>;
  // Its methods and fields are the model's own: `this.add(...)` and `this.units` both work.
  const fields = (model.model.fields ??= new Map());
  for (const [key, prop] of frame.instance.props) {
    const value = prop.value.t === 'fn' ? { ...prop.value, self: model } : prop.value;
    fields.set(key, { ...prop, value });
  }
  frame.model = model;
  return model;
}
