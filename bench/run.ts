/**
 * `npm run bench`: runs every bench/*.bench.ts in turn. Each prints its own lines with ratios
 * against a baseline measured in the same run (absolute times on shared machines are noise).
 * Pass names to run a subset: `npm run bench -- extract lint`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

async function runAll(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .sort();
  for (const file of files) {
    const mod = (await import(join(__dirname, file))) as { bench: () => Promise<void> };
    console.log(`\n## ${file.replace('.bench.ts', '')}`);
    await mod.bench();
  }
}

runAll().catch((error) => {
  console.error(error);
  process.exit(1);
});
