import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadBackend, planBackends, resolvePackage } from '../../src/probe/backend';
import { ProbeError } from '../../src/probe/types';

const realTfjs = require.resolve('@tensorflow/tfjs');
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-backend-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A fake project folder with packages under node_modules; `body` is each package's index.js. */
function fakeProject(
  name: string,
  packages: Record<string, { version: string; body: string }>,
): string {
  const root = join(scratch, name);
  for (const [pkg, { version, body }] of Object.entries(packages)) {
    const dir = join(root, 'node_modules', pkg);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: pkg, version, main: 'index.js' }),
    );
    writeFileSync(join(dir, 'index.js'), body);
  }
  mkdirSync(join(root, 'src', 'models'), { recursive: true });
  return root;
}

/** Stands in for the project's tfjs: the real one, plus a marker that proves which copy was loaded. */
const reexportTfjs = `globalThis.__fakeProjectTfjsLoaded = true;\nmodule.exports = require(${JSON.stringify(realTfjs)});\n`;
const brokenNative = `throw new Error('libtensorflow.so: cannot open shared object file');\n`;

const withTfjs = fakeProject('with-tfjs', {
  '@tensorflow/tfjs': { version: '9.9.9-fake', body: reexportTfjs },
});
const withBrokenNode = fakeProject('with-broken-node', {
  '@tensorflow/tfjs-node': { version: '8.8.8-fake', body: brokenNative },
  '@tensorflow/tfjs': { version: '9.9.9-fake', body: reexportTfjs },
});
const empty = fakeProject('empty', {});

describe('backend plan', () => {
  test("the project's tfjs is a candidate only when allowed", () => {
    const searchFrom = join(withTfjs, 'src', 'models');
    const denied = planBackends({ choice: 'auto', allowProjectTfjs: false, searchFrom });
    assert.deepEqual(denied[0], { kind: 'bundled', backend: 'wasm' });
    assert.ok(!denied.some((c) => c.kind === 'project-js'));

    const allowed = planBackends({ choice: 'auto', allowProjectTfjs: true, searchFrom });
    assert.equal(allowed[0].kind, 'project-js');
    assert.equal(allowed[0].kind === 'project-js' && allowed[0].version, '9.9.9-fake');
    assert.ok(allowed[0].kind === 'project-js' && allowed[0].entry.startsWith(withTfjs));
    assert.deepEqual(allowed.slice(-2), [
      { kind: 'bundled', backend: 'wasm' },
      { kind: 'bundled', backend: 'cpu' },
    ]);
  });

  test("the project's tfjs-node comes before its plain tfjs", () => {
    const plan = planBackends({
      choice: 'auto',
      allowProjectTfjs: true,
      searchFrom: withBrokenNode,
    });
    assert.deepEqual(
      plan.map((c) => c.kind),
      ['native', 'project-js', 'bundled', 'bundled'],
    );
    assert.equal(plan[0].kind === 'native' && plan[0].packageName, '@tensorflow/tfjs-node');
  });

  test('forced backends plan exactly one kind', () => {
    const input = { allowProjectTfjs: true, searchFrom: withBrokenNode };
    assert.deepEqual(planBackends({ ...input, choice: 'wasm' }), [
      { kind: 'bundled', backend: 'wasm' },
    ]);
    assert.deepEqual(planBackends({ ...input, choice: 'cpu' }), [
      { kind: 'bundled', backend: 'cpu' },
    ]);
    assert.deepEqual(
      planBackends({ ...input, choice: 'node' }).map((c) => c.kind),
      ['native'],
    );
  });

  test('resolvePackage searches upward and reads the version', () => {
    const resolved = resolvePackage(join(withTfjs, 'src', 'models'), '@tensorflow/tfjs');
    assert.equal(resolved?.version, '9.9.9-fake');
    assert.equal(resolved?.root, join(withTfjs, 'node_modules', '@tensorflow', 'tfjs'));
    assert.equal(resolvePackage(empty, '@tensorflow/tfjs-node-gpu'), null);
  });
});

describe('backend loading', () => {
  test('auto without project tfjs runs the bundled tfjs on wasm', async () => {
    const loaded = await loadBackend({
      choice: 'auto',
      allowProjectTfjs: false,
      searchFrom: empty,
    });
    assert.match(loaded.label, /^wasm \(bundled tfjs 4\.\d+\.\d+\)$/);
    assert.equal(loaded.backendName, 'wasm');
    assert.equal(loaded.tf.getBackend(), 'wasm');
    // The wasm backend really computes: a tiny matmul gives the right numbers.
    const product = loaded.tf.matMul([[1, 2]], [[3], [4]]).dataSync();
    assert.deepEqual([...product], [11]);
  });

  test('--backend cpu runs the bundled tfjs on cpu', async () => {
    const loaded = await loadBackend({
      choice: 'cpu',
      allowProjectTfjs: true,
      searchFrom: withTfjs,
    });
    assert.match(loaded.label, /^cpu \(bundled tfjs /);
    assert.equal(loaded.tf.getBackend(), 'cpu');
  });

  test("an allowed project's tfjs is loaded and named in the label", async () => {
    const loaded = await loadBackend({
      choice: 'auto',
      allowProjectTfjs: true,
      searchFrom: withTfjs,
    });
    assert.equal(loaded.label, 'cpu (project tfjs 9.9.9-fake)');
    assert.equal(
      (globalThis as { __fakeProjectTfjsLoaded?: boolean }).__fakeProjectTfjsLoaded,
      true,
    );
    assert.deepEqual(loaded.notes, []);
  });

  test('a project tfjs-node that fails to load is noted and auto falls through', async () => {
    const loaded = await loadBackend({
      choice: 'auto',
      allowProjectTfjs: true,
      searchFrom: withBrokenNode,
    });
    assert.equal(loaded.label, 'cpu (project tfjs 9.9.9-fake)');
    assert.equal(loaded.notes.length, 1);
    assert.match(
      loaded.notes[0],
      /@tensorflow\/tfjs-node 8\.8\.8-fake \(project\) could not be loaded \(libtensorflow/,
    );
  });

  test('--backend node fails with one clear message when tfjs-node cannot be had', async () => {
    await assert.rejects(
      loadBackend({ choice: 'node', allowProjectTfjs: false, searchFrom: withBrokenNode }),
      (error: unknown) => {
        assert.ok(error instanceof ProbeError);
        assert.equal(error.code, 'backend');
        assert.match(error.message, /--backend node needs @tensorflow\/tfjs-node.*not allowed/);
        return true;
      },
    );
    await assert.rejects(
      loadBackend({ choice: 'node', allowProjectTfjs: true, searchFrom: withBrokenNode }),
      /tfjs-node 8\.8\.8-fake \(project\) could not be loaded: libtensorflow/,
    );
  });
});

test('the scratch folder is outside any node_modules tree', () => {
  // Otherwise "not found" above could be an accident of where the temp dir lives.
  assert.equal(resolvePackage(dirname(scratch), '@tensorflow/tfjs'), null);
});
