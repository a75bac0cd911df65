/**
 * What the VS Code extension host pays now that it is a thin client. VS Code's client
 * (vscode-languageclient) starts dist/server.js as a Node child over IPC and, per keystroke, sends
 * an incremental didChange, pulls textDocument/diagnostic and converts the answer to VS Code
 * diagnostics; the server also sends its lintStatus notification. This bench does exactly that
 * from this process, over the same IPC transport, with vscode-jsonrpc (the library the client is
 * built on) and vscode-languageclient's own protocol converter (loaded with a stub `vscode` that
 * has the classes the conversion constructs). It measures this process's CPU time per keystroke
 * (process.cpuUsage: all the client-side work, waiting excluded) — the closest honest stand-in for
 * extension-host time that runs outside VS Code; the rest of the client (its feature registrations)
 * does not run per keystroke.
 *
 * Beside it, in this same run: the in-process lint of the same edit (what the host paid when the
 * extension linted itself), the ratio, and the target (<= 5 ms per keystroke on 8,000 lines). Then
 * the first tfjs file: host CPU from didOpen to its first diagnostics (the engine loads in the
 * server process) against a fresh Node process that loads the engine and lints (the old host cost).
 * Needs dist/ (npm run bench builds it).
 */
import { execFileSync, fork } from 'node:child_process';
import Module from 'node:module';
import { join } from 'node:path';
import {
  IPCMessageReader,
  IPCMessageWriter,
  createMessageConnection,
  type Diagnostic,
  type MessageConnection,
} from 'vscode-languageserver/node';
import { LINT_STATUS, type LintStatus } from '../src/server/protocol';
import { LintEngine } from '../src/server/engine';
import { readSettings } from '../src/server/settings';
import { generateModelFile } from '../test/lint/model-code';

const KEYSTROKES = 12;
const TARGET_MS = 5;
const root = join(__dirname, '..');

export async function bench(): Promise<void> {
  const convert = diagnosticConverter();
  const server = await startServer();
  try {
    await firstOpen(server, convert);
    for (const lines of [445, 8000]) {
      await keystrokes(server, convert, lines, ' ');
      await keystrokes(server, convert, lines, '\n');
    }
  } finally {
    await server.stop();
  }
}

/**
 * `typed` at the start of the first line, KEYSTROKES times: a space moves no finding (the server
 * answers the pull "unchanged"), a new line moves every finding (a full report to convert).
 */
async function keystrokes(
  server: Server,
  convert: Convert,
  lines: number,
  typed: string,
): Promise<void> {
  const source = generateModelFile(lines, 7);
  const uri = `file:///bench/client-${lines}-${typed === ' ' ? 'space' : 'newline'}.ts`;
  await server.open(uri, source);
  await server.pull(uri, convert);
  const engine = new LintEngine();
  const settings = readSettings(undefined);
  let text = source;
  const path = `/bench/client-${lines}.ts`;
  let previous = engine.lint(text, path, 1, settings, undefined);
  const hostMs: number[] = [];
  const inProcessMs: number[] = [];
  for (let version = 2; version < 2 + KEYSTROKES; version++) {
    text = `${typed}${text}`;
    const status = server.status(uri, version);
    const cpu = process.cpuUsage();
    // One keystroke, as VS Code sends it.
    void server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          text: typed,
        },
      ],
    });
    await server.pull(uri, convert);
    await status;
    hostMs.push(cpuMs(process.cpuUsage(cpu)));
    const started = performance.now();
    previous = engine.lint(text, path, version, settings, previous);
    inProcessMs.push(performance.now() - started);
  }
  const host = median(hostMs);
  const inProcess = median(inProcessMs);
  console.log(
    `${String(lines).padStart(5)} lines, ${typed === ' ' ? 'a space (findings unchanged)' : 'a new line (every finding moves)'}: host CPU per keystroke ${host.toFixed(2)} ms (thin client, target <= ${TARGET_MS} ms: ${host <= TARGET_MS ? 'met' : 'MISSED'}); ` +
      `in-process lint of the same edit ${inProcess.toFixed(1)} ms; ${(inProcess / host).toFixed(0)}x less on the host`,
  );
}

/** The first tfjs file: host CPU until its diagnostics, against loading the engine in the host. */
async function firstOpen(server: Server, convert: Convert): Promise<void> {
  const source = generateModelFile(400, 3);
  const uri = 'file:///bench/first.ts';
  const cpu = process.cpuUsage();
  const started = performance.now();
  await server.open(uri, source);
  await server.pull(uri, convert);
  const hostMs = cpuMs(process.cpuUsage(cpu));
  const wallMs = performance.now() - started;
  // The old way, in a fresh process as the host was: load the engine bundle, lint the file.
  const script = `const t=performance.now();const api=require(${JSON.stringify(join(root, 'dist', 'api.js'))});api.lint(${JSON.stringify(source)},{filePath:'first.ts'});process.stdout.write(String(performance.now()-t));`;
  const inHostMs = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  console.log(
    `first tfjs file (400 lines): host CPU from open to first diagnostics ${hostMs.toFixed(1)} ms ` +
      `(diagnostics after ${wallMs.toFixed(0)} ms, the engine loading in the server); ` +
      `loading the engine and linting in the host took ${inHostMs.toFixed(0)} ms (${(inHostMs / hostMs).toFixed(0)}x)`,
  );
}

type Convert = (diagnostics: Diagnostic[]) => Promise<unknown[]>;

interface Server {
  connection: MessageConnection;
  open(uri: string, text: string): Promise<void>;
  pull(uri: string, convert: Convert): Promise<unknown[]>;
  status(uri: string, version: number): Promise<LintStatus>;
  stop(): Promise<void>;
}

/** dist/server.js forked with --node-ipc, as `TransportKind.ipc` does, initialized as VS Code's client. */
async function startServer(): Promise<Server> {
  const child = fork(join(root, 'dist', 'server.js'), ['--node-ipc'], { silent: true });
  const connection = createMessageConnection(
    new IPCMessageReader(child),
    new IPCMessageWriter(child),
  );
  const waiting = new Map<string, (status: LintStatus) => void>();
  const resultIds = new Map<string, string>();
  connection.onNotification(LINT_STATUS, (status: LintStatus) => {
    waiting.get(`${status.uri}@${status.version}`)?.(status);
  });
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) =>
    p.items.map(() => ({})),
  );
  for (const method of [
    'client/registerCapability',
    'workspace/codeLens/refresh',
    'workspace/inlayHint/refresh',
    'workspace/diagnostic/refresh',
  ])
    connection.onRequest(method, () => null);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      workspace: { configuration: true, diagnostics: { refreshSupport: true } },
      textDocument: { diagnostic: { dynamicRegistration: false }, codeAction: {}, hover: {} },
    },
    initializationOptions: {},
  });
  await connection.sendNotification('initialized', {});
  return {
    connection,
    async open(uri, text) {
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'typescript', version: 1, text },
      });
    },
    async pull(uri, convert) {
      // As VS Code's client does: the last resultId goes along; "unchanged" keeps what it has.
      const report = (await connection.sendRequest('textDocument/diagnostic', {
        textDocument: { uri },
        previousResultId: resultIds.get(uri),
      })) as { kind: 'full' | 'unchanged'; resultId?: string; items?: Diagnostic[] };
      if (report.resultId) resultIds.set(uri, report.resultId);
      return report.kind === 'full' ? convert(report.items ?? []) : [];
    },
    status(uri, version) {
      return new Promise((resolve) => waiting.set(`${uri}@${version}`, resolve));
    },
    async stop() {
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      await new Promise((resolve) => child.once('exit', resolve));
      connection.dispose();
    },
  };
}

/** vscode-languageclient's protocol-to-code converter, on a stub `vscode` with the classes it builds. */
function diagnosticConverter(): Convert {
  class Position {
    constructor(
      readonly line: number,
      readonly character: number,
    ) {}
  }
  class Range {
    constructor(
      readonly start: Position,
      readonly end: Position,
    ) {}
  }
  class Diagnostic {
    code: unknown;
    source?: string;
    constructor(
      readonly range: Range,
      readonly message: string,
      readonly severity: number,
    ) {}
  }
  class Uri {
    constructor(readonly value: string) {}
    static parse(value: string): Uri {
      return new Uri(value);
    }
  }
  const stub = new Proxy(
    {
      Position,
      Range,
      Diagnostic,
      Uri,
      DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
      DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
    } as Record<string, unknown>,
    { get: (target, key: string) => target[key] ?? class {} },
  );
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = (request: string, ...rest: unknown[]) =>
    request === 'vscode' ? stub : original(request, ...rest);
  try {
    // The converter batches large lists through the runtime layer vscode-languageclient/node installs.
    require(
      join(root, 'node_modules/vscode-languageclient/node_modules/vscode-jsonrpc/lib/node/main.js'),
    );
    const { createConverter } = require('vscode-languageclient/$test/common/protocolConverter') as {
      createConverter: (
        uri: undefined,
        trusted: boolean,
        html: boolean,
        icons: boolean,
      ) => { asDiagnostics: Convert };
    };
    const converter = createConverter(undefined, true, false, false);
    return (diagnostics) => converter.asDiagnostics(diagnostics);
  } finally {
    loader._load = original;
  }
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// For running this file alone: node --import tsx bench/client.bench.ts
if (require.main === module) void bench();
