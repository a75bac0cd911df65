/**
 * Workspace cost against typescript-estree's parse alone, in the same run.
 * Targets: analysing the whole tfjs-examples tree as one workspace, cold, costs <= 1.5x a bare
 * parse of the same files; one edited file in a 50-file project re-analyses (that file and every
 * file that depends on it) in <= 1.2x that file's own parse.
 * The tfjs-examples files are read from the local mirror with git into a temp dir at bench time.
 */
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as WorkspaceModule from '../src/workspace/index';
import type { parseSource as ParseSource } from '../src/analysis/parse';

const MIRROR = '/work/.mirror/tensorflow+tfjs-examples/repo';
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

interface Shipped {
  createWorkspace: typeof WorkspaceModule.createWorkspace;
  parseSource: typeof ParseSource;
}

/** The workspace as it ships (an esbuild bundle), not through tsx's transpilation. */
async function loadBundled(): Promise<Shipped> {
  const root = join(__dirname, '..');
  const outfile = join(root, '.cache', 'bench', 'workspace.cjs');
  await build({
    stdin: {
      contents: `export { createWorkspace } from './src/workspace/index';\nexport { parseSource } from './src/analysis/parse';\nexport { analyze } from './src/analysis/index';\n`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external: ['@typescript-eslint/typescript-estree', 'typescript'],
    logLevel: 'warning',
  });
  return createRequire(__filename)(outfile) as Shipped;
}

function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function memoryHost(files: Map<string, string>) {
  return { readFile: (f: string) => files.get(f), listFiles: () => [...files.keys()] };
}

/** The mirror's source files (no node_modules), extracted with git into a temp dir, then read. */
function examplesTree(): { root: string; files: Map<string, string>; cleanup: () => void } | null {
  if (!existsSync(MIRROR)) return null;
  const names = execFileSync('git', ['-C', MIRROR, 'ls-tree', '-r', '--name-only', 'HEAD'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\n')
    .filter((n) => SOURCE.test(n) && !n.split('/').includes('node_modules'));
  const root = mkdtempSync(join(tmpdir(), 'gl-bench-examples-'));
  const tar = execFileSync('git', ['-C', MIRROR, 'archive', 'HEAD', '--', ...names], {
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 256 * 1024 * 1024,
  });
  spawnSync('tar', ['-x', '-C', root], { input: tar, stdio: ['pipe', 'ignore', 'ignore'] });
  const files = new Map<string, string>();
  for (const name of names) {
    const path = join(root, name);
    if (existsSync(path)) files.set(path, readFileSync(path, 'utf8'));
  }
  return { root, files, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function coldTree(shipped: Shipped): void {
  const tree = examplesTree();
  if (!tree) {
    console.log(`whole tree: skipped (no tfjs-examples mirror at ${MIRROR})`);
    return;
  }
  try {
    const { root, files } = tree;
    const paths = [...files.keys()];
    const parseAll = () => {
      for (const path of paths) shipped.parseSource(files.get(path)!, path);
    };
    let parsed = 0;
    let models = 0;
    const analyseAll = () => {
      const ws = shipped.createWorkspace(root, memoryHost(files));
      models = 0;
      for (const path of paths) models += ws.analyzeFile(path).models.length;
      parsed = ws.stats.parses;
    };
    parseAll();
    analyseAll();
    const parseTimes: number[] = [];
    const wsTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      parseTimes.push(cpuMs(parseAll));
      wsTimes.push(cpuMs(analyseAll));
    }
    const p = median(parseTimes);
    const w = median(wsTimes);
    console.log(
      `whole tree (tfjs-examples): ${paths.length} files, ${parsed} parsed by the workspace, ${models} models; ` +
        `parse all ${p.toFixed(0)} ms, workspace cold ${w.toFixed(0)} ms (CPU); ratio ${(w / p).toFixed(2)} (target <= 1.5)`,
    );
  } finally {
    tree.cleanup();
  }
}

/** A 50-file project of the usual shapes: shared constants and config, builders, trainers. */
function project(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const tf = `import * as tf from '@tensorflow/tfjs';\n`;
  files.set(
    join(root, 'src/data.js'),
    `export const IMAGE_H = 28;\nexport const IMAGE_W = 28;\nexport const NUM_CLASSES = 10;\n`,
  );
  files.set(
    join(root, 'src/config.js'),
    `export default { learningRate: 0.001, hidden: [128, 64, 32], epochs: 10, batchSize: 32 };\n`,
  );
  for (let i = 0; i < 24; i++) {
    const layers = Array.from(
      { length: 12 },
      (_, k) =>
        `  model.add(tf.layers.dense({ units: cfg.hidden[${k % 3}] + ${i}, activation: 'relu', kernelInitializer: 'heNormal' }));`,
    ).join('\n');
    files.set(
      join(root, `src/models/model${i}.js`),
      `${tf}import { IMAGE_H, IMAGE_W } from '../data.js';\nimport cfg from '../config.js';\n\n` +
        `/** Builder ${i}. */\nexport function createModel${i}(classes, dropout = 0.2) {\n` +
        `  const model = tf.sequential();\n  model.add(tf.layers.flatten({ inputShape: [IMAGE_H, IMAGE_W, 1] }));\n${layers}\n` +
        `  model.add(tf.layers.dropout({ rate: dropout }));\n` +
        `  model.add(tf.layers.dense({ units: classes, activation: 'softmax' }));\n  return model;\n}\n`,
    );
    files.set(
      join(root, `src/train/train${i}.js`),
      `${tf}import { createModel${i} } from '../models/model${i}.js';\nimport { NUM_CLASSES } from '../data.js';\nimport cfg from '../config.js';\n\n` +
        `export async function train${i}(xs, ys) {\n  const model = createModel${i}(NUM_CLASSES);\n` +
        `  model.compile({ optimizer: tf.train.adam(cfg.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });\n` +
        `  await model.fit(xs, ys, { epochs: cfg.epochs, batchSize: cfg.batchSize, validationSplit: 0.1 });\n  return model;\n}\n`,
    );
  }
  return files;
}

function oneFileEdit(shipped: Shipped): void {
  const root = '/bench-project';
  const files = project(root);
  const ws = shipped.createWorkspace(root, memoryHost(files));
  for (const path of files.keys()) ws.analyzeFile(path);
  const edited = join(root, 'src/models/model7.js');
  const original = files.get(edited)!;
  let round = 0;
  let dependents = 0;
  const edit = () => {
    const text = original.replace('dropout = 0.2', `dropout = 0.${(round++ % 8) + 1}`);
    dependents = ws.dependents(edited).length;
    const affected = [edited, ...ws.dependents(edited)];
    ws.update(edited, text);
    for (const path of affected) ws.analyzeFile(path);
  };
  const parseOnce = () => shipped.parseSource(original, edited);
  for (let i = 0; i < 5; i++) {
    edit();
    parseOnce();
  }
  const editTimes: number[] = [];
  const parseTimes: number[] = [];
  for (let i = 0; i < 41; i++) {
    parseTimes.push(cpuMs(parseOnce));
    editTimes.push(cpuMs(edit));
  }
  const p = median(parseTimes);
  const e = median(editTimes);
  console.log(
    `one-file edit: ${files.size}-file project, ${original.split('\n').length}-line file, ${dependents} dependent(s) re-analysed; ` +
      `its parse ${p.toFixed(2)} ms, edit + re-analysis ${e.toFixed(2)} ms (CPU); ratio ${(e / p).toFixed(2)} (target <= 1.2)`,
  );
}

export async function bench(): Promise<void> {
  const shipped = await loadBundled();
  coldTree(shipped);
  oneFileEdit(shipped);
}
