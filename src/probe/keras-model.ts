/**
 * A saved Keras model (`.h5`, `.keras`) as a tfjs LayersModel with its trained weights: the config converted
 * for `tf.models.modelFromJSON` (keras-config.ts), then each layer's saved weights set by layer name, in the
 * layer's own order, shape-checked. The probe then measures it as it measures a model.json.
 */
import { readFile } from 'node:fs/promises';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { convertKerasConfig } from './keras-config';
import { readKerasFile, type KerasFileContents } from './keras-file';
import { ProbeError } from './types';
import { errorText } from './values';

type Tf = typeof import('@tensorflow/tfjs');

export interface LoadedKerasModel {
  model: LayersModel;
  compiled: KerasFileContents['compiled'];
  assumptions: string[];
}

export async function loadKerasModel(
  tf: Tf,
  path: string,
  maxParams: number,
): Promise<LoadedKerasModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ProbeError('bad-input', `cannot read ${path}: ${errorText(err)}`);
  }
  const contents = readKerasFile(bytes, path);
  const saved = [...contents.weights.values()].flat();
  const params = saved.reduce((total, w) => total + w.values.length, 0);
  if (params > maxParams) {
    throw new ProbeError(
      'too-large',
      `${path} holds ${params} parameters, over the probe's ceiling of ${maxParams}`,
    );
  }
  const converted = convertKerasConfig(contents.modelConfig, path, (name) => knownClass(tf, name));
  let model: LayersModel;
  try {
    const topology =
      converted.topology as unknown as import('@tensorflow/tfjs').io.ModelJSON['modelTopology'];
    model = await tf.models.modelFromJSON({ modelTopology: topology });
  } catch (err) {
    throw new ProbeError(
      'bad-input',
      `tfjs could not build the model in ${path}: ${errorText(err)}`,
    );
  }
  try {
    setWeights(tf, model, contents, path);
  } catch (err) {
    model.dispose();
    throw err;
  }
  const version = contents.kerasVersion ? ` (Keras ${contents.kerasVersion})` : '';
  return {
    model,
    compiled: contents.compiled,
    assumptions: [
      `Weights loaded from ${path}, a ${contents.format} file${version}: ${saved.length} arrays, ${params} values.`,
      ...converted.notes,
    ],
  };
}

function knownClass(tf: Tf, className: string): boolean {
  const map = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, unknown>;
  return className in map;
}

/** Keras's loader matches saved weights to layers by order; by name is the same for a model saved whole. */
function setWeights(tf: Tf, model: LayersModel, contents: KerasFileContents, path: string): void {
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const saved = contents.weights.get(layer.name) ?? [];
    if (saved.length !== layer.weights.length) {
      throw new ProbeError(
        'bad-input',
        `${path}: layer ${layer.name} has ${layer.weights.length} weights in tfjs but the file holds ${saved.length} for it`,
      );
    }
    const tensors: Tensor[] = [];
    try {
      layer.weights.forEach((weight, i) => {
        const value = saved[i]!;
        const same =
          value.shape.length === weight.shape.length &&
          value.shape.every((d, k) => d === weight.shape[k]);
        if (!same) {
          throw new ProbeError(
            'bad-input',
            `${path}: weight ${value.name} of layer ${layer.name} has shape [${value.shape.join(', ')}] but tfjs builds [${weight.shape.join(', ')}]`,
          );
        }
        tensors.push(tf.tensor(value.values, value.shape, 'float32'));
      });
      layer.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
  }
}
