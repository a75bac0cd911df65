/**
 * Expressions: literals, names, attributes, subscripts, arithmetic, comprehensions and calls. A value
 * the evaluator cannot know is `unknown`, named by its source text.
 */
import type { SyntaxNode } from '@lezer/common';
import { arrayArithmetic, arrayAttribute } from './arrays';
import { canonicalPath, globalKerasName } from './bindings';
import { arithmetic, DATA_LOOP_STEPS, iterableItems, type PyInterp } from './interpreter';
import { BUILTINS } from './builtins';
import { remember } from './keras-names';
import { call } from './calls';
import { tensorArithmetic } from './keras';
import { keepingKids, kids } from './parse';
import { shapeTuple } from './tensor-shapes';
import { NONE, Scope, truthy, unknown, type DictEntry, type PV } from './values';

export function evalExpr(ip: PyInterp, node: SyntaxNode, scope: Scope): PV {
  if (!ip.tick(node)) return unknown(ip.text(node));
  switch (node.name) {
    case 'Number':
      return number(ip.text(node));
    case 'String':
      return { t: 'str', v: stringValue(ip.text(node)) };
    case 'ContinuedString':
      return {
        t: 'str',
        v: kids(node)
          .map((s) => stringValue(ip.text(s)))
          .join(''),
      };
    case 'FormatString':
      return formatString(ip, node, scope);
    case 'Boolean':
      return { t: 'bool', v: ip.text(node) === 'True' };
    case 'None':
      return NONE;
    case 'VariableName':
      return lookup(ip, ip.text(node), scope);
    case 'ParenthesizedExpression': {
      const inner = kids(node).find((c) => c.name !== '(' && c.name !== ')');
      return inner ? evalExpr(ip, inner, scope) : NONE;
    }
    case 'TupleExpression':
    case 'ArrayExpression':
    case 'SetExpression':
      return sequence(ip, node, scope, node.name === 'TupleExpression');
    case 'DictionaryExpression':
      return dictionary(ip, node, scope);
    case 'ArrayComprehensionExpression':
    case 'ComprehensionExpression':
      return comprehension(ip, node, scope);
    case 'MemberExpression':
      return member(ip, node, scope);
    case 'CallExpression':
      return call(ip, node, scope);
    case 'UnaryExpression':
      return unary(ip, node, scope);
    case 'BinaryExpression':
      return binary(ip, node, scope);
    case 'ConditionalExpression': {
      const [then, , cond, , otherwise] = kids(node);
      const decided = cond ? truthy(evalExpr(ip, cond, scope)) : null;
      if (decided === true && then) return evalExpr(ip, then, scope);
      if (decided === false && otherwise) return evalExpr(ip, otherwise, scope);
      // `layer(x, training=t) if flag else layer(x)`: the same callee either way, so the same layer.
      if (then && otherwise && sameCallee(ip, then, otherwise)) return evalExpr(ip, then, scope);
      return unknown(ip.text(node));
    }
    case 'LambdaExpression':
      // Called like a function (`self.shortcut = lambda x, _: x`); its body is its value.
      return { ...ip.defineFunction(node, scope, false), name: '<lambda>' };
    default:
      return unknown(ip.text(node));
  }
}

function sameCallee(ip: PyInterp, a: SyntaxNode, b: SyntaxNode): boolean {
  if (a.name !== 'CallExpression' || b.name !== 'CallExpression') return false;
  const [calleeA, calleeB] = [a.firstChild, b.firstChild];
  return !!calleeA && !!calleeB && ip.text(calleeA) === ip.text(calleeB);
}

const KERAS_MODULES = new Set([
  'tf',
  'keras',
  'layers',
  'models',
  'optimizers',
  'losses',
  'initializers',
]);

function lookup(ip: PyInterp, name: string, scope: Scope): PV {
  const bound = scope.get(name);
  if (bound) return bound;
  if (BUILTINS.has(name)) return { t: 'path', path: `builtins.${name}` };
  // The analysed file is the program being run: its `if __name__ == '__main__':` is taken.
  if (name === '__name__') return { t: 'str', v: ip.module.name };
  // Unbound, the name would be a NameError: in a file that imports some of Keras, a class or module
  // of Keras it never imports (`Dense`, `layers`, a forgotten import) reads as Keras's.
  if (ip.imports.globals || /^[A-Z]/.test(name) || KERAS_MODULES.has(name)) {
    const known = globalKerasName(name);
    if (known) return known;
  }
  return unknown(name);
}

function number(text: string): PV {
  const clean = text.replace(/_/g, '').toLowerCase();
  if (/[jl]$/.test(clean)) return unknown(text);
  const value = /^0[xob]/.test(clean) ? Number(clean) : parseFloat(clean);
  return Number.isFinite(value) ? { t: 'num', v: value } : unknown(text);
}

/** A string literal's value: prefixes, triple quotes and the common escapes. */
export function stringValue(text: string): string {
  let value = literals.get(text);
  if (value === undefined) {
    value = literalValue(text);
    remember(literals, text, value);
  }
  return value;
}

const literals = new Map<string, string>();

function literalValue(text: string): string {
  const match = /^([rRbBuU]*)('''|"""|'|")([\s\S]*)\2$/.exec(text);
  if (!match) return text;
  const body = match[3];
  if (/r/i.test(match[1])) return body;
  return body.replace(/\\(n|t|\\|'|")/g, (_, ch: string) =>
    ch === 'n' ? '\n' : ch === 't' ? '\t' : ch,
  );
}

function formatString(ip: PyInterp, node: SyntaxNode, scope: Scope): PV {
  const text = ip.text(node);
  const open = text.search(/['"]/);
  const quote = /^('''|"""|'|")/.exec(text.slice(open))?.[1] ?? '"';
  let out = '';
  let at = node.from + open + quote.length;
  for (const part of kids(node)) {
    if (part.name !== 'FormatReplacement') continue;
    out += ip.source.slice(at, part.from);
    const inner = kids(part).find((c) => c.name !== '{' && c.name !== '}');
    const value = inner ? evalExpr(ip, inner, scope) : NONE;
    if (value.t === 'num' || value.t === 'str') out += String(value.v);
    else return unknown(text);
    at = part.to;
  }
  out += ip.source.slice(at, node.to - quote.length);
  return { t: 'str', v: out.replace(/\{\{/g, '{').replace(/\}\}/g, '}') };
}

function sequence(ip: PyInterp, node: SyntaxNode, scope: Scope, tuple: boolean): PV {
  const items: PV[] = [];
  const parts = kids(node).filter((c) => !['(', ')', '[', ']', '{', '}', ','].includes(c.name));
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].name === '*' && parts[i + 1]) {
      const spread = evalExpr(ip, parts[++i], scope);
      const expanded = iterableItems(spread);
      if (expanded) items.push(...expanded);
      else items.push(spread);
    } else items.push(evalExpr(ip, parts[i], scope));
  }
  return { t: 'list', items, tuple };
}

function dictionary(ip: PyInterp, node: SyntaxNode, scope: Scope): PV {
  const entries = new Map<string, DictEntry>();
  const parts = kids(node).filter((c) => !['{', '}', ','].includes(c.name));
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].name === '**' && parts[i + 1]) {
      const spread = evalExpr(ip, parts[++i], scope);
      if (spread.t === 'dict') for (const [k, v] of spread.entries) entries.set(k, v);
      continue;
    }
    const keyNode = parts[i];
    const valueNode = parts[i + 2];
    if (parts[i + 1]?.name !== ':' || !valueNode) break;
    i += 2;
    const key = evalExpr(ip, keyNode, scope);
    const value = evalExpr(ip, valueNode, scope);
    if (key.t === 'str' || key.t === 'num')
      entries.set(String(key.v), {
        value,
        span: ip.lines.span(keyNode.from, valueNode.to),
        valueSpan: ip.span(valueNode),
      });
  }
  return { t: 'dict', entries };
}

/** `[f(x) for x in xs if cond]`: one element per known item; an unknown iterable gives unknown. */
function comprehension(ip: PyInterp, node: SyntaxNode, scope: Scope): PV {
  const parts = kids(node).filter((c) => !['[', ']', '(', ')'].includes(c.name));
  const forAt = parts.findIndex((c) => c.name === 'for');
  const inAt = parts.findIndex((c) => c.name === 'in');
  if (forAt < 1 || inAt < 0 || !parts[inAt + 1]) return unknown(ip.text(node));
  const element = parts[0];
  const targets = parts.slice(forAt + 1, inAt).filter((c) => c.name !== ',');
  const source = evalExpr(ip, parts[inAt + 1], scope);
  const ifAt = parts.findIndex((c, i) => i > inAt && c.name === 'if');
  const items = iterableItems(source);
  const inner = new Scope(scope);
  if (!items) {
    if (source.t === 'grads') {
      assignTo(ip, targets.length === 1 ? targets[0] : targets, source, inner);
      return { t: 'list', items: [evalExpr(ip, element, inner)], tuple: false };
    }
    // An unknown iterable (a parameter, a config's list): like a loop over it, the element is built
    // once with an unknown item when it makes layers or models (`[Input(s) for s in shapes]`, one
    // branch per input); a comprehension that builds nothing stays unknown (data).
    const before = ip.progress();
    assignTo(
      ip,
      targets.length === 1 ? targets[0] : targets,
      unknown(`item of ${ip.text(parts[inAt + 1])}`),
      inner,
    );
    const once = evalExpr(ip, element, inner);
    const built = ['layer', 'tensor', 'model', 'object'].includes(once.t);
    return built && ip.progress() !== before
      ? { t: 'list', items: [once], tuple: false }
      : unknown(ip.text(node));
  }
  const out: PV[] = [];
  const start = { steps: ip.steps, progress: ip.progress() };
  let data = false;
  const iterate = () => {
    for (let i = 0; i < items.length && ip.stopped === null; i++) {
      // A long comprehension that builds nothing (file names, a grid of anchors) is data: unknown.
      if (ip.steps - start.steps > DATA_LOOP_STEPS && ip.progress() === start.progress) {
        data = true;
        break;
      }
      assignTo(ip, targets.length === 1 ? targets[0] : targets, items[i], inner);
      if (ifAt > 0 && parts[ifAt + 1] && truthy(evalExpr(ip, parts[ifAt + 1], inner)) === false)
        continue;
      ip.repeats.push({ iteration: i, count: items.length });
      out.push(evalExpr(ip, element, inner));
      ip.repeats.pop();
    }
  };
  if (items.length > 1) keepingKids(iterate);
  else iterate();
  return data ? unknown(ip.text(node)) : { t: 'list', items: out, tuple: false };
}

function member(ip: PyInterp, node: SyntaxNode, scope: Scope): PV {
  const [objectNode, , propNode] = kids(node);
  if (!objectNode) return unknown(ip.text(node));
  const object = evalExpr(ip, objectNode, scope);
  if (propNode?.name === 'PropertyName') return attribute(object, ip.text(propNode), ip.text(node));
  const index = propNode ? evalExpr(ip, propNode, scope) : NONE;
  const isSlice = kids(node).some((c) => c.name === ':');
  if (object.t === 'list' && !isSlice && index.t === 'num') {
    const at = index.v < 0 ? object.items.length + index.v : index.v;
    return object.items[at] ?? unknown(ip.text(node));
  }
  if (object.t === 'list' && isSlice) return sliceOf(ip, node, object, scope);
  if (object.t === 'dict' && (index.t === 'str' || index.t === 'num'))
    return object.entries.get(String(index.v))?.value ?? unknown(ip.text(node));
  if (object.t === 'grads') return object;
  if (object.t === 'tensor') return object;
  return unknown(ip.text(node));
}

function sliceOf(
  ip: PyInterp,
  node: SyntaxNode,
  list: Extract<PV, { t: 'list' }>,
  scope: Scope,
): PV {
  const inside = kids(node).slice(2, -1);
  const colon = inside.findIndex((c) => c.name === ':');
  const bound = (nodes: SyntaxNode[]) => (nodes[0] ? evalExpr(ip, nodes[0], scope) : NONE);
  const start = bound(inside.slice(0, colon));
  const end = bound(inside.slice(colon + 1).filter((c) => c.name !== ':'));
  if ((start.t !== 'num' && start.t !== 'none') || (end.t !== 'num' && end.t !== 'none'))
    return unknown(ip.text(node));
  const from = start.t === 'num' ? start.v : undefined;
  const to = end.t === 'num' ? end.v : undefined;
  return { t: 'list', items: list.items.slice(from, to), tuple: list.tuple };
}

export function attribute(object: PV, name: string, text: string): PV {
  switch (object.t) {
    case 'path':
      return { t: 'path', path: canonicalPath(`${object.path}.${name}`) };
    case 'object':
      return (
        object.attrs.get(name) ??
        methodOf(object, name) ??
        object.cls.attrs?.get(name) ??
        (object.model ? modelAttribute(object, name, text) : unknown(text))
      );
    case 'model':
      return modelAttribute(object, name, text);
    case 'tensor':
      return name === 'shape' ? shapeTuple(object.node, text) : unknown(text);
    case 'array':
      return arrayAttribute(object, name) ?? unknown(text);
    case 'module':
      return object.scope.get(name) ?? unknown(text);
    case 'class':
      return object.attrs?.get(name) ?? unknown(text);
    case 'dict':
      return object.argparse === 'namespace'
        ? (object.entries.get(name)?.value ?? unknown(text))
        : unknown(text);
    default:
      return unknown(text);
  }
}

export function methodOf(object: Extract<PV, { t: 'object' }>, name: string): PV | null {
  const def = object.cls.methods.get(name);
  if (!def) return null;
  const module = object.cls.homes?.get(name) ?? object.cls.module;
  return {
    t: 'func',
    node: def,
    scope: object.cls.scope,
    name,
    self: object,
    defaults: new Map(),
    module,
  };
}

/** `model.trainable_variables`, `model.optimizer`: what custom loops reach through a model. */
function modelAttribute(owner: PV, name: string, text: string): PV {
  const rec = owner.t === 'model' ? owner.rec : owner.t === 'object' ? owner.model : undefined;
  if (!rec) return unknown(text);
  // `self.optimizer` in a `train_step` that runs before `compile`: the optimizer compile will set.
  if (name === 'optimizer') {
    const info = { kind: 'unknown' as const, span: rec.anchor, text, form: 'unknown' as const };
    return { t: 'optimizer', rec: rec.optimizer ?? { info, name: '', clipping: [] } };
  }
  if (/^(?:trainable_variables|trainable_weights|variables|weights)$/.test(name))
    return { t: 'weights', model: rec };
  return { t: 'unknown', text };
}

function unary(ip: PyInterp, node: SyntaxNode, scope: Scope): PV {
  const [op, operand] = kids(node);
  if (!op || !operand) return unknown(ip.text(node));
  const value = evalExpr(ip, operand, scope);
  const word = ip.text(op);
  if (word === 'not') {
    const decided = truthy(value);
    return decided === null ? unknown(ip.text(node)) : { t: 'bool', v: !decided };
  }
  if (value.t !== 'num') return unknown(ip.text(node));
  return word === '-' ? { t: 'num', v: -value.v } : word === '+' ? value : unknown(ip.text(node));
}

function binary(ip: PyInterp, node: SyntaxNode, scope: Scope): PV {
  // `a is not b` and `a not in b` spell their operator in two keyword nodes.
  const parts = kids(node);
  const leftNode = parts[0];
  const rightNode = parts.length >= 3 ? parts[parts.length - 1] : undefined;
  const opNodes = parts.slice(1, -1);
  if (!leftNode || !rightNode || opNodes.length === 0) return unknown(ip.text(node));
  const op = opNodes.map((n) => ip.text(n)).join(' ');
  const comparison = opNodes[0].name === 'CompareOp' || /^(?:is|in|not)$/.test(opNodes[0].name);
  const left = evalExpr(ip, leftNode, scope);
  if (op === 'and' || op === 'or') {
    const decided = truthy(left);
    if (decided === null) return unknown(ip.text(node));
    return decided === (op === 'and') ? evalExpr(ip, rightNode, scope) : left;
  }
  const right = evalExpr(ip, rightNode, scope);
  if (comparison) return compareValues(op, left, right) ?? unknown(ip.text(node));
  if (left.t === 'num' && right.t === 'num')
    return arithmetic(op, left.v, right.v) ?? unknown(ip.text(node));
  if (op === '+' && left.t === 'str' && right.t === 'str') return { t: 'str', v: left.v + right.v };
  if (op === '+' && left.t === 'list' && right.t === 'list')
    return { t: 'list', items: [...left.items, ...right.items], tuple: left.tuple };
  if (op === '*' && left.t === 'list' && right.t === 'num')
    return {
      t: 'list',
      items: Array.from({ length: Math.min(right.v, 1000) }, () => left.items).flat(),
      tuple: left.tuple,
    };
  if (opNodes[0].name === 'ArithOp')
    return (
      tensorArithmetic(ip, op, left, right, node) ??
      arrayArithmetic(left, right) ??
      unknown(ip.text(node))
    );
  return unknown(ip.text(node));
}

/** A comparison the evaluator can decide, or null. `x is None` holds for a None value only. */
function compareValues(op: string, left: PV, right: PV): PV | null {
  if (left.t === 'num' && right.t === 'num') {
    const decided = compare(op, left.v, right.v);
    return decided === null ? null : { t: 'bool', v: decided };
  }
  if ((op === 'is' || op === 'is not') && (left.t === 'none' || right.t === 'none')) {
    const other = left.t === 'none' ? right : left;
    if (other.t === 'unknown') return null;
    return { t: 'bool', v: (other.t === 'none') === (op === 'is') };
  }
  if ((op === 'in' || op === 'not in') && right.t === 'dict' && left.t === 'str')
    return { t: 'bool', v: right.entries.has(left.v) === (op === 'in') };
  if (!isPlain(left) || !isPlain(right)) return null;
  const same = JSON.stringify(left) === JSON.stringify(right);
  if (op === '==' || op === 'is') return { t: 'bool', v: same };
  if (op === '!=' || op === 'is not') return { t: 'bool', v: !same };
  const inside =
    right.t === 'list'
      ? right.items.some((i) => JSON.stringify(i) === JSON.stringify(left))
      : right.t === 'str' && left.t === 'str'
        ? right.v.includes(left.v)
        : null;
  if (inside === null) return null;
  if (op === 'in') return { t: 'bool', v: inside };
  if (op === 'not in') return { t: 'bool', v: !inside };
  return null;
}

function isPlain(value: PV): boolean {
  return (
    ['num', 'str', 'bool', 'none'].includes(value.t) ||
    (value.t === 'list' && value.items.every(isPlain))
  );
}

function compare(op: string, a: number, b: number): boolean | null {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
    case 'is':
      return a === b;
    case '!=':
    case 'is not':
      return a !== b;
    default:
      return null;
  }
}

/** Binds a value to a target: a name, `self.x`, `a[i]`, or a tuple/list of targets. */
export function assignTo(
  ip: PyInterp,
  target: SyntaxNode | SyntaxNode[],
  value: PV,
  scope: Scope,
): void {
  if (
    Array.isArray(target) ||
    target.name === 'TupleExpression' ||
    target.name === 'ArrayExpression'
  ) {
    const targets = Array.isArray(target)
      ? target
      : kids(target).filter((c) => !['(', ')', '[', ']', ','].includes(c.name));
    const items = value.t === 'list' ? value.items : null;
    targets.forEach((t, i) =>
      assignTo(
        ip,
        t,
        items?.[i] ?? (value.t === 'grads' || value.t === 'tensor' ? value : unknown(ip.text(t))),
        scope,
      ),
    );
    return;
  }
  if (target.name === 'VariableName') {
    scope.set(ip.text(target), value);
    return;
  }
  if (target.name === 'MemberExpression') {
    const [objectNode, , propNode] = kids(target);
    if (!objectNode || !propNode) return;
    const object = evalExpr(ip, objectNode, scope);
    if (propNode.name === 'PropertyName' && object.t === 'object')
      object.attrs.set(ip.text(propNode), value);
    else if (object.t === 'list' && propNode.name !== 'PropertyName') {
      const index = evalExpr(ip, propNode, scope);
      if (index.t === 'num' && index.v >= 0 && index.v < object.items.length)
        object.items[index.v] = value;
    } else if (object.t === 'dict' && propNode.name !== 'PropertyName') {
      const key = evalExpr(ip, propNode, scope);
      if (key.t === 'str' || key.t === 'num')
        object.entries.set(String(key.v), {
          value,
          span: ip.span(target),
          valueSpan: ip.span(target),
        });
    }
  }
}
