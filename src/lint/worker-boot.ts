/**
 * The lint worker's entry (dist/lint-worker-boot.js, a few kB): runs the engine bundle
 * (dist/lint-worker.js, about 11 MB) from V8's code cache when one of that very bundle is kept,
 * else compiles it. A worker asked to (`codeCache.write`) keeps what V8 compiled by the end of its
 * run, lazily compiled functions included, for the next run: starting then costs about half the
 * CPU (bench/ci-scale.bench.ts), CPU that on two busy cores the main thread's linting waits for.
 * Node 20 has no module compile cache (module.enableCompileCache() is Node 22), hence vm.Script.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import type { ToWorker, WorkerOptions } from './pool';

const { bundle, codeCache } = workerData as WorkerOptions & { bundle: string };
const source = readFileSync(bundle, 'utf8');
const cacheFile = codeCache ? join(codeCache.dir, cacheName(bundle)) : null;
const cachedData = cacheFile ? readCache(cacheFile) : undefined;
const script = new Script(
  `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
  { filename: bundle, cachedData },
);
const loaded = cachedData !== undefined && !script.cachedDataRejected;
if (codeCache) codeCache.status = loaded ? 'loaded' : 'compiled';
if (codeCache?.write && cacheFile && !loaded) {
  // Registered before the bundle's own listener: the cache is written before the worker replies
  // 'finished', after which the main thread ends the thread.
  parentPort?.on('message', (message: ToWorker) => {
    if (message.kind === 'finish') writeCache(cacheFile, script.createCachedData());
  });
}
const run = script.runInThisContext() as (...args: unknown[]) => void;
const module = { exports: {} };
run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));

/**
 * One cache file per bundle build and Node version: V8 checks its own version and flags, and
 * only the length of the source, so the name carries what identifies the bundle's content.
 */
function cacheName(file: string): string {
  const { size, mtimeMs, ino } = statSync(file);
  const build = `${size}-${Math.round(mtimeMs)}-${ino}`;
  return `lint-worker-${process.version}-${process.arch}-${build}.v8cache`;
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Cache files of other builds (or Node versions) not rewritten for this long are removed. */
const STALE_MS = 30 * 24 * 3600 * 1000;

/** Written whole or not at all (another run may be reading it); long unused ones of other builds go. */
function writeCache(file: string, data: Buffer): void {
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(partial, data, { mode: 0o600 });
    renameSync(partial, file);
    for (const name of readdirSync(dir)) {
      const other = join(dir, name);
      if (name.endsWith('.v8cache') && other !== file && isStale(other))
        rmSync(other, { force: true });
    }
  } catch {
    // No cache this time: the next run compiles the bundle, as without one.
  }
}

function isStale(file: string): boolean {
  const modified = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
  return Date.now() - modified > STALE_MS;
}
