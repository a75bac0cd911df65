/**
 * IR values -> plain JavaScript values tfjs accepts, and `--set NAME=VALUE` text -> IR values.
 * tfjs calls in configs (`tf.initializers.heNormal({...})`) become real tfjs objects, but only from
 * namespaces that build config objects: the IR comes from user code and must never pick arbitrary tfjs calls.
 */
import type { ConfigProp, Value } from '../analysis/ir';
import { type PlainLeaves, plainProps, plainValue } from '../analysis/plain';
import { ProbeError } from './types';

type Tf = typeof import('@tensorflow/tfjs');

/** Namespaces whose factories return config objects (initializers, regularizers, constraints). */
const CALLABLE_NAMESPACES = ['initializers', 'regularizers', 'constraints'] as const;
/** Layer factories a config may hold: an RNN's `cell` (or a list of them) is built before the RNN. */
const CELL_FACTORIES = new Set(['lstmCell', 'gruCell', 'simpleRNNCell', 'stackedRNNCells']);

/** Converts a resolved IR value; throws ProbeError 'unresolved' for anything unknown. */
export function toPlain(tf: Tf, value: Value, where: string): unknown {
  return plainValue(value, tfjsLeaves(tf), where);
}

/** Config props -> a tfjs config object; an undefined prop is left out so tfjs applies its default. */
export function propsToPlain(
  tf: Tf,
  props: Record<string, ConfigProp>,
  where: string,
): Record<string, unknown> {
  return plainProps(props, tfjsLeaves(tf), where);
}

function tfjsLeaves(tf: Tf): PlainLeaves {
  return {
    call: (value, where) => callTfjs(tf, value, where),
    unknown: (value, where) => {
      throw new ProbeError(
        'unresolved',
        `${where} is not known statically (\`${value.text}\`); pass --set ${value.text}=VALUE`,
        { needs: [value.text] },
      );
    },
    omitUndefined: true,
  };
}

function callTfjs(tf: Tf, value: Extract<Value, { kind: 'call' }>, where: string): unknown {
  const path = value.path.replace(/^tf\./, '').split('.');
  const [namespace, fn] = path;
  const allowed =
    (CALLABLE_NAMESPACES as readonly string[]).includes(namespace ?? '') ||
    (namespace === 'layers' && CELL_FACTORIES.has(fn ?? ''));
  const container = allowed
    ? (tf as unknown as Record<string, Record<string, unknown>>)[namespace!]
    : undefined;
  const factory = path.length === 2 && container && fn ? container[fn] : undefined;
  if (typeof factory !== 'function') {
    throw new ProbeError(
      'unresolved',
      `${where} calls \`${value.text}\`, which the probe cannot rebuild (it supports tf.initializers.*, tf.regularizers.*, tf.constraints.* and recurrent cells)`,
      { needs: [value.text] },
    );
  }
  const plain = value.args.map((arg, i) => toPlain(tf, arg, `${where} argument ${i + 1}`));
  const args = namespace === 'regularizers' ? regularizerArgs(fn!, plain) : plain;
  try {
    return (factory as (...a: unknown[]) => unknown).apply(container, args);
  } catch (err) {
    throw new ProbeError(
      'bad-input',
      `${where}: \`${value.text}\` failed in tfjs: ${errorText(err)}`,
    );
  }
}

/**
 * Keras's positional rates (`l1(0.01)`, `l1l2(0.01, 0.01)`) written in tfjs code: tfjs's regularizers take
 * one config object and throw on a number, so the rates become the config the author meant.
 */
function regularizerArgs(fn: string, args: unknown[]): unknown[] {
  if (!args.length || !args.every((a) => typeof a === 'number')) return args;
  const keys = fn === 'l1l2' ? ['l1', 'l2'] : fn === 'l1' || fn === 'l2' ? [fn] : [];
  if (!keys.length || args.length > keys.length) return args;
  return [Object.fromEntries(args.map((a, i) => [keys[i], a]))];
}

/**
 * Reads a `--set` value: JSON first (`128`, `[28,28,1]`, `{"units": 3}`, `"relu"`), then comma-separated numbers
 * as an array (`28,28,1`), a single-quoted string, or a bare word taken as a string (`relu`, `heNormal`).
 */
export function parseSetValue(text: string): Value {
  const trimmed = text.trim();
  try {
    return fromJson(JSON.parse(trimmed));
  } catch {
    // Not JSON: fall through to the lenient forms users type on a command line.
  }
  // A shape typed without brackets on a command line: --set input=28,28,1
  if (/^-?\d+(\.\d+)?(\s*,\s*-?\d+(\.\d+)?)+$/.test(trimmed)) {
    return {
      kind: 'array',
      items: trimmed.split(',').map((n) => ({ kind: 'number', value: Number(n) })),
    };
  }
  const quoted = /^'(.*)'$/s.exec(trimmed);
  if (quoted) return { kind: 'string', value: quoted[1]! };
  if (/^\[.*\]$/s.test(trimmed)) {
    // Arrays with single-quoted or bare strings: ['relu', 'tanh'].
    const inner = trimmed.slice(1, -1).trim();
    if (inner === '') return { kind: 'array', items: [] };
    return { kind: 'array', items: inner.split(',').map((part) => parseSetValue(part)) };
  }
  return { kind: 'string', value: trimmed };
}

function fromJson(json: unknown): Value {
  if (json === null) return { kind: 'null' };
  if (typeof json === 'number') return { kind: 'number', value: json };
  if (typeof json === 'string') return { kind: 'string', value: json };
  if (typeof json === 'boolean') return { kind: 'boolean', value: json };
  if (Array.isArray(json)) return { kind: 'array', items: json.map(fromJson) };
  if (typeof json === 'object') {
    const props: Record<string, ConfigProp> = {};
    for (const [key, item] of Object.entries(json as Record<string, unknown>)) {
      props[key] = { value: fromJson(item), span: null, valueSpan: null, inherited: false };
    }
    return { kind: 'object', props };
  }
  throw new Error('unsupported JSON value');
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.message;
  return String(err);
}
