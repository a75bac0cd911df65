/**
 * Loads a tfjs Layers model saved as model.json + weight shards from disk without tfjs-node's file IO:
 * reads the JSON and the shards listed in its weightsManifest, then hands them to `tf.io.fromMemory`.
 * A saved training config (model.save with includeOptimizer) compiles the model the way it was trained.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { LayersModel, io } from '@tensorflow/tfjs';
import { ProbeError } from './types';
import { errorText } from './values';

type Tf = typeof import('@tensorflow/tfjs');

export interface LoadedModel {
  model: LayersModel;
  assumptions: string[];
}

interface ManifestGroup {
  paths: string[];
  weights: io.WeightsManifestEntry[];
}

const BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

export async function loadModelJson(tf: Tf, path: string, maxParams: number): Promise<LoadedModel> {
  const json = await readJson(path);
  if (
    json['format'] === 'graph-model' ||
    (json['modelTopology'] as { node?: unknown } | undefined)?.node
  ) {
    throw new ProbeError(
      'bad-input',
      `${path} is a tfjs graph model (converted for inference); the probe needs a Layers model (saved with model.save)`,
    );
  }
  if (typeof json['modelTopology'] !== 'object' || json['modelTopology'] === null) {
    throw new ProbeError(
      'bad-input',
      `${path} has no modelTopology: it is not a tfjs Layers model.json`,
    );
  }
  const groups = readManifest(json, path);
  const weightSpecs = groups.flatMap((g) => g.weights);
  const params = weightSpecs
    .filter((spec) => spec.group !== 'optimizer')
    .reduce((total, spec) => total + spec.shape.reduce((a, b) => a * b, 1), 0);
  if (params > maxParams) {
    throw new ProbeError(
      'too-large',
      `${path} holds ${params} parameters, over the probe's ceiling of ${maxParams}`,
    );
  }
  const weightData = await readShards(groups, dirname(path), weightSpecs);
  const assumptions: string[] = [];
  if (weightSpecs.length === 0) {
    assumptions.push(`${path} lists no weights: the layers start from their initializers.`);
  } else {
    assumptions.push(`Weights loaded from ${path} and its ${countPaths(groups)} weight file(s).`);
  }
  const artifacts: io.ModelArtifacts = {
    modelTopology: json['modelTopology'] as io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData,
  };
  if (json['trainingConfig'])
    artifacts.trainingConfig = json['trainingConfig'] as io.TrainingConfig;
  let model: LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw new ProbeError('bad-input', `tfjs could not load ${path}: ${errorText(err)}`);
  }
  if (model.countParams() > maxParams) {
    const count = model.countParams();
    model.dispose();
    throw new ProbeError(
      'too-large',
      `${path} has ${count} parameters, over the probe's ceiling of ${maxParams}`,
    );
  }
  return { model, assumptions };
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ProbeError('bad-input', `cannot read ${path}: ${errorText(err)}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ProbeError('bad-input', `${path} is not valid JSON: ${errorText(err)}`);
  }
}

function readManifest(json: Record<string, unknown>, path: string): ManifestGroup[] {
  const manifest = json['weightsManifest'];
  if (manifest === undefined) return [];
  const valid =
    Array.isArray(manifest) &&
    manifest.every(
      (g: unknown) =>
        typeof g === 'object' &&
        g !== null &&
        Array.isArray((g as ManifestGroup).paths) &&
        (g as ManifestGroup).paths.every((p) => typeof p === 'string') &&
        Array.isArray((g as ManifestGroup).weights) &&
        (g as ManifestGroup).weights.every(
          (w) =>
            typeof w?.name === 'string' && Array.isArray(w.shape) && typeof w.dtype === 'string',
        ),
    );
  if (!valid) throw new ProbeError('bad-input', `${path} has a malformed weightsManifest`);
  return manifest as ManifestGroup[];
}

async function readShards(
  groups: ManifestGroup[],
  folder: string,
  specs: io.WeightsManifestEntry[],
): Promise<ArrayBuffer> {
  const buffers: Buffer[] = [];
  for (const path of groups.flatMap((g) => g.paths)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
      throw new ProbeError(
        'bad-input',
        `weight file ${path} is a URL; the probe reads weight files from disk only`,
      );
    }
    const file = resolve(folder, path);
    try {
      buffers.push(await readFile(file));
    } catch (err) {
      throw new ProbeError('bad-input', `cannot read weight file ${file}: ${errorText(err)}`);
    }
  }
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const expected = specs.reduce((a, spec) => a + byteSize(spec), 0);
  if (total !== expected) {
    throw new ProbeError(
      'bad-input',
      `the weight files hold ${total} bytes but the manifest describes ${expected}: the files do not match model.json`,
    );
  }
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    joined.set(b, offset);
    offset += b.byteLength;
  }
  return joined.buffer;
}

function byteSize(spec: io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  if (spec.dtype === 'string')
    throw new ProbeError('bad-input', `weight ${spec.name} holds strings`);
  return count * (BYTES[dtype] ?? 4);
}

function countPaths(groups: ManifestGroup[]): number {
  return groups.reduce((a, g) => a + g.paths.length, 0);
}
