/**
 * What the VS Code extension host pays now that it is a thin client. VS Code's client
 * (vscode-languageclient) starts dist/server.js as a Node child over IPC and, per keystroke, sends
 * an incremental didChange, pulls textDocument/diagnostic and converts the answer to VS Code
 * diagnostics; VS Code itself asks again for the document's CodeLenses and for the inlay hints of
 * the lines in view (the visible screen and one below, at the top of the file), which the client
 * converts too; the server sends its lintStatus notification, and whatever else it sends (a
 * workspace/codeLens or inlayHint refresh) is answered as the client does: VS Code then asks for
 * the lenses or hints once more. This bench does all of that from this process, over the same IPC
 * transport, with vscode-jsonrpc (the library the client is built on) and vscode-languageclient's
 * own protocol converter (loaded with a stub `vscode` that has the classes the conversion
 * constructs), declaring the capabilities vscode-languageclient declares and the initialization
 * options and diagnostics middleware of src/extension/client.ts. It measures this
 * process's CPU time per keystroke (process.cpuUsage: all the client-side work, waiting excluded)
 * until the server is quiet again — the closest honest stand-in for extension-host time that runs
 * outside VS Code; the rest of the client (its feature registrations) does not run per keystroke.
 *
 * Beside it: the in-process lint of the same edits (what the host paid when the extension linted
 * itself), the ratio, and the target (<= 5 ms per keystroke on 8,000 lines). The in-process lints
 * run after every host measurement, with the engine loaded only then: their garbage collection and
 * compilation (on threads process.cpuUsage counts) would otherwise land in the next keystroke's
 * window, which a thin client's host never pays. Then the first tfjs file: host CPU from didOpen to
 * its first diagnostics (the engine loads in the server process) against a fresh Node process that
 * loads the engine and lints (the old host cost). Needs dist/ (npm run bench builds it).
 */
import { execFileSync, fork } from 'node:child_process';
import Module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  IPCMessageReader,
  IPCMessageWriter,
  createMessageConnection,
  type CodeLens,
  type Diagnostic,
  type InlayHint,
  type MessageConnection,
} from 'vscode-languageserver/node';
import { fillSharedFields } from '../src/extension/diagnostic-fields';
import { LINT_STATUS, SHARED_DIAGNOSTIC_FIELDS, type LintStatus } from '../src/server/protocol';
import type { LintEngine } from '../src/server/engine';
import type { readSettings } from '../src/server/settings';
import { generateModelFile } from '../test/lint/model-code';
import { loadShipped } from './shipped';

const KEYSTROKES = 12;
const TARGET_MS = 5;
/** A screen of the editor at the top of the file: VS Code resolves the CodeLenses in it. */
const VISIBLE_LINES = 50;
/** The lines VS Code asks inlay hints for at the top of a file: the screen in view and one below. */
const HINT_LINES = 2 * VISIBLE_LINES;
const root = join(__dirname, '..');

interface Case {
  lines: number;
  typed: string;
  hostMs: number;
}

export async function bench(): Promise<void> {
  const convert = protocolConverter();
  const server = await startServer(convert);
  const cases: Case[] = [];
  try {
    await firstOpen(server);
    for (const lines of [445, 8000]) {
      for (const typed of [' ', '\n'])
        cases.push({ lines, typed, hostMs: await keystrokes(server, lines, typed) });
    }
  } finally {
    await server.stop();
  }
  const inProcess = await inProcessLint();
  for (const { lines, typed, hostMs } of cases) {
    const lintMs = inProcess(lines, typed);
    console.log(
      `${String(lines).padStart(5)} lines, ${typed === ' ' ? 'a space (findings unchanged)' : 'a new line (every finding moves)'}: host CPU per keystroke ${hostMs.toFixed(2)} ms (thin client, target <= ${TARGET_MS} ms: ${hostMs <= TARGET_MS ? 'met' : 'MISSED'}); ` +
        `in-process lint of the same edit ${lintMs.toFixed(1)} ms; ${(lintMs / hostMs).toFixed(0)}x less on the host`,
    );
  }
}

/**
 * `typed` at the start of the first line, KEYSTROKES times: a space moves no finding (the server
 * answers the pull "unchanged"), a new line moves every finding (a full report to convert).
 * Returns the median host CPU per keystroke.
 */
async function keystrokes(server: Server, lines: number, typed: string): Promise<number> {
  const uri = `file:///bench/client-${lines}-${typed === ' ' ? 'space' : 'newline'}.ts`;
  await server.open(uri, generateModelFile(lines, 7));
  await server.afterChange(uri);
  await server.quiet();
  const hostMs: number[] = [];
  for (let version = 2; version < 2 + KEYSTROKES; version++) {
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
    await server.afterChange(uri);
    await status;
    await server.quiet();
    hostMs.push(cpuMs(process.cpuUsage(cpu)));
  }
  return median(hostMs);
}

/** The same edits linted in this process, as the extension did before the server. */
async function inProcessLint(): Promise<(lines: number, typed: string) => number> {
  const shipped = await loadShipped<{
    LintEngine: typeof LintEngine;
    readSettings: typeof readSettings;
  }>(
    'client-engine',
    "export { LintEngine } from './src/server/engine'; export { readSettings } from './src/server/settings';",
  );
  return (lines, typed) => {
    const engine = new shipped.LintEngine();
    const settings = shipped.readSettings(undefined);
    const path = `/bench/client-${lines}.ts`;
    let text = generateModelFile(lines, 7);
    let previous = engine.lint(text, path, 1, settings, undefined);
    const ms: number[] = [];
    for (let version = 2; version < 2 + KEYSTROKES; version++) {
      text = `${typed}${text}`;
      const started = performance.now();
      previous = engine.lint(text, path, version, settings, previous);
      ms.push(performance.now() - started);
    }
    return median(ms);
  };
}

/** The first tfjs file: host CPU until its diagnostics, against loading the engine in the host. */
async function firstOpen(server: Server): Promise<void> {
  const source = generateModelFile(400, 3);
  const uri = 'file:///bench/first.ts';
  const cpu = process.cpuUsage();
  const started = performance.now();
  await server.open(uri, source);
  await server.pull(uri);
  const hostMs = cpuMs(process.cpuUsage(cpu));
  const wallMs = performance.now() - started;
  await server.quiet();
  // The old way, in a fresh process as the host was: load the engine bundle, lint the file.
  const script = `const t=performance.now();const api=require(${JSON.stringify(join(root, 'dist', 'api.js'))});api.lint(${JSON.stringify(source)},{filePath:'first.ts'});process.stdout.write(String(performance.now()-t));`;
  const inHostMs = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  console.log(
    `first tfjs file (400 lines): host CPU from open to first diagnostics ${hostMs.toFixed(1)} ms ` +
      `(diagnostics after ${wallMs.toFixed(0)} ms, the engine loading in the server); ` +
      `loading the engine and linting in the host took ${inHostMs.toFixed(0)} ms (${(inHostMs / hostMs).toFixed(0)}x)`,
  );
}

interface Server {
  connection: MessageConnection;
  open(uri: string, text: string): Promise<void>;
  pull(uri: string): Promise<unknown[]>;
  /** What follows a change: the diagnostics pull, and VS Code asking for lenses and hints again. */
  afterChange(uri: string): Promise<void>;
  status(uri: string, version: number): Promise<LintStatus>;
  /** Resolves once the server has nothing more in flight for this process (refreshes answered). */
  quiet(): Promise<void>;
  stop(): Promise<void>;
}

/** dist/server.js forked with --node-ipc, as `TransportKind.ipc` does, initialized as VS Code's client. */
async function startServer(convert: Converter): Promise<Server> {
  // No execArgv: this process's tsx loader is not the shipped server's.
  const child = fork(join(root, 'dist', 'server.js'), ['--node-ipc'], {
    silent: true,
    execArgv: [],
  });
  const connection = createMessageConnection(
    new IPCMessageReader(child),
    new IPCMessageWriter(child),
  );
  const waiting = new Map<string, (status: LintStatus) => void>();
  const resultIds = new Map<string, string>();
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const open = new Set<string>();
  const lenses = async (uri: string): Promise<void> => {
    const items = (await connection.sendRequest('textDocument/codeLens', {
      textDocument: { uri },
    })) as CodeLens[] | null;
    await convert.asCodeLenses(items ?? []);
    // VS Code resolves the lenses in view that came without a command, one request each.
    const unresolved = (items ?? []).filter(
      (lens) => !lens.command && lens.range.start.line < VISIBLE_LINES,
    );
    await Promise.all(
      unresolved.map(async (lens) =>
        convert.asCodeLens(await connection.sendRequest('codeLens/resolve', lens)),
      ),
    );
  };
  const hints = async (uri: string): Promise<void> => {
    const items = (await connection.sendRequest('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: HINT_LINES, character: 0 } },
    })) as InlayHint[] | null;
    await convert.asInlayHints(items ?? []);
  };
  connection.onNotification(LINT_STATUS, (status: LintStatus) => {
    waiting.get(`${status.uri}@${status.version}`)?.(status);
  });
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) =>
    p.items.map(() => ({})),
  );
  // A refresh: VS Code asks every visible editor's lenses (or hints) again.
  connection.onRequest('workspace/codeLens/refresh', () => {
    for (const uri of open) track(lenses(uri));
    return null;
  });
  connection.onRequest('workspace/inlayHint/refresh', () => {
    for (const uri of open) track(hints(uri));
    return null;
  });
  connection.onRequest('workspace/diagnostic/refresh', () => {
    for (const uri of open) track(pull(uri));
    return null;
  });
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      workspace: {
        configuration: true,
        diagnostics: { refreshSupport: true },
        codeLens: { refreshSupport: true },
        inlayHint: { refreshSupport: true },
      },
      textDocument: {
        diagnostic: { dynamicRegistration: false },
        codeAction: {},
        hover: {},
        codeLens: { resolveSupport: { properties: ['command'] } },
        inlayHint: {},
      },
    },
    // As src/extension/client.ts starts it.
    initializationOptions: {
      docsUrl: pathToFileURL(join(root, 'docs', 'rules')).href,
      [SHARED_DIAGNOSTIC_FIELDS]: true,
    },
  });
  await connection.sendNotification('initialized', {});
  async function pull(uri: string): Promise<unknown[]> {
    // As VS Code's client does: the last resultId goes along; "unchanged" keeps what it has.
    const report = (await connection.sendRequest('textDocument/diagnostic', {
      textDocument: { uri },
      previousResultId: resultIds.get(uri),
    })) as { kind: 'full' | 'unchanged'; resultId?: string; items?: Diagnostic[] };
    if (report.resultId) resultIds.set(uri, report.resultId);
    if (report.kind !== 'full') return [];
    // The client's middleware runs on what the converter made (src/extension/client.ts).
    const items = await convert.asDiagnostics(report.items ?? []);
    fillSharedFields(items as never);
    return items;
  }
  return {
    connection,
    async open(uri, text) {
      // Only the document being typed in is in view.
      open.clear();
      open.add(uri);
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'typescript', version: 1, text },
      });
    },
    pull,
    async afterChange(uri) {
      await Promise.all([pull(uri), lenses(uri), hints(uri)]);
    },
    status(uri, version) {
      return new Promise((resolve) => waiting.set(`${uri}@${version}`, resolve));
    },
    async quiet() {
      // The server answers in order: what it sent before this reply has arrived with it.
      await connection.sendRequest('gradientLens/benchPing').catch(() => undefined);
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async stop() {
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      await new Promise((resolve) => child.once('exit', resolve));
      connection.dispose();
    },
  };
}

interface Converter {
  asDiagnostics(items: Diagnostic[]): Promise<unknown[]>;
  asCodeLenses(items: CodeLens[]): Promise<unknown[] | undefined>;
  asCodeLens(item: CodeLens): unknown;
  asInlayHints(items: InlayHint[]): Promise<unknown[] | undefined>;
}

/** vscode-languageclient's protocol-to-code converter, on a stub `vscode` with the classes it builds. */
function protocolConverter(): Converter {
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
      ) => Converter;
    };
    return createConverter(undefined, true, false, false);
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
