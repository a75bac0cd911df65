/**
 * The npm packages as a user gets them: `npm run pack:npm`, then the gradient-lens tarball installed
 * into an empty project (offline: it has no dependencies), where the CLI's commands, `require`,
 * `import` and a type-checked consumer all work; and the ESLint plugin tarball, loaded by ESLint.
 * Slow (a production build and an install): it runs once, in the full suite.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Linter } from 'eslint';

const root = join(__dirname, '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
};
const tarball = join(root, 'packages-out', `gradient-lens-${version}.tgz`);
const pluginTarball = join(root, 'packages-out', `eslint-plugin-gradient-lens-${version}.tgz`);
const temp = mkdtempSync(join(tmpdir(), 'gl-npm-'));
const project = join(temp, 'project');
after(() => rmSync(temp, { recursive: true, force: true }));

const MODEL = `const tf = require('@tensorflow/tfjs');

const model = tf.sequential();
model.add(tf.layers.dense({ inputShape: [8], units: 16, activation: 'sigmoid' }));
for (let i = 0; i < 6; i++) model.add(tf.layers.dense({ units: 16, activation: 'sigmoid' }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
`;

function sh(command: string, args: string[], cwd = project): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', NO_COLOR: '1' },
    maxBuffer: 64 << 20,
  });
}

function ok(run: SpawnSyncReturns<string>, what: string, allowed = [0]): string {
  assert.ok(
    allowed.includes(run.status ?? -1),
    `${what} exited ${run.status}:\n${run.stderr}\n${run.stdout}`,
  );
  return run.stdout;
}

before(() => {
  ok(sh('npm', ['run', 'pack:npm'], root), 'npm run pack:npm');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true }\n');
  writeFileSync(join(project, 'model.js'), MODEL);
  ok(
    sh('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball]),
    'npm install --offline',
  );
});

test('the tarball has no dependencies and ships the wasm files beside the probe worker', () => {
  const installed = join(project, 'node_modules', 'gradient-lens');
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  assert.deepEqual(manifest.dependencies ?? {}, {});
  assert.equal(manifest.optionalDependencies, undefined);
  for (const file of ['probe-worker.js', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
    assert.ok(statSync(join(installed, 'dist', file)).size > 0, file);
  }
  const listed = ok(sh('tar', ['tzf', tarball], temp), 'tar')
    .split('\n')
    .filter(Boolean);
  const unexpected = listed.filter(
    (path) =>
      !/^package\/(package\.json|README\.md|CHANGELOG\.md|LICENSE|bin\/gradient-lens\.js|dist\/[\w-]+\.(js|mjs|wasm)|dist\/media\/report\.(js|css)|docs\/rules\/[a-z-]+\.md|types\/[\w/-]+\.d\.ts)$/.test(
        path,
      ),
  );
  assert.deepEqual(unexpected, [], 'only what runs (no sources, tests, maps)');

  // The README states the tarball's size (decimal MB): it must stay true within 5 %.
  const stated = /The tarball is ([\d.]+) MB/.exec(readFileSync(join(root, 'README.md'), 'utf8'));
  assert.ok(stated, 'the README states the tarball size as "The tarball is N MB"');
  const actual = statSync(tarball).size / 1e6;
  assert.ok(
    Math.abs(actual - Number(stated[1])) / actual <= 0.05,
    `README says ${stated[1]} MB, the tarball is ${actual.toFixed(2)} MB`,
  );
});

test('npx gradient-lens --version, lint, models and probe (bundled tfjs on wasm)', () => {
  assert.equal(
    ok(sh('npx', ['--no', '--', 'gradient-lens', '--version']), '--version'),
    `${version}\n`,
  );

  const lint = ok(
    sh('npx', ['--no', '--', 'gradient-lens', 'lint', '.', '--format', 'json']),
    'lint',
    [0, 1],
  );
  const [file] = JSON.parse(lint) as Array<{
    filePath: string;
    messages: Array<{ ruleId: string }>;
  }>;
  assert.ok(file.filePath.endsWith('model.js'));
  assert.ok(
    file.messages.some((m) => m.ruleId === 'saturating-activation'),
    lint,
  );

  const models = JSON.parse(
    ok(
      sh('npx', ['--no', '--', 'gradient-lens', 'models', 'model.js', '--format', 'json']),
      'models',
    ),
  ) as unknown;
  assert.match(JSON.stringify(models), /"dense"/);

  const probe = ok(
    sh('npx', [
      '--no',
      '--',
      'gradient-lens',
      'probe',
      'model.js',
      '--backend',
      'wasm',
      '--format',
      'json',
    ]),
    'probe',
    [0, 1],
  );
  const report = JSON.parse(probe) as { backend: string; verdict: string; layers: unknown[] };
  assert.match(report.backend, /wasm \(bundled tfjs/);
  assert.equal(report.verdict, 'vanishing', 'seven sigmoid layers');
  assert.equal(report.layers.length, 8);
});

test("require('gradient-lens') and import give the API", () => {
  const script = `
    const api = require('gradient-lens');
    const result = api.lint(require('fs').readFileSync('model.js', 'utf8'), { filePath: 'model.js' });
    console.log(JSON.stringify({
      keys: Object.keys(api).sort(),
      rules: result.messages.map((m) => m.ruleId),
      fixed: result.output.includes("activation: 'relu'"),
      models: api.analyze(require('fs').readFileSync('model.js', 'utf8'), 'model.js').models.length,
    }));`;
  const fromRequire = JSON.parse(ok(sh(process.execPath, ['-e', script]), 'require')) as {
    keys: string[];
    rules: string[];
    fixed: boolean;
    models: number;
  };
  for (const name of ['analyze', 'analyzeAst', 'lint', 'lintFiles', 'probe', 'rules']) {
    assert.ok(fromRequire.keys.includes(name), name);
  }
  assert.ok(fromRequire.rules.includes('saturating-activation'));
  assert.equal(fromRequire.fixed, true);
  assert.equal(fromRequire.models, 1);

  const esm = `
    import { lint, probe, rules } from 'gradient-lens';
    import api from 'gradient-lens';
    console.log(JSON.stringify([typeof lint, typeof probe, rules.length, api.lint === lint]));`;
  const fromImport = ok(sh(process.execPath, ['--input-type=module', '-e', esm]), 'import');
  assert.deepEqual(JSON.parse(fromImport), ['function', 'function', 13, true]);
});

test('tsc type-checks a consumer against the shipped .d.ts files', () => {
  writeFileSync(
    join(project, 'consumer.ts'),
    `import { analyze, lint, probe, rules, type LintResult, type ProbeReport } from 'gradient-lens';

const result: LintResult = lint('const x = 1;', { rules: { 'saturating-activation': ['error', { minDepth: 6 }] } });
const lines: number[] = result.messages.map((m) => m.span.line);
const layers: number = analyze('', 'a.ts').models.reduce((n, m) => n + m.layers.length, 0);
const ids: string[] = rules.map((r) => r.id);
export async function measure(): Promise<number> {
  const report: ProbeReport = await probe('model.js', { backend: 'wasm' });
  return report.layers.length + lines.length + layers + ids.length;
}
// @ts-expect-error lint takes source text, not a number
lint(42);
// @ts-expect-error severities are off|info|warning|error
lint('', { rules: { 'saturating-activation': 'loud' } });
`,
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
        skipLibCheck: false,
      },
      files: ['consumer.ts'],
    }),
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  ok(sh(process.execPath, [tsc, '-p', 'tsconfig.json']), 'tsc on the consumer');
});

test('the ESLint plugin tarball loads in ESLint and reports with its recommended config', () => {
  const unpacked = join(temp, 'plugin');
  mkdirSync(unpacked);
  ok(sh('tar', ['xzf', pluginTarball, '-C', unpacked], temp), 'tar');
  const listed = ok(sh('tar', ['tzf', pluginTarball], temp), 'tar')
    .split('\n')
    .filter(Boolean);
  assert.deepEqual(
    listed.filter(
      (p) =>
        !/^package\/(package\.json|README\.md|LICENSE|dist\/index\.(js|d\.ts)|docs\/rules\/[a-z-]+\.md)$/.test(
          p,
        ),
    ),
    [],
  );
  // eslint itself comes from this repository: it is the plugin's peer dependency.
  const plugin = require(join(unpacked, 'package')) as {
    rules: Record<string, unknown>;
    configs: { recommended: Linter.Config };
  };
  assert.equal(Object.keys(plugin.rules).length, 13);
  const messages = new Linter().verify(MODEL, [plugin.configs.recommended], 'model.js');
  assert.ok(
    messages.some((m) => m.ruleId === 'gradient-lens/saturating-activation'),
    JSON.stringify(messages),
  );
});
