/** The few JavaScript built-ins model code uses to compute sizes and build layer lists. */
import { spanOf } from './spans';
import { baseLayersMember, sliceOfBaseLayers } from './bases';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Interp } from './interpreter';
import { type AV, UNDEFINED, listDepths, openTails, prim, truthy, unknown } from './values';

const GLOBAL_OBJECTS = new Set([
  'Math',
  'Object',
  'Array',
  'Number',
  'console',
  'JSON',
  'String',
  'Boolean',
]);
const GLOBAL_FUNCTIONS = new Set(['parseInt', 'parseFloat', 'isNaN', 'isFinite']);
const MATH_CONSTANTS: Record<string, number> = {
  PI: Math.PI,
  E: Math.E,
  LN2: Math.LN2,
  SQRT2: Math.SQRT2,
};
const MATH_FUNCTIONS = new Set([
  'floor',
  'ceil',
  'round',
  'trunc',
  'abs',
  'sqrt',
  'pow',
  'max',
  'min',
  'log',
  'log2',
  'log10',
  'exp',
  'sign',
  'cbrt',
]);

/**
 * The global object: where a <script>-loaded tfjs lives (`window.tf`, `globalThis.tf`, `self.tf` in
 * workers) and where code keeps its globals (`window.net = ...`, Node's `global.model = ...`).
 */
const GLOBAL_SCOPES = new Set(['window', 'globalThis', 'self', 'global']);

export function globalValue(name: string): AV | undefined {
  if (GLOBAL_SCOPES.has(name)) return { t: 'builtin', name: 'globalThis' };
  if (GLOBAL_OBJECTS.has(name) || GLOBAL_FUNCTIONS.has(name)) return { t: 'builtin', name };
  if (name === 'Infinity') return prim(Infinity);
  if (name === 'NaN') return prim(NaN);
  return undefined;
}

export function builtinMember(object: AV, key: string): AV | undefined {
  if (object.t === 'builtin' && !object.self) {
    if (object.name === 'globalThis')
      return key === 'tf' ? { t: 'tf', path: '' } : globalValue(key);
    if (object.name === 'Math' && key in MATH_CONSTANTS) return prim(MATH_CONSTANTS[key]);
    return { t: 'builtin', name: `${object.name}.${key}` };
  }
  if (object.t === 'array') {
    const ofBase = baseLayersMember(object.items, key);
    if (ofBase) return ofBase;
    if (key === 'length') {
      const open = openTails.get(object.items);
      return open === undefined
        ? prim(object.items.length)
        : { t: 'unknown', text: 'length', reason: 'grew on some paths only', atLeast: open };
    }
    const index = Number(key);
    if (Number.isInteger(index)) return object.items[index] ?? UNDEFINED;
    return { t: 'builtin', name: `array.${key}`, self: object };
  }
  if (object.t === 'prim' && typeof object.v === 'string') {
    if (key === 'length') return prim(object.v.length);
    return { t: 'builtin', name: `string.${key}`, self: object };
  }
  if (object.t === 'prim' && typeof object.v === 'number')
    return { t: 'builtin', name: `number.${key}`, self: object };
  return undefined;
}

type Builtin = Extract<AV, { t: 'builtin' }>;

export function callBuiltin(interp: Interp, target: Builtin, args: AV[], node: TSESTree.Node): AV {
  const opaque = () => unknown(interp.text(node), 'call');
  const name = target.name;
  if (name.startsWith('Math.')) {
    const fn = name.slice(5);
    if (!MATH_FUNCTIONS.has(fn) || !args.every(isNumber)) return opaque();
    const impl = Math[fn as 'max'] as (...values: number[]) => number;
    return prim(impl(...args.map((a) => (a as { v: number }).v)));
  }
  // `out.reshape([-1, 64])` of a layer's output (a forward pass on data tensors): a tensor op,
  // fed by the tensor, so the layers applied before and after it stay one chain.
  if (target.self?.t === 'tensor' && name.startsWith('tensor.')) {
    const fed = [target.self, ...args].flatMap((a) => (a.t === 'tensor' ? [a.node] : []));
    const span = spanOf(node);
    return {
      t: 'tensor',
      node: { id: interp.id(), kind: 'opaque', text: interp.text(node), span, inputs: fed },
    };
  }
  if (target.self?.t === 'array')
    return arrayMethod(interp, target.self, name.slice(6), args, node) ?? opaque();
  if (target.self?.t === 'prim')
    return primitiveMethod(target.self.v, name.split('.')[1], args) ?? opaque();
  switch (name) {
    case 'parseInt':
    case 'parseFloat':
    case 'Number':
    case 'String':
    case 'Boolean': {
      const value = args[0];
      if (!value || value.t !== 'prim') return opaque();
      const convert = {
        parseInt: (v: unknown) => parseInt(String(v), 10),
        parseFloat: (v: unknown) => parseFloat(String(v)),
        Number,
        String,
        Boolean,
      }[name];
      return prim(convert(value.v));
    }
    case 'Array':
    case 'Array.from':
      return arrayFrom(interp, name, args) ?? opaque();
    case 'Array.isArray':
      return args[0]?.t === 'unknown' ? opaque() : prim(args[0]?.t === 'array');
    case 'Object.assign':
      return objectAssign(args) ?? opaque();
    case 'Object.keys':
    case 'Object.values':
    case 'Object.entries': {
      const object = args[0];
      if (object?.t !== 'object' || object.opaque) return opaque();
      const entries = [...object.props.entries()];
      const items = entries.map(([key, p]): AV =>
        name === 'Object.keys'
          ? prim(key)
          : name === 'Object.values'
            ? p.value
            : { t: 'array', items: [prim(key), p.value] },
      );
      return { t: 'array', items };
    }
    default:
      return name.startsWith('console.') ? UNDEFINED : opaque();
  }
}

function isNumber(value: AV): boolean {
  return value.t === 'prim' && typeof value.v === 'number';
}

function arrayFrom(interp: Interp, name: string, args: AV[]): AV | null {
  let length: number | null = null;
  const source = args[0];
  if (name === 'Array' && source?.t === 'prim' && typeof source.v === 'number') length = source.v;
  if (name === 'Array.from' && source?.t === 'array')
    return mapItems(interp, source.items, args[1]);
  if (name === 'Array.from' && source?.t === 'object') {
    const lengthValue = source.props.get('length')?.value;
    if (lengthValue?.t === 'prim' && typeof lengthValue.v === 'number') length = lengthValue.v;
  }
  if (length === null || !Number.isInteger(length) || length < 0 || length > 100_000) return null;
  const items: AV[] = Array.from({ length }, () => UNDEFINED);
  return name === 'Array.from' ? mapItems(interp, items, args[1]) : { t: 'array', items };
}

function mapItems(interp: Interp, items: AV[], fn: AV | undefined): AV | null {
  if (!fn) return { t: 'array', items: [...items] };
  if (fn.t !== 'fn') return null;
  return {
    t: 'array',
    items: items.map((item, i) => interp.callFunction(fn, [item, prim(i)], UNDEFINED)),
  };
}

function objectAssign(args: AV[]): AV | null {
  const [target, ...sources] = args;
  if (target?.t !== 'object') return null;
  for (const source of sources) {
    if (source.t === 'object') for (const [key, prop] of source.props) target.props.set(key, prop);
    else if (!(source.t === 'prim' && source.v == null)) target.opaque = true;
  }
  return target;
}

const MUTATORS = new Set(['push', 'unshift', 'pop', 'shift', 'splice']);

function arrayMethod(
  interp: Interp,
  array: Extract<AV, { t: 'array' }>,
  method: string,
  args: AV[],
  node: TSESTree.Node,
): AV | null {
  const items = array.items;
  const fn = args[0];
  const call = (item: AV, i: number, extra: AV[] = []): AV =>
    fn?.t === 'fn'
      ? interp.callFunction(fn, [...extra, item, prim(i), array], UNDEFINED)
      : unknown(interp.text(node));
  if (MUTATORS.has(method)) interp.noteArrayChange(items);
  const open = openTails.get(items);
  switch (method) {
    case 'push': {
      const born = listDepths.get(items);
      if (open === undefined && born !== undefined && interp.conditions.length > born)
        openTails.set(items, items.length);
      items.push(...args);
      return prim(items.length);
    }
    case 'unshift':
      items.unshift(...args);
      return prim(items.length);
    case 'pop':
      return items.pop() ?? UNDEFINED;
    case 'shift':
      return items.shift() ?? UNDEFINED;
    case 'map': {
      if (fn?.t !== 'fn') return null;
      if (open === undefined) return { t: 'array', items: items.map((item, i) => call(item, i)) };
      const mapped = items.slice(0, open).map((item, i) => call(item, i));
      if (open < items.length)
        mapped.push(interp.branch(interp.text(node), 'loop body', () => call(items[open], open)));
      openTails.set(mapped, open);
      return { t: 'array', items: mapped };
    }
    case 'flatMap':
      return fn?.t === 'fn'
        ? { t: 'array', items: items.flatMap((item, i) => flatten(call(item, i))) }
        : null;
    case 'forEach':
      if (fn?.t !== 'fn') return null;
      if (open === undefined) items.forEach((item, i) => call(item, i));
      else {
        items.slice(0, open).forEach((item, i) => call(item, i));
        if (open < items.length)
          interp.branch(`${interp.text(node)}`, 'loop body', () => call(items[open], open));
      }
      return UNDEFINED;
    case 'filter': {
      if (fn?.t !== 'fn') return null;
      const kept: AV[] = [];
      for (let i = 0; i < items.length; i++) {
        const test = truthy(call(items[i], i));
        if (test === null) return null;
        if (test) kept.push(items[i]);
      }
      return { t: 'array', items: kept };
    }
    case 'reduce': {
      if (fn?.t !== 'fn') return null;
      let start = 0;
      let accumulator = args[1];
      if (args.length < 2) {
        accumulator = items[0] ?? UNDEFINED;
        start = 1;
      }
      for (let i = start; i < items.length; i++) {
        accumulator = interp.callFunction(
          fn,
          [accumulator as AV, items[i], prim(i), array],
          UNDEFINED,
        );
      }
      return accumulator ?? UNDEFINED;
    }
    case 'concat':
      return { t: 'array', items: [...items, ...args.flatMap(flatten)] };
    case 'slice': {
      const ofBase = sliceOfBaseLayers(items);
      if (ofBase) return ofBase;
      const [from, to] = args.map((a) =>
        a.t === 'prim' && typeof a.v === 'number' ? a.v : undefined,
      );
      const sliced = items.slice(from, to);
      // `[inputs, ...hidden].slice(1)`: what was open in the list stays open in the slice.
      const start = from ?? 0;
      if (open !== undefined && start >= 0 && open - start < sliced.length)
        openTails.set(sliced, Math.max(0, open - start));
      return { t: 'array', items: sliced };
    }
    case 'flat':
      return { t: 'array', items: items.flatMap(flatten) };
    case 'fill':
      return { t: 'array', items: items.map(() => args[0] ?? UNDEFINED) };
    case 'keys':
      return { t: 'array', items: items.map((_, i) => prim(i)) };
    case 'entries':
      return {
        t: 'array',
        items: items.map((item, i) => ({ t: 'array', items: [prim(i), item] })),
      };
    case 'values':
      return { t: 'array', items: [...items] };
    case 'reverse':
      items.reverse();
      return array;
    case 'join':
      return items.every((i) => i.t === 'prim')
        ? prim(
            items
              .map((i) => String((i as { v: unknown }).v))
              .join(args[0]?.t === 'prim' ? String(args[0].v) : ','),
          )
        : null;
    case 'includes':
      return args[0]?.t === 'prim'
        ? prim(items.some((i) => i.t === 'prim' && i.v === (args[0] as { v: unknown }).v))
        : null;
    default:
      return null;
  }
}

function flatten(value: AV): AV[] {
  return value.t === 'array' ? value.items : [value];
}

function primitiveMethod(value: unknown, method: string, args: AV[]): AV | null {
  const plain = args.map((a) => (a.t === 'prim' ? a.v : undefined));
  if (args.some((a) => a.t !== 'prim')) return null;
  if (typeof value === 'string' && (method === 'match' || method === 'indexOf')) {
    // `modelType.match('lstm')` / `indexOf`: only what the result says about the match is kept.
    const pattern = plain[0];
    if (typeof pattern !== 'string') return null;
    const at = value.indexOf(pattern);
    return method === 'indexOf'
      ? prim(at)
      : at < 0
        ? prim(null)
        : { t: 'array', items: [prim(pattern)] };
  }
  if (typeof value === 'string') {
    const allowed = [
      'toUpperCase',
      'toLowerCase',
      'trim',
      'startsWith',
      'endsWith',
      'includes',
      'slice',
      'charAt',
      'concat',
      'repeat',
      'padStart',
    ];
    if (!allowed.includes(method)) return null;
    const impl = (String.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[
      method
    ];
    return prim(impl.apply(value, plain) as string);
  }
  if (typeof value === 'number' && method === 'toFixed')
    return prim(value.toFixed(plain[0] as number));
  return null;
}
