/**
 * `gradient-lens lint` end to end over a project tree in a temp folder: file selection
 * (.gitignore, node_modules), formats, --fix, --rule, --max-warnings, configuration, exit codes.
 * Uses small fake rules so these tests do not move when the real rules change; the last test
 * runs the real registry over the bundled examples.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runLint } from '../src/cli/commands/lint';
import { isSourceFile } from '../src/lint/files';
import { main } from '../src/cli/main';
import type { ModelGraph } from '../src/analysis/ir';
import { rules as registry } from '../src/rules';
import type { Finding } from '../src/rules/types';
import { fakeRule, layerRule } from './lint/fake-rules';

const fixtures = join(__dirname, 'fixtures', 'lint');
const temp = mkdtempSync(join(tmpdir(), 'gl-cli-lint-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** Flags each sigmoid layer at its activation value; the preferred fix writes 'relu'. */
const sigmoidRule = fakeRule(
  'fake-sigmoid',
  (model: ModelGraph) =>
    model.layers.flatMap((layer): Finding[] => {
      const prop = layer.config.props.activation;
      if (prop?.value.kind !== 'string' || prop.value.value !== 'sigmoid' || !prop.valueSpan)
        return [];
      const span = prop.valueSpan;
      return [
        {
          ruleId: 'fake-sigmoid',
          messageId: 'found',
          message: `Layer ${layer.index} (${layer.factory}) saturates.`,
          span,
          model: model.name,
          layerIndex: layer.index,
          fixes: [
            {
              title: 'Use tanh',
              preferred: false,
              edits: [{ start: span.start, end: span.end, text: "'tanh'" }],
            },
            {
              title: 'Use relu',
              preferred: true,
              edits: [{ start: span.start, end: span.end, text: "'relu'" }],
            },
          ],
        },
      ];
    }),
  { fixable: true },
);
const lstmRule = layerRule('fake-lstm', 'lstm');
const rules = [sigmoidRule, lstmRule];

let projectCount = 0;
/** A fresh copy of the project tree: sources, ignored files, node_modules, a nested config. */
function makeProject(extra: Record<string, string> = {}): string {
  const dir = join(temp, `project-${projectCount++}`);
  const files: Record<string, string> = {
    'src/sigmoid-mlp.js': read('sigmoid-mlp.js'),
    'src/relu-mlp.ts': read('relu-mlp.ts'),
    'src/rnn/recurrent.js': read('recurrent.js'),
    'src/types.d.ts': read('sigmoid-mlp.js'),
    'src/notes.txt': read('sigmoid-mlp.js'),
    'generated/out.js': read('sigmoid-mlp.js'),
    'src/model.skip.js': read('sigmoid-mlp.js'),
    'src/keep.skip.js': read('recurrent.js'),
    'node_modules/pkg/index.js': read('sigmoid-mlp.js'),
    '.gitignore': 'generated/\n*.skip.js\n!keep.skip.js\n',
    'src/rnn/.gradientlensrc.json': JSON.stringify({ rules: { 'fake-lstm': 'error' } }),
    ...extra,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function read(name: string): string {
  return readFileSync(join(fixtures, name), 'utf8');
}

async function lint(cwd: string, argv: string[], withRules = rules) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), cwd };
  const code = await runLint(argv, io, { rules: withRules });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

interface JsonFile {
  filePath: string;
  messages: Array<{
    ruleId: string | null;
    severity: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    message: string;
    fixes: unknown[];
    fatal?: boolean;
  }>;
  errorCount: number;
  warningCount: number;
  infoCount: number;
}

test('folders: lints JS/TS sources, skipping node_modules, .d.ts, other extensions and .gitignore matches', async () => {
  const dir = makeProject();
  const { code, stdout } = await lint(dir, ['--format', 'json']);
  const files = (JSON.parse(stdout) as JsonFile[]).map((f) => f.filePath.slice(dir.length + 1));
  assert.deepEqual(files, [
    'src/keep.skip.js',
    'src/relu-mlp.ts',
    'src/rnn/recurrent.js',
    'src/sigmoid-mlp.js',
  ]);
  assert.equal(code, 1, 'the nested config makes fake-lstm an error in src/rnn');
});

test('json: per-file messages with 1-based positions, severities, fixes and counts', async () => {
  const dir = makeProject();
  const { stdout } = await lint(dir, ['src/sigmoid-mlp.js', '--format', 'json']);
  const [file] = JSON.parse(stdout) as JsonFile[];
  assert.equal(file.filePath, join(dir, 'src/sigmoid-mlp.js'));
  // Line 7 is a loop body run three times: reported once. The lstm on line 9 is disabled by its directive.
  assert.deepEqual(
    file.messages.map((m) => [m.ruleId, m.severity, m.line, m.column, m.endLine, m.endColumn]),
    [
      ['fake-sigmoid', 'warning', 5, 54, 5, 63],
      ['fake-sigmoid', 'warning', 7, 56, 7, 65],
      ['fake-sigmoid', 'warning', 10, 53, 10, 62],
    ],
  );
  assert.equal(file.messages[0].fixes.length, 2);
  assert.deepEqual([file.errorCount, file.warningCount, file.infoCount], [0, 3, 0]);
});

test('stylish: grouped by file with relative paths, aligned rows, a summary and the fixable count, no colors', async () => {
  const dir = makeProject();
  const { code, stdout } = await lint(dir, ['src']);
  assert.equal(code, 1);
  assert.ok(!stdout.includes('\u001b['), 'no ANSI escapes when not on a terminal');
  const lines = stdout.split('\n');
  const header = lines.indexOf('src/sigmoid-mlp.js');
  assert.ok(header > 0, stdout);
  assert.match(
    lines[header + 1],
    /^ {2}5:54 {3}warning {2}Layer 0 \(dense\) saturates\. {2}fake-sigmoid$/,
  );
  assert.match(
    lines[header + 2],
    /^ {2}7:56 {3}warning {2}Layer 1 \(dense\) saturates\. {2}fake-sigmoid$/,
  );
  assert.ok(lines.includes('src/rnn/recurrent.js'));
  assert.match(stdout, /^ {2}4:\d+ +error {2}.* {2}fake-lstm$/m);
  assert.match(
    stdout,
    /\u2716 5 problems \(1 error, 4 warnings, 0 info\)\n {2}3 problems fixable with --fix\n$/,
  );
});

test('stylish prints nothing for a clean run, which exits 0', async () => {
  const dir = makeProject();
  const { code, stdout, stderr } = await lint(dir, ['src/relu-mlp.ts']);
  assert.deepEqual([code, stdout, stderr], [0, '', '']);
});

test('--fix applies the preferred fixes, rewrites the files, and reports what is left', async () => {
  const dir = makeProject();
  const { code, stdout } = await lint(dir, ['src/sigmoid-mlp.js', '--fix', '--format', 'json']);
  const fixed = readFileSync(join(dir, 'src/sigmoid-mlp.js'), 'utf8');
  assert.equal(fixed, read('sigmoid-mlp.js').replaceAll("'sigmoid'", "'relu'"));
  assert.deepEqual((JSON.parse(stdout) as JsonFile[])[0].messages, []);
  assert.equal(code, 0);
  const untouched = readFileSync(join(dir, 'generated/out.js'), 'utf8');
  assert.equal(untouched, read('sigmoid-mlp.js'));
});

test('--rule overrides severities over the configuration file; bad flags exit 2 with one line', async () => {
  const dir = makeProject();
  const asError = await lint(dir, [
    'src/sigmoid-mlp.js',
    '--rule',
    'fake-sigmoid=error',
    '--format',
    'json',
  ]);
  assert.equal(asError.code, 1);
  assert.equal((JSON.parse(asError.stdout) as JsonFile[])[0].errorCount, 3);
  const off = await lint(dir, ['src/rnn', '--rule', 'fake-lstm=off', '--rule', 'fake-sigmoid=off']);
  assert.deepEqual([off.code, off.stdout], [0, '']);
  const unknown = await lint(dir, ['--rule', 'no-such-rule=error']).catch((error: Error) => error);
  assert.ok(unknown instanceof Error);
  assert.match(unknown.message, /"rules\.no-such-rule" is not a known rule/);
});

test('--max-warnings: over the limit exits 1 with a reason, at the limit exits 0', async () => {
  const dir = makeProject();
  const over = await lint(dir, ['src/sigmoid-mlp.js', '--max-warnings', '2']);
  assert.equal(over.code, 1);
  assert.equal(over.stderr, 'gradient-lens lint: 3 warnings, more than --max-warnings 2\n');
  const atLimit = await lint(dir, ['src/sigmoid-mlp.js', '--max-warnings', '3']);
  assert.deepEqual([atLimit.code, atLimit.stderr], [0, '']);
});

test('--report-unused-directives reports a directive that suppressed nothing', async () => {
  const dir = makeProject({
    'src/unused.js': `// gradient-lens-disable-next-line fake-lstm\n${read('relu-mlp.ts')}`,
  });
  const quiet = await lint(dir, ['src/unused.js']);
  assert.deepEqual([quiet.code, quiet.stdout], [0, '']);
  const { code, stdout } = await lint(dir, ['src/unused.js', '--report-unused-directives']);
  assert.equal(code, 0);
  assert.match(
    stdout,
    /1:1 {2}warning {2}Unused gradient-lens-disable-next-line directive \(no findings from 'fake-lstm'/,
  );
});

test('--fix with --report-unused-directives deletes directives that suppress nothing', async () => {
  const dir = makeProject({
    'src/unused.js': `// gradient-lens-disable-next-line fake-lstm\n${read('relu-mlp.ts')}`,
  });
  const { code, stdout } = await lint(dir, [
    'src/unused.js',
    '--fix',
    '--report-unused-directives',
  ]);
  assert.deepEqual([code, stdout], [0, '']);
  assert.equal(readFileSync(join(dir, 'src/unused.js'), 'utf8'), read('relu-mlp.ts'));
});

test('a syntax error is reported as a fatal error message and exits 1', async () => {
  const dir = makeProject({ 'src/broken.js': read('broken.js') });
  const { code, stdout } = await lint(dir, ['src/broken.js', '--format', 'json']);
  const [file] = JSON.parse(stdout) as JsonFile[];
  assert.equal(code, 1);
  assert.equal(file.messages.length, 1);
  assert.deepEqual(
    [file.messages[0].ruleId, file.messages[0].fatal, file.messages[0].line],
    [null, true, 2],
  );
});

test('a crashing rule is reported, the other rules still report, and the exit code is 2', async () => {
  const dir = makeProject();
  const crash = fakeRule('crash', () => {
    throw new Error('kaboom');
  });
  const { code, stdout, stderr } = await lint(dir, ['src/sigmoid-mlp.js'], [sigmoidRule, crash]);
  assert.equal(code, 2);
  assert.match(stdout, /fake-sigmoid/);
  assert.match(stdout, /Rule 'crash' crashed/);
  assert.match(stderr, /^gradient-lens lint: internal error while linting 1 file\(s\).*kaboom\n$/);
});

test('an invalid configuration file stops the run before any file is fixed', async () => {
  const dir = makeProject({
    'src/.gradientlensrc.json': '{"rules": {"fake-sigmoid": ["warning", {"depth": 2}]}}',
  });
  const result = await lint(dir, ['src', '--fix']).catch((error: Error) => error);
  assert.ok(result instanceof Error);
  assert.match(
    result.message,
    /src\/\.gradientlensrc\.json: "rules\.fake-sigmoid\[1\]\.depth" is not an option/,
  );
  assert.equal(readFileSync(join(dir, 'src/sigmoid-mlp.js'), 'utf8'), read('sigmoid-mlp.js'));
});

test('usage and input errors exit 2 with a one-line reason on stderr (through main)', async () => {
  const dir = makeProject();
  const cases: Array<[string[], RegExp]> = [
    [['lint', 'missing-folder'], /no such file or directory: missing-folder/],
    [['lint', 'generated'], /no JS\/TS, HTML, Vue\/Svelte or Python files to lint in generated/],
    [['lint', '--format', 'xml'], /unknown --format "xml"/],
    [['lint', '--max-warnings', 'lots'], /--max-warnings expects a whole number/],
    [['lint', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['lint', '--rule', 'nonsense'], /expected RULE-ID=off\|info\|warning\|error/],
  ];
  for (const [argv, reason] of cases) {
    const err: string[] = [];
    const code = await main(argv, { stdout: () => {}, stderr: (s) => err.push(s), cwd: dir });
    assert.equal(code, 2, argv.join(' '));
    const text = err.join('');
    assert.match(text, reason);
    assert.equal(text.trimEnd().split('\n').length, 1, `one line: ${text}`);
  }
  const out: string[] = [];
  assert.equal(
    await main(['lint', '--help'], { stdout: (s) => out.push(s), stderr: () => {}, cwd: dir }),
    0,
  );
  assert.match(out.join(''), /--max-warnings N/);
});

test('a file named explicitly is linted whatever its extension', async () => {
  const dir = makeProject();
  const { stdout } = await lint(dir, ['src/notes.txt', '--format', 'json']);
  assert.equal((JSON.parse(stdout) as JsonFile[])[0].messages.length, 3);
});

const examplesDir = join(__dirname, '..', 'examples');
const hasExamples = existsSync(examplesDir) && readdirSync(examplesDir).some(isSourceFile);

test(
  'the real rules lint the bundled examples and find real problems',
  {
    skip:
      registry.length === 0
        ? 'no rules registered yet'
        : !hasExamples
          ? 'examples/ has no model files yet'
          : false,
  },
  async () => {
    const dir = join(temp, 'examples');
    cpSync(examplesDir, dir, { recursive: true });
    const out: string[] = [];
    const code = await main(['lint', '.', '--format', 'json'], {
      stdout: (s) => out.push(s),
      stderr: () => {},
      cwd: dir,
    });
    const files = JSON.parse(out.join('')) as JsonFile[];
    const ruleIds = new Set(files.flatMap((f) => f.messages.map((m) => m.ruleId)));
    assert.ok(files.length > 0);
    assert.ok(
      ruleIds.size >= 2,
      `expected findings from several rules, got ${[...ruleIds].join(', ')}`,
    );
    assert.ok(!ruleIds.has(null), 'no parse or internal problems in the examples');
    assert.ok(code === 0 || code === 1);
  },
);
