/**
 * Just enough of the `vscode` API to activate the extension in plain Node (bench/extension.bench.ts,
 * test/extension/lint-controller.test.ts) and drive document events; records what it is given.
 */
import { EventEmitter as NodeEmitter } from 'node:events';

type Listener<T> = (value: T) => unknown;

export class EventEmitter<T> {
  // Every activation in a bench run subscribes again: no listener limit.
  private readonly emitter = new NodeEmitter().setMaxListeners(0);
  readonly event = (listener: Listener<T>) => {
    this.emitter.on('e', listener);
    return { dispose: () => this.emitter.off('e', listener) };
  };
  fire(value: T): void {
    this.emitter.emit('e', value);
  }
  dispose(): void {
    this.emitter.removeAllListeners();
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
  isEqual(other: Position): boolean {
    return this.line === other.line && this.character === other.character;
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b as number) : a;
    this.end = typeof a === 'number' ? new Position(c ?? 0, d ?? 0) : (b as Position);
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.fsPath, ...parts].join('/'));
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export class FakeDocument {
  languageId = 'typescript';
  constructor(
    readonly uri: Uri,
    private text: string,
    public version = 1,
  ) {}
  getText(): string {
    return this.text;
  }
  setText(text: string): void {
    this.text = text;
    this.version++;
  }
  get lineCount(): number {
    return this.text.split('\n').length;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return new Position(line, offset - (before.lastIndexOf('\n') + 1));
  }
  offsetAt(position: Position): number {
    const lines = this.text.split('\n');
    let offset = 0;
    for (let i = 0; i < position.line; i++) offset += lines[i].length + 1;
    return offset + position.character;
  }
}

const disposable = { dispose: () => {} };
const noopEvent = () => disposable;

export interface FakeDiagnostic {
  range: Range;
  message: string;
  severity: number;
  source?: string;
  code?: { value: string; target: Uri };
}

export interface FakeVscode {
  module: Record<string, unknown>;
  documents: FakeDocument[];
  didOpen: EventEmitter<FakeDocument>;
  didChange: EventEmitter<{ document: FakeDocument; contentChanges: unknown[] }>;
  didSave: EventEmitter<FakeDocument>;
  /** Resolves with the diagnostic count the next time diagnostics are published for `uri`. */
  nextDiagnostics: (uri: string) => Promise<number>;
  /** Last diagnostics published per URI, and how many times each URI was published. */
  diagnostics: Map<string, FakeDiagnostic[]>;
  publishCount: Map<string, number>;
  warnings: string[];
  /** `gradientLens.*` settings the fake configuration returns (keys without the prefix). */
  settings: Record<string, unknown>;
}

export function createFakeVscode(): FakeVscode {
  const documents: FakeDocument[] = [];
  const didOpen = new EventEmitter<FakeDocument>();
  const didChange = new EventEmitter<{ document: FakeDocument; contentChanges: unknown[] }>();
  const didSave = new EventEmitter<FakeDocument>();
  const diagnosticsEvents = new NodeEmitter();
  const diagnostics: FakeVscode['diagnostics'] = new Map();
  const publishCount = new Map<string, number>();
  const warnings: string[] = [];
  const settings: Record<string, unknown> = {};
  const channel = { info() {}, warn() {}, error() {}, trace() {}, show() {}, dispose() {} };
  const codeActionKind = (value: string): unknown => ({
    value,
    append: (part: string) => codeActionKind(`${value}.${part}`),
    contains: (other: { value: string }) =>
      other.value === value || other.value.startsWith(`${value}.`),
  });
  const module = {
    EventEmitter,
    Position,
    Range,
    Uri,
    Diagnostic: class {
      source?: string;
      code?: unknown;
      constructor(
        readonly range: Range,
        readonly message: string,
        readonly severity: number,
      ) {}
    },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    CodeActionKind: {
      QuickFix: codeActionKind('quickfix'),
      SourceFixAll: codeActionKind('source.fixAll'),
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    DecorationRangeBehavior: { ClosedClosed: 1 },
    ProgressLocation: { Notification: 15 },
    ViewColumn: { One: 1, Beside: -2 },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    CodeLens: class {
      constructor(
        readonly range: Range,
        readonly command?: {
          title: string;
          command: string;
          tooltip?: string;
          arguments?: unknown[];
        },
      ) {}
    },
    window: {
      createOutputChannel: () => channel,
      createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
      createTextEditorDecorationType: () => disposable,
      activeTextEditor: undefined,
      visibleTextEditors: [],
      onDidChangeActiveTextEditor: noopEvent,
      onDidChangeVisibleTextEditors: noopEvent,
      showWarningMessage: async (message: string) => {
        warnings.push(message);
        return undefined;
      },
    },
    languages: {
      createDiagnosticCollection: () => ({
        set: (uri: Uri, published: FakeDiagnostic[]) => {
          diagnostics.set(uri.toString(), published);
          publishCount.set(uri.toString(), (publishCount.get(uri.toString()) ?? 0) + 1);
          diagnosticsEvents.emit('set', uri.toString(), published.length);
        },
        delete() {},
        dispose() {},
      }),
      registerCodeActionsProvider: () => disposable,
      registerCodeLensProvider: () => disposable,
      registerHoverProvider: () => disposable,
    },
    workspace: {
      isTrusted: true,
      textDocuments: documents,
      getConfiguration: () => ({ get: (key: string) => settings[key] }),
      onDidOpenTextDocument: didOpen.event,
      onDidChangeTextDocument: didChange.event,
      onDidSaveTextDocument: didSave.event,
      onDidCloseTextDocument: noopEvent,
      onDidChangeConfiguration: noopEvent,
      onDidGrantWorkspaceTrust: noopEvent,
      createFileSystemWatcher: () => ({
        ...disposable,
        onDidChange: noopEvent,
        onDidCreate: noopEvent,
        onDidDelete: noopEvent,
      }),
    },
    commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
  };
  return {
    module,
    diagnostics,
    publishCount,
    warnings,
    settings,
    documents,
    didOpen,
    didSave,
    didChange,
    nextDiagnostics: (uri) =>
      new Promise((resolve) => {
        const listener = (published: string, count: number) => {
          if (published !== uri) return;
          diagnosticsEvents.off('set', listener);
          resolve(count);
        };
        diagnosticsEvents.on('set', listener);
      }),
  };
}
