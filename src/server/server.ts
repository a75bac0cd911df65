/**
 * The language server: wires the connection's requests and notifications to the engine. Analysis
 * runs here, off the editor's thread: diagnostics (pushed, or pulled when the client supports
 * textDocument/diagnostic), code actions, hovers, CodeLens, inlay hints, settings through
 * workspace/configuration, and `.gradientlensrc.json` watching. A handler that fails logs once
 * and answers empty; the server keeps serving.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type CodeAction,
  type CodeLens,
  type Diagnostic,
  type Connection,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  FIX_ALL_KIND,
  diagnosticKey,
  fixAllAction,
  quickFixes,
  wants,
  type RecordedFix,
} from './code-actions';
import { type DiagnosticSet, toDiagnostics, withinLimit, withoutSharedFields } from './diagnostics';
import { LintEngine, type DocumentLint } from './engine';
import { registerClientRequests } from './client-requests';
import { estimateHints, layerHover, modelLenses } from './features';
import { MeasuredResults, measuredHints } from './measured';
import { monitorAction, MONITOR_KIND } from './monitor-action';
import {
  CONFIG_FILE,
  SOURCE_GLOB,
  documentKey,
  isCandidate,
  lintPath,
  pathToUri,
  uriToPath,
} from './paths';
import {
  CODE_LENSES,
  LINT_STATUS,
  MAX_DIAGNOSTICS_PER_FILE,
  SHARED_DIAGNOSTIC_FIELDS,
  SHOW_DOCS_COMMAND,
  type CodeLensesParams,
  type CodeLensesResult,
  type LintStatus,
} from './protocol';
import { SECTION, SettingsCache } from './settings';

const DEFAULT_DEBOUNCE_MS = 300;

interface Capabilities {
  configuration: boolean;
  pullDiagnostics: boolean;
  diagnosticRefresh: boolean;
  codeLensRefresh: boolean;
  inlayHintRefresh: boolean;
  watchedFilesRegistration: boolean;
  configurationRegistration: boolean;
  showDocument: boolean;
  /** The client fills in the fields a pulled report's diagnostics share (source, docs links). */
  sharedDiagnosticFields: boolean;
  /** The client resolves the commands of the CodeLenses it shows (VS Code: those in view). */
  codeLensResolve: boolean;
  /** The most diagnostics a file the client shows (MAX_DIAGNOSTICS_PER_FILE), if it said. */
  maxDiagnostics: number | null;
}

/**
 * The lenses last answered for a document. To a client that resolves them each went without its
 * command, and `data` says where to find it; `json` tells a new list that is the same one.
 */
interface LensList {
  id: number;
  lenses: CodeLens[];
  json: string;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const engine = new LintEngine();
  const lints = new Map<string, DocumentLint>();
  const recorded = new Map<string, Map<string, RecordedFix>>();
  /**
   * Each document's diagnostics as converted after its last lint, with the document version they
   * were converted against: the pull that follows a keystroke's lint reuses them.
   */
  const converted = new Map<string, { lint: DocumentLint; version: number; set: DiagnosticSet }>();
  const timers = new Map<string, { timer: NodeJS.Timeout; version: number }>();
  const waiters = new Map<string, (() => void)[]>();
  const reported = new Set<string>();
  const measured = new MeasuredResults();
  /** The resultId of the last diagnostics report pulled per document. */
  const reportIds = new Map<string, string>();
  /** Documents linted again for a reason other than their text (their last lint is out of date). */
  const outdated = new Set<string>();
  /** Documents whose CodeLenses were last answered from a lint of an older version. */
  const lensesBehind = new Set<string>();
  const lensLists = new Map<string, LensList>();
  let lensListIds = 0;
  let caps: Capabilities | null = null;
  let settings = new SettingsCache(null);
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  let docsRoot = findDocsRoot();

  /** An internal error is logged once (per distinct message); the request answers its fallback. */
  const reportOnce = (what: string, error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const key = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    if (reported.has(key)) return;
    reported.add(key);
    connection.console.error(`Gradient Lens: ${what} failed: ${text}`);
  };
  async function guard<T>(what: string, fallback: T, run: () => T | Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      reportOnce(what, error);
      return fallback;
    }
  }

  /**
   * A request the client cancelled while it waited for a lint (a newer change came, and it will
   * ask again): the answer would be parsed by the editor's side and thrown away.
   */
  function unlessCancelled(token: CancellationToken): void {
    if (token.isCancellationRequested)
      throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled by the client');
  }

  /** A request handler: guarded, and refused before `initialize` as the protocol says (-32002). */
  async function answer<T>(what: string, fallback: T, run: () => T | Promise<T>): Promise<T> {
    if (!caps) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'initialize first');
    return guard(what, fallback, run);
  }

  const docsHref = (ruleId: string): string =>
    docsRoot.startsWith('file:') || /^https?:/.test(docsRoot)
      ? `${docsRoot.replace(/\/$/, '')}/${encodeURIComponent(ruleId)}.md`
      : pathToUri(join(docsRoot, `${ruleId}.md`));

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const c = params.capabilities;
    caps = {
      configuration: c.workspace?.configuration === true,
      pullDiagnostics: c.textDocument?.diagnostic !== undefined,
      diagnosticRefresh: c.workspace?.diagnostics?.refreshSupport === true,
      codeLensRefresh: c.workspace?.codeLens?.refreshSupport === true,
      inlayHintRefresh: c.workspace?.inlayHint?.refreshSupport === true,
      watchedFilesRegistration: c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      configurationRegistration: c.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      showDocument: c.window?.showDocument?.support === true,
      sharedDiagnosticFields: false,
      codeLensResolve:
        c.textDocument?.codeLens?.resolveSupport?.properties?.includes('command') === true,
      maxDiagnostics: null,
    };
    const options = (params.initializationOptions ?? {}) as Record<string, unknown>;
    caps.sharedDiagnosticFields = options[SHARED_DIAGNOSTIC_FIELDS] === true;
    const max = options[MAX_DIAGNOSTICS_PER_FILE];
    if (typeof max === 'number' && Number.isInteger(max) && max >= 1) caps.maxDiagnostics = max;
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0)
      debounceMs = Math.min(5000, options.debounceMs);
    if (typeof options.docsUrl === 'string' && options.docsUrl !== '') docsRoot = options.docsUrl;
    settings = new SettingsCache(
      caps.configuration
        ? async (scopeUri) =>
            connection.workspace.getConfiguration({
              scopeUri,
              section: SECTION,
            }) as Promise<unknown>
        : null,
    );
    return {
      capabilities: {
        textDocumentSync: {
          openClose: true,
          change: TextDocumentSyncKind.Incremental,
          save: { includeText: false },
        },
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, MONITOR_KIND],
        },
        hoverProvider: true,
        // Resolved only for clients that say they resolve commands: the others get them at once.
        codeLensProvider: { resolveProvider: caps.codeLensResolve },
        inlayHintProvider: true,
        executeCommandProvider: { commands: [SHOW_DOCS_COMMAND] },
        ...(caps.pullDiagnostics
          ? {
              diagnosticProvider: {
                identifier: 'gradientLens',
                interFileDependencies: false,
                workspaceDiagnostics: false,
              },
            }
          : {}),
      },
      serverInfo: { name: 'gradient-lens' },
    };
  });

  connection.onInitialized(() => {
    if (caps?.configurationRegistration)
      void connection.client.register(DidChangeConfigurationNotification.type, {
        section: SECTION,
      });
    if (caps?.watchedFilesRegistration)
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        // Config files, and the sources that imports can reach (an edit outside the editor, a
        // checkout) change the models of the files that import them.
        watchers: [{ globPattern: `**/${CONFIG_FILE}` }, { globPattern: SOURCE_GLOB }],
      });
  });

  // Scheduling: each change restarts the document's timer; when it fires, a newer version means
  // the work is dropped before it starts (and again after the settings round trip).
  function schedule(document: TextDocument, delay: number): void {
    if (!isCandidate(document.languageId, document.uri)) return;
    const key = documentKey(document.uri);
    clearTimeout(timers.get(key)?.timer);
    const version = document.version;
    const timer = setTimeout(() => {
      timers.delete(key);
      void guard('linting', undefined, () => validate(document.uri, version));
    }, delay);
    timers.set(key, { timer, version });
  }

  async function validate(uri: string, version: number): Promise<void> {
    const key = documentKey(uri);
    try {
      if (documents.get(uri)?.version !== version) return;
      const before = lints.get(key);
      const config = await settings.get(uri);
      const document = documents.get(uri);
      if (!document || document.version !== version) return;
      const lint = engine.lint(
        document.getText(),
        lintPath(uri, document.languageId),
        version,
        config,
        lints.get(key),
      );
      for (const error of lint.configErrors) {
        if (reported.has(error)) continue;
        reported.add(error);
        connection.console.error(`Gradient Lens: invalid configuration, ignored: ${error}`);
        void connection.window.showWarningMessage(
          `Gradient Lens: invalid configuration, ignored. ${error}`,
        );
      }
      lints.set(key, lint);
      outdated.delete(key);
      // A re-lint of an unchanged text (settings, config file, an imported file): a client would
      // not ask again on its own. After a change it does ask (for diagnostics, lenses and hints),
      // and those requests wait for this lint, so nothing needs refreshing.
      const relinted = before?.version === version;
      if (relinted && caps?.pullDiagnostics && caps.diagnosticRefresh)
        void connection.languages.diagnostics.refresh().catch(() => undefined);
      void connection.sendNotification(LINT_STATUS, lintStatus(uri, lint));
      const set = toDiagnostics(lint, document, docsHref);
      converted.set(key, { lint, version: document.version, set });
      recorded.set(key, set.recorded);
      if (!caps?.pullDiagnostics)
        void connection.sendDiagnostics({ uri, version, diagnostics: shown(set.diagnostics) });
      if (lensesBehind.delete(key) || relinted) refreshViews();
    } finally {
      for (const wake of waiters.get(key) ?? []) wake();
      waiters.delete(key);
    }
  }

  /** The lint of the document's current version, waiting for the scheduled one if need be. */
  async function currentLint(document: TextDocument): Promise<DocumentLint | undefined> {
    const key = documentKey(document.uri);
    const found = lints.get(key);
    if (found?.version === document.version && !outdated.has(key)) return found;
    if (!isCandidate(document.languageId, document.uri)) return undefined;
    if (!timers.has(key)) schedule(document, 0);
    await new Promise<void>((resolve) => waiters.set(key, [...(waiters.get(key) ?? []), resolve]));
    return lints.get(key);
  }

  /** The diagnostics the client shows: within its limit, if it has one. */
  function shown(diagnostics: Diagnostic[]): Diagnostic[] {
    return caps?.maxDiagnostics ? withinLimit(diagnostics, caps.maxDiagnostics) : diagnostics;
  }

  function refreshViews(): void {
    if (caps?.codeLensRefresh)
      void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    if (caps?.inlayHintRefresh)
      void connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  /** Open documents whose analysis read a file that changed are linted again. */
  function relintDependents(paths: readonly string[]): void {
    const affected = new Set(paths);
    for (const document of documents.all()) {
      if (affected.has(uriToPath(document.uri) ?? '')) relint(document);
    }
  }

  function relintAll(): void {
    for (const document of documents.all()) relint(document);
  }

  /** Lint again a text that has not changed: until then its last lint no longer answers pulls. */
  function relint(document: TextDocument): void {
    outdated.add(documentKey(document.uri));
    schedule(document, 0);
  }

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => {
    void guard('scheduling', undefined, async () => {
      // didOpen also fires this event: that version is scheduled already.
      const key = documentKey(e.document.uri);
      if (timers.get(key)?.version === e.document.version) return;
      if (lints.get(key)?.version === e.document.version) return;
      const config = await settings.get(e.document.uri);
      if (config.run === 'onType') schedule(e.document, debounceMs);
    });
  });
  documents.onDidSave((e) => {
    schedule(e.document, 0);
    const path = uriToPath(e.document.uri);
    if (path) relintDependents(engine.fileChanged(path, e.document.getText()));
  });
  documents.onDidClose((e) => {
    const key = documentKey(e.document.uri);
    clearTimeout(timers.get(key)?.timer);
    timers.delete(key);
    lints.delete(key);
    recorded.delete(key);
    converted.delete(key);
    measured.forget(e.document.uri);
    reportIds.delete(key);
    outdated.delete(key);
    lensesBehind.delete(key);
    lensLists.delete(key);
    settings.forget(e.document.uri);
    // Like the TypeScript and ESLint servers: a closed file no longer shows live findings.
    if (!caps?.pullDiagnostics)
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onDidChangeConfiguration((params) => {
    settings.changed(params?.settings);
    relintAll();
  });

  connection.onDidChangeWatchedFiles((params) => {
    void guard('file watching', undefined, () => {
      const changes = (Array.isArray(params?.changes) ? params.changes : []).filter(
        (c) => typeof c?.uri === 'string',
      );
      if (changes.some((c) => c.uri.endsWith(CONFIG_FILE))) {
        engine.resetConfigFiles();
        relintAll();
      }
      const dependents: string[] = [];
      for (const change of changes) {
        const path = uriToPath(change.uri);
        // An open document is the editor's: its buffer, not the disk, is what it lints.
        if (!path || documents.get(change.uri) || change.uri.endsWith(CONFIG_FILE)) continue;
        dependents.push(...engine.fileChanged(path, readIfPresent(path)));
      }
      relintDependents(dependents);
    });
  });

  connection.languages.diagnostics.on(async (params, token) => {
    const empty: DocumentDiagnosticReport = { kind: DocumentDiagnosticReportKind.Full, items: [] };
    return answer('diagnostics', empty, async () => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return empty;
      const lint = await currentLint(document);
      unlessCancelled(token);
      const latest = documents.get(params.textDocument.uri);
      if (!lint || !latest) return empty;
      const known = converted.get(documentKey(latest.uri));
      const all = shown(
        (known?.lint === lint && known.version === latest.version
          ? known.set
          : toDiagnostics(lint, latest, docsHref)
        ).diagnostics,
      );
      // After the limit: the docs link of a code goes on the first of its diagnostics still sent.
      const items = caps?.sharedDiagnosticFields ? withoutSharedFields(all) : all;
      // A keystroke that moves no finding (most of them) answers "unchanged": the editor's side
      // then neither parses nor converts the list again, whatever its length.
      const key = documentKey(latest.uri);
      const resultId = createHash('sha1').update(JSON.stringify(items)).digest('base64');
      const previous = reportIds.get(key);
      reportIds.set(key, resultId);
      if (params.previousResultId === resultId && previous === resultId)
        return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
    });
  });

  connection.onCodeAction((params) =>
    answer('code actions', [] as CodeAction[], async () => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return [];
      const lint = await currentLint(document);
      if (!lint) return [];
      const key = documentKey(document.uri);
      const byKey = recorded.get(key) ?? new Map<string, RecordedFix>();
      const only = params.context.only;
      const actions: CodeAction[] = [];
      let fixable = false;
      if (wants(only, CodeActionKind.QuickFix)) {
        for (const diagnostic of params.context.diagnostics) {
          const found = byKey.get(diagnosticKey(diagnostic));
          if (!found) continue;
          fixable ||= found.fixes.length > 0;
          actions.push(
            ...quickFixes(document, lintPath(document.uri, document.languageId), diagnostic, found),
          );
        }
      }
      // Fix-all re-lints until stable: computed when asked for by kind (Source Action menu,
      // codeActionsOnSave) or beside a fixable finding's quick fixes, never on every cursor move.
      const askedFixAll = only !== undefined && wants(only, FIX_ALL_KIND);
      if (
        (askedFixAll || fixable) &&
        !lint.stale &&
        lint.messages.some((m) => m.fixes.length > 0)
      ) {
        const config = await settings.get(document.uri);
        const action = fixAllAction(
          document,
          engine.fixAll(document.getText(), lintPath(document.uri, document.languageId), config),
        );
        if (action) actions.push(action);
      }
      // The light bulb (no `only`) offers it too; it costs a parse only on a line with a fit call.
      if (only === undefined || wants(only, MONITOR_KIND)) {
        const action = monitorAction(document, lintPath(document.uri), params.range);
        if (action) actions.push(action);
      }
      return actions;
    }),
  );

  connection.onHover((params) =>
    answer('hover', null, async () => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return null;
      const lint = await currentLint(document);
      if (!lint) return null;
      const { batchSize } = await settings.get(document.uri);
      return layerHover(
        lint,
        document,
        document.offsetAt(params.position),
        batchSize,
        docsHref,
        measured,
      );
    }),
  );

  /** A document's lenses, listed for resolving; null for a document that is not open. */
  async function documentLenses(uri: string, token: CancellationToken): Promise<LensList | null> {
    const document = documents.get(uri);
    if (!document) return null;
    const config = await settings.get(document.uri);
    const key = documentKey(document.uri);
    // VS Code asks again after each change: the answer waits for that version's lint. Linting
    // on save only, the last lint serves, and the next lint refreshes the lenses.
    const lint = !config.codeLens
      ? undefined
      : ((config.run === 'onType' ? undefined : lints.get(key)) ?? (await currentLint(document)));
    unlessCancelled(token);
    if (lint && lint.version !== documents.get(document.uri)?.version) lensesBehind.add(key);
    const lenses = lint ? modelLenses(lint, document, measured) : [];
    // The same lenses keep their list (and the ids their resolves go by).
    const json = JSON.stringify(lenses);
    const known = lensLists.get(key);
    const list = known?.json === json ? known : { id: ++lensListIds, lenses, json };
    lensLists.set(key, list);
    return list;
  }

  connection.onCodeLens((params, token) =>
    answer('CodeLens', [], async () => {
      const list = await documentLenses(params.textDocument.uri, token);
      if (!list) return [];
      if (!caps?.codeLensResolve) return list.lenses;
      // An 8,000-line file has over a thousand lenses, and VS Code asks for them after each
      // keystroke: their ranges only, then the commands of the few in view.
      return list.lenses.map((lens, index): CodeLens => ({
        range: lens.range,
        data: [list.id, index],
      }));
    }),
  );

  connection.onRequest(CODE_LENSES, (params: CodeLensesParams, token) =>
    answer('CodeLens', { resultId: '' } as CodeLensesResult, async () => {
      const list = await documentLenses(params.textDocument.uri, token);
      if (!list) return { resultId: '' };
      const resultId = String(list.id);
      if (params.previousResultId === resultId) return { resultId };
      const ranges = list.lenses.flatMap(({ range: { start, end } }) => [
        start.line,
        start.character,
        end.line,
        end.character,
      ]);
      return { resultId, lenses: { list: list.id, ranges } };
    }),
  );

  connection.onCodeLensResolve((lens) =>
    answer('CodeLens', lens, () => {
      const [id, index] = Array.isArray(lens.data) ? (lens.data as unknown[]) : [];
      for (const list of lensLists.values()) {
        if (list.id !== id || typeof index !== 'number') continue;
        const command = list.lenses[index]?.command;
        if (command) return { range: lens.range, command };
      }
      // From a list answered before the last one: the client asks for the new list anyway.
      return { range: lens.range, command: { title: '', command: '' } };
    }),
  );

  connection.languages.inlayHint.on((params, token) =>
    answer('inlay hints', [], async () => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return [];
      const config = await settings.get(document.uri);
      if (!config.inlineHints) return [];
      const lint = await currentLint(document);
      unlessCancelled(token);
      return [
        ...(lint ? estimateHints(lint, document, params.range, config.batchSize) : []),
        ...measuredHints(measured.forDocument(document.uri), document, params.range),
      ];
    }),
  );

  connection.onExecuteCommand((params) =>
    answer('command', null, async () => {
      if (params.command !== SHOW_DOCS_COMMAND) return null;
      const ruleId = params.arguments?.[0];
      if (typeof ruleId !== 'string' || !/^[a-z0-9-]+$/.test(ruleId)) return null;
      const uri = docsHref(ruleId);
      if (caps?.showDocument) await connection.window.showDocument({ uri, takeFocus: true });
      else
        void connection.window.showInformationMessage(
          `Gradient Lens: ${ruleId} is documented at ${uri}`,
        );
      return null;
    }),
  );

  registerClientRequests(connection, {
    documents,
    engine,
    measured,
    settings: (uri) => settings.get(uri),
    currentLint,
    docsHref,
    guard,
    refreshViews,
  });

  documents.listen(connection);
  connection.listen();
}

export function lintStatus(uri: string, lint: DocumentLint): LintStatus {
  const counts = { errors: 0, warnings: 0, infos: 0 };
  for (const m of lint.messages) {
    if (m.severity === 'error') counts.errors++;
    else if (m.severity === 'warning') counts.warnings++;
    else counts.infos++;
  }
  const parseError = lint.parseError
    ? `line ${lint.parseError.line}: ${lint.parseError.message}`
    : null;
  return {
    uri,
    version: lint.version,
    analysed: lint.analysed,
    counts,
    parseError,
    stale: lint.stale,
  };
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** docs/rules of the installed package: beside dist/ when bundled, two levels up from sources. */
function findDocsRoot(): string {
  for (const candidate of [
    join(__dirname, '..', 'docs', 'rules'),
    join(__dirname, '..', '..', 'docs', 'rules'),
  ]) {
    if (existsSync(candidate)) return candidate;
  }
  return join(__dirname, '..', 'docs', 'rules');
}
