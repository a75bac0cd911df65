import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { DEEP_SIGMOID } from './fixtures';
import { BIN, ROOT, startClient } from './lsp-client';

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { processId: null, rootUri: null, capabilities: {} },
});

const spawned: ReturnType<typeof spawn>[] = [];
// A failed assertion must not leave a server behind (the test run would wait for it).
after(() => {
  for (const child of spawned) if (child.exitCode === null) child.kill();
});

/** Raw framing: what a broken client writes, and every message the server writes back. */
function rawServer() {
  const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: ROOT });
  spawned.push(child);
  let buffer = '';
  const messages: { id?: unknown; error?: { code: number; message: string }; result?: unknown }[] =
    [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    for (
      let m = /Content-Length: (\d+)\r\n\r\n/.exec(buffer);
      m;
      m = /Content-Length: (\d+)\r\n\r\n/.exec(buffer)
    ) {
      const start = m.index + m[0].length;
      const length = Number(m[1]);
      if (Buffer.byteLength(buffer.slice(start)) < length) break;
      messages.push(JSON.parse(buffer.slice(start, start + length)));
      buffer = buffer.slice(start + length);
    }
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (accept: (m: (typeof messages)[number]) => boolean) => {
    for (let i = 0; i < 400; i++) {
      const found = messages.find(accept);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no such message; got ${JSON.stringify(messages).slice(0, 500)}`);
  };
  return { child, messages, exited, waitFor, stderr: () => stderr };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: still running after ${ms} ms`)), ms),
    ),
  ]);
}

describe('language server: bad input never crashes or hangs it', () => {
  it('a body that is not JSON gets a Parse error (-32700, id null), and the server keeps serving', async () => {
    const server = rawServer();
    server.child.stdin.write(frame('{"jsonrpc":"2.0","id":7,"method":"initialize","params":{'));
    server.child.stdin.write(frame('[1, 2]'));
    server.child.stdin.write(frame(INITIALIZE));
    const parse = await server.waitFor((m) => m.error?.code === -32700);
    assert.equal(parse.id, null);
    assert.equal((await server.waitFor((m) => m.error?.code === -32600)).id, null);
    assert.ok((await server.waitFor((m) => m.id === 1)).result);
    server.child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'shutdown' })));
    await server.waitFor((m) => m.id === 2);
    server.child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', method: 'exit' })));
    assert.equal(await within(server.exited, 10_000, 'exit after shutdown'), 0);
  });

  it('a header without Content-Length (framing lost) ends the server cleanly instead of hanging', async () => {
    const server = rawServer();
    server.child.stdin.write(frame(INITIALIZE));
    await server.waitFor((m) => m.id === 1);
    server.child.stdin.write('Content-Type: application/json\r\n\r\n{}');
    assert.equal(await within(server.exited, 10_000, 'broken framing'), 1);
    assert.match(server.stderr(), /a header without Content-Length/);
  });

  it('a client that disappears without shutdown (stdin closes) leaves no process behind', async () => {
    const server = rawServer();
    server.child.stdin.write(frame(INITIALIZE));
    await server.waitFor((m) => m.id === 1);
    server.child.stdin.end();
    assert.equal(await within(server.exited, 10_000, 'stdin closed'), 1);
  });

  it('unknown methods get MethodNotFound; requests before initialize get ServerNotInitialized', async () => {
    const server = rawServer();
    server.child.stdin.write(
      frame(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'textDocument/hover', params: {} })),
    );
    assert.equal((await server.waitFor((m) => m.id === 3)).error?.code, -32002);
    server.child.stdin.write(frame(INITIALIZE));
    await server.waitFor((m) => m.id === 1);
    server.child.stdin.write(
      frame(
        JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'gradientLens/noSuchThing', params: {} }),
      ),
    );
    server.child.stdin.write(
      frame(JSON.stringify({ jsonrpc: '2.0', method: 'gradientLens/noSuchNotification' })),
    );
    assert.equal((await server.waitFor((m) => m.id === 4)).error?.code, -32601);
    server.child.stdin.end();
    await within(server.exited, 10_000, 'stdin closed');
  });

  it('changes to documents never opened, odd params and internal errors: logged once, still serving', async () => {
    const client = await startClient();
    const { connection } = client;
    void connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: 'file:///never/opened.js', version: 4 },
      contentChanges: [{ text: DEEP_SIGMOID }],
    });
    void connection.sendNotification('textDocument/didChange', { textDocument: null });
    void connection.sendNotification('workspace/didChangeWatchedFiles', { changes: 'nope' });
    // A hover whose position is not a position: the handler fails inside, answers null, logs once.
    const uri = 'file:///project/robust.js';
    const opened = client.diagnostics(uri);
    client.open(uri, DEEP_SIGMOID);
    await opened;
    const odd = { textDocument: { uri }, position: { line: 'x', character: {} } };
    for (let i = 0; i < 3; i++) {
      const hover = await connection.sendRequest('textDocument/codeAction', {
        ...odd,
        context: null,
      });
      assert.deepEqual(hover, []);
    }
    const failures = client.logs.filter((l) => l.includes('code actions failed'));
    assert.equal(failures.length, 1, JSON.stringify(client.logs));
    // And it still lints.
    const next = client.diagnostics(uri, (p) => p.version === 2);
    client.change(uri, 2, DEEP_SIGMOID.replace('0.05', '0.5'));
    assert.ok((await next).some((d) => d.code === 'saturating-activation'));
    await client.close();
    assert.equal(client.child.exitCode, 0);
  });
});
