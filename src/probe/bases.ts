/**
 * Loaded base models (transfer learning): maps `tf.loadLayersModel(url)` to a model.json in the workspace, never
 * outside its root, and rewrites the IR for a base that cannot be loaded (remote, missing, not known statically)
 * so the new head is still probed on its own, with one sentence that says why.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs';
import type { LoadedBase, ModelGraph } from '../analysis/ir';
import { loadModelJson } from './model-json';
import { ProbeError } from './types';

/** Where the probed code lives: relative URLs resolve against these. */
export interface BaseContext {
  /** Absolute path of the probed source file. */
  sourcePath: string;
  /** The workspace root: no base is read from outside it. */
  root: string;
}

export type BaseLocation = { file: string } | { unavailable: string };

/** Folders a web app commonly serves `/model.json` from, relative to the workspace root. */
const SERVED_FOLDERS = ['', 'public', 'static', 'dist', 'assets'];

export function locateBase(base: LoadedBase, context: BaseContext): BaseLocation {
  const described = describe(base);
  if (base.loader === 'loadGraphModel') {
    return {
      unavailable: `The base model ${described} is a graph model (inference only), so the probe measured the new head on its own.`,
    };
  }
  if (base.file) {
    const inside = insideRoot(base.file, context.root);
    if (inside) return { file: inside };
  }
  if (base.url.kind !== 'string') {
    return {
      unavailable: `The base model's URL ${described} is not known statically, so the probe measured the new head on its own.`,
    };
  }
  const url = base.url.value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^file:\/\//i.test(url)) {
    return {
      unavailable: `The base model at ${url} is remote (the probe reads no network), so it measured the new head on its own.`,
    };
  }
  for (const candidate of candidates(url, context)) {
    const inside = insideRoot(candidate, context.root);
    if (inside) return { file: inside };
  }
  return {
    unavailable: `The base model ${url} maps to no model.json inside the workspace, so the probe measured the new head on its own.`,
  };
}

function candidates(url: string, context: BaseContext): string[] {
  const here = dirname(context.sourcePath);
  if (/^file:\/\//i.test(url)) {
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch {
      // `file://./model.json` and other non-standard forms: the part after the scheme, relative to the file.
      path = url.replace(/^file:\/\//i, '');
    }
    return [isAbsolute(path) ? path : resolve(here, path)];
  }
  const clean = url.replace(/[?#].*$/, '');
  if (clean.startsWith('/')) {
    // A server path: the app's served folder, or (for a bare `/x`) next to the code.
    return [
      ...SERVED_FOLDERS.map((folder) => join(context.root, folder, clean)),
      join(here, clean),
    ];
  }
  return [resolve(here, clean), join(context.root, clean)];
}

/** The real path of a model.json (a folder gets /model.json) when it exists inside the root; else null. */
function insideRoot(path: string, root: string): string | null {
  try {
    let file = path;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'model.json');
    if (!existsSync(file) || !statSync(file).isFile()) return null;
    const real = realpathSync(file);
    const fromRoot = relative(realpathSync(root), real);
    if (fromRoot.startsWith('..') || isAbsolute(fromRoot)) return null;
    return real;
  } catch {
    return null;
  }
}

function describe(base: LoadedBase): string {
  return base.url.kind === 'string'
    ? base.url.value
    : base.url.kind === 'unknown'
      ? `"${base.url.text}"`
      : 'of this model';
}

/**
 * The model as the probe can build it: a base that cannot be loaded is dropped (a sequential model's
 * `loadedModel` layer; a functional input fed by the base becomes an ordinary input whose shape is assumed).
 */
export function detachUnavailable(
  model: ModelGraph,
  locations: BaseLocation[],
): { model: ModelGraph; notes: string[] } {
  const unavailable = (index: number | undefined): boolean =>
    index !== undefined && locations[index] !== undefined && 'unavailable' in locations[index]!;
  const notes = [
    ...new Set(
      locations.flatMap((location) => ('unavailable' in location ? [location.unavailable] : [])),
    ),
  ];
  if (notes.length === 0) return { model, notes };
  const copy = structuredClone(model);
  const kept = copy.layers.filter(
    (layer) => !(layer.factory === 'loadedModel' && unavailable(layer.base)),
  );
  if (kept.length !== copy.layers.length) {
    const position = new Map(copy.layers.map((layer, i) => [i, kept.indexOf(layer)]));
    kept.forEach((layer, i) => (layer.index = i));
    copy.nodes = copy.nodes
      .filter((node) => (position.get(node.layer) ?? -1) >= 0)
      .map((node) => ({ ...node, layer: position.get(node.layer)! }));
    copy.layers = kept;
  }
  for (const input of copy.inputs) {
    if (!unavailable(input.base)) continue;
    delete input.base;
    // The base's output shape is not known without its model.json: the head's input is assumed.
    if (input.shape.kind !== 'array')
      input.shape = { kind: 'unknown', text: '', reason: 'base output' };
  }
  return { model: copy, notes };
}

/** Locations for every base of the model, in `ModelGraph.bases` order. */
export function locateBases(model: ModelGraph, context: BaseContext | null): BaseLocation[] {
  return (model.bases ?? []).map((base) =>
    context
      ? locateBase(base, context)
      : {
          unavailable: `The base model ${describe(base)} could not be looked up (no workspace folder), so the probe measured the new head on its own.`,
        },
  );
}

type Tf = typeof import('@tensorflow/tfjs');

export interface LoadedBases {
  models: Map<number, LayersModel>;
  assumptions: string[];
}

/** Loads each located base with its weights, cut at `truncatedAt` when the code builds on an inner layer. */
export async function loadBases(
  tf: Tf,
  model: ModelGraph,
  locations: BaseLocation[],
  maxParams: number,
): Promise<LoadedBases> {
  const models = new Map<number, LayersModel>();
  const assumptions: string[] = [];
  try {
    for (const [index, base] of (model.bases ?? []).entries()) {
      const location = locations[index];
      if (!location || !('file' in location)) continue;
      const loaded = await loadModelJson(tf, location.file, maxParams);
      models.set(index, truncate(tf, loaded.model, base, location.file));
      const cut = base.truncatedAt ? `, cut at its layer ${base.truncatedAt}` : '';
      assumptions.push(
        `The base model ${describe(base)} was loaded from ${location.file} with its weights${cut}; its layers are measured with the new head.`,
      );
    }
  } catch (err) {
    for (const loaded of models.values()) loaded.dispose();
    throw err;
  }
  return { models, assumptions };
}

function truncate(tf: Tf, base: LayersModel, info: LoadedBase, file: string): LayersModel {
  if (!info.truncatedAt) return base;
  let output;
  try {
    output = base.getLayer(info.truncatedAt).output;
  } catch {
    base.dispose();
    throw new ProbeError(
      'bad-input',
      `the base model ${file} has no layer named ${info.truncatedAt}, where the code cuts it`,
    );
  }
  return tf.model({ inputs: base.inputs, outputs: output as SymbolicTensor });
}
