/**
 * Where a model leaves values open: one Slot per place (a config property, an element of an input shape, a
 * whole input shape, an unreadable config), with the role the value plays there and what the data passed to
 * `model.fit` says about it. src/probe/resolve.ts decides each NAME's value from these.
 */
import { LAYER_CATALOG } from '../analysis/catalog';
import type { ConfigProp, LayerNode, ModelGraph, Value } from '../analysis/ir';
import { inferShapes } from '../analysis/shapes';
import {
  cellPropRole,
  dimensionRole,
  inputShapeRole,
  propRole,
  requiredKeys,
  stateShapeRole,
  type ModelContext,
  type Role,
} from './assume';
import { mergeShapeRole } from './merge-input';

/** Config keys whose value makes no difference to gradients: never asked for, never listed. */
const IGNORED_KEYS = new Set(['name', 'trainable']);
/** Layers that pass their input's shape on: the layer after them decides what kind of input it is. */
const SHAPE_KEEPING = new Set([
  'inputLayer',
  'batchNormalization',
  'layerNormalization',
  'dropout',
  'gaussianNoise',
  'gaussianDropout',
  'activation',
  'masking',
]);

/** The layer of a sequential model that decides the kind of its input: the first that does not keep its shape. */
function shapeReader(layer: LayerNode, outer: LayerNode, context: ModelContext): LayerNode {
  let reader = layer;
  for (let hops = 0; SHAPE_KEEPING.has(reader.factory) && hops < 8; hops++) {
    const after = context.next.get(reader === layer ? outer : reader);
    if (!after) break;
    reader = after;
  }
  return reader;
}
/** Layers that carry their own input shape even without inputShape in the config. */
const SELF_SHAPED = new Set(['embedding', 'loadedModel']);

/** One place an open value fills. */
export interface Slot {
  name: string;
  /** Other NAMEs that fill this slot (`input2` for the second tf.input). */
  aliases?: string[];
  role: Role;
  /** What the data passed to `model.fit` can tell about this slot, when the code builds that data. */
  data?:
    { kind: 'input' } | { kind: 'input-axis'; axis: number; rank: number } | { kind: 'output' };
  /** The value the code gives through that data. */
  fromCode?: { value: Value; role: string };
  set(value: Value): void;
  /** Leaves an optional property to tfjs's default. */
  omit(): void;
}

export function collectSlots(model: ModelGraph, context: ModelContext): Slot[] {
  const slots: Slot[] = [];
  if (model.framework === 'keras') laterInputShape(model);
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
        role: isState
          ? stateShapeRole(consumer, what)
          : (mergeShapeRole(model, input.id, inputShapeRole(consumer, what)) ??
            inputShapeRole(consumer, what)),
        ...(i === 0 && model.inputs.length === 1 ? { data: { kind: 'input' as const } } : {}),
        set: (value) => (input.shape = value),
        omit: () => undefined,
      });
    } else {
      shapeSlots(input.shape, consumer, what, 0, slots, model.inputs.length === 1);
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
      data: { kind: 'input' },
      set: (value) => (first.config.props['inputShape'] = syntheticProp(value)),
      omit: () => undefined,
    });
  }
  attachFitData(model, slots);
  return slots;
}

/** Sizes read from the tensors the code passes to `model.fit` (`tf.tensor2d(rows, [n, 4])`). */
function attachFitData(model: ModelGraph, slots: Slot[]): void {
  const fit = model.training.fitCalls.find((call) => call.xShape || call.yShape);
  if (!fit) return;
  const dims = (shape: Value | undefined): Value[] | null =>
    shape?.kind === 'array' && shape.items.length > 1 ? shape.items.slice(1) : null;
  const xs = dims(fit.xShape);
  const ys = dims(fit.yShape);
  const where = `model.fit (line ${fit.span.line})`;
  for (const slot of slots) {
    const data = slot.data;
    if (data?.kind === 'input' && xs?.every((d) => d.kind === 'number')) {
      slot.fromCode = {
        value: { kind: 'array', items: xs },
        role: `input shape of the data passed to ${where}`,
      };
    } else if (
      data?.kind === 'input-axis' &&
      xs?.length === data.rank &&
      xs[data.axis]?.kind === 'number'
    ) {
      slot.fromCode = {
        value: xs[data.axis]!,
        role: `${slot.role.role}, from the data passed to ${where}`,
      };
    } else if (data?.kind === 'output' && ys && ys[ys.length - 1]?.kind === 'number') {
      slot.fromCode = {
        value: ys[ys.length - 1]!,
        role: `${slot.role.role}, from the targets passed to ${where}`,
      };
    }
  }
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
      // `Input(shape=input_shape)` first in a sequential model: the layer after it reads the shape,
      // as it does after a first layer that keeps its input's shape (`BatchNormalization(input_shape=...)`
      // before an LSTM takes a sequence).
      const consumer = shapeReader(layer, outer, context);
      if (prop.value.kind === 'unknown') {
        const role = inputShapeRole(consumer, what);
        slots.push({ ...wholeSlot(prop.value.text, role, prop, batch), data: { kind: 'input' } });
      } else shapeSlots(prop.value, consumer, what, batch, slots, true);
      continue;
    }
    if (key === 'cell' && cellSlots(layer, prop.value, slots)) continue;
    const role = propRole(context, layer, key, outer);
    const omit = (): void => void delete config.props[key];
    if (prop.value.kind === 'array' && key === 'targetShape') {
      elementSlots(prop.value, role, omit, slots, () => reshapeInput(context.model, layer));
    } else {
      const output = context.outputLayers.has(layer) && key === widthKey(layer);
      forEachUnknown(
        prop.value,
        (text, set) =>
          slots.push({
            name: text,
            role,
            set,
            omit,
            ...(output ? { data: { kind: 'output' as const } } : {}),
          }),
        (v) => (prop.value = v),
      );
    }
  }
  if (config.opaque && !isUnread(layer)) requiredSlots(layer, outer, context, slots);
  if (layer.inner) layerSlots(layer.inner, outer, context, slots);
}

/**
 * An RNN's cells written as factory calls (`cell: [tf.layers.lstmCell({units: n})]`): each open property is the
 * cell's, so it gets the cell's role and leaving it out drops that property, not the whole cell list. False when
 * the cells are not all such calls (the property is then an open value like any other).
 */
function cellSlots(layer: LayerNode, value: Value, slots: Slot[]): boolean {
  const cells = value.kind === 'array' ? value.items : [value];
  const configs = cells.map((cell) =>
    cell.kind === 'call' && /^layers\.\w+Cells?$/.test(cell.path) && cell.args[0]?.kind === 'object'
      ? cell.args[0]
      : null,
  );
  if (configs.some((c) => c === null)) return false;
  configs.forEach((config, i) => {
    const where = `cell ${i} of ${layer.factory} layer ${layer.index}, line ${layer.callSpan.line}`;
    for (const [key, prop] of Object.entries(config!.props)) {
      const role = cellPropRole(key, where);
      const omit = (): void => void delete config!.props[key];
      forEachUnknown(
        prop.value,
        (text, set) => slots.push({ name: text, role, set, omit }),
        (v) => (prop.value = v),
      );
    }
  });
  return true;
}

/**
 * A config read only in part (`{...base, activation: 'relu'}` with `base` unknown): a key the factory cannot do
 * without and that is not among the readable ones is named after the unread part.
 */
function requiredSlots(
  layer: LayerNode,
  outer: LayerNode,
  context: ModelContext,
  slots: Slot[],
): void {
  const config = layer.config;
  // `{...base, ...}`: the missing key would come from `base`, so it is named `base.units`.
  const spread = /\.\.\.\s*([\w$.]+)/.exec(config.text)?.[1];
  for (const key of requiredKeys(layer.factory)) {
    if (config.props[key]) continue;
    slots.push({
      name: spread ? `${spread}.${key}` : `${key} in ${config.text.trim()}`,
      role: propRole(context, layer, key, outer),
      set: (value) => (config.props[key] = syntheticProp(value)),
      omit: () => undefined,
    });
  }
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
  fromData = false,
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
      ...(fromData ? { data: { kind: 'input-axis' as const, axis: i - batch, rank } } : {}),
      set: (value) => (shape.items[i] = value),
      omit: () => undefined,
    });
  });
}

/**
 * Reshape targets and similar shapes: one open element can be -1 (tfjs infers it), unless the code already
 * writes a -1; any other open element gets a size that divides what is left of the layer's input (the input's
 * last size when it does and leaves the inferred size above 1, so `Reshape((-1, n_features))` after a
 * sequence keeps its features per step), else 1.
 */
function elementSlots(
  array: Extract<Value, { kind: 'array' }>,
  role: Role,
  omit: () => void,
  slots: Slot[],
  inputShape: () => (number | null)[] | null,
): void {
  let inferred = array.items.some((item) => item.kind === 'number' && item.value === -1);
  const base = role.role.replace(/, left to tfjs's default$/, '');
  array.items.forEach((item, i) => {
    if (item.kind !== 'unknown') return;
    const set = (v: Value): void => void (array.items[i] = v);
    if (!inferred) {
      inferred = true;
      slots.push({
        name: item.text.trim(),
        role: { role: `${base}: inferred from the input size`, value: num(-1), priority: 4 },
        set,
        omit,
      });
      return;
    }
    const role: Role = {
      role: `${base}: a size that divides the layer's input`,
      value: num(1),
      priority: 4,
      deferred: () => num(dividingSize(inputShape(), array, i)),
    };
    slots.push({ name: item.text.trim(), role, set, omit });
  });
}

const num = (value: number): Value => ({ kind: 'number', value });

/** The input's last size when it divides the input's size left after the target's other known sizes, else 1. */
function dividingSize(
  input: (number | null)[] | null,
  array: Extract<Value, { kind: 'array' }>,
  position: number,
): number {
  const sizes = input?.slice(1) ?? [];
  if (sizes.length === 0 || sizes.some((d) => d === null || d < 1)) return 1;
  const total = (sizes as number[]).reduce((a, d) => a * d, 1);
  const known = array.items.reduce(
    (a, item, i) =>
      i !== position && item.kind === 'number' && item.value > 0 ? a * item.value : a,
    1,
  );
  if (total % known !== 0) return 1;
  const last = sizes[sizes.length - 1]!;
  // The inferred (-1) size stays above 1: a one-step sequence is no sequence for a recurrent layer after it.
  const rest = total / known;
  return rest % last === 0 && rest / last > 1 ? last : 1;
}

/** The static input shape of `layer` (batch first), from the model as filled so far. */
function reshapeInput(model: ModelGraph, layer: LayerNode): (number | null)[] | null {
  try {
    // A fresh copy: inferShapes caches per model object, and this one is being filled in.
    const shapes = inferShapes(structuredClone(model));
    return shapes.layers.find((l) => l.index === layer.index)?.inputShape ?? null;
  } catch {
    return null;
  }
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

function widthKey(layer: LayerNode): string | undefined {
  return LAYER_CATALOG[layer.factory]?.widthKey;
}

function isRecurrent(layer: LayerNode): boolean {
  return LAYER_CATALOG[(layer.inner ?? layer).factory]?.kind === 'recurrent';
}

/**
 * A Keras Sequential's input shape where tfjs looks for it, on the first layer itself. Keras reads a
 * wrapped layer's (`Bidirectional(GRU(8, input_shape=...))`). A first layer without one is built on the
 * data `fit` gets; a later layer's `input_shape` (which Keras ignores there) is what its author says that
 * data is, so the first layer takes it.
 */
function laterInputShape(model: ModelGraph): void {
  const [first, ...rest] = model.layers;
  if (model.kind !== 'sequential' || !first || isUnread(first)) return;
  if (SHAPE_KEYS.some((k) => first.config.props[k]) || !hasInputShape(first)) {
    for (const layer of rest) {
      const own = layer.inner ?? layer;
      const key = SHAPE_KEYS.find((k) => own.config.props[k]);
      if (!key || hasInputShape(first)) continue;
      first.config.props[key] = { ...own.config.props[key]!, inherited: true };
      return;
    }
    return;
  }
  const inner = first.inner?.config.props;
  const key = SHAPE_KEYS.find((k) => inner?.[k]);
  if (!inner || !key) return;
  first.config.props[key] = inner[key]!;
  delete inner[key];
}

const SHAPE_KEYS = ['inputShape', 'batchInputShape'];

function hasInputShape(layer: LayerNode): boolean {
  const props = layer.config.props;
  if (props['inputShape'] || props['batchInputShape'] || props['batchShape']) return true;
  if (layer.factory === 'dense' && props['inputDim']) return true;
  if (SELF_SHAPED.has(layer.factory)) return true;
  return layer.inner !== undefined && hasInputShape(layer.inner);
}

function syntheticProp(value: Value): ConfigProp {
  return { value, span: null, valueSpan: null, inherited: false };
}
