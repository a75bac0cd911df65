/**
 * `gradient-lens lint` on a large repository, as CI runs it: 5,000 generated model files (about 40
 * lines each) linted by the real CLI process. Prints two ratios measured in this run:
 * - one thread against `--concurrency 2` (target >= 1.7x on 2 cores);
 * - the run that fills `--cache` against the next run, which reads it (target >= 10x).
 * Pass BENCH_FILES=N to try another size. The thread ratio is only meaningful on an otherwise idle
 * machine: the kernel shares CPU between process groups, so on a busy one two threads get no more
 * than one. The line "cores available" measures that (two spinning threads' CPU time over wall time).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateModelFile } from '../test/lint/model-code';

const FILES = Number(process.env.BENCH_FILES ?? 5000);
const CLI = join(__dirname, '..', 'bin', 'gradient-lens.js');

export async function bench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'gl-ci-scale-'));
  try {
    const project = join(root, 'project');
    for (let i = 0; i < FILES; i++) {
      const dir = join(project, `pkg${Math.floor(i / 100)}`);
      if (i % 100 === 0) mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `model${i}.ts`), generateModelFile(40, i + 1));
    }
    const cache = join(root, 'cache.json');
    const lint = (...flags: string[]) => timedLint(project, flags);
    // Warm the file system cache and the CLI's first load, so neither run pays for it alone.
    lint('--concurrency', '1');
    const one = lint('--concurrency', '1');
    const two = lint('--concurrency', '2');
    const filling = lint('--concurrency', '1', '--cache', '--cache-location', cache);
    const cached = lint('--concurrency', '1', '--cache', '--cache-location', cache);
    const parallel = one.ms / two.ms;
    const available = availableCores();
    const cacheRatio = filling.ms / cached.ms;
    console.log(
      `${FILES} files, ${one.findings} findings, ${availableParallelism()} cores ` +
        `(${available.toFixed(2)} available to two threads now): one thread ` +
        `${(one.ms / 1000).toFixed(1)} s; --concurrency 2 ${parallel.toFixed(2)}x faster ` +
        `(target >= 1.7) ${parallel >= 1.7 ? 'ok' : 'UNDER'}`,
    );
    console.log(
      `  --cache: filling run ${(filling.ms / 1000).toFixed(1)} s, next run ` +
        `${(cached.ms / 1000).toFixed(2)} s: ${cacheRatio.toFixed(1)}x faster ` +
        `(target >= 10) ${cacheRatio >= 10 ? 'ok' : 'UNDER'}`,
    );
    for (const run of [two, filling, cached]) {
      if (run.output !== one.output)
        throw new Error('runs disagree: the results must not depend on the flags');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function timedLint(
  project: string,
  flags: string[],
): { ms: number; findings: number; output: string } {
  const started = performance.now();
  const run = spawnSync(process.execPath, [CLI, 'lint', '.', '--format', 'json', ...flags], {
    cwd: project,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - started;
  if (run.status !== 0 && run.status !== 1) throw new Error(`lint failed: ${run.stderr}`);
  const results = JSON.parse(run.stdout) as Array<{ messages: unknown[] }>;
  return { ms, findings: results.reduce((n, r) => n + r.messages.length, 0), output: run.stdout };
}

/** CPU seconds two busy threads get per wall-clock second: 2 on an idle 2-core machine. */
function availableCores(): number {
  const script = `
    const { Worker } = require('node:worker_threads');
    const spin = 'const end = Date.now() + 1500; while (Date.now() < end) {}';
    const started = Date.now();
    const workers = [0, 1].map(() => new Worker(spin, { eval: true }));
    Promise.all(workers.map((w) => new Promise((r) => w.on('exit', r)))).then(() => {
      const cpu = process.cpuUsage();
      console.log((cpu.user + cpu.system) / 1000 / (Date.now() - started));
    });`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}
