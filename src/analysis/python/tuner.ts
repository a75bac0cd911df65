/**
 * keras-tuner: `hp.Int('units', min_value=32, max_value=512)` in a `build(hp)` function. The
 * hyperparameter's default is the value `build(keras_tuner.HyperParameters())` builds with, and the
 * one a tuner's first trial of a grid starts from: the model the code describes when nothing is tuned.
 */
import type { Arg } from './keras';
import { NONE, type PV } from './values';

/** Each method's parameters after the name, in order, and which one gives the default when unset. */
const METHODS: Readonly<Record<string, { params: string[]; fallback: string | null }>> = {
  Int: { params: ['min_value', 'max_value', 'step', 'sampling', 'default'], fallback: 'min_value' },
  Float: {
    params: ['min_value', 'max_value', 'step', 'sampling', 'default'],
    fallback: 'min_value',
  },
  Choice: { params: ['values', 'ordered', 'default'], fallback: 'values' },
  Boolean: { params: ['default'], fallback: null },
  Fixed: { params: ['value'], fallback: 'value' },
};

/**
 * The default of `hp.<name>(...)` on an object the evaluator does not know, or null when the call is
 * not of a hyperparameter's shape (a capitalised method whose first argument is its name string).
 */
export function hyperparameterDefault(name: string, args: Arg[]): PV | null {
  const method = METHODS[name];
  if (!method) return null;
  const [first, ...rest] = args;
  const label = first && !first.name ? first.value : args.find((a) => a.name === 'name')?.value;
  if (label?.t !== 'str') return null;
  const positional = first && !first.name ? rest.filter((a) => !a.name) : [];
  const get = (key: string): PV | undefined =>
    args.find((a) => a.name === key)?.value ?? positional[method.params.indexOf(key)]?.value;
  const given = get(method.params.includes('default') ? 'default' : 'value');
  if (given && given.t !== 'none') return given;
  if (name === 'Boolean') return { t: 'bool', v: false };
  const fallback = method.fallback ? get(method.fallback) : undefined;
  if (name === 'Choice') return fallback?.t === 'list' ? (fallback.items[0] ?? null) : null;
  return fallback ?? (name === 'Fixed' ? NONE : null);
}
