/**
 * What the benches share: the code as it ships (an esbuild bundle, as in dist/), not through tsx's
 * on-the-fly transpilation, which wraps every function and would inflate the ratios; and CPU time
 * rather than wall time, since these machines are shared and other load stretches wall time unevenly.
 */
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * Bundles `source` (TypeScript re-exporting what the bench measures, paths from the repository root)
 * into .cache/bench/NAME.cjs and loads it. `external` packages are shared with this process.
 */
export async function loadShipped<T>(
  name: string,
  source: string,
  external: string[] = ['@typescript-eslint/typescript-estree', 'typescript'],
): Promise<T> {
  const outfile = join(ROOT, '.cache', 'bench', `${name}.cjs`);
  await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external,
    logLevel: 'warning',
  });
  return createRequire(__filename)(outfile) as T;
}

/** CPU time (user + system) of `fn`, in milliseconds. */
export function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** Every .py file below `dir`, in name order. */
export function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) pythonFiles(path, out);
    else if (name.endsWith('.py')) out.push(path);
  }
  return out;
}
