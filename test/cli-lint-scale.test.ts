/**
 * `gradient-lens lint` on many files: --concurrency (worker threads) gives the same output as one
 * thread, and --cache reuses results only while a file's content and configuration are unchanged.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runLint } from '../src/cli/commands/lint';
import { main } from '../src/cli/main';
import {
  autoConcurrency,
  codeCacheDir,
  LintPool,
  WORKER_YOUNG_GENERATION_MB,
} from '../src/lint/pool';
import { generateModelFile } from './lint/model-code';

const temp = mkdtempSync(join(tmpdir(), 'gl-scale-'));
after(() => rmSync(temp, { recursive: true, force: true }));
const workerBuilt = existsSync(join(__dirname, '..', 'dist', 'lint-worker.js'));

function project(name: string, files: number): string {
  const dir = join(temp, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (let i = 0; i < files; i++) {
    writeFileSync(join(dir, 'src', `model${i}.ts`), generateModelFile(30, i + 1));
  }
  return dir;
}

async function lint(
  cwd: string,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLint(
    ['--format', 'json', ...argv],
    { stdout: (s) => out.push(s), stderr: (s) => err.push(s), cwd },
    {},
  );
  return { code, out: out.join(''), err: err.join('') };
}

const messagesOf = (out: string, file: string) =>
  (JSON.parse(out) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>).find((r) =>
    r.filePath.endsWith(file),
  )?.messages ?? [];

test(
  '--concurrency 2 lints on worker threads with the same results as one thread',
  { skip: !workerBuilt && 'run "npm run build" first: dist/lint-worker.js is missing' },
  async () => {
    const dir = project('threads', 45);
    const one = await lint(dir, '--concurrency', '1');
    const two = await lint(dir, '--concurrency', '2');
    assert.equal(two.err, '');
    assert.equal(two.code, one.code);
    assert.equal(two.out, one.out);
    assert.ok(messagesOf(one.out, 'model0.ts').length > 0, 'the generated files have findings');
    assert.equal((await lint(dir, '--concurrency', 'auto')).out, one.out);
  },
);

test(
  '--stats says per thread where the time went, on stderr; stdout is unchanged',
  { skip: !workerBuilt && 'run "npm run build" first: dist/lint-worker.js is missing' },
  async () => {
    const dir = project('stats', 40);
    const plain = await lint(dir, '--concurrency', '2');
    const withStats = await lint(dir, '--concurrency', '2', '--stats');
    assert.equal(withStats.out, plain.out);
    assert.match(
      withStats.err,
      /^gradient-lens lint --stats: 40 files, 40 linted .* on 2 lint threads \(the main thread and 1 worker\)/,
    );
    assert.match(withStats.err, /main thread: discover [\d.]+ s, configure [\d.]+ s/);
    // The main thread lints beside one worker: their shares add up to every file.
    const lines = withStats.err.split('\n');
    const threads = lines.filter((line) => /^ {2}thread \d: /.test(line));
    assert.equal(threads.length, 1);
    const here = lines.find((line) => line.startsWith('  main thread:')) ?? '';
    const files = [here, threads[0]].map((line) =>
      Number(/ (\d+) files in \d+ batches/.exec(line)?.[1] ?? 0),
    );
    assert.equal(files[0] + files[1], 40, `every file linted on one of the threads: ${files}`);
    if (process.platform === 'linux') assert.match(threads[0], /CPU [\d.]+ s, waited for a core/);
    const pauses = /GC [\d.]+ s in (\d+) pauses \((\d+) scavenges, (\d+) mark-compacts\)/;
    for (const line of threads) {
      const [, count, minor, major] = (pauses.exec(line) ?? []).map(Number);
      assert.ok(minor + major <= count, `pauses by kind within the total: ${line}`);
    }
    const single = await lint(dir, '--stats');
    assert.match(single.err, /on the main thread/);
    // Linting 40 files in one go allocates enough for scavenges, all seen once the loop turns.
    const main = single.err.split('\n').find((line) => line.startsWith('  main thread:')) ?? '';
    const [, count, minor] = (pauses.exec(main) ?? []).map(Number);
    assert.ok(minor > 0 && minor <= count, `the main thread's scavenges: ${main}`);
  },
);

test(
  'a file that vanishes before a worker reads it is a one-line error, not a hang',
  { skip: !workerBuilt && 'run "npm run build" first: dist/lint-worker.js is missing' },
  async () => {
    const pool = new LintPool(2, { fix: false, cwd: temp, stats: false });
    const missing = join(temp, 'gone', 'model.ts');
    await assert.rejects(
      pool.lint([{ file: missing, config: { rules: {} } }]),
      new RegExp(`cannot read ${missing}: ENOENT`),
    );
    const stats = await pool.close();
    assert.equal(stats.length, 2);
  },
);

test(
  'workers run their bundle from the code cache a run kept; a cache V8 rejects is compiled over',
  { skip: !workerBuilt && 'run "npm run build" first: dist/lint-worker.js is missing' },
  async () => {
    const dir = project('code-cache', 3);
    const cache = join(temp, 'code-cache-dir');
    const tasks = [0, 1, 2].map((i) => ({
      file: join(dir, 'src', `model${i}.ts`),
      config: { rules: {} },
    }));
    const saved = process.env.GRADIENT_LENS_CODE_CACHE;
    const run = async (setting: string) => {
      process.env.GRADIENT_LENS_CODE_CACHE = setting;
      const pool = new LintPool(2, { fix: false, cwd: dir, stats: false });
      try {
        const results = await pool.lint(tasks);
        return { results, status: (await pool.close()).map((w) => w.codeCache) };
      } finally {
        await pool.close();
      }
    };
    const cacheFiles = () => (existsSync(cache) ? readdirSync(cache) : []);
    try {
      const first = await run(cache);
      assert.deepEqual(first.status, ['compiled', 'compiled']);
      assert.equal(cacheFiles().length, 1, 'the first worker kept one cache file');
      assert.ok(
        first.results.some((r) => r.messages.length > 0),
        'the files have findings',
      );

      const second = await run(cache);
      assert.deepEqual(second.status, ['loaded', 'loaded']);
      assert.deepEqual(second.results, first.results);

      const file = join(cache, cacheFiles()[0]);
      writeFileSync(file, Buffer.alloc(4096, 7));
      const rejected = await run(cache);
      assert.deepEqual(rejected.status, ['compiled', 'compiled']);
      assert.deepEqual(rejected.results, first.results);
      assert.deepEqual(
        (await run(cache)).status,
        ['loaded', 'loaded'],
        'rewritten after rejection',
      );

      const off = await run('off');
      assert.deepEqual(off.status, [undefined, undefined]);
      assert.deepEqual(off.results, first.results);
    } finally {
      if (saved === undefined) delete process.env.GRADIENT_LENS_CODE_CACHE;
      else process.env.GRADIENT_LENS_CODE_CACHE = saved;
    }
  },
);

test(
  "workers' heaps get a larger young generation than V8's default, with the same results",
  { skip: !workerBuilt && 'run "npm run build" first: dist/lint-worker.js is missing' },
  async () => {
    const dir = project('young-generation', 20);
    const tasks = Array.from({ length: 20 }, (_, i) => ({
      file: join(dir, 'src', `model${i}.ts`),
      config: { rules: {} },
    }));
    // Every file on the one worker (no linter for this thread).
    const run = async (youngGenerationMb?: number) => {
      const pool = new LintPool(1, { fix: false, cwd: dir, stats: false }, youngGenerationMb);
      try {
        const results = await pool.lint(tasks);
        const [worker] = await pool.close();
        assert.equal(worker.files, 20);
        return { results, youngGenerationMb: worker.youngGenerationMb };
      } finally {
        await pool.close();
      }
    };
    const v8Default = await run(0);
    const pooled = await run();
    assert.equal(v8Default.youngGenerationMb, 48, "V8's own default for a worker");
    assert.equal(pooled.youngGenerationMb, WORKER_YOUNG_GENERATION_MB);
    assert.ok(WORKER_YOUNG_GENERATION_MB >= 4 * 48, 'semi-spaces four times the default');
    assert.deepEqual(pooled.results, v8Default.results);
    assert.ok(
      pooled.results.some((r) => r.messages.length > 0),
      'the files have findings',
    );
  },
);

test("the code cache lives in the folder named, or in the user's own cache folder", () => {
  const cases: Array<[NodeJS.ProcessEnv, string | null]> = [
    [{ GRADIENT_LENS_CODE_CACHE: 'off' }, null],
    [{ GRADIENT_LENS_CODE_CACHE: '/ci/cache', XDG_CACHE_HOME: '/x' }, '/ci/cache'],
    [{ XDG_CACHE_HOME: '/home/u/.xdg' }, join('/home/u/.xdg', 'gradient-lens')],
    [
      { LOCALAPPDATA: 'C:/Users/u/AppData/Local' },
      join('C:/Users/u/AppData/Local', 'gradient-lens'),
    ],
    [{}, join(homedir(), '.cache', 'gradient-lens')],
  ];
  for (const [env, expected] of cases)
    assert.equal(codeCacheDir(env), expected, JSON.stringify(env));
});

test('--concurrency refuses what is not auto or a count', async () => {
  for (const bad of ['0', 'many', '2.5']) {
    const err: string[] = [];
    const io = { stdout: () => {}, stderr: (s: string) => err.push(s), cwd: temp };
    assert.equal(await main(['lint', '--concurrency', bad], io), 2);
    assert.match(err.join(''), /--concurrency expects auto or a whole number >= 1, got "/);
  }
  assert.equal(autoConcurrency(10, 8), 1, 'too few files for a thread each');
  assert.equal(autoConcurrency(5000, 2), 2);
  assert.equal(autoConcurrency(250, 8), 2);
});

test('--cache reuses unchanged files and relints changed content or configuration', async () => {
  const dir = project('cache', 4);
  const cacheFile = join(dir, '.gradientlenscache');
  const first = await lint(dir, '--cache');
  assert.ok(existsSync(cacheFile), 'written to ./.gradientlenscache by default');
  assert.equal((await lint(dir, '--cache')).out, first.out, 'same results from the cache');

  // A cached result is keyed by content: changing the file relints it.
  writeFileSync(join(dir, 'src', 'model1.ts'), "import * as tf from '@tensorflow/tfjs';\n");
  const edited = await lint(dir, '--cache');
  assert.deepEqual(messagesOf(edited.out, 'model1.ts'), []);
  assert.deepEqual(messagesOf(edited.out, 'model2.ts'), messagesOf(first.out, 'model2.ts'));

  // ...and by configuration: turning a rule off applies to cached files too.
  const ruleId = messagesOf(first.out, 'model2.ts')[0].ruleId;
  writeFileSync(join(dir, '.gradientlensrc.json'), JSON.stringify({ rules: { [ruleId]: 'off' } }));
  const reconfigured = await lint(dir, '--cache');
  assert.ok(messagesOf(reconfigured.out, 'model2.ts').every((m) => m.ruleId !== ruleId));

  // A corrupt cache is an empty one, never a crash.
  writeFileSync(cacheFile, '{ not json');
  assert.equal((await lint(dir, '--cache')).out, reconfigured.out);
});

test('--cache-location takes a file or a folder; --fix still fixes files whose result was cached', async () => {
  const dir = project('location', 2);
  mkdirSync(join(dir, 'cache'));
  await lint(dir, '--cache-location', 'cache');
  assert.ok(existsSync(join(dir, 'cache', '.gradientlenscache')));
  await lint(dir, '--cache', '--cache-location', 'elsewhere/lint.json');
  assert.ok(existsSync(join(dir, 'elsewhere', 'lint.json')));

  const before = readFileSync(join(dir, 'src', 'model0.ts'), 'utf8');
  const fixed = await lint(dir, '--cache-location', 'cache', '--fix');
  assert.notEqual(readFileSync(join(dir, 'src', 'model0.ts'), 'utf8'), before, 'fixed on disk');
  const again = await lint(dir, '--cache-location', 'cache');
  assert.equal(again.out, fixed.out, 'the cache holds the fixed file');
});

test('--cache relints a file when a file it imports changes (cross-file values)', async () => {
  const dir = join(temp, 'cross-file');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"cross-file"}');
  writeFileSync(join(dir, 'config.js'), 'export const HIDDEN_ACTIVATION = "relu";\n');
  const layers = Array.from(
    { length: 10 },
    () => '  model.add(tf.layers.dense({ units: 32, activation: HIDDEN_ACTIVATION }));',
  ).join('\n');
  writeFileSync(
    join(dir, 'model.js'),
    `import * as tf from '@tensorflow/tfjs';\nimport { HIDDEN_ACTIVATION } from './config.js';\n` +
      `export function build() {\n  const model = tf.sequential();\n` +
      `  model.add(tf.layers.dense({ units: 32, inputShape: [8], activation: HIDDEN_ACTIVATION }));\n` +
      `${layers}\n  model.add(tf.layers.dense({ units: 1 }));\n  return model;\n}\n`,
  );
  const rulesOf = (out: string) =>
    (JSON.parse(out) as { filePath: string; messages: { ruleId: string }[] }[])
      .filter((r) => r.filePath.endsWith('model.js'))
      .flatMap((r) => r.messages.map((m) => m.ruleId));
  const relu = await lint(dir, '--cache', 'model.js');
  assert.ok(!rulesOf(relu.out).includes('saturating-activation'), relu.out);
  writeFileSync(join(dir, 'config.js'), 'export const HIDDEN_ACTIVATION = "sigmoid";\n');
  const sigmoid = await lint(dir, '--cache', 'model.js');
  assert.ok(rulesOf(sigmoid.out).includes('saturating-activation'), sigmoid.out);
});
