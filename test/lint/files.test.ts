import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { collectFiles, FileSelectionError } from '../../src/lint/files';

const temp = mkdtempSync(join(tmpdir(), 'gl-files-'));
after(() => rmSync(temp, { recursive: true, force: true }));

let count = 0;
function tree(files: Record<string, string>): string {
  const dir = join(temp, `t${count++}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const listed = (root: string, paths: string[], cwd = root) =>
  collectFiles(paths, cwd).map((file) => relative(root, file));

test('every supported extension is found; other files and .d.ts are not', () => {
  const exts = ['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx'];
  const root = tree({
    ...Object.fromEntries(exts.map((ext) => [`a.${ext}`, ''])),
    'types.d.ts': '',
    'data.json': '',
    'README.md': '',
  });
  assert.deepEqual(listed(root, []), exts.map((ext) => `a.${ext}`).sort());
});

test('nested .gitignore files apply below their folder; deeper negations re-include', () => {
  const root = tree({
    '.gitignore': 'build/\n*.gen.js\n',
    'src/keep.js': '',
    'src/skip.gen.js': '',
    'src/build/out.js': '',
    'src/lib/.gitignore': '!special.gen.js\n/local.js\n',
    'src/lib/special.gen.js': '',
    'src/lib/local.js': '',
    'src/lib/deeper/local.js': '',
    'node_modules/x/index.js': '',
    'src/node_modules/y/index.js': '',
  });
  assert.deepEqual(listed(root, ['.']), [
    'src/keep.js',
    'src/lib/deeper/local.js',
    'src/lib/special.gen.js',
  ]);
});

test('a .gitignore above the linted folder applies, up to the repository root but not beyond', () => {
  const root = tree({
    '.gitignore': 'outside-rule.js\n',
    'repo/.git/HEAD': '',
    'repo/.gitignore': 'ignored.js\n',
    'repo/pkg/src/ignored.js': '',
    'repo/pkg/src/outside-rule.js': '',
    'repo/pkg/src/kept.js': '',
  });
  assert.deepEqual(listed(root, ['repo/pkg/src']), [
    'repo/pkg/src/kept.js',
    'repo/pkg/src/outside-rule.js',
  ]);
});

test('files named explicitly are linted even when ignored or of another extension', () => {
  const root = tree({ '.gitignore': '*.js\n', 'a.js': '', 'notes.txt': '' });
  assert.deepEqual(listed(root, ['a.js', 'notes.txt', 'a.js']), ['a.js', 'notes.txt']);
});

test('symlinked folders are not followed (no loops); symlinked files are linted', () => {
  const root = tree({ 'src/model.js': '' });
  symlinkSync(join(root, 'src'), join(root, 'src', 'loop'));
  symlinkSync(join(root, 'src', 'model.js'), join(root, 'src', 'alias.js'));
  assert.deepEqual(listed(root, ['.']), ['src/alias.js', 'src/model.js']);
});

test('a missing path is a FileSelectionError naming it', () => {
  const root = tree({ 'a.js': '' });
  assert.throws(
    () => collectFiles(['a.js', 'missing/dir'], root),
    (error: unknown) => {
      assert.ok(error instanceof FileSelectionError);
      assert.equal(error.message, 'no such file or directory: missing/dir');
      return true;
    },
  );
});
