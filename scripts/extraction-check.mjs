// What the extractor finds in a checkout of tfjs or Keras code, file by file, for checking by reading the code:
//   node --import tsx scripts/extraction-check.mjs DIR [--json] [--per-file] [--labels FILE]
// DIR is a git directory (bare or not: files come from its HEAD with `git archive` into a temp dir,
// never copied elsewhere) or a plain folder. Files are analysed as one workspace (imports followed,
// as the CLI does); --per-file analyses each file alone. Prints per file each model (and variant)
// with its layer factories in order, whether it is trained, and the loaded bases it builds on;
// --json prints the same as one JSON document (to diff two runs). --labels FILE compares with a
// labels file (calibration/real-projects/labels.json's shape) and prints the wrong models and the
// figure right / labelled.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { analyze, isPythonFile, mentionsKeras, mentionsTfjs } from '../src/analysis/index.ts';
import { diskWorkspace } from '../src/workspace/node-host.ts';

const args = process.argv.slice(2);
const dir = args.find(
  (a, i) => !a.startsWith('--') && args[i - 1] !== '--labels' && args[i - 1] !== '--repo',
);
const asJson = args.includes('--json');
const perFile = args.includes('--per-file');
const labelsAt = args.indexOf('--labels');
const labelsFile = labelsAt >= 0 ? args[labelsAt + 1] : null;
const repoAt = args.indexOf('--repo');
const labelsRepo = repoAt >= 0 ? args[repoAt + 1] : null;
if (!dir) {
  console.error(
    'usage: node --import tsx scripts/extraction-check.mjs DIR [--json] [--per-file] [--labels FILE]',
  );
  process.exit(2);
}
const skipped =
  /node_modules|(^|\/)dist\/|(^|\/)build\/|\.min\.|(^|\/)tests?\/|_test\.|\.test\.|\.spec\./;
const SOURCE = /\.(js|ts|mjs|cjs|jsx|tsx|html?|vue|svelte|py)$/;

/** The checkout as a folder: a git directory's HEAD goes into a temp dir (removed at exit). */
function checkout(path) {
  const isGit = existsSync(join(path, 'HEAD')) && existsSync(join(path, 'objects'));
  if (!isGit) return { root: path, cleanup: () => {} };
  const root = mkdtempSync(join(tmpdir(), 'gl-extraction-'));
  // Only source files: a snapshot may lack its largest blobs (weights), which archive cannot read.
  // A blob the snapshot lacks lists with size "BAD" (or "-"): archive would fail on it, so it is left out.
  // -z: names as they are (no quoting of non-ASCII names, which would drop those files).
  const names = execFileSync('git', ['-C', path, 'ls-tree', '-r', '-l', '-z', 'HEAD'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
    .split('\0')
    .map((line) => /^\S+ blob \S+\s+(\d+)\t(.*)$/s.exec(line))
    .filter((m) => m !== null)
    .map((m) => m[2])
    .filter(
      (n) =>
        (SOURCE.test(n) || /(^|\/)(package|[tj]sconfig(\.[\w-]+)?)\.json$/.test(n)) &&
        !n.includes('node_modules/'),
    );
  const tar = execFileSync(
    'git',
    ['-C', path, '--literal-pathspecs', 'archive', 'HEAD', '--', ...names],
    {
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  spawnSync('tar', ['-x', '-C', root], { input: tar, stdio: ['pipe', 'ignore', 'ignore'] });
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function listSources(root) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name === '.git') continue;
      const p = join(d, name);
      // A symlink whose target the checkout lacks (`tf.js -> ../node_modules/...`) is no source.
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (SOURCE.test(name) && !skipped.test(relative(root, p)) && st.size < 2_000_000)
        out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

const { root, cleanup } = checkout(dir);
const report = [];
try {
  const workspace = perFile ? null : diskWorkspace(root);
  for (const path of listSources(root)) {
    const source = readFileSync(path, 'utf8');
    const builds = isPythonFile(path)
      ? mentionsKeras(source)
      : /tf\.(sequential|model)\(|\.layers\.|tf\.Sequential|tf\.LayersModel/.test(source) ||
        // named imports: `import { layers, model } from '@tensorflow/tfjs-node'`, `layers\n.conv2d(`,
        // also from a module of the workspace that hands tfjs on (the workspace tells)
        ((mentionsTfjs(source) || workspace !== null) &&
          /\blayers\b|\b(sequential|model)\s*\(/.test(source));
    if (!builds) continue;
    const file = relative(root, path);
    const result = workspace ? workspace.analyzeFile(path) : analyze(source, file);
    if (!mentionsTfjs(source) && result.models.length === 0) continue;
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
} finally {
  cleanup();
}

if (asJson) {
  console.log(JSON.stringify(report, null, 2));
} else if (!labelsFile) {
  let models = 0;
  for (const entry of report) {
    if (entry.models.length === 0 && entry.problems.length === 0 && entry.importsTfjs) continue;
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

// Labels: {files: [{repo, commit, file, models: [{name, variant?, line?, layers: "dense dense", bases?}]}]}
// (bases: the loaded models it builds on, as printed: "loadLayersModel@conv_pw_13_relu")
// (--repo OWNER/NAME picks one repository's entries); a labelled
// model is right when a found model of that file has its name (and variant id, when labelled) and
// exactly its layer sequence (conditional marks ignored only when the label says so).
if (labelsFile) {
  const labels = JSON.parse(readFileSync(labelsFile, 'utf8'));
  let right = 0;
  let total = 0;
  for (const entry of labels.files.filter((f) => !labelsRepo || f.repo === labelsRepo)) {
    const found = report.find((r) => r.file === entry.file);
    for (const want of entry.models) {
      total++;
      const candidates = (found?.models ?? []).filter(
        (m) =>
          m.name === want.name &&
          (want.line === undefined || m.line === want.line) &&
          (want.variant === undefined || (m.variant ?? '').startsWith(`${want.variant} `)),
      );
      const ok = candidates.some(
        (m) =>
          m.layers.join(' ') === want.layers &&
          (want.bases === undefined || m.bases.join(', ') === want.bases),
      );
      if (ok) right++;
      else {
        const got =
          candidates
            .map(
              (m) =>
                (m.layers.join(' ') || '(no layers)') +
                (want.bases !== undefined ? ` bases: ${m.bases.join(', ') || 'none'}` : ''),
            )
            .join(' | ') || '(no such model)';
        console.log(
          `WRONG ${entry.file} ${want.name}${want.variant ? ` [${want.variant}]` : ''}: want "${want.layers}" got "${got}"${want.pattern ? `  (${want.pattern})` : ''}`,
        );
      }
    }
  }
  console.log(`${right}/${total} labelled models right`);
}
