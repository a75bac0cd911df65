/**
 * Reading tfjs kernel initializers from the IR and rewriting them.
 * Forms: a string identifier ('heNormal', or the class name 'HeNormal' that tfjs also accepts),
 * a `tf.initializers.X(args)` call, or a serialized `{className, config}` object.
 */
import type { ConfigProp, LayerNode, Value } from '../../analysis/ir';
import type { TextEdit } from '../types';
import { dialectOf } from './dialect';
import { setConfigProp, stringLiteral } from './fix';
import { isSettled } from './settled';
import { isPython, type SourceFile } from './syntax';
import { RELU_FAMILY, SATURATING, coreLayer } from './terms';

const IDENTIFIERS = [
  'constant',
  'glorotNormal',
  'glorotUniform',
  'heNormal',
  'heUniform',
  'identity',
  'leCunNormal',
  'leCunUniform',
  'ones',
  'orthogonal',
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
  'varianceScaling',
  'zeros',
];

/** Identifier or class name (as tfjs's getInitializer accepts them) -> identifier. */
const BY_SPELLING = new Map<string, string>(
  IDENTIFIERS.flatMap((id) => [
    [id, id],
    [id[0].toUpperCase() + id.slice(1), id],
  ]),
);

export type Family = 'he' | 'glorot' | 'lecun';
export type Distribution = 'normal' | 'uniform';

export interface Initializer {
  /** Canonical tfjs identifier, e.g. 'heNormal'. */
  name: string;
  form: 'string' | 'call' | 'object';
  /** Arguments as resolved; null when they could not be read (the call's argument is unknown). */
  args: Record<string, Value> | null;
  prop: ConfigProp;
  /** The identifier as spelled in a call's path (to rename it in place). */
  spelled: string;
}

export type InitializerRead =
  { status: 'absent' } | { status: 'unknown' } | { status: 'known'; init: Initializer };

/**
 * The config keys holding a layer's kernel initializer(s): depthwise and separable convolutions name
 * their kernels differently.
 */
export function kernelKeys(layer: LayerNode): string[] {
  const factory = coreLayer(layer).factory;
  if (factory === 'depthwiseConv2d') return ['depthwiseInitializer'];
  if (factory === 'separableConv2d') return ['depthwiseInitializer', 'pointwiseInitializer'];
  return ['kernelInitializer'];
}

/** `source` enables the check that a later unknown spread cannot override the value. */
export function readInitializer(layer: LayerNode, key: string, source?: string): InitializerRead {
  const core = coreLayer(layer);
  const prop = core.config.props[key];
  if (!prop || prop.value.kind === 'undefined' || prop.value.kind === 'null') {
    // A config we cannot fully read may still set it.
    return core.config.opaque ? { status: 'unknown' } : { status: 'absent' };
  }
  if (source !== undefined && !isSettled(source, core, prop)) return { status: 'unknown' };
  const init = fromValue(prop.value, prop);
  return init ? { status: 'known', init } : { status: 'unknown' };
}

function fromValue(value: Value, prop: ConfigProp): Initializer | null {
  if (value.kind === 'string') {
    const name = BY_SPELLING.get(value.value);
    return name ? { name, form: 'string', args: {}, prop, spelled: value.value } : null;
  }
  if (value.kind === 'call') {
    const spelled = value.path.split('.').pop() ?? '';
    const name = BY_SPELLING.get(spelled);
    if (!name || !/^initializers\.\w+$/.test(value.path)) return null;
    return { name, form: 'call', args: argsOf(value.args[0]), prop, spelled };
  }
  if (value.kind === 'object') {
    const className = value.props.className?.value;
    if (className?.kind !== 'string') return null;
    const name = BY_SPELLING.get(className.value);
    if (!name) return null;
    return { name, form: 'object', args: argsOf(value.props.config?.value), prop, spelled: name };
  }
  return null;
}

function argsOf(value: Value | undefined): Record<string, Value> | null {
  if (value === undefined || value.kind === 'undefined') return {};
  if (value.kind !== 'object') return null;
  return Object.fromEntries(Object.entries(value.props).map(([k, p]) => [k, p.value]));
}

/** A number argument: its value, undefined when not given, null when given but unresolved. */
export function numberArg(init: Initializer, key: string): number | undefined | null {
  if (init.args === null) return null;
  const value = init.args[key];
  if (value === undefined || value.kind === 'undefined' || value.kind === 'null') return undefined;
  return value.kind === 'number' ? value.value : null;
}

function stringArg(init: Initializer, key: string): string | undefined | null {
  if (init.args === null) return null;
  const value = init.args[key];
  if (value === undefined || value.kind === 'undefined' || value.kind === 'null') return undefined;
  return value.kind === 'string' ? value.value : null;
}

export interface VarianceScalingShape {
  family: Family | null;
  distribution: Distribution;
}

/**
 * The variance-scaling family of an initializer: the named ones, or varianceScaling whose scale and mode
 * equal one of them (tfjs defaults: scale 1, mode fanIn, distribution normal). Null when it is not one.
 */
export function varianceFamily(init: Initializer): VarianceScalingShape | null {
  const named = /^(he|glorot|leCun)(Normal|Uniform)$/.exec(init.name);
  if (named) {
    const family = named[1] === 'leCun' ? 'lecun' : (named[1] as Family);
    return { family, distribution: named[2] === 'Normal' ? 'normal' : 'uniform' };
  }
  if (init.name !== 'varianceScaling') return null;
  const scale = numberArg(init, 'scale');
  const mode = stringArg(init, 'mode');
  const distribution = stringArg(init, 'distribution');
  if (scale === null || mode === null || distribution === null) return null;
  const s = scale ?? 1;
  const m = mode ?? 'fanIn';
  const shape: Distribution = distribution === 'uniform' ? 'uniform' : 'normal';
  let family: Family | null = null;
  if (s === 2 && m === 'fanIn') family = 'he';
  else if (s === 1 && m === 'fanAvg') family = 'glorot';
  else if (s === 1 && m === 'fanIn') family = 'lecun';
  return { family, distribution: shape };
}

export function familyName(family: Family, distribution: Distribution): string {
  const prefix = family === 'lecun' ? 'leCun' : family;
  return `${prefix}${distribution === 'normal' ? 'Normal' : 'Uniform'}`;
}

/**
 * An edit that makes the layer's `key` initializer `target` (a tfjs name): a call to a named initializer is
 * renamed in place (keeping its seed), anything else becomes the string identifier, in the file's language
 * (`'he_normal'`, `keras.initializers.HeNormal(seed=1)` in Python). Inherited values are overridden in the
 * layer's own config, never edited where they are shared.
 */
export function setInitializer(
  file: SourceFile,
  layer: LayerNode,
  key: string,
  target: string,
  current?: Initializer,
): TextEdit | null {
  const { source } = file;
  const python = isPython(file);
  const prop = current?.prop;
  if (
    current &&
    prop &&
    current.form === 'call' &&
    !prop.inherited &&
    prop.valueSpan &&
    /^(he|glorot|leCun)(Normal|Uniform)$/.test(current.name) &&
    prop.value.kind === 'call'
  ) {
    const text = source.slice(prop.valueSpan.start, prop.valueSpan.end);
    const open = text.indexOf('(');
    const spellings = python
      ? [
          [kerasClass(current.name), kerasClass(target)],
          [KERAS.initializer(current.name), KERAS.initializer(target)],
        ]
      : [[current.spelled, target]];
    for (const [from, to] of spellings) {
      const at = open < 0 ? -1 : text.lastIndexOf(from, open);
      if ((python || text === prop.value.text) && at >= 0 && !/\w/.test(text[at - 1] ?? '')) {
        const renamed = text.slice(0, at) + to + text.slice(at + from.length);
        return { start: prop.valueSpan.start, end: prop.valueSpan.end, text: renamed };
      }
    }
  }
  const name = python ? KERAS.initializer(target) : target;
  return setConfigProp(file, layer, key, stringLiteral(source, name));
}

const KERAS = dialectOf({ framework: 'keras' });

/** Keras's initializer class for a tfjs name: heNormal -> HeNormal, leCunNormal -> LecunNormal. */
export function kerasClass(name: string): string {
  return KERAS.initializer(name)
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export type ActivationClass = 'relu' | 'selu' | 'saturating' | 'linear' | 'other';

export function activationClass(name: string): ActivationClass {
  if (RELU_FAMILY.has(name)) return 'relu';
  if (SATURATING.has(name)) return 'saturating';
  if (name === 'selu') return 'selu';
  if (name === 'linear') return 'linear';
  return 'other';
}

/** The initializer that keeps a layer's activations at unit scale for its activation. */
export function initializerFor(activation: ActivationClass): string {
  if (activation === 'relu') return 'heNormal';
  if (activation === 'selu') return 'leCunNormal';
  return 'glorotNormal';
}
