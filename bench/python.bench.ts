/**
 * Linting Python (Keras) files against Lezer's parse alone, in the same run: the whole lint (parse,
 * evaluation, IR, every rule, directives) over a bare `parser.parse`, and the front end alone
 * (`analyze`). Target: lint / parse <= 1.3 for ~500 and ~8,000-line files; a Python file without
 * Keras < 1% of a parse. Run: `node --import tsx bench/python.bench.ts` (or `npm run bench -- python`).
 * Not met yet (CHANGELOG has the figures): the parse inside the lint is about half of it and the
 * rules about a fifth, so even a free evaluation would leave about 1.5x; bench/python-profile.ts
 * shows the shares.
 */
import { parser } from '@lezer/python';
import type { analyze as Analyze } from '../src/analysis/index';
import type { lintText as LintText } from '../src/lint/index';
import { generateKerasFile } from './python-input';
import { cpuMs, loadShipped, median } from './shipped';

let lintText: typeof LintText;
let analyze: typeof Analyze;

/** The linter as it ships, sharing this process's @lezer/python. */
async function loadBundled(): Promise<{ lintText: typeof LintText; analyze: typeof Analyze }> {
  return loadShipped(
    'lint-python',
    `export { lintText } from './src/lint/index';\nexport { analyze } from './src/analysis/index';`,
    ['@typescript-eslint/typescript-estree', 'typescript', '@lezer/*'],
  );
}

function measure(label: string, source: string, runs: number): void {
  const parseOnly = () => parser.parse(source);
  const lint = () => lintText(source, 'bench.py');
  const extract = () => analyze(source, 'bench.py');
  for (let i = 0; i < 3; i++) {
    parseOnly();
    lint();
    extract();
  }
  // Interleaved so drift on a shared machine hits both sides alike.
  const parseTimes: number[] = [];
  const lintTimes: number[] = [];
  const extractTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    parseTimes.push(cpuMs(parseOnly));
    lintTimes.push(cpuMs(lint));
    extractTimes.push(cpuMs(extract));
  }
  const p = median(parseTimes);
  const l = median(lintTimes);
  const e = median(extractTimes);
  const result = lintText(source, 'bench.py');
  const lines = source.split('\n').length;
  console.log(
    `${label}: ${lines} lines, ${result.messages.length} findings; parse ${p.toFixed(1)} ms, ` +
      `analyze ${e.toFixed(1)} ms (ratio ${(e / p).toFixed(2)}), lint ${l.toFixed(1)} ms (CPU; ratio ${(l / p).toFixed(2)}, target <= 1.3)`,
  );
}

export async function bench(): Promise<void> {
  ({ lintText, analyze } = await loadBundled());
  measure('small', generateKerasFile(500), 41);
  measure('large', generateKerasFile(8000), 11);
  const plain = generateKerasFile(8000)
    .replace(/^(?:import|from) .*$/gm, '')
    .replace(/keras|Sequential/g, 'k');
  const parseTime = median(Array.from({ length: 7 }, () => cpuMs(() => parser.parse(plain))));
  const skipTime = median(
    Array.from({ length: 201 }, () => cpuMs(() => lintText(plain, 'plain.py'))),
  );
  console.log(
    `no-keras: ${plain.split('\n').length} lines; parse ${parseTime.toFixed(1)} ms, lint ${skipTime.toFixed(3)} ms; ` +
      `${((100 * skipTime) / parseTime).toFixed(3)}% of a parse (target < 1%)`,
  );
}

if (require.main === module) void bench();
