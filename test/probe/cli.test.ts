import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { main } from '../../src/cli/main';
import { parseSets } from '../../src/cli/commands/probe';
import { shellWord } from '../../src/probe/resolve';
import { isAlive } from './process-helpers';

const repoRoot = join(__dirname, '..', '..');
const fixtures = 'test/fixtures/probe-cli';
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function probe(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (s: string) => out.push(s),
    stderr: (s: string) => err.push(s),
    cwd: repoRoot,
  };
  // Bundled wasm keeps the runs independent of what this repo's node_modules hold.
  const code = await main(['probe', ...args, '--no-project-tfjs'], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Layer rows of the table: they start with the layer index and the layer name. */
function tableRows(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^\s*\d+\s+L\d+_/.test(line));
}

describe('probe command: formats', () => {
  test('table: one aligned row per layer, then the verdict; exit 1 when vanishing', async () => {
    const { code, stdout, stderr } = await probe(`${fixtures}/deep-sigmoid.js`);
    assert.equal(stderr, '');
    assert.equal(code, 1);
    const rows = tableRows(stdout);
    assert.equal(rows.length, 11);
    const header = stdout.split('\n').find((line) => line.includes('grad norm'));
    assert.ok(header, 'the table has a header row');
    for (const title of [
      'layer',
      'class',
      'activation',
      'params',
      'ratio to output',
      'sat/dead',
      'estimate',
      'verdict',
    ]) {
      assert.ok(header.includes(title), `header has "${title}"`);
    }
    // Right-aligned numeric columns end at the same place as their title.
    const normEnd = header.indexOf('grad norm') + 'grad norm'.length;
    for (const row of rows) assert.match(row.slice(normEnd - 6, normEnd), /^\s*\d\.\de-?\d+$/);
    assert.match(stdout, /^Backend wasm \(bundled tfjs 4\.22\.0\), batch 32, 1 step/m);
    assert.match(stdout, /^Verdict: VANISHING - /m);
  });

  test("json: the issue's fields with measured numbers", async () => {
    const { code, stdout } = await probe(
      `${fixtures}/deep-sigmoid.js`,
      '--format',
      'json',
      '--batch',
      '8',
    );
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.deepEqual(Object.keys(report).slice(0, 10), [
      'model',
      'backend',
      'batchSize',
      'steps',
      'loss',
      'layers',
      'verdict',
      'assumptions',
      'timings',
      'verdictReason',
    ]);
    assert.deepEqual(report.model, {
      name: 'buildDeepSigmoid',
      line: 5,
      source: `${fixtures}/deep-sigmoid.js`,
    });
    assert.equal(report.batchSize, 8);
    assert.equal(report.verdict, 'vanishing');
    assert.equal(report.layers.length, 11);
    const first = report.layers[0];
    for (const key of [
      'index',
      'name',
      'className',
      'line',
      'gradNorm',
      'ratioToOutput',
      'weights',
      'saturatedFraction',
      'deadFraction',
      'estimate',
      'verdict',
    ]) {
      assert.ok(key in first, `layer has "${key}"`);
    }
    assert.equal(first.line, 6);
    assert.deepEqual(
      first.weights.map((w: { name: string }) => w.name.split('/').pop()),
      ['kernel', 'bias'],
    );
    assert.deepEqual(first.weights[0].shape, [32, 64]);
    assert.ok(first.gradNorm > 0 && first.gradNorm < 1e-3 * report.layers[10].gradNorm);
    assert.deepEqual(Object.keys(report.timings), ['loadMs', 'buildMs', 'probeMs']);
    // Loading tfjs is counted once per probe process: a probe on the kept-warm process reports about 0.
    assert.ok(report.timings.loadMs >= 0);
    assert.ok(report.timings.probeMs > 0);
  });

  test('html: one self-contained file with the measured layers and no remote resources', async () => {
    const out = join(scratch, 'report.html');
    const { code, stdout } = await probe(
      `${fixtures}/deep-sigmoid.js`,
      '--format',
      'html',
      '--out',
      out,
    );
    assert.equal(code, 1);
    assert.match(stdout, /verdict: vanishing/);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /http-equiv="Content-Security-Policy" content="default-src 'none';/);
    // Nothing is fetched: no linked files, no src/href/url() pointing anywhere but inside the page.
    assert.doesNotMatch(html, /<link\b/i);
    assert.doesNotMatch(html, /\s(?:src|href)\s*=\s*["']?(?!#|data:)[^"'\s>]/i);
    assert.doesNotMatch(html, /url\(\s*["']?(?:https?:)?\/\//i);
    assert.doesNotMatch(html, /@import/);
    assert.match(html, /<script nonce="[^"]+">/, 'the chart script is inlined');
    const data = /<script type="application\/json" id="gl-report-data">([\s\S]*?)<\/script>/.exec(
      html,
    );
    assert.ok(data, 'the report data is embedded');
    const embedded = JSON.parse(data[1]) as { labels: string[] };
    assert.equal(embedded.labels.length, 11, 'one chart point per layer');
    for (let i = 0; i <= 10; i++)
      assert.ok(html.includes(`L${i}_dense`), `layer L${i}_dense shown`);
  });

  test('a model.json checkpoint is probed with its saved weights', async () => {
    const dir = join(repoRoot, fixtures, 'checkpoint');
    const { code, stdout, stderr } = await probe(
      `${fixtures}/checkpoint/model.json`,
      '--format',
      'json',
    );
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.model.name, 'checkpoint');
    assert.deepEqual(
      report.layers.map((l: { name: string }) => l.name),
      ['hidden', 'out'],
    );
    // Independent check: the norms of the weights as stored in weights.bin, in manifest order.
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const bytes = readFileSync(join(dir, 'weights.bin'));
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    let offset = 0;
    const saved = new Map<string, number>();
    for (const spec of manifest.weightsManifest[0].weights as { name: string; shape: number[] }[]) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const values = floats.subarray(offset, offset + size);
      saved.set(spec.name, Math.sqrt(values.reduce((sum, v) => sum + v * v, 0)));
      offset += size;
    }
    const measured = report.layers.flatMap(
      (l: { weights: { name: string; weightNorm: number }[] }) => l.weights,
    );
    assert.equal(measured.length, saved.size);
    for (const weight of measured) {
      const expected = saved.get(weight.name);
      assert.ok(expected !== undefined, `weight ${weight.name} is in the manifest`);
      assert.ok(
        Math.abs(weight.weightNorm - expected) / expected < 1e-5,
        `${weight.name}: ${weight.weightNorm} vs ${expected}`,
      );
    }
    const withModel = await probe(`${fixtures}/checkpoint/model.json`, '--model', 'x');
    assert.equal(withModel.code, 2);
    assert.match(withModel.stderr, /a model\.json holds only one/);
  });

  test('--out writes the output to a file and says so', async () => {
    const out = join(scratch, 'nested', 'report.json');
    const { code, stdout } = await probe(
      `${fixtures}/two-models.js`,
      '--model',
      'classifier',
      '--format',
      'json',
      '--out',
      out,
    );
    assert.equal(code, 0);
    assert.match(stdout, /^Wrote .*report\.json \(verdict: healthy\)\n$/);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).model.name, 'classifier');
  });
});

describe('probe command: choosing the model and its values', () => {
  test('several models and no choice: exit 2 listing them', async () => {
    const { code, stderr } = await probe(`${fixtures}/two-models.js`);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'gradient-lens probe: the file defines 2 models; choose one with --model NAME or --line N: classifier (line 4), blowUp (line 16)\n',
    );
  });

  test('--model and --line pick the model; healthy exits 0, exploding exits 1', async () => {
    const healthy = await probe(`${fixtures}/two-models.js`, '--model', 'classifier');
    assert.equal(healthy.code, 0);
    assert.match(healthy.stdout, /^Model classifier /m);
    assert.equal(tableRows(healthy.stdout).length, 3);

    const exploding = await probe(`${fixtures}/two-models.js`, '--line', '20', '--batch', '4');
    assert.equal(exploding.code, 1);
    assert.match(exploding.stdout, /^Model blowUp /m);
    assert.match(exploding.stdout, /^Verdict: EXPLODING - /m);

    const nowhere = await probe(`${fixtures}/two-models.js`, '--line', '200');
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /no model is defined around line 200/);
    const misnamed = await probe(`${fixtures}/two-models.js`, '--model', 'decoder');
    assert.match(
      misnamed.stderr,
      /no model named "decoder"; the file defines classifier \(line 4\), blowUp \(line 16\)/,
    );
  });

  test('--no-assume: one message listing exactly the --set flags needed, exit 2', async () => {
    const missing = await probe(`${fixtures}/needs-values.js`, '--no-assume');
    assert.equal(missing.code, 2);
    assert.equal(
      missing.stderr,
      `gradient-lens probe: model "model" (line 5) needs values the code leaves open (--no-assume): --set 'Number(process.env.HIDDEN)=VALUE' --set 'Number(process.env.FEATURES)=VALUE'\n`,
    );
    const supplied = await probe(
      `${fixtures}/needs-values.js`,
      '--set',
      'Number(process.env.HIDDEN)=16',
      '--set',
      'Number(process.env.FEATURES)=8',
      '--set',
      'hiddenSise=3',
      '--format',
      'json',
    );
    assert.equal(supplied.code, 0, supplied.stderr);
    // A name that matches nothing open is a warning, not an error: the probe still runs.
    assert.equal(
      supplied.stderr,
      'gradient-lens probe: warning: --set hiddenSise is not a value model "model" leaves open; it was ignored\n',
    );
    const layers = JSON.parse(supplied.stdout).layers;
    assert.equal(layers[0].params, 8 * 16 + 16);
    assert.deepEqual(layers[0].weights[0].shape, [8, 16]);
  });

  test('parseSets splits at the assignment, not at comparisons', () => {
    assert.deepEqual(parseSets(['hiddenSize=128', 'input=[28,28,1]', 'a == b ? 1 : 2=3']), {
      hiddenSize: '128',
      input: '[28,28,1]',
      'a == b ? 1 : 2': '3',
    });
    assert.throws(() => parseSets(['=3']), /--set expects NAME=VALUE/);
    assert.throws(() => parseSets(['units']), /--set expects NAME=VALUE/);
    assert.equal(shellWord('hiddenSize=VALUE'), 'hiddenSize=VALUE');
    assert.equal(shellWord("cfg['units']=VALUE"), `'cfg['\\''units'\\'']=VALUE'`);
  });
});

describe('probe command: errors exit 2 with one line', () => {
  test('an unknown layer is named with its line', async () => {
    const { code, stderr } = await probe(`${fixtures}/unknown-layer.js`);
    assert.equal(code, 2);
    assert.match(stderr, /^gradient-lens probe: layer 1 \(fancyDense, line 6\): .*\n$/);
  });

  test('the parameter ceiling stops a big model before it is built', async () => {
    const { code, stderr } = await probe(`${fixtures}/big.js`, '--max-params', '1000000');
    assert.equal(code, 2);
    assert.match(stderr, /has (25,200,650|25\.2 million) parameters, over the probe's ceiling/);
  });

  test('a probe over its timeout is stopped', async () => {
    const { code, stderr } = await probe(`${fixtures}/big.js`, '--batch', '1024', '--timeout', '1');
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'gradient-lens probe: the probe did not finish within 1 s and was stopped; raise the timeout or use a smaller batch\n',
    );
  });

  test('a model that needs more memory than the cap is refused (before measuring) or reported as out of memory', async () => {
    const { code, stderr } = await probe(
      `${fixtures}/big.js`,
      '--batch',
      '256',
      '--max-heap',
      '300',
    );
    assert.equal(code, 2);
    // The weights and optimizer slots alone exceed the cap: refused with the cap that would fit, unless the
    // process runs out while building.
    assert.match(
      stderr,
      /^gradient-lens probe: (the probe ran out of memory \(.*cap 300 MB\)|.*does not fit the probe's memory cap of 300 MB: raise it with --max-heap \d+)/,
    );
  });

  test('usage mistakes', async () => {
    const cases: [string[], RegExp][] = [
      [[], /expected exactly one FILE, got 0/],
      [[`${fixtures}/nope.js`], /cannot read .*nope\.js: ENOENT/],
      [
        [`${fixtures}/deep-sigmoid.js`, '--format', 'xml'],
        /--format must be one of table, json, html, got "xml"/,
      ],
      [
        [`${fixtures}/deep-sigmoid.js`, '--backend', 'gpu'],
        /--backend must be one of auto, node, wasm, cpu/,
      ],
      [[`${fixtures}/deep-sigmoid.js`, '--batch', '0'], /--batch must be an integer from 1/],
      [
        [`${fixtures}/deep-sigmoid.js`, '--max-heap', '64'],
        /--max-heap must be an integer from 128/,
      ],
      [[`${fixtures}/deep-sigmoid.js`, '--frobnicate'], /Unknown option '--frobnicate'/],
      [
        [`${fixtures}/deep-sigmoid.js`, '--backend', 'node'],
        /--backend node needs @tensorflow\/tfjs-node/,
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await probe(...args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, message);
      assert.equal(
        stderr.trim().split('\n').length,
        1,
        `one line for ${args.join(' ')}: ${stderr}`,
      );
    }
  });
});

describe('probe command: interruption', () => {
  const linux = process.platform === 'linux';
  test(
    'Ctrl-C cancels the probe, reaps its process and exits 2',
    { skip: linux ? false : 'finds the child process through /proc, which only Linux has' },
    async () => {
      const cli = spawn(
        process.execPath,
        [
          'bin/gradient-lens.js',
          'probe',
          `${fixtures}/big.js`,
          '--batch',
          '1024',
          '--no-project-tfjs',
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const closed = new Promise<number | null>((resolve) => cli.on('close', resolve));
      let worker = 0;
      for (let i = 0; i < 200 && !worker; i++) {
        await new Promise((r) => setTimeout(r, 50));
        worker = childrenOf(cli.pid as number)[0] ?? 0;
      }
      assert.ok(worker > 0, 'the probe process started');
      cli.kill('SIGINT');
      assert.equal(await closed, 2);
      assert.equal(stderr, 'gradient-lens probe: the probe was cancelled\n');
      assert.equal(isAlive(worker), false, `probe process ${worker} outlived the CLI`);
    },
  );
});

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
