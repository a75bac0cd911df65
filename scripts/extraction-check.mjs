// What the extractor finds in a checkout of tfjs code, file by file, for checking by reading the code:
//   node --import tsx scripts/extraction-check.mjs GIT_DIR [--json]
// GIT_DIR is a git directory (bare or not); files are read from its HEAD with `git show`, never copied.
// Prints per file each model (and variant) with its layer factories in order, whether it is trained,
// and the loaded bases it builds on; --json prints the same as one JSON document (to diff two runs).
import { execFileSync } from 'node:child_process';
import { analyze } from '../src/analysis/index.ts';

const dir = process.argv[2];
const asJson = process.argv.includes('--json');
if (!dir) {
  console.error('usage: node --import tsx scripts/extraction-check.mjs GIT_DIR [--json]');
  process.exit(2);
}
const git = (...args) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const skipped = /node_modules|(^|\/)dist\/|\.min\.|(^|\/)test\/|_test\./;
const files = git('ls-tree', '-r', 'HEAD', '--name-only')
  .split('\n')
  .filter((f) => /\.(js|ts|mjs)$/.test(f) && !skipped.test(f));

const report = [];
for (const file of files) {
  const source = git('show', `HEAD:${file}`);
  if (!/tf\.(sequential|model)\(|tf\.layers\./.test(source)) continue;
  const result = analyze(source, file);
  report.push({
    file,
    importsTfjs: result.importsTfjs,
    problems: result.problems.map((p) => `${p.line}: ${p.message}`),
    models: result.models.map((m) => ({
      name: m.name,
      line: m.anchor.line,
      kind: m.kind,
      variant: m.variant ? `${m.variant.id} (${m.variant.label})` : null,
      layers: m.layers.map((l) => l.factory + (l.conditional ? '?' : '')),
      trained: m.training.trained,
      bases: (m.bases ?? []).map((b) => `${b.loader}${b.truncatedAt ? `@${b.truncatedAt}` : ''}`),
    })),
  });
}

if (asJson) {
  console.log(JSON.stringify(report, null, 2));
} else {
  let models = 0;
  for (const entry of report) {
    console.log(`${entry.file}${entry.importsTfjs ? '' : '  (not read as tfjs)'}`);
    for (const problem of entry.problems) console.log(`  ! ${problem}`);
    for (const m of entry.models) {
      models++;
      const variant = m.variant ? ` [${m.variant}]` : '';
      const bases = m.bases.length > 0 ? ` bases: ${m.bases.join(', ')}` : '';
      console.log(
        `  ${m.name}${variant} (${m.kind}, line ${m.line}${m.trained ? ', trained' : ''})${bases}`,
      );
      console.log(`    ${m.layers.join(' ') || '(no layers)'}`);
    }
  }
  console.log(`${report.length} files, ${models} models (? = layer on some paths only)`);
}
