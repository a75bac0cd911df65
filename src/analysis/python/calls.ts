/**
 * Calls: arguments (positional, keywords, `*args`, `**kwargs`) and who handles the call: the file's own
 * functions and classes, methods of the values the evaluator tracks, or Keras (keras.ts).
 */
import type { SyntaxNode } from '@lezer/common';
import { canonicalPath } from './bindings';
import { callUserClass, classMethod, superInit } from './classes';
import { evalExpr, methodOf } from './expressions';
import type { CallArgs, PyInterp } from './interpreter';
import { callKeras, callMethod, implicitSequential, type Arg } from './keras';
import { kids } from './parse';
import { unknown, type DictEntry, type PV, type Scope } from './values';

/** A call: the file's own functions and classes, methods of what the evaluator tracks, and Keras. */
export function call(ip: PyInterp, node: SyntaxNode, scope: Scope): PV {
  // Through kids() rather than firstChild/lastChild, so that kept children (a loop) are found.
  const parts = kids(node);
  const calleeNode = parts[0];
  const argList = parts[parts.length - 1];
  if (!calleeNode || argList?.name !== 'ArgList') return unknown(ip.text(node));
  const args = readArgs(ip, argList, scope);
  for (const arg of args)
    if (arg.value.t === 'func' && (!arg.value.module || arg.value.module === ip.main))
      ip.handedOver.add(arg.value);
  const text = ip.text(node);
  const member = calleeNode.name === 'MemberExpression' ? kids(calleeNode) : [];
  const property = member[member.length - 1];
  if (property?.name === 'PropertyName') {
    const objectNode = member[0];
    const name = ip.text(property);
    if (name === '__init__' && objectNode.name === 'CallExpression') {
      const self = superSelf(ip, objectNode, scope);
      if (self) return superInit(self, args);
    }
    const object = evalExpr(ip, objectNode, scope);
    if (object.t === 'path')
      return callPath(ip, canonicalPath(`${object.path}.${name}`), args, node);
    const own =
      object.t === 'object'
        ? (object.attrs.get(name) ?? methodOf(object, name))
        : object.t === 'module'
          ? (object.scope.get(name) ?? null)
          : object.t === 'class'
            ? classMethod(ip, object, name)
            : null;
    if (own) return callValue(ip, own, args, node, text);
    if (name === 'add' && objectNode.name === 'VariableName' && !scope.get(ip.text(objectNode))) {
      const implicit = implicitSequential(ip, ip.text(objectNode), args, node);
      if (implicit) scope.set(ip.text(objectNode), implicit);
      return implicit ? { t: 'none' } : unknown(text);
    }
    return callMethod(ip, object, name, args, node, objectNode);
  }
  const callee = evalExpr(ip, calleeNode, scope);
  return callValue(ip, callee, args, node, text);
}

/** `super()` (in a method, whose `self` it binds) or `super(Cls, self)`: that object, else null. */
function superSelf(ip: PyInterp, node: SyntaxNode, scope: Scope): PV | null {
  const parts = kids(node);
  if (parts[0]?.name !== 'VariableName' || ip.text(parts[0]) !== 'super') return null;
  const args = kids(parts[1]).filter((c) => c.name !== '(' && c.name !== ')' && c.name !== ',');
  const self = args.length === 2 ? evalExpr(ip, args[1], scope) : scope.get('self');
  return self?.t === 'object' ? self : null;
}

export function callValue(
  ip: PyInterp,
  callee: PV,
  args: Arg[],
  node: SyntaxNode,
  text: string,
): PV {
  switch (callee.t) {
    case 'path':
      return callPath(ip, callee.path, args, node);
    case 'partial':
      return callValue(ip, callee.callee, partialArgs(callee.args, args), node, text);
    case 'func':
      return ip.callFunction(callee, toCallArgs(args, ip), text);
    case 'class':
      return callUserClass(ip, callee, args, node);
    default:
      return callMethod(ip, callee, '__call__', args, node, node.firstChild!);
  }
}

/** Keras, or `functools.partial(Conv2D, kernel_size=3, ...)`: a callable that fills in arguments. */
function callPath(ip: PyInterp, path: string, args: Arg[], node: SyntaxNode): PV {
  if (path === 'functools.partial') {
    const [first, ...rest] = args;
    if (!first || first.name || first.star) return unknown(ip.text(node));
    return { t: 'partial', callee: first.value, args: rest };
  }
  return callKeras(ip, path, args, node);
}

/**
 * A partial's arguments with the call's, as Python merges them: its positional ones first, then the
 * call's; a keyword the call gives again replaces the partial's (`RegularizedDense(10, activation='softmax')`).
 */
function partialArgs(fixed: Arg[], given: Arg[]): Arg[] {
  const isPositional = (a: Arg) => !a.name && a.star !== '**';
  const named = new Set(given.filter((a) => a.name).map((a) => a.name));
  return [
    ...fixed.filter(isPositional),
    ...given.filter(isPositional),
    ...fixed.filter((a) => !isPositional(a) && !(a.name && named.has(a.name))),
    ...given.filter((a) => !isPositional(a)),
  ];
}

/** A call's arguments as values; `entries` keeps the keywords' spans for a `**kwargs` parameter. */
export function toCallArgs(args: Arg[], ip: PyInterp): CallArgs {
  const positional: PV[] = [];
  const keywords = new Map<string, PV>();
  const entries = new Map<string, DictEntry>();
  let open = false;
  for (const arg of args) {
    if (arg.star === '**' && arg.value.t === 'dict')
      for (const [k, e] of arg.value.entries) {
        keywords.set(k, e.value);
        entries.set(k, e);
      }
    else if (arg.star === '*' && arg.value.t === 'list') positional.push(...arg.value.items);
    else if (arg.star) open = true;
    else if (arg.name) {
      keywords.set(arg.name, arg.value);
      entries.set(arg.name, { value: arg.value, span: arg.span, valueSpan: ip.span(arg.node) });
    } else positional.push(arg.value);
  }
  return { positional, keywords, entries, open };
}

function readArgs(ip: PyInterp, argList: SyntaxNode, scope: Scope): Arg[] {
  const parts = kids(argList).filter((c) => c.name !== '(' && c.name !== ')' && c.name !== ',');
  const args: Arg[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if ((part.name === '*' || part.name === '**') && parts[i + 1]) {
      const valueNode = parts[++i];
      const value = evalExpr(ip, valueNode, scope);
      args.push({
        name: null,
        value,
        node: valueNode,
        span: ip.lines.span(part.from, valueNode.to),
        star: part.name,
      });
    } else if (part.name === 'VariableName' && parts[i + 1]?.name === 'AssignOp' && parts[i + 2]) {
      const valueNode = parts[i + 2];
      i += 2;
      const value = evalExpr(ip, valueNode, scope);
      args.push({
        name: ip.text(part),
        value,
        node: valueNode,
        span: ip.lines.span(part.from, valueNode.to),
      });
    } else if (part.name === 'for') {
      // A generator argument `f(x for x in xs)`: not followed.
      args.length = 0;
      args.push({
        name: null,
        value: unknown(ip.text(argList)),
        node: argList,
        span: ip.span(argList),
      });
      break;
    } else
      args.push({ name: null, value: evalExpr(ip, part, scope), node: part, span: ip.span(part) });
  }
  return args;
}

/** Binds a call's arguments to the function's parameters (`self` first for a bound method). */
export function bindParams(
  ip: PyInterp,
  fn: Extract<PV, { t: 'func' }>,
  args: CallArgs,
  scope: Scope,
): void {
  const params = kids(fn.node).find((c) => c.name === 'ParamList');
  const list = params ? kids(params) : [];
  const positional = fn.self ? [fn.self, ...args.positional] : [...args.positional];
  let star: '' | '*' | '**' = '';
  let index = 0;
  const named = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (item.name === '*' || item.name === '**') {
      star = item.name;
      continue;
    }
    if (item.name !== 'VariableName' || list[i - 1]?.name === 'AssignOp') {
      if (item.name === ',' && star === '*' && list[i - 1]?.name === '*') star = '';
      continue;
    }
    const name = ip.text(item);
    if (!star) named.add(name);
    if (star === '*') {
      scope.set(name, { t: 'list', items: positional.slice(index), tuple: true });
      index = positional.length;
      star = '';
    } else if (star === '**') {
      // The keywords no parameter took (none from a call nobody wrote: unknown).
      const rest = [...(args.entries ?? [])].filter(([k]) => !named.has(k));
      scope.set(
        name,
        args.open || !args.entries ? unknown(name) : { t: 'dict', entries: new Map(rest) },
      );
      star = '';
    } else if (args.keywords.has(name)) scope.set(name, args.keywords.get(name)!);
    else if (index < positional.length) scope.set(name, positional[index++]);
    else scope.set(name, fn.defaults.get(name) ?? unknown(name));
  }
}
