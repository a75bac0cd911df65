// `npm run pack:npm`: the two npm packages, each staged in a folder of its own with a package.json
// written for npm (the repository's package.json is the VS Code extension's manifest, whose `main`
// VS Code needs), then `npm pack`ed into packages-out/:
//   gradient-lens-<version>.tgz                 CLI + typed API (everything bundled: no dependencies)
//   eslint-plugin-gradient-lens-<version>.tgz   the ESLint plugin (no parser of its own)
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'packages-out');
const stage = join(out, 'stage');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const run = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

rmSync(out, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production']);

const cli = packCli();
const plugin = packPlugin();
rmSync(stage, { recursive: true, force: true });
for (const file of [cli, plugin]) console.log(`packages-out/${file}`);

function packCli() {
  const dir = join(stage, 'gradient-lens');
  const copy = (from, to = from) => cpSync(join(root, from), join(dir, to), { recursive: true });
  mkdirSync(join(dir, 'dist', 'media'), { recursive: true });
  // What runs: the CLI and the API, their worker bundles, the probe's wasm files beside its worker,
  // the HTML report's assets, and the rule pages that SARIF embeds as help.
  for (const file of [
    'cli.js',
    'api.js',
    'lint-worker.js',
    'lint-worker-boot.js',
    'probe-worker.js',
  ])
    copy(`dist/${file}`);
  for (const file of readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.wasm'))) {
    copy(`dist/${file}`);
  }
  copy('dist/media/report.js');
  copy('dist/media/report.css');
  const hasMonitor = existsSync(join(root, 'dist', 'monitor.js'));
  if (hasMonitor) copy('dist/monitor.js');
  copy('bin/gradient-lens.js');
  mkdirSync(join(dir, 'docs', 'rules'), { recursive: true });
  for (const page of rulePages()) copy(`docs/rules/${page}`);
  for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE']) copy(file);

  writeFileSync(join(dir, 'dist', 'api.mjs'), esmWrapper(join(dir, 'dist', 'api.js')));
  emitTypes(dir, hasMonitor);

  const types = './types/api/index.d.ts';
  const exportsMap = {
    '.': { types, import: './dist/api.mjs', require: './dist/api.js' },
    ...(hasMonitor
      ? {
          './monitor': {
            ...(existsSync(join(dir, 'types', 'monitor', 'index.d.ts'))
              ? { types: './types/monitor/index.d.ts' }
              : {}),
            default: './dist/monitor.js',
          },
        }
      : {}),
    './package.json': './package.json',
  };
  writeJson(join(dir, 'package.json'), {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    license: manifest.license,
    keywords: [
      'tensorflow',
      'tfjs',
      'gradients',
      'linter',
      'vanishing-gradients',
      'exploding-gradients',
    ],
    ...(manifest.homepage ? { homepage: manifest.homepage } : {}),
    ...(manifest.repository ? { repository: manifest.repository } : {}),
    engines: { node: manifest.engines.node },
    bin: { 'gradient-lens': './bin/gradient-lens.js' },
    main: './dist/api.js',
    types,
    exports: exportsMap,
    // Parser, rules and the probe's tfjs (with its wasm backend) are inside the bundles. The native
    // backend is the user's own: the probe loads the project's @tensorflow/tfjs-node when present.
    dependencies: {},
  });
  return npmPack(dir);
}

function packPlugin() {
  const source = join(root, 'packages', 'eslint-plugin');
  const dir = join(stage, 'eslint-plugin-gradient-lens');
  mkdirSync(join(dir, 'dist'), { recursive: true });
  cpSync(join(source, 'dist', 'index.js'), join(dir, 'dist', 'index.js'));
  cpSync(join(source, 'index.d.ts'), join(dir, 'dist', 'index.d.ts'));
  cpSync(join(source, 'README.md'), join(dir, 'README.md'));
  cpSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
  mkdirSync(join(dir, 'docs', 'rules'), { recursive: true });
  for (const page of rulePages()) {
    cpSync(join(root, 'docs', 'rules', page), join(dir, 'docs', 'rules', page));
  }
  const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  writeJson(join(dir, 'package.json'), { ...pkg, version: manifest.version });
  return npmPack(dir);
}

function rulePages() {
  return readdirSync(join(root, 'docs', 'rules')).filter((f) =>
    /^[a-z0-9]+(-[a-z0-9]+)+\.md$/.test(f),
  );
}

/** `import { lint } from 'gradient-lens'`: named ESM exports over the one CommonJS bundle. */
function esmWrapper(cjsBundle) {
  const names = Object.keys(createRequire(import.meta.url)(cjsBundle)).filter(
    (n) => n !== 'default',
  );
  return (
    "import api from './api.js';\n\n" +
    `export const { ${names.join(', ')} } = api;\n` +
    'export default api;\n'
  );
}

/** Declaration files of the public API (and the monitor), from the TypeScript sources. */
function emitTypes(dir, hasMonitor) {
  const entries = ['src/api/index.ts', ...(hasMonitor ? ['src/monitor/index.ts'] : [])].filter(
    (f) => existsSync(join(root, f)),
  );
  const tsconfig = join(stage, 'tsconfig.types.json');
  writeJson(tsconfig, {
    extends: join(root, 'tsconfig.json'),
    compilerOptions: {
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      rootDir: join(root, 'src'),
      outDir: join(dir, 'types'),
      lib: ['ES2022'],
    },
    include: [],
    files: entries.map((f) => join(root, f)),
  });
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig]);
  pruneTypes(
    join(dir, 'types'),
    entries.map((f) => f.replace(/^src\//, '').replace(/\.ts$/, '.d.ts')),
  );
}

/** tsc writes a .d.ts for every module the entries import; ship only those the entries' types reach. */
function pruneTypes(typesDir, entries) {
  const reached = new Set();
  const queue = entries.map((entry) => join(typesDir, entry));
  while (queue.length > 0) {
    const file = queue.pop();
    if (reached.has(file) || !existsSync(file)) continue;
    reached.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/(?:from\s+|import\()\s*'(\.[^']+)'/g)) {
      const base = join(dirname(file), spec);
      queue.push(existsSync(`${base}.d.ts`) ? `${base}.d.ts` : join(base, 'index.d.ts'));
    }
  }
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      } else if (!reached.has(path)) rmSync(path);
    }
  };
  walk(typesDir);
}

function npmPack(dir) {
  const output = run(npm, ['pack', '--json', '--pack-destination', out], dir);
  return JSON.parse(output)[0].filename;
}

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
