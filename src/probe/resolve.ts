/**
 * Fills the IR's unknown values from user-supplied `--set NAME=VALUE` pairs and lists what is still missing,
 * so the CLI and the editor can ask for exactly those values before starting a probe process.
 *
 * Accepted NAMEs:
 * - the text of any unknown expression, exactly as written in the source (`hiddenSize`, `cfg.units`, `N * 2`);
 * - `input`: the input shape without the batch dimension (`[28,28,1]`), used when the first layer of a sequential
 *   model has no inputShape/batchInputShape/inputDim, or for the first `tf.input` of a functional model when its
 *   shape is unknown; `input2`, `input3`, ... name the later `tf.input`s;
 * - the argument text of a layer whose whole config could not be read (`tf.layers.dense(cfg)` -> `cfg`), with a
 *   JSON object as the value.
 * An unknown learning rate is not required: the probe then uses tfjs's default and says so in its assumptions.
 */
import type { ConfigProp, LayerNode, ModelGraph, Value } from '../analysis/ir';
import { parseSetValue } from './values';

export interface ResolveResult {
  /** A copy of the model with every supplied value filled in. */
  model: ModelGraph;
  /** NAMEs still needed, in source order, each once. */
  missing: string[];
}

/** Config keys the probe sets itself, so an unknown value there is not needed. */
const IGNORED_KEYS = new Set(['name']);
/** Layers that carry their own input shape even without inputShape in the config. */
const SELF_SHAPED = new Set(['embedding']);

export function resolveUnknowns(model: ModelGraph, values: Record<string, string>): ResolveResult {
  const copy = structuredClone(model);
  const lookup = normaliseKeys(values);
  const missing = new Set<string>();
  const fill = (value: Value): Value => substitute(value, lookup, missing);

  copy.inputs.forEach((input, i) => {
    const alias = i === 0 ? 'input' : `input${i + 1}`;
    if (input.shape.kind === 'unknown') {
      const supplied = lookup.get(input.shape.text.trim()) ?? lookup.get(alias);
      if (supplied) input.shape = supplied;
      else missing.add(input.shape.text.trim() === '' ? alias : input.shape.text.trim());
    } else {
      input.shape = fill(input.shape);
    }
  });

  copy.layers.forEach((layer) => resolveLayer(layer, lookup, missing, fill));

  const first = copy.layers[0];
  // An unread config may well hold the input shape: ask for the config first.
  const unread = first !== undefined && missing.has(first.config.text.trim());
  if (copy.kind === 'sequential' && first && !unread && !hasInputShape(first)) {
    const supplied = lookup.get('input');
    if (supplied) first.config.props['inputShape'] = syntheticProp(supplied);
    else missing.add('input');
  }

  resolveLearningRate(copy, lookup);
  return { model: copy, missing: [...missing] };
}

function resolveLayer(
  layer: LayerNode,
  lookup: Map<string, Value>,
  missing: Set<string>,
  fill: (value: Value) => Value,
): void {
  const config = layer.config;
  if (config.opaque && Object.keys(config.props).length === 0 && config.text.trim() !== '') {
    const supplied = lookup.get(config.text.trim());
    if (supplied?.kind === 'object') config.props = supplied.props;
    else missing.add(config.text.trim());
  }
  for (const [key, prop] of Object.entries(config.props)) {
    if (!IGNORED_KEYS.has(key)) prop.value = fill(prop.value);
  }
  if (layer.inner) resolveLayer(layer.inner, lookup, missing, fill);
}

function substitute(value: Value, lookup: Map<string, Value>, missing: Set<string>): Value {
  switch (value.kind) {
    case 'unknown': {
      const supplied = lookup.get(value.text.trim());
      if (supplied) return supplied;
      missing.add(value.text.trim());
      return value;
    }
    case 'array':
      return { ...value, items: value.items.map((item) => substitute(item, lookup, missing)) };
    case 'object': {
      const props: Record<string, ConfigProp> = {};
      for (const [key, prop] of Object.entries(value.props)) {
        props[key] = { ...prop, value: substitute(prop.value, lookup, missing) };
      }
      return { ...value, props };
    }
    case 'call':
      return { ...value, args: value.args.map((arg) => substitute(arg, lookup, missing)) };
    default:
      return value;
  }
}

function hasInputShape(layer: LayerNode): boolean {
  const props = layer.config.props;
  if (props['inputShape'] || props['batchInputShape'] || props['batchShape']) return true;
  if (layer.factory === 'dense' && props['inputDim']) return true;
  if (SELF_SHAPED.has(layer.factory)) return true;
  return layer.inner !== undefined && hasInputShape(layer.inner);
}

function resolveLearningRate(model: ModelGraph, lookup: Map<string, Value>): void {
  for (const optimizer of [model.training.optimizer, model.training.compile?.optimizer]) {
    const lr = optimizer?.learningRate;
    if (lr?.kind !== 'unknown') continue;
    const supplied = lookup.get(lr.text.trim());
    if (supplied?.kind !== 'number') continue;
    optimizer!.learningRate = supplied;
    if (optimizer === model.training.optimizer) model.training.learningRate = supplied.value;
  }
}

function syntheticProp(value: Value): ConfigProp {
  return { value, span: null, valueSpan: null, inherited: false };
}

function normaliseKeys(values: Record<string, string>): Map<string, Value> {
  const map = new Map<string, Value>();
  for (const [key, text] of Object.entries(values))
    map.set(key.trim(), parseSetValue(String(text)));
  return map;
}
