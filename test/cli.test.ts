import assert from 'node:assert/strict';
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
