/**
 * The ESLint plugin's cost: `eslint` with every gradient-lens rule on, as a ratio to `eslint` with
 * no rule at all (same parser, @typescript-eslint/parser), on generated files of about 400 and
 * 8,000 lines. Target: ratio <= 1.3, which holds only because the plugin analyzes ESLint's own AST
 * once per file instead of parsing again.
 */
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin from '../packages/eslint-plugin/src/index';
import { generateModelFile } from '../test/lint/model-code';
import { interleavedMedians } from './lint.bench';

const TARGET = 1.3;

export async function bench(): Promise<void> {
  const linter = new Linter();
  const parserOnly: Linter.Config[] = [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  ];
  const withPlugin: Linter.Config[] = [...parserOnly, plugin.configs.recommended];
  for (const lines of [400, 8000]) {
    const source = generateModelFile(lines, 42);
    const findings = linter.verify(source, withPlugin, 'bench.ts');
    const fatal = findings.find((m) => m.fatal);
    if (fatal) throw new Error(`bench file does not parse: ${fatal.message}`);
    const times = interleavedMedians(lines > 1000 ? 8 : 30, {
      eslint: () => linter.verify(source, parserOnly, 'bench.ts'),
      plugin: () => linter.verify(source, withPlugin, 'bench.ts'),
    });
    const ratio = times.plugin / times.eslint;
    console.log(
      `${String(source.split('\n').length).padStart(5)} lines, ${findings.length} findings: ` +
        `eslint without rules ${times.eslint.toFixed(1)} ms; with gradient-lens/recommended ` +
        `${ratio.toFixed(2)}x (target <= ${TARGET}) ${ratio <= TARGET ? 'ok' : 'OVER'}`,
    );
  }
}
