// Bundles the VS Code client, the language server, the CLI, the lint worker, the probe worker and the webview/report script.
// tfjs is bundled only into the probe worker, so nothing else ever loads it.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const nodeEntries = [
  // The VS Code client: vscode-languageclient is bundled in; it starts dist/server.js.
  { in: 'src/extension/main.ts', out: 'extension' },
  { in: 'src/cli/main.ts', out: 'cli' },
  // --concurrency: the CLI's lint worker threads.
  { in: 'src/lint/worker.ts', out: 'lint-worker' },
  // Their entry: runs lint-worker.js from V8's code cache when one is kept.
  { in: 'src/lint/worker-boot.ts', out: 'lint-worker-boot' },
  // The language server: the VS Code client starts it over IPC, other editors with node or
  // `gradient-lens lsp --stdio` (the same server).
  { in: 'src/server/main.ts', out: 'server' },
  { in: 'src/probe/worker.ts', out: 'probe-worker' },
  // gradient-lens/monitor: runs in the user's training process and uses the tfjs it already loaded.
  { in: 'src/monitor/index.ts', out: 'monitor' },
  // The npm package's API (require('gradient-lens')); its .d.ts files come from scripts/pack-npm.mjs.
  { in: 'src/api/index.ts', out: 'api' },
].filter((e) => existsSync(join(root, e.in)));

await build({
  ...common,
  entryPoints: nodeEntries,
  outdir: 'dist',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // vscode is provided by the editor; tfjs-node is the user's own native build, resolved at run time.
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
});

if (existsSync(join(root, 'media/src/report.ts'))) {
  await build({
    ...common,
    entryPoints: [
      { in: 'media/src/report.ts', out: 'report' },
      { in: 'media/src/monitor.ts', out: 'monitor' },
    ].filter((e) => existsSync(join(root, e.in))),
    outdir: 'dist/media',
    platform: 'browser',
    target: 'es2020',
    format: 'iife',
  });
}

// The wasm backend loads its .wasm files from next to the worker bundle.
const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
if (existsSync(wasmDir)) {
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const f of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    if (existsSync(join(wasmDir, f))) cpSync(join(wasmDir, f), join(root, 'dist', f));
  }
}

// The ESLint plugin: rules and analyzer only. ESLint parses (analyzeAst reads its tree), so the
// parser that analyze() would call is replaced by a stub and typescript/typescript-estree stay out.
const noParser = {
  name: 'no-parser',
  setup(b) {
    b.onResolve({ filter: /^(@typescript-eslint\/typescript-estree|typescript)$/ }, (args) => ({
      path: args.path,
      namespace: 'no-parser',
    }));
    b.onLoad({ filter: /.*/, namespace: 'no-parser' }, (args) => ({
      contents:
        args.path === 'typescript'
          ? // parse.ts makes TypeScript's tree itself; never called here.
            'module.exports = {};\n'
          : 'export class TSError extends Error {}\n' +
            'export function parse() { throw new Error("the ESLint plugin never parses: ESLint does"); }\n',
      loader: 'js',
    }));
  },
};
await build({
  ...common,
  entryPoints: ['packages/eslint-plugin/src/index.ts'],
  outfile: 'packages/eslint-plugin/dist/index.js',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['eslint'],
  plugins: [noParser],
  // `require('eslint-plugin-gradient-lens')` is the plugin itself, as ESLint plugins are.
  footer: { js: 'module.exports = module.exports.default;' },
});
