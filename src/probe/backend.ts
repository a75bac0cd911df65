/**
 * Which TensorFlow.js the probe runs on. In order, for `--backend auto`:
 * the probed project's own tfjs-node / tfjs-node-gpu / tfjs (only when allowed: loading a
 * workspace's code needs trust), then Gradient Lens's optional tfjs-node, then the bundled tfjs
 * on wasm, then on cpu. Each candidate that fails to load is noted and the next one is tried.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { BackendPlanInput } from './protocol';
import { ProbeError } from './types';

export type TfModule = typeof import('@tensorflow/tfjs');

type NativePackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';

export type BackendCandidate =
  | {
      kind: 'native';
      origin: 'project' | 'gradient-lens';
      packageName: NativePackage;
      entry: string;
      version: string;
    }
  | { kind: 'project-js'; entry: string; version: string; wasmEntry: string | null }
  | { kind: 'bundled'; backend: 'wasm' | 'cpu' };

type NativeCandidate = Extract<BackendCandidate, { kind: 'native' }>;

export interface LoadedBackend {
  tf: TfModule;
  /** The tfjs backend name in use: "tensorflow", "wasm" or "cpu". */
  backendName: string;
  /** What the report shows, e.g. "wasm (bundled tfjs 4.22.0)". */
  label: string;
  /** Candidates that were skipped because they failed to load, for the report's assumptions. */
  notes: string[];
}

const NATIVE_PACKAGES: NativePackage[] = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** The candidates to try, best first. Only resolves paths: nothing is loaded here. */
export function planBackends(
  input: BackendPlanInput,
  ownDir: string = __dirname,
): BackendCandidate[] {
  const project = input.allowProjectTfjs ? input.searchFrom : null;
  const projectNative = project
    ? NATIVE_PACKAGES.flatMap((name) => native(project, name, 'project'))
    : [];
  const ownNative = native(ownDir, '@tensorflow/tfjs-node', 'gradient-lens').filter(
    (own) => !projectNative.some((p) => p.entry === own.entry),
  );
  switch (input.choice) {
    case 'node':
      return [...projectNative, ...ownNative];
    case 'wasm':
      return [{ kind: 'bundled', backend: 'wasm' }];
    case 'cpu':
      return [{ kind: 'bundled', backend: 'cpu' }];
    case 'auto':
      return [
        ...projectNative,
        ...(project ? projectJs(project) : []),
        ...ownNative,
        { kind: 'bundled', backend: 'wasm' },
        { kind: 'bundled', backend: 'cpu' },
      ];
  }
}

/** Loads the first candidate that works; a forced choice that cannot be met is a 'backend' error. */
export async function loadBackend(
  input: BackendPlanInput,
  onProgress: (message: string) => void = () => {},
  ownDir: string = __dirname,
): Promise<LoadedBackend> {
  const candidates = planBackends(input, ownDir);
  if (candidates.length === 0) throw new ProbeError('backend', noNativeMessage(input));
  const notes: string[] = [];
  for (const candidate of candidates) {
    onProgress(`Loading ${describeCandidate(candidate)}`);
    try {
      const loaded = await loadCandidate(candidate, ownDir);
      return { ...loaded, notes };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (input.choice !== 'auto') {
        throw new ProbeError(
          'backend',
          `${describeCandidate(candidate)} could not be loaded: ${reason}`,
        );
      }
      notes.push(
        `${describeCandidate(candidate)} could not be loaded (${reason}); fell back to the next backend.`,
      );
    }
  }
  throw new ProbeError('backend', `no TensorFlow.js backend could be loaded: ${notes.join(' ')}`);
}

export function describeCandidate(candidate: BackendCandidate): string {
  switch (candidate.kind) {
    case 'native':
      return `${candidate.packageName} ${candidate.version} (${candidate.origin === 'project' ? 'project' : 'Gradient Lens'})`;
    case 'project-js':
      return `@tensorflow/tfjs ${candidate.version} (project)`;
    case 'bundled':
      return `bundled @tensorflow/tfjs on ${candidate.backend}`;
  }
}

async function loadCandidate(
  candidate: BackendCandidate,
  ownDir: string,
): Promise<Omit<LoadedBackend, 'notes'>> {
  const load = createRequire(join(ownDir, 'gradient-lens-backend.js'));
  switch (candidate.kind) {
    case 'native': {
      const tf = load(candidate.entry) as TfModule;
      await useBackend(tf, 'tensorflow');
      const short = candidate.packageName.replace('@tensorflow/', '');
      const origin = candidate.origin === 'project' ? 'project' : 'Gradient Lens';
      return { tf, backendName: 'tensorflow', label: `${short} ${candidate.version} (${origin})` };
    }
    case 'project-js': {
      const tf = load(candidate.entry) as TfModule;
      let backendName = 'cpu';
      if (candidate.wasmEntry) {
        // The project's own wasm backend registers itself on the project's tfjs engine.
        load(candidate.wasmEntry);
        if (await tf.setBackend('wasm')) backendName = 'wasm';
      }
      if (backendName === 'cpu') await useBackend(tf, 'cpu');
      await tf.ready();
      return { tf, backendName, label: `${backendName} (project tfjs ${candidate.version})` };
    }
    case 'bundled':
      return loadBundled(candidate.backend, ownDir);
  }
}

async function loadBundled(
  backend: 'wasm' | 'cpu',
  ownDir: string,
): Promise<Omit<LoadedBackend, 'notes'>> {
  // Dynamic imports keep the bundled tfjs unevaluated unless it is the one chosen: two tfjs copies
  // in one process would share tfjs's global engine.
  const tf = (await import('@tensorflow/tfjs')) as TfModule;
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const wasmDir = findWasmDir(ownDir);
    if (wasmDir) wasm.setWasmPaths(wasmDir.endsWith(sep) ? wasmDir : wasmDir + sep);
  }
  await useBackend(tf, backend);
  return { tf, backendName: backend, label: `${backend} (bundled tfjs ${tf.version.tfjs})` };
}

async function useBackend(tf: TfModule, name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend "${name}" failed to initialise`);
  await tf.ready();
}

/** The .wasm files sit next to the worker bundle in dist/; from sources, in the package itself. */
function findWasmDir(ownDir: string): string | null {
  if (existsSync(join(ownDir, 'tfjs-backend-wasm.wasm'))) return ownDir;
  const resolved = resolvePackage(ownDir, '@tensorflow/tfjs-backend-wasm');
  if (!resolved) return null;
  const dist = join(resolved.root, 'dist');
  return existsSync(join(dist, 'tfjs-backend-wasm.wasm')) ? dist : null;
}

function native(
  from: string,
  packageName: NativePackage,
  origin: 'project' | 'gradient-lens',
): NativeCandidate[] {
  const resolved = resolvePackage(from, packageName);
  return resolved
    ? [{ kind: 'native', origin, packageName, entry: resolved.entry, version: resolved.version }]
    : [];
}

function projectJs(from: string): BackendCandidate[] {
  const tfjs = resolvePackage(from, '@tensorflow/tfjs');
  if (!tfjs) return [];
  // The wasm backend must be the one installed beside that tfjs, so it shares its engine.
  const wasm = resolvePackage(tfjs.root, '@tensorflow/tfjs-backend-wasm');
  return [
    {
      kind: 'project-js',
      entry: tfjs.entry,
      version: tfjs.version,
      wasmEntry: wasm?.entry ?? null,
    },
  ];
}

interface ResolvedPackage {
  entry: string;
  root: string;
  version: string;
}

/** Resolves a package the way `require` would from a file inside `from`, searching upward. */
export function resolvePackage(from: string, name: string): ResolvedPackage | null {
  let entry: string;
  try {
    entry = createRequire(join(from, 'gradient-lens-resolve.js')).resolve(name);
  } catch {
    return null;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (parsed.name === name) {
        return {
          entry,
          root: dir,
          version: typeof parsed.version === 'string' ? parsed.version : 'unknown',
        };
      }
    } catch {
      return null;
    }
  }
  return null;
}

function noNativeMessage(input: BackendPlanInput): string {
  const where = input.allowProjectTfjs
    ? `in ${input.searchFrom} or its parent folders, nor alongside Gradient Lens`
    : "alongside Gradient Lens (loading the project's own tfjs is not allowed here)";
  return `--backend node needs @tensorflow/tfjs-node, which is not installed ${where}; use --backend auto, wasm or cpu`;
}
