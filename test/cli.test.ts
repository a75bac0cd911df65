import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../src/cli/main';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (s: string) => out.push(s),
      stderr: (s: string) => err.push(s),
      cwd: process.cwd(),
    },
    out,
    err,
  };
}

test('unknown command exits 2 with a one-line reason and the usage', async () => {
  const { io, err } = capture();
  assert.equal(await main(['frobnicate'], io), 2);
  assert.match(err.join(''), /unknown command "frobnicate"/);
});

test('--help prints usage and exits 0', async () => {
  const { io, out } = capture();
  assert.equal(await main(['--help'], io), 0);
  assert.match(out.join(''), /gradient-lens <command>/);
});

test('--version prints the package version and exits 0', async () => {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  for (const flag of ['--version', '-v']) {
    const { io, out } = capture();
    assert.equal(await main([flag], io), 0);
    assert.equal(out.join(''), `${version}\n`);
  }
});
