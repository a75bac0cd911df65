/**
 * The .vsix holds only what the extension runs or shows: `vsce ls` (the file list `vsce package`
 * would pack, after .vscodeignore) must equal the files the manifest, the extension's code and the
 * README point at. A new file in the package, or a missing one, fails here with its name.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rules } from '../../src/rules';

const root = join(__dirname, '..', '..');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const built = existsSync(join(root, 'dist', 'extension.js'));

interface Manifest {
  main: string;
  icon?: string;
  contributes: { grammars?: Array<{ path: string }> };
}

/** Each file the extension needs, with the reason it is needed. */
function expectedFiles(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
  const expected = new Map<string, string>();
  const need = (path: string, why: string) => expected.set(path.replace(/^\.\//, ''), why);
  for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    need(file, 'shown on the extension page');
  }
  need(manifest.main, 'package.json main');
  if (manifest.icon) need(manifest.icon, 'package.json icon');
  for (const grammar of manifest.contributes.grammars ?? []) need(grammar.path, 'a grammar');
  // vscode-languageclient is bundled into dist/extension.js (no node_modules in the package).
  need('dist/server.js', 'the language server the client starts (src/extension/client.ts)');
  need('dist/probe-worker.js', 'the probe process (src/probe/client.ts)');
  for (const wasm of [
    'tfjs-backend-wasm',
    'tfjs-backend-wasm-simd',
    'tfjs-backend-wasm-threaded-simd',
  ]) {
    need(`dist/${wasm}.wasm`, "the probe's wasm backend, beside its worker");
  }
  need('dist/media/report.js', 'the probe panel (src/extension/panel.ts)');
  need('dist/media/report.css', 'the probe panel (src/extension/panel.ts)');
  need('dist/media/monitor.js', 'the training view (src/extension/monitor-view.ts)');
  for (const rule of rules)
    need(`docs/rules/${rule.id}.md`, "the server's docs links, shown rendered");
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const [, image] of readme.matchAll(/!\[[^\]]*\]\(((?!https?:)[^)\s]+)\)/g)) {
    need(image, 'an image of the README');
  }
  return expected;
}

test(
  'vsce ls lists exactly what the extension runs or shows',
  { skip: !built && 'run "npm run build" first: dist/ is missing' },
  () => {
    const listed = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(listed.status, 0, listed.stderr);
    const files = listed.stdout.split('\n').filter(Boolean).sort();
    const expected = expectedFiles();
    const extra = files.filter((file) => !expected.has(file));
    const missing = [...expected.keys()].filter((file) => !files.includes(file));
    assert.deepEqual(extra, [], 'packed but not used by the extension');
    assert.deepEqual(missing, [], 'used by the extension but not packed');
  },
);

test(
  'the client bundle carries vscode-languageclient (the package has no node_modules)',
  { skip: !built && 'run "npm run build" first: dist/ is missing' },
  () => {
    const bundle = readFileSync(join(root, 'dist', 'extension.js'), 'utf8');
    assert.doesNotMatch(bundle, /require\(["']vscode-languageclient/);
    assert.match(bundle, /exports\d*\.LanguageClient = /);
  },
);

test('the icon is a 128x128 PNG', () => {
  const png = readFileSync(join(root, 'media', 'icon.png'));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.equal(png.readUInt32BE(16), 128, 'width');
  assert.equal(png.readUInt32BE(20), 128, 'height');
  assert.ok(statSync(join(root, 'media', 'icon.png')).size < 32_768, 'small');
});
