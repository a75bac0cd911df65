/**
 * Fills the IR's unknown values before a probe: from user-supplied `--set NAME=VALUE` pairs first, then from the
 * tensors the code passes to `model.fit` (`tf.tensor2d(rows, [n, 4])`), then (with `assume`) from the role each
 * value plays (src/probe/assume.ts), and lists what is still missing, so the CLI and
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
import type { ModelGraph, Value } from '../analysis/ir';
import { plainValue } from '../analysis/plain';
import { inferShapes } from '../analysis/shapes';
import { IMAGE_SIDES, ROLE_DEFAULTS, modelContext, type Role } from './assume';
import { collectSlots, type Slot } from './slots';
import { DEFAULT_RATES } from './training';
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
    const code = group.find((slot) => slot.fromCode)?.fromCode;
    if (supplied) {
      for (const slot of group) slot.set(supplied);
      assumed.push(entry(name, supplied, best.role.role, 'set'));
    } else if (code) {
      for (const slot of group) slot.set(code.value);
      assumed.push(entry(name, code.value, code.role, 'code'));
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
  assumed.push(...resolveLearningRate(model, lookup, assume));
  assumed.push(...resolveOptimizerArgs(model, lookup));
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

/**
 * An open learning rate: a --set value fills it; otherwise tfjs's default for the optimizer applies (listed when
 * assuming; never required, since it is a training choice rather than part of the model).
 */
function resolveLearningRate(
  model: ModelGraph,
  lookup: Map<string, Value>,
  assume: boolean,
): AssumedValue[] {
  const listed: AssumedValue[] = [];
  const seen = new Set<string>();
  for (const optimizer of [model.training.optimizer, model.training.compile?.optimizer]) {
    const lr = optimizer?.learningRate;
    if (lr?.kind !== 'unknown') continue;
    const name = lr.text.trim();
    const supplied = lookup.get(name);
    const role = `learning rate of ${optimizer!.kind}`;
    if (supplied?.kind === 'number') {
      optimizer!.learningRate = supplied;
      if (optimizer === model.training.optimizer) model.training.learningRate = supplied.value;
      if (!seen.has(name)) listed.push(entry(name, supplied, role, 'set'));
    } else if (assume && !seen.has(name)) {
      const rate = DEFAULT_RATES[optimizer!.kind];
      listed.push(
        entry(
          name,
          rate === undefined ? null : { kind: 'number', value: rate },
          `${role} (tfjs's default)`,
          'role-default',
        ),
      );
    }
    seen.add(name);
  }
  return listed;
}

/**
 * The optimizer's other open arguments (`momentum=MOM`, `beta_1=cfg.b1`): a --set value fills them, in `args`
 * where the probe builds the optimizer from; without one the probe keeps the framework's default and says so.
 */
function resolveOptimizerArgs(model: ModelGraph, lookup: Map<string, Value>): AssumedValue[] {
  const listed: AssumedValue[] = [];
  const seen = new Set<string>();
  for (const optimizer of [model.training.optimizer, model.training.compile?.optimizer]) {
    for (const [key, value] of Object.entries(optimizer?.args ?? {})) {
      if (value.kind !== 'unknown') continue;
      const name = value.text.trim();
      const supplied = lookup.get(name);
      if (supplied?.kind !== 'number' && supplied?.kind !== 'boolean') continue;
      optimizer!.args![key] = supplied;
      if (!seen.has(name))
        listed.push(
          entry(name, supplied, `${key} of ${optimizer!.name ?? optimizer!.kind}`, 'set'),
        );
      seen.add(name);
    }
  }
  return listed;
}

function normaliseKeys(values: Record<string, string>): Map<string, Value> {
  const map = new Map<string, Value>();
  for (const [key, text] of Object.entries(values))
    map.set(key.trim(), parseSetValue(String(text)));
  return map;
}

/** Quotes a word for POSIX shells when it has characters they would interpret. */
export function shellWord(word: string): string {
  return /^[\w.,:/=@+%[\]-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
