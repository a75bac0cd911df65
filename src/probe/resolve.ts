/**
 * Fills the IR's unknown values before a probe: from user-supplied `--set NAME=VALUE` pairs first, then (with
 * `assume`) from the role each value plays (src/probe/assume.ts), and lists what is still missing, so the CLI and
 * the editor know exactly which values were supplied, which were assumed, and which are needed.
 *
 * Accepted NAMEs:
 * - the text of any unknown expression, exactly as written in the source (`hiddenSize`, `cfg.units`, `N * 2`);
 * - `input`: the input shape without the batch dimension (`[28,28,1]`), used when the first layer of a sequential
 *   model has no inputShape/batchInputShape/inputDim, or for the first `tf.input` of a functional model when its
 *   shape is unknown; `input2`, `input3`, ... name the later `tf.input`s;
 * - the argument text of a layer whose whole config could not be read (`tf.layers.dense(cfg)` -> `cfg`), with a
 *   JSON object as the value.
 * One expression gets one value wherever it appears. An unknown learning rate is not required: the probe then
 * uses tfjs's default and says so in its assumptions.
 */
import type { ConfigProp, LayerNode, ModelGraph, Value } from '../analysis/ir';
import { plainValue } from '../analysis/plain';
import { LAYER_CATALOG } from '../analysis/catalog';
import { inferShapes } from '../analysis/shapes';
import {
  IMAGE_SIDES,
  ROLE_DEFAULTS,
  dimensionRole,
  inputShapeRole,
  modelContext,
  propRole,
  requiredKeys,
  stateShapeRole,
  type ModelContext,
  type Role,
} from './assume';
import type { AssumedValue } from './types';
import { parseSetValue } from './values';

export interface ResolveOptions {
  /** Fill what the user did not supply from role defaults (the one-click probe). Default false. */
  assume?: boolean;
}

export interface ResolveResult {
  /** A copy of the model with every supplied or assumed value filled in. */
  model: ModelGraph;
  /** NAMEs still needed, in source order, each once. */
  missing: string[];
  /** Every open value that was filled, with where its value came from; one entry per NAME. */
  assumed: AssumedValue[];
}

/** Config keys whose value makes no difference to gradients: never asked for, never listed. */
const IGNORED_KEYS = new Set(['name', 'trainable']);
/** Layers that carry their own input shape even without inputShape in the config. */
const SELF_SHAPED = new Set(['embedding', 'loadedModel']);

/** One place an open value fills. */
interface Slot {
  name: string;
  /** Other NAMEs that fill this slot (`input2` for the second tf.input). */
  aliases?: string[];
  role: Role;
  set(value: Value): void;
  /** Leaves an optional property to tfjs's default. */
  omit(): void;
}

export function resolveUnknowns(
  model: ModelGraph,
  values: Record<string, string>,
  options: ResolveOptions = {},
): ResolveResult {
  const copy = structuredClone(model);
  const context = modelContext(copy);
  const slots = collectSlots(copy, context);
  return decide(copy, slots, normaliseKeys(values), options.assume === true);
}

function collectSlots(model: ModelGraph, context: ModelContext): Slot[] {
  const slots: Slot[] = [];
  model.inputs.forEach((input, i) => {
    // A loaded base gives this input its shape (src/probe/bases.ts detaches bases that cannot load).
    if (input.base !== undefined) return;
    const alias = i === 0 ? 'input' : `input${i + 1}`;
    const { consumer, position } = firstConsumer(model, input.id);
    const what = `tf.input ${i + 1} (line ${input.span.line})`;
    const isState = position > 0 && consumer !== undefined && isRecurrent(consumer);
    if (input.shape.kind === 'unknown') {
      const text = input.shape.text.trim();
      const shared = model.inputs.filter((other) => unknownText(other.shape) === text).length > 1;
      slots.push({
        name: text === '' || shared ? alias : text,
        aliases: [alias],
        role: isState ? stateShapeRole(consumer, what) : inputShapeRole(consumer, what),
        set: (value) => (input.shape = value),
        omit: () => undefined,
      });
    } else {
      shapeSlots(input.shape, consumer, what, 0, slots);
    }
  });
  for (const layer of model.layers) layerSlots(layer, layer, context, slots);

  const first = model.layers[0];
  // An unread config may well hold the input shape: it is filled as a whole first.
  const unread = first !== undefined && isUnread(first);
  if (model.kind === 'sequential' && first && !unread && !hasInputShape(first)) {
    slots.push({
      name: 'input',
      role: inputShapeRole(
        first,
        `the first layer (${first.factory}, line ${first.callSpan.line})`,
      ),
      set: (value) => (first.config.props['inputShape'] = syntheticProp(value)),
      omit: () => undefined,
    });
  }
  return slots;
}

function layerSlots(
  layer: LayerNode,
  outer: LayerNode,
  context: ModelContext,
  slots: Slot[],
): void {
  const config = layer.config;
  if (isUnread(layer)) {
    slots.push({
      name: config.text.trim(),
      role: unreadRole(layer, outer, context),
      set: (value) => {
        if (value.kind === 'object') config.props = value.props;
      },
      omit: () => undefined,
    });
  }
  for (const [key, prop] of Object.entries(config.props)) {
    if (IGNORED_KEYS.has(key)) {
      if (hasUnknown(prop.value)) delete config.props[key];
      continue;
    }
    const first = layer === outer && outer.index === 0;
    if (first && (key === 'inputShape' || key === 'batchInputShape' || key === 'batchShape')) {
      const what = `the first layer (${layer.factory}, line ${layer.callSpan.line})`;
      const batch = key === 'inputShape' ? 0 : 1;
      if (prop.value.kind === 'unknown') {
        const role = inputShapeRole(layer, what);
        slots.push(wholeSlot(prop.value.text, role, prop, batch));
      } else shapeSlots(prop.value, layer, what, batch, slots);
      continue;
    }
    const role = propRole(context, layer, key, outer);
    const omit = (): void => void delete config.props[key];
    if (prop.value.kind === 'array' && key === 'targetShape') {
      elementSlots(prop.value, role, omit, slots);
    } else {
      forEachUnknown(
        prop.value,
        (text, set) => slots.push({ name: text, role, set, omit }),
        (v) => (prop.value = v),
      );
    }
  }
  if (layer.inner) layerSlots(layer.inner, outer, context, slots);
}

/** A whole shape given as one unknown expression; a batch shape gets its leading null back. */
function wholeSlot(text: string, role: Role, prop: ConfigProp, batch: number): Slot {
  return {
    name: text.trim(),
    role,
    set: (value) => {
      prop.value =
        batch && value.kind === 'array'
          ? { kind: 'array', items: [{ kind: 'null' }, ...value.items] }
          : value;
    },
    omit: () => undefined,
  };
}

/** The unknown elements of an input shape such as `[IMAGE_H, IMAGE_W, 1]`. */
function shapeSlots(
  shape: Value,
  consumer: LayerNode | undefined,
  what: string,
  batch: number,
  slots: Slot[],
): void {
  if (shape.kind !== 'array') {
    forEachUnknown(
      shape,
      (text, set) =>
        slots.push({
          name: text,
          role: inputShapeRole(consumer, what),
          set,
          omit: () => undefined,
        }),
      () => undefined,
    );
    return;
  }
  const rank = shape.items.length - batch;
  shape.items.forEach((item, i) => {
    if (item.kind !== 'unknown') return;
    if (i < batch) {
      shape.items[i] = { kind: 'null' };
      return;
    }
    slots.push({
      name: item.text.trim(),
      role: dimensionRole(consumer, rank, i - batch, what),
      set: (value) => (shape.items[i] = value),
      omit: () => undefined,
    });
  });
}

/** Reshape targets and similar shapes: one open element can be -1 (tfjs infers it); others are 1. */
function elementSlots(
  array: Extract<Value, { kind: 'array' }>,
  role: Role,
  omit: () => void,
  slots: Slot[],
): void {
  let inferred = false;
  array.items.forEach((item, i) => {
    if (item.kind !== 'unknown') return;
    const value = inferred ? 1 : -1;
    inferred = true;
    slots.push({
      name: item.text.trim(),
      role: {
        role: `${role.role.replace(/, left to tfjs's default$/, '')}: ${value === -1 ? 'inferred from the input size' : 'a unit axis'}`,
        value: { kind: 'number', value },
        priority: 4,
      },
      set: (v) => (array.items[i] = v),
      omit,
    });
  });
}

/** A layer config that could not be read at all: its required keys from their roles. */
function unreadRole(layer: LayerNode, outer: LayerNode, context: ModelContext): Role {
  const props: Record<string, ConfigProp> = {};
  for (const key of requiredKeys(layer.factory)) {
    const value = propRole(context, layer, key, outer).value;
    if (value) props[key] = syntheticProp(value);
  }
  if (outer.index === 0 && layer === outer && layer.factory !== 'embedding') {
    const shape = inputShapeRole(layer, 'the first layer').value;
    if (shape) props['inputShape'] = syntheticProp(shape);
  }
  return {
    role: `config of ${layer.factory} layer ${layer.index} (line ${layer.callSpan.line})`,
    value: { kind: 'object', props },
    priority: 5,
  };
}

function decide(
  model: ModelGraph,
  slots: Slot[],
  lookup: Map<string, Value>,
  assume: boolean,
): ResolveResult {
  const byName = new Map<string, Slot[]>();
  for (const slot of slots) byName.set(slot.name, [...(byName.get(slot.name) ?? []), slot]);
  const missing: string[] = [];
  const assumed: AssumedValue[] = [];
  const deferred: { name: string; group: Slot[]; role: Role }[] = [];
  for (const [name, group] of byName) {
    const aliases = group.flatMap((slot) => slot.aliases ?? []);
    const supplied = [name, ...aliases].map((key) => lookup.get(key)).find((v) => v !== undefined);
    const best = [...group].sort((a, b) => rank(a.role) - rank(b.role))[0]!;
    if (supplied) {
      for (const slot of group) slot.set(supplied);
      assumed.push(entry(name, supplied, best.role.role, 'set'));
    } else if (assume && best.role.deferred) {
      deferred.push({ name, group, role: best.role });
    } else if (assume) {
      const value = best.role.value;
      for (const slot of group) {
        if (value) slot.set(value);
        else slot.omit();
      }
      assumed.push(entry(name, value, best.role.role, 'role-default'));
    } else missing.push(name);
  }
  for (const { name, group, role } of deferred) {
    const value = role.deferred!();
    for (const slot of group) slot.set(value);
    assumed.push(entry(name, value, role.role, 'role-default'));
  }
  fitImageSides(model, byName, assumed);
  resolveLearningRate(model, lookup);
  return { model, missing, assumed };
}

/** Assumed image sides: the smallest listed side with which every layer keeps a positive output shape. */
function fitImageSides(
  model: ModelGraph,
  byName: Map<string, Slot[]>,
  assumed: AssumedValue[],
): void {
  const sized = assumed.flatMap((item) => {
    if (item.source !== 'role-default') return [];
    const slots = byName.get(item.name) ?? [];
    const resize = slots.map((slot) => slot.role.resize).find((fn) => fn !== undefined);
    return resize ? [{ item, slots, resize }] : [];
  });
  if (sized.length === 0) return;
  const apply = (side: number): void => {
    for (const { item, slots, resize } of sized) {
      const value = resize(side);
      for (const slot of slots) slot.set(value);
      item.value = displayValue(value);
    }
  };
  for (const side of IMAGE_SIDES) {
    apply(side);
    if (shapesFit(model)) return;
  }
  apply(ROLE_DEFAULTS.imageSize.value);
}

function shapesFit(model: ModelGraph): boolean {
  try {
    // A fresh copy: inferShapes caches per model object, and this one changes between tries.
    const shapes = inferShapes(structuredClone(model));
    return shapes.layers.every((layer) =>
      (layer.outputShape ?? []).every((dim) => dim === null || dim >= 1),
    );
  } catch {
    return false;
  }
}

/** Roles with a concrete value come before "left to tfjs's default". */
function rank(role: Role): number {
  return role.value ? role.priority : 100 + role.priority;
}

function entry(
  name: string,
  value: Value | null,
  role: string,
  source: AssumedValue['source'],
): AssumedValue {
  return { name, value: value ? displayValue(value) : null, role, source };
}

function displayValue(value: Value): unknown {
  return plainValue(value, {
    call: (call) => call.text,
    unknown: (open) => open.text,
  });
}

/** Calls `found` for each unknown inside `value`, with a setter that replaces that unknown. */
function forEachUnknown(
  value: Value,
  found: (text: string, set: (value: Value) => void) => void,
  replace: (value: Value) => void,
): void {
  switch (value.kind) {
    case 'unknown':
      found(value.text.trim(), replace);
      return;
    case 'array':
      value.items.forEach((item, i) => forEachUnknown(item, found, (v) => (value.items[i] = v)));
      return;
    case 'object':
      for (const prop of Object.values(value.props))
        forEachUnknown(prop.value, found, (v) => (prop.value = v));
      return;
    case 'call':
      value.args.forEach((arg, i) => forEachUnknown(arg, found, (v) => (value.args[i] = v)));
      return;
    default:
      return;
  }
}

function hasUnknown(value: Value): boolean {
  let open = false;
  forEachUnknown(
    value,
    () => (open = true),
    () => undefined,
  );
  return open;
}

function unknownText(value: Value): string | null {
  return value.kind === 'unknown' ? value.text.trim() : null;
}

function isUnread(layer: LayerNode): boolean {
  const config = layer.config;
  return config.opaque && Object.keys(config.props).length === 0 && config.text.trim() !== '';
}

/** The layer that first reads a functional input (what its shape must fit), and at which argument. */
function firstConsumer(
  model: ModelGraph,
  inputId: string,
): { consumer: LayerNode | undefined; position: number } {
  const node = model.nodes.find((n) => n.inputs.includes(inputId));
  return node
    ? { consumer: model.layers[node.layer], position: node.inputs.indexOf(inputId) }
    : { consumer: undefined, position: -1 };
}

function isRecurrent(layer: LayerNode): boolean {
  return LAYER_CATALOG[(layer.inner ?? layer).factory]?.kind === 'recurrent';
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
