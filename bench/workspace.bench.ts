/**
 * Workspace cost against typescript-estree's parse alone, in the same run.
 * Targets: analysing the whole tfjs-examples tree as one workspace, cold, costs <= 1.5x a bare
 * parse of the same files; one edited file in a 50-file project re-analyses (that file and every
 * file that depends on it) in <= 1.2x that file's own parse.
 * The baseline is typescript-estree's parse as it ships (its default options), not the analysis's
 * own parse: a cheaper parse in the analysis must show as a gain, not move the baseline with it.
 * Two more baselines are printed beside it: the leanest parse the analysis can use (loc and
 * range) and the parse with comments that the analysis asked for until 2026-12-02.
 * The tfjs-examples files are read from the local mirror with git into a temp dir at bench time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as WorkspaceModule from '../src/workspace/index';
import type { analyze as Analyze } from '../src/analysis/index';
import type { parseSource as ParseSource } from '../src/analysis/js/parse';
import { cpuMs, loadShipped, median } from './shipped';
import { parse } from '@typescript-eslint/typescript-estree';
import { jsxAttempts } from '../src/analysis/js/parse';

const MIRROR = '/work/.mirror/tensorflow+tfjs-examples/repo';
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

interface Shipped {
  createWorkspace: typeof WorkspaceModule.createWorkspace;
  parseSource: typeof ParseSource;
  analyze: typeof Analyze;
}

/** The workspace as it ships (an esbuild bundle), not through tsx's transpilation. */
async function loadBundled(): Promise<Shipped> {
  return loadShipped(
    'workspace',
    `export { createWorkspace } from './src/workspace/index';\nexport { parseSource } from './src/analysis/js/parse';\nexport { analyze } from './src/analysis/index';\n`,
  );
}

/**
 * The baseline: typescript-estree's parse as it ships (its default options: no comments, no
 * tokens), with the JSX settings the workspace tries for the file, in the same order.
 */
function bareParse(source: string, path: string): void {
  parseWith(source, path, {});
}

/** The leanest parse the analysis can use (locations and ranges, nothing else): a second figure. */
function leanParse(source: string, path: string): void {
  parseWith(source, path, { loc: true, range: true });
}

/** The parse the analysis asked for until 2026-12-02 (with comments): this morning's baseline. */
function commentedParse(source: string, path: string): void {
  parseWith(source, path, { loc: true, range: true, comment: true });
}

function parseWith(
  source: string,
  path: string,
  options: { loc?: boolean; range?: boolean; comment?: boolean },
): void {
  // Like parseSource: the next JSX setting only after a syntax error; the last error is dropped.
  for (const jsx of jsxAttempts(path)) {
    try {
      parse(source, { ...options, jsx });
      return;
    } catch {
      continue;
    }
  }
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
      for (const path of paths) bareParse(files.get(path)!, path);
    };
    const leanAll = () => {
      for (const path of paths) leanParse(files.get(path)!, path);
    };
    const commentedAll = () => {
      for (const path of paths) commentedParse(files.get(path)!, path);
    };
    let parsed: string[] = [];
    let models = 0;
    const analyseAll = () => {
      const ws = shipped.createWorkspace(root, memoryHost(files));
      models = 0;
      for (const path of paths) models += ws.analyzeFile(path).models.length;
      parsed = ws.parsedFiles();
    };
    // Files that never name tfjs and that no tfjs file imports are never parsed by the workspace:
    // the second baseline parses only the files it did parse, for the stricter ratio.
    const parseParsed = () => {
      for (const path of parsed) bareParse(files.get(path)!, path);
    };
    const analyseAlone = () => {
      for (const path of paths) shipped.analyze(files.get(path)!, path);
    };
    parseAll();
    analyseAll();
    parseParsed();
    analyseAlone();
    leanAll();
    commentedAll();
    const times = {
      parse: [] as number[],
      subset: [] as number[],
      ws: [] as number[],
      alone: [] as number[],
      lean: [] as number[],
      commented: [] as number[],
    };
    for (let i = 0; i < 5; i++) {
      times.parse.push(cpuMs(parseAll));
      times.ws.push(cpuMs(analyseAll));
      times.subset.push(cpuMs(parseParsed));
      times.alone.push(cpuMs(analyseAlone));
      times.lean.push(cpuMs(leanAll));
      times.commented.push(cpuMs(commentedAll));
    }
    const p = median(times.parse);
    const q = median(times.subset);
    const w = median(times.ws);
    const a = median(times.alone);
    const l = median(times.lean);
    const c = median(times.commented);
    console.log(
      `whole tree (tfjs-examples): ${paths.length} files, ${parsed.length} parsed by the workspace, ${models} models; ` +
        `parse all ${p.toFixed(0)} ms, workspace cold ${w.toFixed(0)} ms (CPU); ratio ${(w / p).toFixed(2)} (target <= 1.5); ` +
        `against parsing only the ${parsed.length} files it parsed (${q.toFixed(0)} ms): ${(w / q).toFixed(2)}; ` +
        `each file analysed alone, without the workspace: ${a.toFixed(0)} ms, ${(a / p).toFixed(2)}`,
    );
    console.log(
      `  other baselines: the leanest parse (loc, range) ${l.toFixed(0)} ms, workspace ${(w / l).toFixed(2)}; ` +
        `the parse with comments (the analysis's options until 2026-12-02) ${c.toFixed(0)} ms, workspace ${(w / c).toFixed(2)}`,
    );
  } finally {
    tree.cleanup();
  }
}

/** A 50-file project of the usual shapes: shared constants and config, builders, trainers. */
export function project(root: string): Map<string, string> {
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
    files.set(join(root, `src/models/model${i}.js`), modelFile(i));
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

/** A builder module the size of a typical example's model file (about 120 lines). */
function modelFile(i: number): string {
  const blocks = Array.from(
    { length: 4 },
    (_, k) => `
  // Block ${k}: convolution, normalisation, pooling. Filters grow with depth.
  model.add(
    tf.layers.conv2d({
      filters: cfg.hidden[${k % 3}] / 4,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: 'heNormal',
    }),
  );
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }));`,
  ).join('\n');
  return `import * as tf from '@tensorflow/tfjs';
import { IMAGE_H, IMAGE_W } from '../data.js';
import cfg from '../config.js';

/**
 * Builder ${i}: a small convolutional classifier.
 *
 * @param {number} classes how many labels the last layer predicts
 * @param {number} dropout the rate of the dropout layer before it
 * @returns {tf.Sequential} the model, not yet compiled
 */
export function createModel${i}(classes, dropout = 0.2) {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [IMAGE_H, IMAGE_W, 1] }));
${blocks}

  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: cfg.hidden[0], activation: 'relu', kernelInitializer: 'heNormal' }));
  model.add(tf.layers.dropout({ rate: dropout }));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax' }));
  return model;
}

/** Scales pixel values to [0, 1] and adds the channel axis the first layer expects. */
export function preprocess(images) {
  return tf.tidy(() => images.toFloat().div(255).reshape([-1, IMAGE_H, IMAGE_W, 1]));
}

/** Prints each layer's output shape and parameter count, for the page's log. */
export function describe(model) {
  const lines = [];
  for (const layer of model.layers) {
    lines.push(\`\${layer.name}: \${JSON.stringify(layer.outputShape)} (\${layer.countParams()} parameters)\`);
  }
  return lines.join('\\n');
}
`;
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
  const nextText = () => original.replace('dropout = 0.2', `dropout = 0.${(round++ % 8) + 1}`);
  // What the editor does on each keystroke: the edited file alone (importers re-lint on save).
  const editOnly = () => {
    ws.update(edited, nextText());
    ws.analyzeFile(edited);
  };
  // Everything the edit invalidates, analysed again.
  const affected = [edited, ...ws.dependents(edited)];
  const editAll = () => {
    dependents = affected.length - 1;
    ws.update(edited, nextText());
    for (const path of affected) ws.analyzeFile(path);
  };
  const parseOnce = () => bareParse(nextText(), edited);
  const leanOnce = () => leanParse(nextText(), edited);
  const commentedOnce = () => commentedParse(nextText(), edited);
  const analyzeAlone = () => shipped.analyze(nextText(), edited);
  // Breakdown: the analysis alone on a tree parsed beforehand (what it adds on top of a parse).
  const parsedTree = shipped.parseSource(original, edited);
  const program = parsedTree.ok ? parsedTree.ast : undefined;
  const analyzeParsed = () => shipped.analyze(original, edited, { program });
  for (let i = 0; i < 5; i++) {
    editOnly();
    editAll();
    parseOnce();
    analyzeAlone();
    leanOnce();
    commentedOnce();
    analyzeParsed();
  }
  const times = {
    parse: [] as number[],
    alone: [] as number[],
    only: [] as number[],
    all: [] as number[],
    lean: [] as number[],
    commented: [] as number[],
    parsed: [] as number[],
  };
  for (let i = 0; i < 41; i++) {
    times.parse.push(cpuMs(parseOnce));
    times.only.push(cpuMs(editOnly));
    times.all.push(cpuMs(editAll));
    times.alone.push(cpuMs(analyzeAlone));
    times.lean.push(cpuMs(leanOnce));
    times.commented.push(cpuMs(commentedOnce));
    times.parsed.push(cpuMs(analyzeParsed));
  }
  const p = median(times.parse);
  const ratio = (xs: number[], base = p) => (median(xs) / base).toFixed(2);
  console.log(
    `one-file edit: ${files.size}-file project, ${original.split('\n').length}-line builder file, ${dependents} dependent(s); ` +
      `its parse ${p.toFixed(2)} ms (CPU); re-analysis of the file ${ratio(times.only)}, with its dependents ` +
      `${ratio(times.all)} (target <= 1.2); the file analysed alone, without the workspace, ${ratio(times.alone)}`,
  );
  const l = median(times.lean);
  const c = median(times.commented);
  console.log(
    `  other baselines: the leanest parse (loc, range) ${l.toFixed(2)} ms, with its dependents ${ratio(times.all, l)}; ` +
      `the parse with comments (the analysis's options until 2026-12-02) ${c.toFixed(2)} ms, ${ratio(times.all, c)}; ` +
      `breakdown: the analysis on a tree parsed beforehand ${ratio(times.parsed)} of the parse`,
  );
}

export async function bench(): Promise<void> {
  const shipped = await loadBundled();
  coldTree(shipped);
  oneFileEdit(shipped);
}
