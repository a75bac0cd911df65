/** `gradient-lens probe model.h5 / model.keras`: the Keras file probed in the probe process (needs dist/). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../src/cli/main';
import type { ProbeReport } from '../../src/probe/types';

const repoRoot = join(__dirname, '..', '..');
const fixtures = 'test/fixtures/keras-files';

async function probe(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (s: string) => out.push(s),
    stderr: (s: string) => err.push(s),
    cwd: repoRoot,
  };
  const code = await main(['probe', ...args, '--no-project-tfjs', '--batch', '8'], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('probe command: Keras files', () => {
  for (const file of ['mlp.h5', 'lstm.keras']) {
    test(`${file} --format json: measured per layer with its weights`, async () => {
      const { code, stdout, stderr } = await probe(`${fixtures}/${file}`, '--format', 'json');
      assert.equal(stderr, '');
      assert.equal(code, 0);
      const report = JSON.parse(stdout) as ProbeReport;
      assert.equal(report.verdict, 'healthy');
      assert.equal(report.model.source, join(repoRoot, fixtures, file));
      const names = report.layers.map((l) => l.name);
      assert.deepEqual(
        names,
        file === 'mlp.h5' ? ['dense', 'dense_1', 'dense_2'] : ['lstm', 'dense'],
      );
      for (const layer of report.layers)
        assert.ok(layer.gradNorm! > 0 && Number.isFinite(layer.gradNorm));
      assert.match(
        report.assumptions[0]!,
        /^Weights loaded from .*, a Keras [23] \.(h5|keras) file/,
      );
    });
  }

  test('a weights-only .h5 exits 2 with its one sentence', async () => {
    const { code, stdout, stderr } = await probe(`${fixtures}/mlp-weights-only.h5`);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      `gradient-lens probe: ${join(repoRoot, fixtures, 'mlp-weights-only.h5')} holds weights only (model.save_weights): without a model_config the probe cannot tell the architecture; save the whole model with model.save\n`,
    );
  });

  test('--model does not apply to a Keras file', async () => {
    const { code, stderr } = await probe(`${fixtures}/mlp.keras`, '--model', 'mlp');
    assert.equal(code, 2);
    assert.match(
      stderr,
      /--model, --line and --variant choose a model in a JS\/TS file; a Keras file holds only one/,
    );
  });

  test('a missing Keras file is a usage error', async () => {
    const { code, stderr } = await probe(`${fixtures}/absent.keras`);
    assert.equal(code, 2);
    assert.match(stderr, /cannot read .*absent\.keras: ENOENT/);
  });
});
