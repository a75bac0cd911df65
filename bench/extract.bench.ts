/**
 * Extractor cost against typescript-estree's parse alone (same options, same run).
 * Targets: analyze / parse <= 1.25 for ~400 and ~8,000-line files; a file without tfjs < 1% of a parse.
 */
import { parse } from '@typescript-eslint/typescript-estree';
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { analyze as Analyze } from '../src/analysis/index';
import { PARSE_OPTIONS } from '../src/analysis/js/parse';
import { generateModelFile, generatePlainFile } from './extract-input';
import { cpuMs } from './shipped';

let analyze: typeof Analyze;

/**
 * Measures the extractor as it ships (an esbuild bundle, as in dist/), not through tsx's on-the-fly
 * transpilation, which wraps every function and would inflate the ratio.
 */
async function loadBundledAnalyze(): Promise<typeof Analyze> {
  const root = join(__dirname, '..');
  const outfile = join(root, '.cache', 'bench', 'analysis.cjs');
  await build({
    entryPoints: [join(root, 'src/analysis/index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external: ['@typescript-eslint/typescript-estree', 'typescript'],
    logLevel: 'warning',
  });
  return (createRequire(__filename)(outfile) as { analyze: typeof Analyze }).analyze;
}

function median(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(cpuMs(fn));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function measure(label: string, source: string, runs: number): void {
  const parseOnly = () => parse(source, { ...PARSE_OPTIONS, jsx: false });
  const extract = () => analyze(source, 'bench.ts');
  for (let i = 0; i < 3; i++) {
    parseOnly();
    extract();
  }
  // Interleave so drift on a shared machine hits both sides alike.
  const parseTimes: number[] = [];
  const extractTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    parseTimes.push(median(parseOnly, 1));
    extractTimes.push(median(extract, 1));
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const p = mid(parseTimes);
  const e = mid(extractTimes);
  const models = analyze(source, 'bench.ts').models.length;
  const lines = source.split('\n').length;
  console.log(
    `${label}: ${lines} lines, ${models} models; parse ${p.toFixed(1)} ms, analyze ${e.toFixed(1)} ms (CPU); ratio ${(e / p).toFixed(2)} (target <= 1.25)`,
  );
}

export async function bench(): Promise<void> {
  analyze = await loadBundledAnalyze();
  measure('small', generateModelFile(400), 41);
  measure('large', generateModelFile(8000), 11);
  const plain = generatePlainFile(8000);
  const parseTime = median(() => parse(plain, { ...PARSE_OPTIONS, jsx: false }), 7);
  const skipTime = median(() => analyze(plain, 'plain.ts'), 201);
  console.log(
    `no-tfjs: ${plain.split('\n').length} lines; parse ${parseTime.toFixed(1)} ms, analyze ${skipTime.toFixed(3)} ms; ` +
      `${((100 * skipTime) / parseTime).toFixed(3)}% of a parse (target < 1%)`,
  );
}
