/**
 * Where a Python lint's time goes, in one run: profiles `lintText` (the shipped bundle) on the
 * bench's generated Keras files, or on every Keras .py file under DIRs, and prints each phase's
 * share of the lint and a bare Lezer parse of the same texts against it. Not part of `npm run
 * bench` (it prints shares, not a target):
 *   node --import tsx bench/python-profile.ts [DIR...] [--lines N] [--runs N]
 * Shares are of the V8 profiler's samples in one process (wall-clock ticks: a loaded machine makes
 * them noisy, so repeat a run before reading a point or two of difference). Phases are found by
 * the bundle's function names; a rule's time is credited to its file, the gradient estimate the
 * rules share to its own line.
 */
import { parser } from '@lezer/python';
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import type { lintText as LintText } from '../src/lint/index';
import { generateKerasFile } from './python-input';
import { loadShipped, pythonFiles } from './shipped';

interface Shipped {
  lintText: typeof LintText;
  mentionsKeras: (source: string) => boolean;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Phases by the bundle's function names (esbuild may add a digit to a name it renames). */
const PHASES: [RegExp, string][] = [
  [/^parsePython\d*$/, 'parse (inside lint)'],
  [/^runUncalled\d*$/, 'speculative runs of uncalled functions and classes'],
  [/^runImporters\d*$/, 'workspace importers'],
  [/^runModule\d*$/, 'module run'],
  [/^builderPattern\d*$/, 'builder names'],
  [/^finalizeModels\d*$/, 'records -> IR'],
  [/^estimateGradients\d*$/, 'rules: gradient estimate'],
  [/^runRule\d*$/, 'rules'],
  [/^parseDirectives\d*$/, 'directives'],
];

/** The bundle's source file at each line, from esbuild's `// src/...` markers. */
function sourceFiles(bundle: string): (line: number) => string {
  const starts: { line: number; file: string }[] = [];
  bundle.split('\n').forEach((text, line) => {
    const marker = /^\/\/ (src\/\S+)$/.exec(text);
    if (marker) starts.push({ line, file: marker[1] });
  });
  return (line) => {
    let file = '?';
    for (const start of starts) if (start.line <= line) file = start.file;
    return file;
  };
}

async function profile(run: () => void): Promise<Profile> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  run();
  const { profile: result } = await session.post('Profiler.stop');
  session.disconnect();
  return result as unknown as Profile;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const dirs = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  const name = 'lint-python-profile';
  const shipped = await loadShipped<Shipped>(
    name,
    `export { lintText } from './src/lint/index';\nexport { mentionsKeras } from './src/analysis/python/parse';`,
    ['@typescript-eslint/typescript-estree', 'typescript', '@lezer/*'],
  );
  const sources =
    dirs.length > 0
      ? dirs
          .flatMap((dir) => pythonFiles(dir))
          .map((file) => readFileSync(file, 'utf8'))
          .filter((source) => shipped.mentionsKeras(source))
      : [generateKerasFile(option('--lines', 500))];
  const runs = option('--runs', dirs.length > 0 ? 5 : 200);
  // Declared functions, so the profile names them.
  function lintAll(): void {
    for (const source of sources) shipped.lintText(source, 'profile.py');
  }
  function parseAll(): void {
    for (const source of sources) parser.parse(source);
  }
  for (let i = 0; i < 3; i++) lintAll();
  const lintProfile = await profile(() => {
    for (let i = 0; i < runs; i++) {
      lintAll();
      parseAll();
    }
  });
  const fileAt = sourceFiles(
    readFileSync(join(__dirname, '..', '.cache', 'bench', `${name}.cjs`), 'utf8'),
  );
  report(lintProfile, fileAt, sources.length, runs);
}

function report(p: Profile, fileAt: (line: number) => string, files: number, runs: number): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const time = new Map<number, number>();
  p.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const shares = new Map<string, number>();
  let lint = 0;
  let bareParse = 0;
  let gc = 0;
  for (const [id, t] of time) {
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      stack.push(byId.get(at)!);
    if (stack[0].callFrame.functionName === '(garbage collector)') gc += t;
    const names = stack.map((n) => n.callFrame.functionName);
    if (!names.some((n) => /^lintText\d*$/.test(n))) {
      if (names.some((n) => /^parseAll\d*$/.test(n))) bareParse += t;
      continue;
    }
    lint += t;
    let phase = 'other (lint setup, dedupe, sorting)';
    for (const [pattern, label] of PHASES) {
      const at = names.findIndex((n) => pattern.test(n));
      if (at < 0) continue;
      phase = label;
      // A rule's time goes to its own file (every rule's function is named `check`).
      if (label === 'rules' && at > 0)
        phase = `rules: ${fileAt(stack[at - 1].callFrame.lineNumber)}`;
      break;
    }
    shares.set(phase, (shares.get(phase) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / lint).toFixed(1)}%`;
  console.log(
    `${files} file(s) x ${runs} runs; lint / bare parse (samples, GC apart) ${(lint / bareParse).toFixed(2)}; ` +
      `GC samples beside them ${pct(gc)} of the lint's`,
  );
  for (const [phase, t] of [...shares].sort((a, b) => b[1] - a[1]))
    console.log(`  ${pct(t).padStart(6)}  ${phase}`);
}

void main();
