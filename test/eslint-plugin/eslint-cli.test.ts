/**
 * The real `eslint` command on examples/ with the built plugin's recommended config reports the same
 * rules at the same lines and columns as `gradient-lens lint examples` does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..', '..');
const pluginBundle = join(root, 'packages', 'eslint-plugin', 'dist', 'index.js');
const temp = mkdtempSync(join(tmpdir(), 'gl-eslint-cli-'));
after(() => rmSync(temp, { recursive: true, force: true }));

interface Row {
  file: string;
  line: number;
  column: number;
  rule: string;
}

const key = (r: Row) => `${r.file}:${r.line}:${r.column} ${r.rule}`;

test(
  'eslint with the plugin and gradient-lens lint agree on examples/',
  { skip: !existsSync(pluginBundle) && 'run "npm run build" first: the plugin bundle is missing' },
  () => {
    const config = join(temp, 'eslint.config.mjs');
    const parser = pathToFileURL(
      join(root, 'node_modules', 'typescript-eslint', 'dist', 'index.js'),
    );
    writeFileSync(
      config,
      `import tseslint from '${parser.href}';
import gradientLens from '${pathToFileURL(pluginBundle).href}';
export default [
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  gradientLens.configs.recommended,
];
`,
    );
    const eslint = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'),
        '--no-config-lookup',
        '-c',
        config,
        '-f',
        'json',
        'examples',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    assert.ok(eslint.status === 0 || eslint.status === 1, eslint.stderr);
    const eslintRows: Row[] = (
      JSON.parse(eslint.stdout) as Array<{
        filePath: string;
        messages: Array<{ line: number; column: number; ruleId: string | null }>;
      }>
    ).flatMap((file) =>
      file.messages.map((m) => ({
        file: file.filePath.slice(root.length + 1),
        line: m.line,
        column: m.column,
        rule: String(m.ruleId).replace(/^gradient-lens\//, ''),
      })),
    );

    const cli = spawnSync(
      process.execPath,
      [join(root, 'bin', 'gradient-lens.js'), 'lint', 'examples', '--format', 'json'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    assert.ok(cli.status === 0 || cli.status === 1, cli.stderr);
    const results = JSON.parse(cli.stdout) as Array<{
      filePath: string;
      messages: Array<{ ruleId: string; line: number; column: number; severity: string }>;
    }>;
    // ESLint has no "info" level: the plugin reports warnings and errors only.
    const cliRows: Row[] = results.flatMap((file) =>
      file.messages
        .filter((m) => m.severity !== 'info')
        .map((m) => ({
          file: file.filePath.slice(root.length + 1),
          line: m.line,
          column: m.column,
          rule: m.ruleId,
        })),
    );

    assert.ok(cliRows.length >= 5, `examples/ should raise findings, got ${cliRows.length}`);
    assert.deepEqual(eslintRows.map(key).sort(), cliRows.map(key).sort());
  },
);
