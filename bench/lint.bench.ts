/**
 * Full lint (parse + extract + every rule + directives) as a ratio to typescript-estree's parse
 * alone with the analyzer's own options, on generated files of about 400 and 8,000 lines.
 * Target: ratio <= 1.3. Also shown, to place a regression: the analyzer alone, and the linter
 * with no rule (analyzer + directives + dedupe + sort). The contenders run interleaved, round
 * after round in a rotating order, and each reports its median, so load from other processes and
 * garbage collection hit them all alike.
 */
import { parse } from '@typescript-eslint/typescript-estree';
import { analyze } from '../src/analysis';
import { PARSE_OPTIONS } from '../src/analysis/js/parse';
import { lintText } from '../src/lint/index';
import { rules } from '../src/rules';
import { generateModelFile } from '../test/lint/model-code';

const TARGET = 1.3;

export async function bench(): Promise<void> {
  const config = {
    rules: Object.fromEntries(
      rules.map((rule) => [rule.id, { severity: 'warning' as const, options: {} }]),
    ),
    reportUnusedDirectives: true,
  };
  console.log(`rules registered: ${rules.length}`);
  for (const lines of [400, 8000]) {
    const source = generateModelFile(lines, 42);
    const result = lintText(source, 'bench.ts', config);
    const times = interleavedMedians(lines > 1000 ? 8 : 40, {
      parse: () => parse(source, { ...PARSE_OPTIONS, jsx: false }),
      analyze: () => analyze(source, 'bench.ts'),
      noRules: () => lintText(source, 'bench.ts', config, { rules: [] }),
      lint: () => lintText(source, 'bench.ts', config),
    });
    const ratio = (ms: number) => (ms / times.parse).toFixed(2);
    const verdict = times.lint / times.parse <= TARGET ? 'ok' : 'OVER';
    console.log(
      `${String(source.split('\n').length).padStart(5)} lines, ${result.messages.length} findings: ` +
        `parse ${times.parse.toFixed(1)} ms; analyze ${ratio(times.analyze)}x; ` +
        `lint without rules ${ratio(times.noRules)}x; full lint ${ratio(times.lint)}x ` +
        `(target <= ${TARGET}) ${verdict}`,
    );
  }
}

export function interleavedMedians<K extends string>(
  rounds: number,
  contenders: Record<K, () => unknown>,
): Record<K, number> {
  const names = Object.keys(contenders) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    K,
    number[]
  >;
  // Warm-up: a few calls each, so every contender's code is optimized before it is timed.
  for (let i = 0; i < 3; i++) for (const name of names) contenders[name]();
  for (let round = 0; round < rounds; round++) {
    // The order turns every round: each contender follows each other one equally often, so the
    // garbage one leaves behind is not always collected inside the same neighbour's timing.
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      const started = performance.now();
      contenders[name]();
      samples[name].push(performance.now() - started);
    }
  }
  const medians = {} as Record<K, number>;
  for (const name of names) {
    const sorted = samples[name].sort((a, b) => a - b);
    medians[name] = sorted[Math.floor(sorted.length / 2)];
  }
  return medians;
}
