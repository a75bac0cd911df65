/**
 * The file's own classes. A `keras.Model` subclass is a model: its `__init__` runs with `self`, then its
 * `call` runs on a fresh input, and the layers that data flow reaches form a functional graph in
 * forward-pass order. A `keras.layers.Layer` subclass applied to tensors runs its `call` inline, so
 * its layers join the graph of whoever applies it; one whose `call` applies no Keras layer (tensor
 * math on its own weights) is one opaque layer under its class's name. Other classes are plain objects.
 */
import type { SyntaxNode } from '@lezer/common';
import { toCallArgs } from './calls';
import type { PyInterp } from './interpreter';
import {
  appliesLayerSince,
  functionalEnds,
  markOutput,
  modelMethod,
  opaqueLayerApplied,
  type Arg,
} from './keras';
import { NONE, unknown, type ModelRec, type PV, type TensorNode } from './values';

type ClassValue = Extract<PV, { t: 'class' }>;
type ObjectValue = Extract<PV, { t: 'object' }>;

export function isModelClass(cls: ClassValue): boolean {
  return cls.base === 'keras.Model' || cls.base === 'keras.Sequential';
}

export function callUserClass(ip: PyInterp, cls: ClassValue, args: Arg[], node: SyntaxNode): PV {
  const object: ObjectValue = { t: 'object', cls, attrs: new Map() };
  const builder = { name: cls.name, span: ip.inModule(cls.module, () => ip.span(cls.node)) };
  const rec = isModelClass(cls) ? newSubclassModel(ip, cls, node, builder.span) : null;
  if (rec) object.model = rec;
  ip.builders.push(builder);
  const saved = ip.assign;
  ip.assign = null;
  try {
    if (!cls.methods.has('__init__') && cls.fields) bindFields(object, toCallArgs(args, ip));
    else runMethod(ip, object, '__init__', toCallArgs(args, ip), ip.text(node));
    if (rec) ip.inModule(cls.homes?.get('call') ?? cls.module, () => traceCall(ip, object, rec));
  } finally {
    ip.assign = saved;
    ip.builders.pop();
  }
  return object;
}

/**
 * The methods of `object` that nothing called and `pick` chooses, each run once with unknown
 * arguments (a speculative run of a plain class's model builders: `agent.build_model()` elsewhere).
 */
export function runUncalledMethods(
  ip: PyInterp,
  object: ObjectValue,
  pick: (def: SyntaxNode) => boolean,
): void {
  for (const [name, def] of object.cls.methods) {
    if (name.startsWith('__') || ip.called.has(def.from) || !pick(def)) continue;
    runMethod(ip, object, name, { positional: [], keywords: new Map() }, name);
  }
}

/** A dataclass's generated `__init__`: each field from the call (by position or keyword) or its default. */
function bindFields(object: ObjectValue, args: ReturnType<typeof toCallArgs>): void {
  (object.cls.fields ?? []).forEach((field, i) => {
    const value = args.keywords.get(field.name) ?? args.positional[i] ?? field.value;
    object.attrs.set(field.name, value ?? unknown(field.name));
  });
}

function newSubclassModel(
  ip: PyInterp,
  cls: ClassValue,
  node: SyntaxNode,
  classSpan: ModelRec['anchor'],
): ModelRec {
  const anchor = ip.span(node);
  const rec: ModelRec = {
    name: ip.assign?.rhs === node ? ip.assign.name.replace(/^self\./, '') : cls.name,
    kind: 'functional',
    anchor,
    lastSpan: anchor,
    builderSpan: classSpan,
    layers: [],
    inputs: NONE,
    outputs: NONE,
    fitCalls: [],
    customLoops: [],
    clipping: [],
    unresolved: [],
    speculative: ip.speculative,
  };
  ip.models.push(rec);
  return rec;
}

/**
 * `super().__init__(inputs, outputs)` in a model subclass's `__init__`: Keras's functional form of
 * a subclass, whose graph is the one those tensors span (it needs no `call`). Other bases'
 * `__init__` (a layer's `name=`, a plain class's) change nothing the evaluator tracks.
 */
export function superInit(object: PV, args: Arg[]): PV {
  if (object.t !== 'object' || !object.model) return NONE;
  const ends = functionalEnds(args);
  if (ends.outputs.t === 'none') return NONE;
  object.model.inputs = ends.inputs;
  object.model.outputs = ends.outputs;
  return NONE;
}

/** The objects whose `build` has run: Keras calls it once, before the first `call`. */
const built = new WeakSet<ObjectValue>();

/** `build(input_shape)` of a layer that makes its sublayers there (`self.conv = Conv1D(...)` in build). */
function buildOnce(ip: PyInterp, object: ObjectValue): void {
  if (built.has(object) || !object.cls.methods.has('build')) return;
  built.add(object);
  const shape = unknown('input_shape');
  runMethod(ip, object, 'build', { positional: [shape], keywords: new Map() }, 'build');
}

/**
 * Runs `call(inputs, ...)` once on inputs of unknown shape; what it returns is the model's output.
 * Each required parameter is an input (`call(self, x, context)`: a decoder fed the encoder's
 * summary), but not a mask or the training flag, which no layer takes as data.
 */
function traceCall(ip: PyInterp, object: ObjectValue, rec: ModelRec): void {
  const def = object.cls.methods.get('call');
  if (!def) return;
  buildOnce(ip, object);
  const [first, ...rest] = positionalParams(def.getChild('ParamList')).slice(1);
  const params = [
    first?.name,
    ...rest.filter((p) => !p.hasDefault && !NOT_DATA.test(ip.text(p.name))).map((p) => p.name),
  ];
  const inputs = params.map((param): PV => {
    const input: TensorNode = {
      id: ip.id(),
      kind: 'input',
      shape: { kind: 'unknown', text: `input shape of ${object.cls.name}` },
      span: param ? ip.span(param) : ip.span(def),
      variable: param ? ip.text(param) : 'inputs',
      config: { props: {}, objectSpan: null, opaque: false, text: '' },
    };
    return { t: 'tensor', node: input };
  });
  rec.inputs = inputs.length === 1 ? inputs[0] : { t: 'list', items: inputs, tuple: false };
  rec.outputs = runMethod(ip, object, 'call', { positional: inputs, keywords: new Map() }, 'call');
  trainStepOnce(ip, object);
}

const NOT_DATA = /mask|^training$/i;

/** A def's parameters before any `*args` (`self` first), and whether each has a default. */
function positionalParams(list: SyntaxNode | null): { name: SyntaxNode; hasDefault: boolean }[] {
  const out: { name: SyntaxNode; hasDefault: boolean }[] = [];
  for (let c = list?.firstChild ?? null; c; c = c.nextSibling) {
    if (c.name === '*' || c.name === '**') break;
    if (c.name !== 'VariableName') continue;
    let next = c.nextSibling;
    if (next?.name === 'TypeDef') next = next.nextSibling;
    out.push({ name: c, hasDefault: next?.name === 'AssignOp' });
  }
  return out;
}

/** The objects whose `train_step` has run. */
const stepped = new WeakSet<ObjectValue>();

/**
 * A custom `train_step` is the training loop `fit` runs: its tape, clipping and optimizer count. A
 * model with `call` runs it once traced; a wrapper without one (`CustomFit(model)` holding the
 * model it trains) runs it at its `fit`, after its own `compile` has set `self.optimizer`.
 */
function trainStepOnce(ip: PyInterp, object: ObjectValue): void {
  if (stepped.has(object) || !object.cls.methods.has('train_step')) return;
  stepped.add(object);
  runMethod(
    ip,
    object,
    'train_step',
    { positional: [unknown('data')], keywords: new Map() },
    'train_step',
  );
}

function runMethod(
  ip: PyInterp,
  object: ObjectValue,
  name: string,
  args: ReturnType<typeof toCallArgs>,
  text: string,
): PV {
  const def = object.cls.methods.get(name);
  if (!def) return NONE;
  const module = object.cls.homes?.get(name) ?? object.cls.module;
  const defaults = ip.inModule(module, () => methodDefaults(ip, def, object));
  return ip.callFunction(
    { t: 'func', node: def, scope: object.cls.scope, name, self: object, defaults, module },
    args,
    text,
  );
}

function methodDefaults(ip: PyInterp, def: SyntaxNode, object: ObjectValue): Map<string, PV> {
  return ip.defineFunction(def, object.cls.scope, false).defaults;
}

/** A method call or application of one of the file's objects. */
export function applyModelOrObject(
  ip: PyInterp,
  object: ObjectValue,
  name: string,
  args: Arg[],
  node: SyntaxNode,
): PV {
  if (name === '__call__') {
    if (object.cls.methods.has('call')) buildOnce(ip, object);
    if (object.cls.methods.has('call')) {
      const mark = ip.id();
      const out = runMethod(ip, object, 'call', toCallArgs(args, ip), ip.text(node));
      if (object.model) return markOutput(ip, object.model, out);
      // A custom layer whose `call` applied no Keras layer on the way out is one layer.
      if (object.cls.base.startsWith('keras.layers.') && !appliesLayerSince(out, mark))
        return opaqueLayerApplied(ip, object.cls.name, args, node) ?? out;
      return out;
    }
    if (object.cls.methods.has('__call__'))
      return runMethod(ip, object, '__call__', toCallArgs(args, ip), ip.text(node));
  }
  if (object.model && !object.cls.methods.has('call') && /^(?:fit|train_on_batch)$/.test(name))
    trainStepOnce(ip, object);
  if (object.model && !object.cls.methods.has(name)) {
    if (name === '__call__') {
      const tensor = args.find((a) => a.value.t === 'tensor');
      return tensor ? tensor.value : unknown(ip.text(node));
    }
    return modelMethod(ip, object.model, name, args, node);
  }
  return unknown(ip.text(node));
}

/** `Builder.build_resnet_18(...)`: a static method (or a classmethod, given its class) of the file's class. */
export function classMethod(ip: PyInterp, cls: ClassValue, name: string): PV | null {
  const def = cls.methods.get(name);
  if (!def) return null;
  const module = cls.homes?.get(name) ?? cls.module;
  const decorators = def.parent?.name === 'DecoratedStatement' ? ip.text(def.parent) : '';
  const classmethod = /^\s*@classmethod\b/m.test(decorators.slice(0, def.from - def.parent!.from));
  const defaults = ip.inModule(module, () => ip.defineFunction(def, cls.scope, false).defaults);
  return {
    t: 'func',
    node: def,
    scope: cls.scope,
    name,
    defaults,
    module,
    ...(classmethod ? { self: cls } : {}),
  };
}
