// Runs every unit test file (test/**/*.test.ts) with Node's built-in runner through tsx.
// Node 20's runner has no glob support, so the file list is built here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'fixtures' || name === 'e2e' || name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filter = process.argv.slice(2);
const files = collect('test')
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();
// With no files, Node's runner would discover every .js under test/ (fixtures, the e2e suite).
if (files.length === 0) {
  console.error(`no test file matches ${filter.join(' ')}`);
  process.exit(1);
}
// The lint workers' code cache goes to a folder of this run, not the user's own cache.
const codeCache = mkdtempSync(join(tmpdir(), 'gl-code-cache-'));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { GRADIENT_LENS_CODE_CACHE: codeCache, ...process.env } },
);
rmSync(codeCache, { recursive: true, force: true });
process.exit(result.status ?? 1);
