/** The few Python built-ins model code leans on: `range`, `len`, `zip`, `list`, `min`/`max`, `int`. */
import { numpyArray } from './arrays';
import { argumentParser } from './argparse';
import type { SyntaxNode } from '@lezer/common';
import type { PyInterp } from './interpreter';
import { attribute } from './expressions';
import { iterableItems } from './interpreter';
import type { Arg } from './keras';
import { NONE, unknown, type PV } from './values';

export const BUILTINS = new Set([
  'range',
  'len',
  'zip',
  'list',
  'tuple',
  'int',
  'float',
  'str',
  'min',
  'max',
  'abs',
  'round',
  'enumerate',
  'print',
  'super',
  'isinstance',
  'reversed',
  'sum',
  'bool',
  'dict',
  'getattr',
]);

const MAX_RANGE = 10_000;

export function callBuiltin(ip: PyInterp, path: string, args: Arg[], node: SyntaxNode): PV {
  const text = ip.text(node);
  if (path === 'argparse.ArgumentParser') return argumentParser();
  if (path.startsWith('numpy.')) return numpyArray(path.slice(6), args) ?? unknown(text);
  if (!path.startsWith('builtins.')) return unknown(text);
  const name = path.slice(9);
  const values = args.filter((a) => !a.name && !a.star).map((a) => a.value);
  const numbers = values.every((v) => v.t === 'num')
    ? values.map((v) => (v as { v: number }).v)
    : null;
  switch (name) {
    case 'range': {
      if (!numbers || numbers.length === 0) return unknown(text);
      const [start, stop, step] =
        numbers.length === 1 ? [0, numbers[0], 1] : [numbers[0], numbers[1], numbers[2] ?? 1];
      if (step === 0) return unknown(text);
      const items: PV[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (items.length >= MAX_RANGE) return unknown(text);
        items.push({ t: 'num', v: i });
      }
      return { t: 'list', items, tuple: false };
    }
    case 'len': {
      const items = values[0] ? iterableItems(values[0]) : null;
      return items ? { t: 'num', v: items.length } : unknown(text);
    }
    case 'list':
    case 'tuple':
    case 'reversed': {
      const items = values[0] ? iterableItems(values[0]) : [];
      if (!items) return values[0] ?? unknown(text);
      return {
        t: 'list',
        items: name === 'reversed' ? [...items].reverse() : [...items],
        tuple: name === 'tuple',
      };
    }
    case 'enumerate': {
      const items = values[0] ? iterableItems(values[0]) : null;
      if (!items) return unknown(text);
      return {
        t: 'list',
        items: items.map((v, i) => ({ t: 'list', items: [{ t: 'num', v: i }, v], tuple: true })),
        tuple: false,
      };
    }
    case 'zip': {
      // Custom loops zip gradients with weights: keep both visible for the model they belong to.
      const lists = values.map(iterableItems);
      if (lists.every((l) => l !== null) && lists.length > 0) {
        const length = Math.min(...lists.map((l) => l!.length));
        return {
          t: 'list',
          items: Array.from({ length }, (_, i) => ({
            t: 'list',
            items: lists.map((l) => l![i]),
            tuple: true,
          })),
          tuple: false,
        };
      }
      if (values.some((v) => v.t === 'grads' || v.t === 'weights'))
        return { t: 'list', items: values, tuple: true };
      // Known lists zipped with unknown ones (a parameter): as many pairs as the shortest known list,
      // the unknown ones giving unknown items; none known: unknown (a loop over it runs once).
      const known = lists.filter((l) => l !== null).map((l) => l!.length);
      if (known.length === 0) return unknown(text);
      return {
        t: 'list',
        items: Array.from({ length: Math.min(...known) }, (_, i) => ({
          t: 'list',
          items: lists.map((l, j) => (l ? l[i] : unknown(`item of ${values[j].t}`))),
          tuple: true,
        })),
        tuple: false,
      };
    }
    case 'int':
    case 'round':
      return numbers?.length === 1
        ? { t: 'num', v: name === 'int' ? Math.trunc(numbers[0]) : Math.round(numbers[0]) }
        : unknown(text);
    case 'float':
    case 'abs':
      return numbers?.length === 1
        ? { t: 'num', v: name === 'abs' ? Math.abs(numbers[0]) : numbers[0] }
        : unknown(text);
    case 'min':
    case 'max': {
      const list = values.length === 1 && values[0].t === 'list' ? values[0].items : values;
      const nums = list.every((v) => v.t === 'num')
        ? list.map((v) => (v as { v: number }).v)
        : null;
      return nums && nums.length > 0
        ? { t: 'num', v: name === 'min' ? Math.min(...nums) : Math.max(...nums) }
        : unknown(text);
    }
    case 'str':
      return values[0]?.t === 'num' || values[0]?.t === 'str'
        ? { t: 'str', v: String(values[0].v) }
        : unknown(text);
    case 'print':
      return NONE;
    case 'isinstance':
      return isInstance(ip, args) ?? unknown(text);
    case 'getattr':
      return getAttr(values, text);
    default:
      return unknown(text);
  }
}

/**
 * `getattr(layers, 'LeakyReLU')` with a name the evaluator knows is the attribute itself (a layer
 * class a config string names); an attribute it cannot tell gives the default when there is one.
 */
function getAttr(values: PV[], text: string): PV {
  const [object, name, fallback] = values;
  if (!object || name?.t !== 'str') return unknown(text);
  const found = attribute(object, name.v, text);
  return found.t === 'unknown' && fallback ? fallback : found;
}

/** The value kinds each builtin type name (or `six.string_types`) holds. */
const TYPE_KINDS: Readonly<Record<string, readonly PV['t'][]>> = {
  str: ['str'],
  'six.string_types': ['str'],
  basestring: ['str'],
  int: ['num'],
  float: ['num'],
  bool: ['bool'],
  list: ['list'],
  tuple: ['list'],
  dict: ['dict'],
};

/** `isinstance(block_fn, six.string_types)` on a value whose kind the evaluator knows; null otherwise. */
function isInstance(ip: PyInterp, args: Arg[]): PV | null {
  const [value, type] = args;
  if (!value || !type || value.name || type.name) return null;
  const kinds = TYPE_KINDS[ip.text(type.node).replace(/\s+/g, '')];
  const known = ['num', 'str', 'bool', 'none', 'list', 'dict', 'func', 'class', 'layer', 'model'];
  if (!kinds || !known.includes(value.value.t)) return null;
  // A Python list is not a tuple: only the kind is checked when the type leaves no doubt.
  if (value.value.t === 'list' && kinds.includes('list')) return null;
  return { t: 'bool', v: kinds.includes(value.value.t) };
}
