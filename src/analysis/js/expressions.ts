/** Expression evaluation and destructuring for the abstract interpreter. */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { evaluateCall, instantiate, memberOf } from './calls';
import type { Interp } from './interpreter';
import { unwrap } from './call-values';
import { spanOf } from './spans';
import {
  type AV,
  type PropAV,
  Scope,
  UNDEFINED,
  listDepths,
  openTails,
  prim,
  truthy,
  unknown,
} from './values';
import { tfjsModuleSpecifier } from './bindings';
import { globalValue } from './builtins';
import { assignTo } from './patterns';
import { decided } from './decisions';
import { namesTfjsModule } from './parse';

export function evaluate(interp: Interp, node: TSESTree.Node, scope: Scope, name?: string): AV {
  interp.tick();
  switch (node.type) {
    case 'Literal':
      if ('regex' in node || 'bigint' in node) return unknown(interp.text(node), 'literal');
      return prim(node.value as number | string | boolean | null, spanOf(node));
    case 'TemplateLiteral':
      return template(interp, node, scope);
    case 'Identifier':
      return identifier(interp, node, scope);
    case 'ThisExpression':
      return scope.lookup('this') ?? UNDEFINED;
    case 'ArrayExpression':
      return arrayLiteral(interp, node, scope);
    case 'ObjectExpression':
      return objectLiteral(interp, node, scope);
    case 'UnaryExpression':
      return unary(interp, node, scope);
    case 'BinaryExpression':
      return binary(
        interp,
        node,
        evaluate(interp, node.left, scope),
        evaluate(interp, node.right, scope),
      );
    case 'LogicalExpression':
      return logical(interp, node, scope);
    case 'ConditionalExpression':
      return conditional(interp, node, scope);
    case 'AssignmentExpression':
      return assign(interp, node, scope);
    case 'UpdateExpression':
      return update(interp, node, scope);
    case 'MemberExpression':
      return member(interp, node, scope);
    case 'ChainExpression':
      return evaluate(interp, node.expression, scope);
    case 'CallExpression':
    case 'NewExpression':
      return evaluateCall(interp, node, scope);
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return interp.makeFunction(
        node,
        scope,
        node.type === 'FunctionExpression' && node.id ? node.id.name : (name ?? '<anonymous>'),
      );
    case 'ClassExpression': {
      const cls: AV = {
        t: 'class',
        node,
        scope,
        name: node.id?.name ?? name ?? '<anonymous>',
        ...(interp.home ? { home: interp.home } : {}),
      };
      // Its methods are the file's code as a declaration's are (`return class Agent {...}` from a
      // module IIFE, `const Net = class {...}`): registered, so the uncalled ones still run.
      instantiate(interp, cls, null);
      return cls;
    }
    case 'SequenceExpression': {
      let last: AV = UNDEFINED;
      for (const expression of node.expressions) last = evaluate(interp, expression, scope);
      return last;
    }
    case 'AwaitExpression':
      return evaluate(interp, node.argument, scope, name);
    case 'ImportExpression': {
      // `await import('@tensorflow/tfjs')` (await is transparent here); `import(NODE_SPEC)` with a
      // constant specifier too.
      const source = evaluate(interp, node.source, scope);
      const spec = source.t === 'prim' ? source.v : null;
      if (typeof spec === 'string' && tfjsModuleSpecifier(spec)) return { t: 'tf', path: '' };
      const linked = typeof spec === 'string' ? interp.linker?.require(spec, node) : undefined;
      return linked ?? unknown(interp.text(node), 'module');
    }
    case 'TSAsExpression':
    case 'TSNonNullExpression':
    case 'TSSatisfiesExpression':
    case 'TSTypeAssertion':
    case 'TSInstantiationExpression':
      return evaluate(interp, node.expression, scope, name);
    default:
      return unknown(interp.text(node), node.type);
  }
}

function identifier(interp: Interp, node: TSESTree.Identifier, scope: Scope): AV {
  if (node.name === 'undefined') return UNDEFINED;
  const value =
    scope.lookup(node.name) ??
    interp.globals.get(node.name) ??
    interp.linker?.autoImported(node.name);
  if (value !== undefined) return value;
  // A `tf` the file never binds: tfjs loaded by a <script> tag (parse.ts only admits such files
  // when they use `tf` the way tfjs is used).
  if (node.name === 'tf') return { t: 'tf', path: '' };
  // A `sequential()` never imported in a file that imports tfjs: tfjs's, its named import forgotten
  // (an editor's auto-import picked another name); the code means `tf.sequential()`.
  if (node.name === 'sequential' && namesTfjsModule(interp.source))
    return { t: 'tf', path: 'sequential' };
  return globalValue(node.name) ?? unknown(node.name, 'not defined in this file');
}

function template(interp: Interp, node: TSESTree.TemplateLiteral, scope: Scope): AV {
  let out = node.quasis[0].value.cooked ?? '';
  for (let i = 0; i < node.expressions.length; i++) {
    const value = evaluate(interp, node.expressions[i], scope);
    if (value.t !== 'prim') return unknown(interp.text(node), 'template');
    out += String(value.v) + (node.quasis[i + 1].value.cooked ?? '');
  }
  return prim(out, spanOf(node));
}

function arrayLiteral(interp: Interp, node: TSESTree.ArrayExpression, scope: Scope): AV {
  const items: AV[] = [];
  let open: number | undefined;
  for (const element of node.elements) {
    if (!element) items.push(UNDEFINED);
    else if (element.type === 'SpreadElement') {
      const spread = evaluate(interp, element.argument, scope);
      if (spread.t === 'array') {
        const tail = openTails.get(spread.items);
        if (open === undefined && tail !== undefined) open = items.length + tail;
        items.push(...spread.items);
      } else {
        // `[...Array(n)]` with n open: how many items it spreads is open too (see openTails).
        if (open === undefined) open = items.length;
        items.push(unknown(interp.text(element), 'spread'));
      }
    } else items.push(evaluate(interp, element, scope));
  }
  if (open !== undefined) openTails.set(items, open);
  interp.arrayEpochs.set(items, interp.epoch);
  listDepths.set(items, interp.conditions.length);
  return { t: 'array', items };
}

function objectLiteral(interp: Interp, node: TSESTree.ObjectExpression, scope: Scope): AV {
  const props = new Map<string, PropAV>();
  let opaque = false;
  for (const property of node.properties) {
    if (property.type === 'SpreadElement') {
      const spread = evaluate(interp, property.argument, scope);
      if (spread.t === 'object') {
        for (const [key, prop] of spread.props) props.set(key, prop);
        opaque ||= spread.opaque === true;
      } else if (!(spread.t === 'prim' && spread.v == null)) opaque = true;
      continue;
    }
    const key = propertyKey(interp, property, scope);
    if (key === null) {
      opaque = true;
      continue;
    }
    const valueNode = property.value;
    const value = evaluate(interp, valueNode, scope, key);
    props.set(key, { value, span: spanOf(property), valueSpan: spanOf(valueNode) });
  }
  return opaque ? { t: 'object', props, opaque } : { t: 'object', props };
}

export function propertyKey(
  interp: Interp,
  property:
    | TSESTree.Property
    | TSESTree.MemberExpression
    | TSESTree.PropertyDefinition
    | TSESTree.MethodDefinition,
  scope: Scope,
): string | null {
  const key = 'key' in property ? property.key : property.property;
  if (!property.computed) {
    if (key.type === 'Identifier') return key.name;
    if (key.type === 'Literal') return String(key.value);
    if (key.type === 'PrivateIdentifier') return `#${key.name}`;
    return null;
  }
  const value = evaluate(interp, key, scope);
  return value.t === 'prim' ? String(value.v) : null;
}

function unary(interp: Interp, node: TSESTree.UnaryExpression, scope: Scope): AV {
  const value = evaluate(interp, node.argument, scope);
  if (node.operator === 'typeof') {
    const types: Record<string, string> = {
      fn: 'function',
      class: 'function',
      array: 'object',
      object: 'object',
    };
    if (value.t === 'prim') return prim(value.v === null ? 'object' : typeof value.v);
    return types[value.t] ? prim(types[value.t]) : unknown(interp.text(node));
  }
  if (node.operator === 'void') return UNDEFINED;
  if (node.operator === '!') {
    const test = truthy(value);
    return test === null ? unknown(interp.text(node)) : prim(!test);
  }
  if (value.t !== 'prim') return unknown(interp.text(node), 'operand');
  const v = value.v as number;
  switch (node.operator) {
    case '-':
      return prim(-v, spanOf(node));
    case '+':
      return prim(Number(v), spanOf(node));
    case '~':
      return prim(~v, spanOf(node));
    default:
      return unknown(interp.text(node));
  }
}

/**
 * `x instanceof tf.Sequential` / `tf.LayersModel`: the check a class makes to take either a model
 * or the sizes to build one. Null when it cannot be told.
 */
function instanceOfTfModel(left: AV, right: AV): boolean | null {
  if (right.t !== 'tf' || !['Sequential', 'LayersModel', 'Model'].includes(right.path)) return null;
  const sequential = right.path === 'Sequential';
  switch (left.t) {
    case 'model':
      return !sequential || left.model.kind === 'sequential';
    case 'base':
      return sequential ? null : true;
    case 'prim':
    case 'array':
    case 'fn':
    case 'layer':
    case 'tensor':
      return false;
    default:
      return null;
  }
}

function binary(interp: Interp, node: TSESTree.BinaryExpression, left: AV, right: AV): AV {
  const op = node.operator;
  // `'model' in params`: decidable on an object whose keys are all known (a literal argument).
  if (op === 'in' && left.t === 'prim' && right.t === 'object' && !right.opaque)
    return prim(right.props.has(String(left.v)));
  if (op === 'instanceof') {
    const known = instanceOfTfModel(left, right);
    if (known !== null) return prim(known);
  }
  // `i < sizes.length` over a list that grew on some paths only: true for the items every path has.
  if (right.t === 'unknown' && right.atLeast !== undefined && left.t === 'prim') {
    if (
      typeof left.v === 'number' &&
      (op === '<' ? left.v < right.atLeast : op === '<=' ? left.v <= right.atLeast : false)
    )
      return prim(true);
  }
  if (left.t !== 'prim' || right.t !== 'prim') {
    if (op === '===' || op === '!==' || op === '==' || op === '!=') {
      if (left.t === 'unknown' || right.t === 'unknown')
        return unknown(interp.text(node), 'operand');
      const same = left === right;
      return prim(op.startsWith('!') ? !same : same);
    }
    return unknown(interp.text(node), 'operand');
  }
  const a = left.v as never;
  const b = right.v as never;
  const origin = spanOf(node);
  switch (op) {
    case '+':
      return prim((a as number) + (b as number), origin);
    case '-':
      return prim(a - b, origin);
    case '*':
      return prim(a * b, origin);
    case '/':
      return prim(a / b, origin);
    case '%':
      return prim(a % b, origin);
    case '**':
      return prim((a as number) ** (b as number), origin);
    case '<':
      return prim(a < b);
    case '<=':
      return prim(a <= b);
    case '>':
      return prim(a > b);
    case '>=':
      return prim(a >= b);
    case '===':
      return prim(a === b);
    case '!==':
      return prim(a !== b);
    case '==':
      return prim(a == b);
    case '!=':
      return prim(a != b);
    case '<<':
      return prim(a << b, origin);
    case '>>':
      return prim(a >> b, origin);
    case '>>>':
      return prim(a >>> b, origin);
    case '&':
      return prim(a & b, origin);
    case '|':
      return prim(a | b, origin);
    case '^':
      return prim(a ^ b, origin);
    default:
      return unknown(interp.text(node));
  }
}

function logical(interp: Interp, node: TSESTree.LogicalExpression, scope: Scope): AV {
  const left = evaluate(interp, node.left, scope);
  if (node.operator === '??') {
    if (left.t === 'unknown') return unknown(interp.text(node), 'operand');
    return left.t === 'prim' && left.v == null ? evaluate(interp, node.right, scope) : left;
  }
  const test = truthy(left);
  if (test === null) return unknown(interp.text(node), 'operand');
  if (node.operator === '&&') return test ? evaluate(interp, node.right, scope) : left;
  return test ? left : evaluate(interp, node.right, scope);
}

function conditional(interp: Interp, node: TSESTree.ConditionalExpression, scope: Scope): AV {
  const test = truthy(evaluate(interp, node.test, scope));
  if (test !== null) return evaluate(interp, test ? node.consequent : node.alternate, scope);
  const path = decided.ternary(interp, node, scope);
  if (path !== null) return evaluate(interp, path === 0 ? node.consequent : node.alternate, scope);
  const condition = interp.text(node.test);
  const yes = interp.branch(condition, 'then', () => evaluate(interp, node.consequent, scope));
  const no = interp.branch(condition, 'else', () => evaluate(interp, node.alternate, scope));
  if (yes.t === 'prim' && no.t === 'prim' && yes.v === no.v) return yes;
  // A layer chosen by an undecidable condition is kept (marked conditional); a plain value is unknown.
  // `cond ? tf.layers.lstm(...) : tf.layers.gru(...)`: either layer may be added; both are conditional.
  if (yes.t === 'layer' && no.t === 'layer') {
    return { t: 'layer', layer: yes.layer, alternatives: [no.layer, ...(no.alternatives ?? [])] };
  }
  if (yes.t === 'layer' || yes.t === 'tensor') return yes;
  const left = (v: AV) => v.t === 'prim' && v.v === undefined;
  if ((left(yes) && no.t === 'unknown') || (left(no) && yes.t === 'unknown'))
    return { t: 'unknown', text: interp.text(node), reason: 'condition', orUndefined: true };
  return unknown(interp.text(node), 'condition');
}

function member(interp: Interp, node: TSESTree.MemberExpression, scope: Scope): AV {
  const object = evaluate(interp, node.object, scope);
  if (node.optional && object.t === 'prim' && object.v == null) return UNDEFINED;
  const key = propertyKey(interp, node, scope);
  if (key === null) {
    const last = lastOfOpenList(interp, node, object);
    if (last) return last;
    return unknown(interp.text(node), 'computed member');
  }
  return memberOf(interp, object, key, node);
}

/**
 * `outs[outs.length - 1]` on a list that grew on some paths only (`outs.push(layer.apply(...))` in a
 * loop of unknown length): its length is open, but its last item is the last one pushed (on the
 * paths that pushed it), so a chain of layers built through the list stays one chain.
 */
function lastOfOpenList(interp: Interp, node: TSESTree.MemberExpression, object: AV): AV | null {
  if (object.t !== 'array' || openTails.get(object.items) === undefined) return null;
  const index = node.property;
  if (
    index.type !== 'BinaryExpression' ||
    index.operator !== '-' ||
    index.right.type !== 'Literal' ||
    index.right.value !== 1 ||
    index.left.type !== 'MemberExpression' ||
    index.left.computed ||
    index.left.property.type !== 'Identifier' ||
    index.left.property.name !== 'length' ||
    interp.text(index.left.object) !== interp.text(node.object)
  )
    return null;
  return object.items[object.items.length - 1] ?? null;
}

/**
 * The name a function gets from `name = ...`, `exports.name = ...`, `this.name = ...`. A React ref
 * (`modelRef.current = ...`) names it by the ref: `current` says nothing about what it holds.
 */
function assignedName(target: TSESTree.Node): string | undefined {
  if (target.type === 'Identifier') return target.name;
  if (
    target.type === 'MemberExpression' &&
    !target.computed &&
    target.property.type === 'Identifier'
  ) {
    const property = target.property.name;
    if (property === 'current') return assignedName(target.object) ?? property;
    return property === 'exports' ? undefined : property;
  }
  return undefined;
}

function assign(interp: Interp, node: TSESTree.AssignmentExpression, scope: Scope): AV {
  // `this.policyNet = tf.sequential()`: the model is known by the name it is kept under.
  const name = assignedName(node.left);
  const previous = interp.nameHint;
  if (name && node.operator === '=') interp.nameHint = { node: unwrap(node.right), name };
  let value: AV;
  try {
    value = evaluate(interp, node.right, scope, name);
  } finally {
    interp.nameHint = previous;
  }
  if (node.operator !== '=') {
    const current = evaluate(interp, node.left, scope);
    const op = node.operator.slice(0, -1);
    if (op === '&&' || op === '||' || op === '??') {
      const test = truthy(current);
      if (test === null) value = unknown(interp.text(node), 'operand');
      else if (
        op === '&&' ? !test : op === '||' ? test : !(current.t === 'prim' && current.v == null)
      )
        value = current;
    } else {
      value = binary(
        interp,
        { ...node, operator: op } as unknown as TSESTree.BinaryExpression,
        current,
        value,
      );
    }
  }
  assignTo(interp, node.left, value, scope, node);
  return value;
}

function update(interp: Interp, node: TSESTree.UpdateExpression, scope: Scope): AV {
  const current = evaluate(interp, node.argument, scope);
  const next: AV =
    current.t === 'prim' && typeof current.v === 'number'
      ? prim(current.v + (node.operator === '++' ? 1 : -1))
      : unknown(interp.text(node.argument), 'operand');
  assignTo(interp, node.argument, next, scope, node);
  return node.prefix ? next : current;
}
