/**
 * A Keras model config (Keras 2's legacy `{class_name, config}` or Keras 3's serialize_keras_object form) ->
 * the Keras JSON that tfjs's `modelFromJSON` builds. Keras 2 configs pass almost unchanged; Keras 3 ones need
 * `batch_shape` -> `batch_input_shape`, `{args, kwargs}` inbound nodes -> the list form, dtype-policy objects ->
 * their dtype string, and a few renamed classes and activations. What tfjs cannot build is refused here, with
 * one sentence, before any weight is allocated.
 */
import { ProbeError } from './types';

type Json = Record<string, unknown>;

export interface ConvertedConfig {
  /** `{class_name, config}` for `tf.models.modelFromJSON`. */
  topology: Json;
  /** Layer names in config order (InputLayer excluded): the names the weights are matched by. */
  layerNames: string[];
  notes: string[];
}

/** Keras classes tfjs knows under another name. */
const CLASS_RENAMES: Record<string, string> = {
  OrthogonalInitializer: 'Orthogonal',
  LecunNormal: 'LeCunNormal',
  LecunUniform: 'LeCunUniform',
};

/** Keras activation names tfjs spells differently (tfjs: swish; Keras 3 serializes it as silu). */
const ACTIVATION_RENAMES: Record<string, string> = { silu: 'swish', hard_silu: 'swish' };

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/**
 * `knownClass(name)` says whether tfjs can deserialize a layer class; `file` names the file in messages.
 */
export function convertKerasConfig(
  modelConfig: unknown,
  file: string,
  knownClass: (className: string) => boolean,
): ConvertedConfig {
  const model = asObject(modelConfig);
  const className = model?.['class_name'];
  // Keras 2.2 and earlier wrote a Sequential's config as the bare list of its layers.
  const legacyList = className === 'Sequential' && Array.isArray(model?.['config']);
  const config = legacyList
    ? { name: 'sequential', layers: model!['config'] }
    : asObject(model?.['config']);
  if (typeof className !== 'string' || !config) {
    throw new ProbeError(
      'bad-input',
      `${file} has a model_config that is not a Keras model config`,
    );
  }
  if (!MODEL_CLASSES.has(className) || !Array.isArray(config['layers'])) {
    throw new ProbeError(
      'bad-input',
      `${file} holds a subclassed model (${className}): its config does not list its layers, so tfjs cannot rebuild it; save a Sequential or functional model, or probe the Python source that builds it`,
    );
  }
  const notes: string[] = [];
  const layers = (config['layers'] as unknown[]).map((layer) => asObject(layer) ?? {});
  for (const layer of layers) checkLayer(layer, file, knownClass);
  const converted = convertValue(config, notes) as Json;
  if (className !== 'Sequential') {
    converted['input_layers'] = tensorList(config['input_layers']);
    converted['output_layers'] = tensorList(config['output_layers']);
  }
  const layerNames = layers
    .filter((layer) => layer['class_name'] !== 'InputLayer')
    .map((layer) => String(asObject(layer['config'])?.['name'] ?? layer['name'] ?? ''));
  // tfjs registers the functional class as 'Model'; Keras 3 writes 'Functional'.
  const topologyClass = className === 'Functional' ? 'Model' : className;
  return {
    topology: { class_name: topologyClass, config: converted },
    layerNames,
    notes: [...new Set(notes)],
  };
}

function checkLayer(layer: Json, file: string, knownClass: (className: string) => boolean): void {
  const className = String(layer['class_name'] ?? '');
  const config = asObject(layer['config']) ?? {};
  const name = String(config['name'] ?? layer['name'] ?? className);
  if (className === 'GRU' && config['reset_after'] === true) {
    // The trained weights have a second recurrent bias that the reset_after=False GRU tfjs builds lacks:
    // loading them into another architecture would measure a model that was never trained.
    throw new ProbeError(
      'unknown-layer',
      `${file}: tfjs cannot build a GRU with reset_after=True (Keras's default), so layer ${name}'s trained weights cannot be loaded; probe the Python source instead, which builds it with reset_after=False`,
    );
  }
  const inner = asObject(config['layer']);
  if (inner) checkLayer(inner, file, knownClass);
  if (!knownClass(CLASS_RENAMES[className] ?? className)) {
    throw new ProbeError(
      'unknown-layer',
      `${file}: layer ${name} is a ${className}, which tfjs has no layer for, so the probe cannot build the model`,
    );
  }
}

function convertValue(value: unknown, notes: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => convertValue(item, notes));
  const object = asObject(value);
  if (!object) return value;
  if (isDtypePolicy(object)) return policyDtype(object, notes);
  const out: Json = {};
  for (const [key, item] of Object.entries(object)) {
    if (key === 'module' || key === 'registered_name' || key === 'build_config') continue;
    if (key === 'compile_config' || key === 'shared_object_id') continue;
    if (key === 'batch_shape') out['batch_input_shape'] = item;
    else if (key === 'inbound_nodes') out[key] = inboundNodes(item);
    else if (key === 'class_name' && typeof item === 'string')
      out[key] = CLASS_RENAMES[item] ?? item;
    else if ((key === 'activation' || key === 'recurrent_activation') && typeof item === 'string')
      out[key] = ACTIVATION_RENAMES[item] ?? item;
    else out[key] = convertValue(item, notes);
  }
  return out;
}

function isDtypePolicy(object: Json): boolean {
  return (
    (object['class_name'] === 'DTypePolicy' || object['class_name'] === 'Policy') &&
    typeof asObject(object['config'])?.['name'] === 'string'
  );
}

/** Gradients are measured in float32 whatever the policy: tfjs layers compute in float32 only. */
function policyDtype(policy: Json, notes: string[]): string {
  const name = String(asObject(policy['config'])!['name']);
  if (name === 'float32') return name;
  notes.push(
    `The file's dtype policy ${name} is measured in float32 (tfjs layers compute in float32).`,
  );
  return 'float32';
}

/**
 * Keras 3: `[{args: [tensor | [tensor, ...]], kwargs}]` with `{class_name: '__keras_tensor__', config:
 * {keras_history: [layer, node, tensor]}}`; tfjs (Keras 2): `[[[layer, node, tensor, kwargs], ...]]`.
 */
function inboundNodes(nodes: unknown): unknown {
  if (!Array.isArray(nodes)) return nodes;
  return nodes.map((node) => {
    const object = asObject(node);
    if (!object || !('args' in object)) return node;
    const kwargs = asObject(object['kwargs']) ?? {};
    return kerasTensors(object['args']).map((history) => [...history, kwargs]);
  });
}

function kerasTensors(value: unknown): unknown[][] {
  if (Array.isArray(value)) return value.flatMap(kerasTensors);
  const object = asObject(value);
  const history = asObject(object?.['config'])?.['keras_history'];
  return object?.['class_name'] === '__keras_tensor__' && Array.isArray(history) ? [history] : [];
}

/** Keras 3 writes a single input or output as `[name, 0, 0]`; tfjs wants a list of them. */
function tensorList(value: unknown): unknown {
  return Array.isArray(value) && typeof value[0] === 'string' ? [value] : value;
}

function asObject(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : null;
}
