/**
 * Reads a saved Keras model without Python: a Keras 2 `.h5` (HDF5 with a `model_config` attribute and a
 * `model_weights` group) or a `.keras` (a zip of `config.json` and `model.weights.h5`: Keras 3, and tf.keras
 * 2.13-2.15, which writes the same layout). Returns the
 * model config, the compile settings and the weights of each layer by layer name, in the layer's own order.
 */
import { File as H5File, type Dataset, type Group } from 'jsfive';
import { strFromU8, unzipSync } from 'fflate';
import { ProbeError } from './types';
import { errorText } from './values';

type Json = Record<string, unknown>;

export interface SavedWeight {
  /** The weight's name in the file (`dense/kernel:0`), or its path (`layers/dense/vars/0`). */
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface KerasFileContents {
  /**
   * Keras 3 still writes the Keras 2 layout when asked for `.h5` (legacy_h5_format.py); tf.keras 2.13-2.15
   * writes `.keras` zips in Keras 3's layout (saving_lib.py) around Keras 2 configs.
   */
  format: 'Keras 2 .h5' | 'Keras 3 .h5' | 'Keras 2 .keras' | 'Keras 3 .keras';
  kerasVersion: string | null;
  /** `{class_name, config}` as Keras wrote it. */
  modelConfig: unknown;
  /** The compiled loss and optimizer (`{class_name, config}`), when the model was compiled before saving. */
  compiled: { loss: unknown; optimizer: { className: string; config: Json } | null } | null;
  /** Saved weights per layer name; a layer without weights is absent or empty. */
  weights: Map<string, SavedWeight[]>;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

export function readKerasFile(bytes: Uint8Array, file: string): KerasFileContents {
  if (startsWith(bytes, HDF5_SIGNATURE)) return readH5(bytes, file);
  if (startsWith(bytes, ZIP_SIGNATURE)) return readKerasZip(bytes, file);
  throw new ProbeError(
    'bad-input',
    `${file} is not a Keras file: it is neither HDF5 (.h5) nor a zip archive (.keras)`,
  );
}

function readH5(bytes: Uint8Array, file: string): KerasFileContents {
  const h5 = openH5(bytes, file);
  const modelConfig = textAttr(h5, 'model_config');
  if (modelConfig === null) {
    const weightsOnly = 'layer_names' in h5.attrs || h5.keys.includes('layers');
    throw new ProbeError(
      'bad-input',
      weightsOnly
        ? `${file} holds weights only (model.save_weights): without a model_config the probe cannot tell the architecture; save the whole model with model.save`
        : `${file} is an HDF5 file but not a Keras model: it has no model_config attribute`,
    );
  }
  const group = child(h5, 'model_weights');
  const weights = new Map<string, SavedWeight[]>();
  if (group && isGroup(group)) {
    for (const layer of stringList(group.attrs['layer_names'])) {
      const layerGroup = child(group, layer);
      if (!layerGroup || !isGroup(layerGroup)) continue;
      const named = stringList(layerGroup.attrs['weight_names']);
      weights.set(
        layer,
        named.map((name) => dataset(layerGroup, name, file)),
      );
    }
  }
  const training = parseJson(textAttr(h5, 'training_config'), file, 'training_config');
  const optimizer = asObject(training?.['optimizer_config']);
  const kerasVersion = textAttr(h5, 'keras_version');
  return {
    format: kerasVersion?.startsWith('3') ? 'Keras 3 .h5' : 'Keras 2 .h5',
    kerasVersion,
    modelConfig: parseJson(modelConfig, file, 'model_config'),
    compiled: training
      ? { loss: training['loss'], optimizer: optimizer ? serialized(optimizer) : null }
      : null,
    weights,
  };
}

function readKerasZip(bytes: Uint8Array, file: string): KerasFileContents {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (entry) => ['config.json', 'metadata.json', 'model.weights.h5'].includes(entry.name),
    });
  } catch (err) {
    throw new ProbeError('bad-input', `${file} is not a readable zip archive: ${errorText(err)}`);
  }
  const config = entries['config.json'];
  if (!config) {
    throw new ProbeError(
      'bad-input',
      `${file} is not a Keras .keras file: the archive has no config.json`,
    );
  }
  const modelConfig = parseJson(strFromU8(config), file, 'config.json') as Json;
  const metadata = entries['metadata.json']
    ? parseJson(strFromU8(entries['metadata.json']), file, 'metadata.json')
    : null;
  const weightsFile = entries['model.weights.h5'];
  const weights = weightsFile
    ? kerasZipWeights(openH5(weightsFile, `${file}'s model.weights.h5`), modelConfig)
    : new Map<string, SavedWeight[]>();
  const compile = asObject(modelConfig['compile_config']);
  const optimizer = asObject(compile?.['optimizer']);
  const kerasVersion =
    typeof metadata?.['keras_version'] === 'string' ? metadata['keras_version'] : null;
  return {
    format: kerasVersion?.startsWith('2.') ? 'Keras 2 .keras' : 'Keras 3 .keras',
    kerasVersion,
    modelConfig,
    compiled: compile
      ? { loss: compile['loss'], optimizer: optimizer ? serialized(optimizer) : null }
      : null,
    weights,
  };
}

/**
 * Keras 3 (and tf.keras 2.13-2.15, whose walk also writes `optimizer/vars` first and no `name` attributes) stores
 * a model's layers at `layers/<snake_case class>[_n]` in `model.layers` order (saving_lib's
 * _save_container_state), each saveable's own variables at `<path>/vars/0..n`, and nested saveables (a recurrent
 * layer's `cell`, a Bidirectional's `forward_layer`/`backward_layer`) below their parent.
 */
function kerasZipWeights(h5: Group, modelConfig: Json): Map<string, SavedWeight[]> {
  const weights = new Map<string, SavedWeight[]>();
  const config = asObject(modelConfig['config']);
  const layers = Array.isArray(config?.['layers']) ? (config['layers'] as unknown[]) : [];
  const sequential = modelConfig['class_name'] === 'Sequential';
  const used = new Map<string, number>();
  for (const layer of layers.map((l) => asObject(l) ?? {})) {
    const className = String(layer['class_name'] ?? '');
    // Sequential.layers leaves its InputLayer out; a functional model's layers include it.
    if (sequential && className === 'InputLayer') continue;
    const base = snakeCase(className);
    const count = used.get(base);
    used.set(base, (count ?? -1) + 1);
    const path = `layers/${count === undefined ? base : `${base}_${count + 1}`}`;
    const name = String(asObject(layer['config'])?.['name'] ?? layer['name'] ?? '');
    const group = child(h5, path);
    if (group && isGroup(group)) weights.set(name, saveableWeights(group, path));
  }
  return weights;
}

function saveableWeights(group: Group, path: string): SavedWeight[] {
  const own = child(group, 'vars');
  const vars =
    own && isGroup(own)
      ? own.keys
          .filter((k) => /^\d+$/.test(k))
          .sort((a, b) => Number(a) - Number(b))
          .map((k) => dataset(own, k, path, `${path}/vars/${k}`))
      : [];
  const children = group.keys
    .filter((k) => k !== 'vars')
    .sort((a, b) => childRank(a) - childRank(b) || a.localeCompare(b));
  return vars.concat(
    children.flatMap((k) => {
      const node = child(group, k);
      return node && isGroup(node) ? saveableWeights(node, `${path}/${k}`) : [];
    }),
  );
}

/** tfjs orders a Bidirectional's weights forward first; alphabetical order would put backward first. */
function childRank(name: string): number {
  return name === 'forward_layer' ? 0 : name === 'backward_layer' ? 1 : 2;
}

/** keras.src.utils.naming.to_snake_case. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** jsfive throws for a missing path; a missing group or dataset is null here. */
function child(group: Group, path: string): Group | Dataset | null {
  const [first, ...rest] = path.split('/');
  if (!group.keys.includes(first!)) return null;
  const node = group.get(first!);
  if (!node || rest.length === 0) return node;
  return isGroup(node) ? child(node, rest.join('/')) : null;
}

function dataset(group: Group, key: string, file: string, name = key): SavedWeight {
  const node = child(group, key);
  if (!node || isGroup(node)) {
    throw new ProbeError('bad-input', `${file}: the weight ${name} is listed but not stored`);
  }
  const data = node as Dataset;
  const shape = [...data.shape];
  const values = Float32Array.from(data.value);
  const expected = shape.reduce((a, b) => a * b, 1);
  if (values.length !== expected) {
    throw new ProbeError(
      'bad-input',
      `${file}: the weight ${name} holds ${values.length} values for shape [${shape.join(', ')}]`,
    );
  }
  return { name, shape, values };
}

function openH5(bytes: Uint8Array, file: string): H5File {
  try {
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return new H5File(copy as ArrayBuffer, file);
  } catch (err) {
    throw new ProbeError('bad-input', `${file} is not a readable HDF5 file: ${errorText(err)}`);
  }
}

function isGroup(node: Group | Dataset): node is Group {
  return Array.isArray((node as Group).keys);
}

/** A string attribute; fixed-length HDF5 strings come back padded with NULs. */
function textAttr(group: Group, name: string): string | null {
  const value = group.attrs[name];
  if (typeof value === 'string') return value.replace(/\0+$/, '');
  if (value instanceof Uint8Array) return strFromU8(value).replace(/\0+$/, '');
  return null;
}

function stringList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return items.map((item) => String(item).replace(/\0+$/, '')).filter((item) => item !== '');
}

function parseJson(text: string | null, file: string, what: string): Json | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    const object = asObject(parsed);
    if (!object) throw new Error('not an object');
    return object;
  } catch (err) {
    throw new ProbeError('bad-input', `${file}: its ${what} is not valid JSON: ${errorText(err)}`);
  }
}

function serialized(object: Json): { className: string; config: Json } {
  return {
    className: String(object['class_name'] ?? ''),
    config: asObject(object['config']) ?? {},
  };
}

function asObject(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : null;
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((byte, i) => bytes[i] === byte);
}
