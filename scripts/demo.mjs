// The README's main job: lint the bundled examples, then probe each example's model and write
// an HTML report per model into reports/. Findings and unhealthy verdicts are the point here,
// so their exit code 1 is expected; only exit code 2 (an error) fails the demo.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

const cli = join('bin', 'gradient-lens.js');
let failed = false;

function run(args) {
  console.log(`\n$ gradient-lens ${args.join(' ')}`);
  const { status } = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (status !== 0 && status !== 1) failed = true;
}

run(['lint', 'examples']);

mkdirSync('reports', { recursive: true });
for (const file of readdirSync('examples')
  .filter((f) => /\.(js|ts)$/.test(f))
  .sort()) {
  const path = join('examples', file);
  const out = join('reports', `${basename(file, extname(file))}.html`);
  run(['probe', path, '--format', 'html', '--out', out]);
  run(['probe', path]);
}

console.log(
  failed ? '\nDemo finished with errors (see above).' : '\nReports written to reports/*.html',
);
process.exit(failed ? 2 : 0);
