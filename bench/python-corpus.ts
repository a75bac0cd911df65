/**
 * Lint / parse per real Python file, for judging whether python.bench.ts's generated file is like real
 * Keras code. Not part of `npm run bench` (it needs a checkout of other people's code):
 *   node --import tsx bench/python-corpus.ts DIR... [--top N]
 * DIRs are plain folders (extract a git snapshot first). Each file that mentions Keras is parsed and
 * linted with the shipped bundle: the first lint (its caches cold, the JIT warm) and the median of
 * repeated ones, against the median of a bare `parser.parse`, all CPU time.
 */
import { parser } from '@lezer/python';
import { readFileSync } from 'node:fs';
import type { lintText as LintText } from '../src/lint/index';
import { cpuMs, loadShipped, median, pythonFiles } from './shipped';

interface Shipped {
  lintText: typeof LintText;
  mentionsKeras: (source: string) => boolean;
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 10;
  const dirs = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--top');
  const { lintText, mentionsKeras } = await loadShipped<Shipped>(
    'lint-python-corpus',
    `export { lintText } from './src/lint/index';\nexport { mentionsKeras } from './src/analysis/python/parse';`,
    ['@typescript-eslint/typescript-estree', 'typescript', '@lezer/*'],
  );
  const rows: { file: string; lines: number; parse: number; first: number; lint: number }[] = [];
  for (const file of dirs.flatMap((dir) => pythonFiles(dir))) {
    const source = readFileSync(file, 'utf8');
    if (!mentionsKeras(source)) continue;
    parser.parse(source);
    const first = cpuMs(() => lintText(source, 'corpus.py'));
    const runs = source.length > 20_000 ? 5 : 11;
    const parseTimes: number[] = [];
    const lintTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      parseTimes.push(cpuMs(() => parser.parse(source)));
      lintTimes.push(cpuMs(() => lintText(source, 'corpus.py')));
    }
    const lines = source.split('\n').length;
    rows.push({ file, lines, parse: median(parseTimes), first, lint: median(lintTimes) });
  }
  const sum = (key: 'parse' | 'first' | 'lint') => rows.reduce((a, r) => a + r[key], 0);
  const ratios = rows.filter((r) => r.parse >= 0.5).map((r) => r.lint / r.parse);
  console.log(
    `${rows.length} Keras files, median ${quantile(
      rows.map((r) => r.lines),
      0.5,
    )} lines; summed CPU: parse ${sum('parse').toFixed(0)} ms, first lint ${sum('first').toFixed(0)} ms ` +
      `(${(sum('first') / sum('parse')).toFixed(2)}x), repeated lint ${sum('lint').toFixed(0)} ms ` +
      `(${(sum('lint') / sum('parse')).toFixed(2)}x)`,
  );
  console.log(
    `lint / parse per file (parse >= 0.5 ms, ${ratios.length} files): p25 ${quantile(ratios, 0.25).toFixed(2)}, ` +
      `median ${quantile(ratios, 0.5).toFixed(2)}, p75 ${quantile(ratios, 0.75).toFixed(2)}, p95 ${quantile(ratios, 0.95).toFixed(2)}`,
  );
  console.log('costliest over their parse (lines, parse, first lint, lint ms, file):');
  for (const r of rows.sort((a, b) => b.first - b.parse - (a.first - a.parse)).slice(0, top)) {
    console.log(
      `  ${r.lines} ${r.parse.toFixed(2)} ${r.first.toFixed(1)} ${r.lint.toFixed(1)} ${r.file}`,
    );
  }
}

void main();
