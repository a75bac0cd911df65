/** Lazy access to the engine bundle, so activation never loads the parser, rules or probe client. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as EngineModule from './engine-entry';

export type Engine = typeof EngineModule;

let cached: Engine | undefined;
let loadMs = 0;

export function loadEngine(): Engine {
  if (!cached) {
    const started = performance.now();
    // A runtime path, so esbuild leaves this require alone and dist/engine.js stays a separate bundle.
    // From sources (unit tests under tsx) the entry module itself sits next to this file.
    const bundled = join(__dirname, 'engine.js');
    cached = require(existsSync(bundled) ? bundled : join(__dirname, 'engine-entry')) as Engine;
    loadMs = performance.now() - started;
  }
  return cached;
}

export function isEngineLoaded(): boolean {
  return cached !== undefined;
}

export function engineLoadMs(): number {
  return loadMs;
}

/** Cheap pre-check before loading the engine: a file that never names tfjs cannot build a model. */
export function mayUseTfjs(text: string): boolean {
  return text.includes('@tensorflow/tfjs');
}
