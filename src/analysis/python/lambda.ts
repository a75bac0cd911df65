/**
 * A Keras `Lambda` layer's function as tensor operations (`TensorOp`), so that the probe can run it:
 * a `lambda` or a `def` of assignments and one `return`, over arithmetic, subscripts and the
 * keras.backend / tf ops of the table below; or a known function passed by name (`preprocess_input`).
 * Names that are not the function's own are the file's values (a width, `self.scale`), read by the
 * interpreter. Anything else is unread, with the part that was not understood.
 */
import type { SyntaxNode } from '@lezer/common';
import type { SliceItem, TensorOp } from '../ir';
import { canonicalPath } from './bindings';
import { evalExpr } from './expressions';
import type { PyInterp } from './interpreter';
import { kids } from './parse';
import { Scope, type PV } from './values';

export type LambdaRead = { op: TensorOp; assumed?: string[] } | { unread: string };

/** A value inside the body: a tensor, a number, None, a tuple, or `K.shape(t)` waiting for its index. */
type T = TensorOp | number | null | T[] | { shapeOf: TensorOp } | Dim;
type Dim = { of: TensorOp; axis: number };

class Unread extends Error {}

const INPUT: TensorOp = { op: 'input', index: null };

export function readLambda(ip: PyInterp, fn: PV | undefined): LambdaRead {
  try {
    if (fn?.t === 'path') return { op: pathOp(fn.path) };
    if (fn?.t !== 'func') throw new Unread('its function is not one of the file');
    const params = kids(kids(fn.node).find((c) => c.name === 'ParamList') ?? fn.node).filter(
      (c) => c.name === 'VariableName',
    );
    const env = new Map<string, T>();
    if (params[0]) env.set(ip.text(params[0]), INPUT);
    const reader = new Reader(ip, new Scope(fn.scope), env);
    const result =
      fn.node.name === 'LambdaExpression'
        ? reader.expr(fn.node.lastChild!)
        : reader.body(kids(fn.node).find((c) => c.name === 'Body'));
    const op = tensor(result, ip.text(fn.node));
    return reader.assumed.length ? { op, assumed: reader.assumed } : { op };
  } catch (err) {
    if (err instanceof Unread) return { unread: err.message };
    throw err;
  }
}

const UNARY: Record<string, string> = {
  abs: 'abs',
  square: 'square',
  sqrt: 'sqrt',
  rsqrt: 'rsqrt',
  exp: 'exp',
  log: 'log',
  log1p: 'log1p',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  sin: 'sin',
  cos: 'cos',
  sign: 'sign',
  negative: 'neg',
  reciprocal: 'reciprocal',
  stop_gradient: 'identity',
  identity: 'identity',
  cast: 'identity',
};
const BINARY: Record<string, 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'> = {
  add: 'add',
  subtract: 'sub',
  multiply: 'mul',
  divide: 'div',
  truediv: 'div',
  pow: 'pow',
  maximum: 'maximum',
  minimum: 'minimum',
};
const REDUCE: Record<string, 'mean' | 'sum' | 'max' | 'min'> = {
  mean: 'mean',
  reduce_mean: 'mean',
  sum: 'sum',
  reduce_sum: 'sum',
  max: 'max',
  reduce_max: 'max',
  min: 'min',
  reduce_min: 'min',
};
const ARITH: Record<string, 'add' | 'sub' | 'mul' | 'div' | 'pow'> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '**': 'pow',
};
/** keras.applications preprocessing by module: 'tf' scales to [-1, 1], 'caffe' flips RGB and centres. */
const PREPROCESS: Record<string, 'tf' | 'caffe' | 'torch' | 'none'> = {
  xception: 'tf',
  inception_v3: 'tf',
  inception_resnet_v2: 'tf',
  mobilenet: 'tf',
  mobilenet_v2: 'tf',
  nasnet: 'tf',
  resnet_v2: 'tf',
  vgg16: 'caffe',
  vgg19: 'caffe',
  resnet: 'caffe',
  resnet50: 'caffe',
  densenet: 'torch',
  efficientnet: 'none',
  efficientnet_v2: 'none',
  convnext: 'none',
  mobilenet_v3: 'none',
};

/** A function passed by name: `Lambda(K.abs)`, `Lambda(keras.applications.xception.preprocess_input)`. */
function pathOp(path: string): TensorOp {
  const parts = path.split('.');
  const name = parts[parts.length - 1]!;
  if (name === 'preprocess_input') {
    const mode = PREPROCESS[parts[parts.length - 2] ?? ''];
    if (!mode) throw new Unread(`\`${path}\` is a preprocessing the probe does not know`);
    return preprocess(mode);
  }
  if (UNARY[name]) return { op: 'unary', fn: UNARY[name], x: INPUT };
  if (name === 'l2_normalize') return { op: 'l2Normalize', x: INPUT, axis: -1 };
  if (name === 'softmax') return { op: 'softmax', x: INPUT, axis: -1 };
  throw new Unread(`\`${path}\` is not an op the probe can run`);
}

function preprocess(mode: 'tf' | 'caffe' | 'torch' | 'none'): TensorOp {
  const c = (value: number | number[]): TensorOp => ({ op: 'const', value });
  if (mode === 'none') return { op: 'unary', fn: 'identity', x: INPUT };
  if (mode === 'tf')
    return {
      op: 'binary',
      fn: 'sub',
      a: { op: 'binary', fn: 'div', a: INPUT, b: c(127.5) },
      b: c(1),
    };
  if (mode === 'caffe') {
    const bgr: TensorOp = { op: 'reverse', x: INPUT, axis: -1 };
    return { op: 'binary', fn: 'sub', a: bgr, b: c([103.939, 116.779, 123.68]) };
  }
  const scaled: TensorOp = { op: 'binary', fn: 'div', a: INPUT, b: c(255) };
  const centred: TensorOp = { op: 'binary', fn: 'sub', a: scaled, b: c([0.485, 0.456, 0.406]) };
  return { op: 'binary', fn: 'div', a: centred, b: c([0.229, 0.224, 0.225]) };
}

function isTensor(v: T): v is TensorOp {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'op' in v;
}

function tensor(v: T, text: string): TensorOp {
  if (isTensor(v)) return v;
  if (typeof v === 'number') return { op: 'const', value: v };
  throw new Unread(`\`${text.trim()}\` is not a tensor`);
}

function num(v: T, text: string): number {
  if (typeof v === 'number') return v;
  throw new Unread(`\`${text.trim()}\` is not a number the analysis knows`);
}

function ints(v: T, text: string): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v.map((item) => num(item, text));
  throw new Unread(`\`${text.trim()}\` is not a list of numbers the analysis knows`);
}

class Reader {
  /** Open scalars taken as neutral, `name = value` each. */
  readonly assumed: string[] = [];

  constructor(
    private ip: PyInterp,
    private scope: Scope,
    private env: Map<string, T>,
  ) {}

  private text(node: SyntaxNode): string {
    return this.ip.text(node);
  }

  /** A `def` body: assignments to names (tuples unpacked), then `return`. */
  body(body: SyntaxNode | undefined): T {
    for (const statement of body ? kids(body) : []) {
      if (statement.name === ':' || statement.name === 'Comment') continue;
      if (statement.name === 'ExpressionStatement' && kids(statement)[0]?.name === 'String')
        continue;
      if (statement.name === 'ReturnStatement') {
        const value = kids(statement)[1];
        if (!value) break;
        return this.expr(value);
      }
      if (statement.name === 'AssignStatement') {
        const parts = kids(statement);
        const op = parts.findIndex((p) => p.name === 'AssignOp');
        const targets = parts.slice(0, op).filter((p) => p.name !== ',');
        const value = parts[op + 1];
        if (op < 1 || !value || parts.length > op + 2 || this.text(parts[op]!) !== '=')
          throw new Unread(`\`${this.text(statement)}\` is not a plain assignment`);
        let result = this.expr(value);
        if (targets.length === 1 && targets[0]!.name === 'TupleExpression')
          targets.splice(0, 1, ...kids(targets[0]!).filter((p) => p.name === 'VariableName'));
        if (targets.length > 1) {
          if (isTensor(result) && result.op === 'input' && result.index === null)
            result = targets.map((_, i) => ({ op: 'input', index: i }) as TensorOp);
          if (!Array.isArray(result) || result.length !== targets.length)
            throw new Unread(`\`${this.text(statement)}\` unpacks what the probe cannot`);
        }
        targets.forEach((target, i) => {
          if (target.name !== 'VariableName')
            throw new Unread(`\`${this.text(statement)}\` assigns to more than a name`);
          this.env.set(this.text(target), targets.length > 1 ? (result as T[])[i]! : result);
        });
        continue;
      }
      throw new Unread(`\`${this.text(statement).split('\n')[0]}\` is more than an assignment`);
    }
    throw new Unread('the function returns no tensor');
  }

  expr(node: SyntaxNode): T {
    switch (node.name) {
      case 'Number':
      case 'String':
      case 'Boolean':
      case 'None':
        return this.outer(node);
      case 'VariableName': {
        const own = this.env.get(this.text(node));
        return own !== undefined ? own : this.outer(node);
      }
      case 'ParenthesizedExpression': {
        const inner = kids(node).find((c) => c.name !== '(' && c.name !== ')');
        if (!inner) throw new Unread('`()`');
        return this.expr(inner);
      }
      case 'TupleExpression':
      case 'ArrayExpression':
        return kids(node)
          .filter((c) => !['(', ')', '[', ']', ','].includes(c.name))
          .map((c) => this.expr(c));
      case 'UnaryExpression': {
        const [op, operand] = kids(node);
        const value = this.expr(operand!);
        const sign = this.text(op!);
        if (sign === '+') return value;
        if (sign !== '-') break;
        if (typeof value === 'number') return -value;
        return { op: 'unary', fn: 'neg', x: tensor(value, this.text(node)) };
      }
      case 'BinaryExpression': {
        const [left, op, right] = kids(node);
        const fn = ARITH[this.text(op!)];
        if (!fn) break;
        const a = this.operand(left!, right!, fn);
        const b = this.operand(right!, left!, fn);
        if (typeof a === 'number' && typeof b === 'number') return this.outer(node);
        return {
          op: 'binary',
          fn,
          a: tensor(a, this.text(left!)),
          b: tensor(b, this.text(right!)),
        };
      }
      case 'MemberExpression': {
        const parts = kids(node);
        if (parts[1]?.name === '[') return this.subscript(node, parts);
        return this.outer(node);
      }
      case 'CallExpression':
        return this.call(node);
    }
    throw new Unread(`\`${this.text(node)}\` is not an op the probe can run`);
  }

  /**
   * One side of arithmetic with a tensor: a scale or shift the analysis cannot know (`x * self.bound`,
   * the bound read from the environment) is assumed neutral (1 for * and /, 0 for + and -), and stated.
   */
  private operand(node: SyntaxNode, other: SyntaxNode, fn: string): T {
    try {
      return this.expr(node);
    } catch (err) {
      const open = node.name === 'VariableName' || node.name === 'MemberExpression';
      if (!(err instanceof Unread) || !open || !/not a value the analysis knows/.test(err.message))
        throw err;
      if (fn === 'pow' || (fn === 'div' && node === kids(node.parent!)[0])) throw err;
      if (!isTensor(this.expr(other))) throw err;
      const neutral = fn === 'mul' || fn === 'div' ? 1 : 0;
      this.assumed.push(`${this.text(node)} = ${neutral}`);
      return neutral;
    }
  }

  /** A value of the file (not of the function's own names): a number, a tuple of numbers, None. */
  private outer(node: SyntaxNode): T {
    const value = evalExpr(this.ip, node, this.scope);
    const plain = (v: PV): T => {
      if (v.t === 'num') return v.v;
      if (v.t === 'bool') return v.v ? 1 : 0;
      if (v.t === 'none') return null;
      if (v.t === 'list') return v.items.map(plain);
      throw new Unread(`\`${this.text(node)}\` is not a value the analysis knows`);
    };
    return plain(value);
  }

  private subscript(node: SyntaxNode, parts: readonly SyntaxNode[]): T {
    const target = this.expr(parts[0]!);
    const inside = parts.slice(2, parts.length - 1);
    const groups: SyntaxNode[][] = [[]];
    for (const part of inside) {
      if (part.name === ',') groups.push([]);
      else groups[groups.length - 1]!.push(part);
    }
    const single = groups.length === 1 && groups[0]!.length === 1 ? groups[0]![0]! : null;
    if (single && !isTensor(target)) {
      const at = num(this.expr(single), this.text(single));
      if (Array.isArray(target)) {
        const item = target[at < 0 ? target.length + at : at];
        if (item === undefined) throw new Unread(`\`${this.text(node)}\` is out of range`);
        return item;
      }
      if (target && typeof target === 'object' && 'shapeOf' in target)
        return { of: target.shapeOf, axis: at };
      throw new Unread(`\`${this.text(node)}\` indexes what is not a tensor`);
    }
    const x = tensor(target, this.text(parts[0]!));
    // `inputs[0]` on the layer's own input is an item of its input list (Keras passes a list).
    if (single && x.op === 'input' && x.index === null)
      return { op: 'input', index: num(this.expr(single), this.text(single)) };
    const items = groups.map((group) => this.sliceItem(group, node));
    return { op: 'slice', x, items };
  }

  private sliceItem(group: SyntaxNode[], whole: SyntaxNode): SliceItem {
    if (group.length === 1 && group[0]!.name === 'Ellipsis') return { ellipsis: true };
    if (group.length === 1 && group[0]!.name === 'None') return { newAxis: true };
    if (!group.some((p) => p.name === ':')) {
      if (group.length !== 1)
        throw new Unread(`\`${this.text(whole)}\` slices what the probe cannot`);
      return { index: num(this.expr(group[0]!), this.text(group[0]!)) };
    }
    const bounds: (number | null)[] = [null];
    for (const part of group) {
      if (part.name === ':') bounds.push(null);
      else bounds[bounds.length - 1] = num(this.expr(part), this.text(part));
    }
    return { start: bounds[0] ?? null, stop: bounds[1] ?? null, step: bounds[2] ?? null };
  }

  private call(node: SyntaxNode): T {
    const parts = kids(node);
    const callee = parts[0]!;
    const argList = parts[parts.length - 1]!;
    const calleeValue = evalExpr(this.ip, callee, this.scope);
    if (calleeValue.t !== 'path')
      throw new Unread(`\`${this.text(callee)}\` is not an op the probe can run`);
    const path = canonicalPath(calleeValue.path);
    const name = path.split('.').pop()!;
    const positional: SyntaxNode[] = [];
    const keywords = new Map<string, SyntaxNode>();
    const args = kids(argList).filter((c) => !['(', ')', ','].includes(c.name));
    for (let i = 0; i < args.length; i++) {
      if (args[i]!.name === 'VariableName' && args[i + 1]?.name === 'AssignOp') {
        keywords.set(this.text(args[i]!), args[i + 2]!);
        i += 2;
      } else positional.push(args[i]!);
    }
    const arg = (at: number, ...names: string[]): SyntaxNode | undefined =>
      positional[at] ?? names.map((n) => keywords.get(n)).find((n) => n !== undefined);
    const value = (at: number, names: string[], fallback?: T): T => {
      const n = arg(at, ...names);
      if (n) return this.expr(n);
      if (fallback !== undefined) return fallback;
      throw new Unread(`\`${this.text(node)}\` lacks an argument the probe needs`);
    };
    const x = (): TensorOp =>
      tensor(
        value(0, ['x', 'input_tensor', 'a', 'input', 'tensor', 'inputs', 'features', 'images']),
        this.text(node),
      );
    const axis = (at: number, fallback: T): T => value(at, ['axis', 'dim'], fallback);
    if (name === 'preprocess_input') return substitute(pathOp(path), x());
    if (UNARY[name]) return { op: 'unary', fn: UNARY[name], x: x() };
    if (BINARY[name]) {
      const a = value(0, ['x', 'x1', 'a']);
      const b = value(1, ['y', 'x2', 'b']);
      return {
        op: 'binary',
        fn: BINARY[name],
        a: tensor(a, this.text(node)),
        b: tensor(b, this.text(node)),
      };
    }
    if (REDUCE[name]) {
      const ax = axis(1, null);
      const keep = value(2, ['keepdims', 'keep_dims'], 0);
      return {
        op: 'reduce',
        fn: REDUCE[name],
        x: x(),
        axis: ax === null ? null : ints(ax, this.text(node)),
        keepDims: keep === 1,
      };
    }
    switch (name) {
      case 'expand_dims':
        return { op: 'expandDims', x: x(), axis: num(axis(1, -1), this.text(node)) };
      case 'squeeze': {
        const ax = axis(1, null);
        return { op: 'squeeze', x: x(), axis: ax === null ? null : ints(ax, this.text(node)) };
      }
      case 'reshape':
        return { op: 'reshape', x: x(), shape: ints(value(1, ['shape']), this.text(node)) };
      case 'permute_dimensions':
      case 'transpose':
        return {
          op: 'transpose',
          x: x(),
          perm: ints(value(1, ['pattern', 'perm']), this.text(node)),
        };
      case 'concatenate':
      case 'concat': {
        const items = value(0, ['tensors', 'values']);
        if (!Array.isArray(items))
          throw new Unread(`\`${this.text(node)}\` concatenates what the probe cannot`);
        return {
          op: 'concat',
          items: items.map((item) => tensor(item, this.text(node))),
          axis: num(axis(1, -1), this.text(node)),
        };
      }
      case 'softmax':
        return { op: 'softmax', x: x(), axis: num(axis(1, -1), this.text(node)) };
      case 'l2_normalize':
        return { op: 'l2Normalize', x: x(), axis: num(axis(1, -1) ?? -1, this.text(node)) };
      case 'clip':
      case 'clip_by_value':
        return {
          op: 'clip',
          x: x(),
          min: num(value(1, ['min_value', 'clip_value_min']), this.text(node)),
          max: num(value(2, ['max_value', 'clip_value_max']), this.text(node)),
        };
      case 'rgb_to_grayscale': {
        const weighted: TensorOp = {
          op: 'binary',
          fn: 'mul',
          a: x(),
          b: { op: 'const', value: [0.2989, 0.587, 0.114] },
        };
        return { op: 'reduce', fn: 'sum', x: weighted, axis: [-1], keepDims: true };
      }
      case 'shape':
      case 'int_shape':
        return { shapeOf: x() };
      case 'random_normal':
      case 'normal': {
        const shape = value(0, ['shape']);
        if (!Array.isArray(shape))
          throw new Unread(`\`${this.text(node)}\` has a shape the probe cannot read`);
        return {
          op: 'randomNormal',
          shape: shape.map((d) => {
            if (typeof d === 'number') return d;
            if (d !== null && typeof d === 'object' && 'of' in d) return d;
            throw new Unread(`\`${this.text(node)}\` has a shape the probe cannot read`);
          }),
          mean: num(value(1, ['mean'], 0), this.text(node)),
          stddev: num(value(2, ['stddev'], 1), this.text(node)),
        };
      }
    }
    throw new Unread(`\`${path}\` is not an op the probe can run`);
  }
}

/** `preprocess_input(x)` inside a body: the known op applied to `x` instead of the layer's input. */
function substitute(op: TensorOp, x: TensorOp): TensorOp {
  if (op.op === 'input') return x;
  const out: Record<string, unknown> = { ...op };
  for (const key of ['x', 'a', 'b'] as const)
    if (key in op) out[key] = substitute((op as unknown as Record<string, TensorOp>)[key]!, x);
  return out as TensorOp;
}
