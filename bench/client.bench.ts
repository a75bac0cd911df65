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
 * options and middleware of src/extension/client.ts (diagnostics' shared fields; lenses through
 * src/extension/code-lens-cache.ts, as it ships). What VS Code's extension host then
 * does with the converted answers (records for its renderer, serialised as JSON: diagnostics, at most
 * 1,000 a file, lenses, hints, code actions) runs too, in bench/ext-host.ts; and after each keystroke
 * the light bulb asks for the code actions at the cursor. It measures this
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
import type { CodeLensCache } from '../src/extension/code-lens-cache';
import type {
  VSCODE_MAX_DIAGNOSTICS_PER_FILE,
  fillSharedFields,
} from '../src/extension/diagnostic-fields';
import {
  CODE_LENSES,
  LINT_STATUS,
  MAX_DIAGNOSTICS_PER_FILE,
  SHARED_DIAGNOSTIC_FIELDS,
  type CodeLensesResult,
  type LintStatus,
} from '../src/server/protocol';
import type { ExtensionHost, extensionHost, sentToRenderer } from './ext-host';
import type { LintEngine } from '../src/server/engine';
import type { readSettings } from '../src/server/settings';
import { generateModelFile } from '../test/lint/model-code';
import { loadShipped } from './shipped';

const KEYSTROKES = 12;
const TARGET_MS = 5;
/** A screen of the editor at the top of the file: VS Code resolves the CodeLenses in it. */
const VISIBLE_LINES = 50;
/**
 * The lines VS Code asks inlay hints for at the top of a file: the screen in view, one below and
 * 30 lines more (its inlay hints controller's range).
 */
const HINT_LINES = 2 * VISIBLE_LINES + 30;
const root = join(__dirname, '..');

interface Case {
  lines: number;
  typed: string;
  hostMs: number;
  /** Characters the extension host serialised for its renderer per keystroke (median). */
  toRenderer: number;
}

export async function bench(): Promise<void> {
  const convert = await converters();
  const server = await startServer(convert);
  const cases: Case[] = [];
  try {
    await firstOpen(server);
    for (const lines of [445, 8000]) {
      for (const typed of [' ', '\n'])
        cases.push({ lines, typed, ...(await keystrokes(server, lines, typed)) });
    }
  } finally {
    await server.stop();
  }
  const inProcess = await inProcessLint();
  for (const { lines, typed, hostMs, toRenderer } of cases) {
    const lintMs = inProcess(lines, typed);
    console.log(
      `${String(lines).padStart(5)} lines, ${typed === ' ' ? 'a space (findings unchanged)' : 'a new line (every finding moves)'}: host CPU per keystroke ${hostMs.toFixed(2)} ms (thin client, target <= ${TARGET_MS} ms: ${hostMs <= TARGET_MS ? 'met' : 'MISSED'}; ${(toRenderer / 1000).toFixed(0)} kB to the renderer); ` +
        `in-process lint of the same edit ${lintMs.toFixed(1)} ms; ${(lintMs / hostMs).toFixed(0)}x less on the host`,
    );
  }
}

/**
 * `typed` at the start of the first line, KEYSTROKES times: a space moves no finding (the server
 * answers the pull "unchanged"), a new line moves every finding (a full report to convert).
 * Returns the median host CPU per keystroke and what the host sent its renderer.
 */
async function keystrokes(
  server: Server,
  lines: number,
  typed: string,
): Promise<{ hostMs: number; toRenderer: number }> {
  const uri = `file:///bench/client-${lines}-${typed === ' ' ? 'space' : 'newline'}.ts`;
  // Where the cursor is after typing: VS Code asks for the code actions there.
  const cursor = typed === ' ' ? { line: 0, character: 1 } : { line: 1, character: 0 };
  await server.open(uri, generateModelFile(lines, 7));
  await server.afterChange(uri, { line: 0, character: 0 });
  await server.quiet();
  const hostMs: number[] = [];
  const toRenderer: number[] = [];
  for (let version = 2; version < 2 + KEYSTROKES; version++) {
    const status = server.status(uri, version);
    const sent = server.sentToRenderer();
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
    await server.afterChange(uri, cursor);
    await status;
    await server.quiet();
    hostMs.push(cpuMs(process.cpuUsage(cpu)));
    toRenderer.push(server.sentToRenderer() - sent);
  }
  return { hostMs: median(hostMs), toRenderer: median(toRenderer) };
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
  /**
   * What follows a change: the diagnostics pull, and VS Code asking for lenses, hints and the code
   * actions at the cursor again.
   */
  afterChange(uri: string, cursor: { line: number; character: number }): Promise<void>;
  status(uri: string, version: number): Promise<LintStatus>;
  /** Resolves once the server has nothing more in flight for this process (refreshes answered). */
  quiet(): Promise<void>;
  sentToRenderer(): number;
  stop(): Promise<void>;
}

/** dist/server.js forked with --node-ipc, as `TransportKind.ipc` does, initialized as VS Code's client. */
async function startServer(convert: Converters): Promise<Server> {
  // No execArgv: this process's tsx loader is not the shipped server's.
  const child = fork(join(root, 'dist', 'server.js'), ['--node-ipc'], {
    silent: true,
    execArgv: [],
  });
  const connection = createMessageConnection(
    new IPCMessageReader(child),
    new IPCMessageWriter(child),
  );
  const { p2c, c2p, host } = convert;
  const waiting = new Map<string, (status: LintStatus) => void>();
  const resultIds = new Map<string, string>();
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const open = new Set<string>();
  // The client's middleware (src/extension/client.ts): lenses through its cache.
  const lensCache = new convert.CodeLensCache({
    send: async (params) => (await connection.sendRequest(CODE_LENSES, params)) as CodeLensesResult,
    convert: (lens) => p2c.asCodeLens(lens as CodeLens) as never,
  });
  const lenses = async (uri: string): Promise<void> => {
    const converted = (await lensCache.provide(uri)) as unknown as ConvertedLens[];
    host.codeLenses(converted);
    // VS Code resolves the lenses in view that came without a command, one request each.
    const unresolved = converted.filter(
      (lens) => !lens.command && lens.range.start.line < VISIBLE_LINES,
    );
    await Promise.all(
      unresolved.map(async (lens) => {
        const response = await connection.sendRequest('codeLens/resolve', c2p.asCodeLens(lens));
        const resolved = p2c.asCodeLens(response as CodeLens) as ConvertedLens;
        lensCache.resolved(lens as never, resolved as never);
        host.resolvedCodeLens(resolved);
      }),
    );
  };
  const hints = async (uri: string): Promise<void> => {
    const items = (await connection.sendRequest('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: HINT_LINES, character: 0 } },
    })) as InlayHint[] | null;
    host.inlayHints((await p2c.asInlayHints(items ?? [])) as never);
  };
  // The light bulb: once the cursor has moved (and again when the markers change), VS Code asks
  // the code actions of the cursor's position, with the diagnostics there.
  const codeActions = async (uri: string, at: { line: number; character: number }) => {
    const position = new convert.Position(at.line, at.character) as never;
    const range = new convert.Range(position, position);
    const actions = await connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: c2p.asRange(range),
      context: c2p.asCodeActionContextSync({
        diagnostics: host.diagnosticsAt(at.line),
        only: undefined,
        triggerKind: 2,
      }),
    });
    host.codeActions((await p2c.asCodeActionResult((actions as unknown[] | null) ?? [])) as never);
  };
  connection.onNotification(LINT_STATUS, (status: LintStatus) => {
    // src/extension/server-lints.ts keeps each status under the editor's form of its uri.
    const normalized = { ...status, uri: String(p2c.asUri(status.uri)) };
    waiting.get(`${normalized.uri}@${status.version}`)?.(status);
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
      [MAX_DIAGNOSTICS_PER_FILE]: convert.maxDiagnosticsPerFile,
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
    // The client's middleware runs on what the converter made (src/extension/client.ts), then
    // the client sets them in its diagnostic collection.
    const items = await p2c.asDiagnostics(report.items ?? []);
    convert.fillSharedFields(items as never);
    host.setDiagnostics(uri, items as never);
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
    async afterChange(uri, cursor) {
      await Promise.all([pull(uri), lenses(uri), hints(uri), codeActions(uri, cursor)]);
    },
    status(uri, version) {
      return new Promise((resolve) => waiting.set(`${uri}@${version}`, resolve));
    },
    async quiet() {
      // The server answers in order: what it sent before this reply has arrived with it.
      await connection.sendRequest('gradientLens/benchPing').catch(() => undefined);
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    sentToRenderer: () => convert.sentToRenderer(),
    async stop() {
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      await new Promise((resolve) => child.once('exit', resolve));
      connection.dispose();
    },
  };
}

interface ConvertedLens {
  range: {
    start: { line: number; character: number };
    end: { line: number; character: number };
  };
  command?: { title: string; command: string };
}

interface Converters {
  /** vscode-languageclient's protocol-to-code converter. */
  p2c: {
    asUri(value: string): unknown;
    asDiagnostics(items: Diagnostic[]): Promise<unknown[]>;
    asCodeLenses(items: CodeLens[]): Promise<unknown[] | undefined>;
    asCodeLens(item: CodeLens): unknown;
    asInlayHints(items: InlayHint[]): Promise<unknown[] | undefined>;
    asCodeActionResult(items: unknown[]): Promise<unknown[]>;
  };
  /** Its code-to-protocol converter. */
  c2p: {
    asCodeLens(item: unknown): CodeLens;
    asRange(range: unknown): unknown;
    asCodeActionContextSync(context: unknown): unknown;
  };
  Position: new (line: number, character: number) => object;
  Range: new (start: never, end: never) => object;
  /**
   * src/extension/diagnostic-fields.ts, code-lens-cache.ts and the extension host stand-in,
   * bundled as they ship.
   */
  fillSharedFields: typeof fillSharedFields;
  maxDiagnosticsPerFile: typeof VSCODE_MAX_DIAGNOSTICS_PER_FILE;
  CodeLensCache: typeof CodeLensCache;
  host: ExtensionHost;
  sentToRenderer: typeof sentToRenderer;
}

/**
 * vscode-languageclient's converters, on a stub `vscode` with the classes they build (their
 * constructors check their arguments as VS Code's do), and the extension host stand-in.
 */
async function converters(): Promise<Converters> {
  class Position {
    constructor(
      readonly line: number,
      readonly character: number,
    ) {
      if (line < 0 || character < 0) throw new Error('Illegal argument');
    }
    isBefore(other: Position): boolean {
      return (
        this.line < other.line || (this.line === other.line && this.character < other.character)
      );
    }
  }
  class Range {
    readonly start: Position;
    readonly end: Position;
    constructor(
      startLine: number | Position,
      startCharacter: number | Position,
      endLine?: number,
      endCharacter?: number,
    ) {
      const [start, end] =
        typeof startLine === 'number' && typeof startCharacter === 'number'
          ? [new Position(startLine, startCharacter), new Position(endLine ?? 0, endCharacter ?? 0)]
          : [startLine, startCharacter];
      if (!(start instanceof Position) || !(end instanceof Position))
        throw new Error('Invalid arguments');
      [this.start, this.end] = end.isBefore(start) ? [end, start] : [start, end];
    }
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
  class CodeLens {
    constructor(
      readonly range: Range,
      public command?: unknown,
    ) {}
    get isResolved(): boolean {
      return !!this.command;
    }
  }
  class InlayHint {
    constructor(
      readonly position: Position,
      readonly label: unknown,
      public kind?: number,
    ) {}
  }
  /** As VS Code's URI: parsed into its components, serialised as them. */
  class Uri {
    constructor(
      readonly scheme: string,
      readonly authority: string,
      readonly path: string,
      readonly query: string,
      readonly fragment: string,
    ) {}
    static parse(value: string): Uri {
      const match = /^(([^:/?#]+?):)?(\/\/([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?/.exec(value);
      if (!match) return new Uri('', '', '', '', '');
      return new Uri(
        match[2] ?? '',
        decodeURIComponent(match[4] ?? ''),
        decodeURIComponent(match[5] ?? ''),
        decodeURIComponent(match[7] ?? ''),
        decodeURIComponent(match[9] ?? ''),
      );
    }
    toString(): string {
      return `${this.scheme}://${this.authority}${this.path}`;
    }
    toJSON() {
      return { $mid: 1, scheme: this.scheme, authority: this.authority, path: this.path };
    }
  }
  const stub = new Proxy(
    {
      Position,
      Range,
      Diagnostic,
      CodeLens,
      InlayHint,
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
  let p2c: Converters['p2c'];
  let c2p: Converters['c2p'];
  try {
    // The converter batches large lists through the runtime layer vscode-languageclient/node installs.
    require(
      join(root, 'node_modules/vscode-languageclient/node_modules/vscode-jsonrpc/lib/node/main.js'),
    );
    const protocol = require('vscode-languageclient/$test/common/protocolConverter') as {
      createConverter: (
        uri: undefined,
        trusted: boolean,
        html: boolean,
        icons: boolean,
      ) => Converters['p2c'];
    };
    const code = require('vscode-languageclient/$test/common/codeConverter') as {
      createConverter: (uri: undefined) => Converters['c2p'];
    };
    p2c = protocol.createConverter(undefined, true, false, false);
    c2p = code.createConverter(undefined);
  } finally {
    loader._load = original;
  }
  const shipped = await loadShipped<{
    fillSharedFields: typeof fillSharedFields;
    VSCODE_MAX_DIAGNOSTICS_PER_FILE: typeof VSCODE_MAX_DIAGNOSTICS_PER_FILE;
    CodeLensCache: typeof CodeLensCache;
    extensionHost: typeof extensionHost;
    sentToRenderer: typeof sentToRenderer;
  }>(
    'client-host',
    "export { VSCODE_MAX_DIAGNOSTICS_PER_FILE, fillSharedFields } from './src/extension/diagnostic-fields'; export { CodeLensCache } from './src/extension/code-lens-cache'; export { extensionHost, sentToRenderer } from './bench/ext-host';",
    [],
  );
  return {
    p2c,
    c2p,
    Position,
    Range,
    fillSharedFields: shipped.fillSharedFields,
    maxDiagnosticsPerFile: shipped.VSCODE_MAX_DIAGNOSTICS_PER_FILE,
    CodeLensCache: shipped.CodeLensCache,
    host: shipped.extensionHost(),
    sentToRenderer: shipped.sentToRenderer,
  };
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
