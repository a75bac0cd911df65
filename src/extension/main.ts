/**
 * Gradient Lens for VS Code: a thin client of the Gradient Lens language server. The server
 * (dist/server.js, its own process) owns analysis: diagnostics, code actions, hovers, CodeLens,
 * inlay hints. The extension owns what only VS Code has: the probe (a child process of its own)
 * with its panel and progress, the training monitor view, Workspace Trust, the status bar and
 * the commands. The extension host never parses a file.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ProbeReport } from '../probe/types';
import { FIX_ALL_KIND, SHOW_REPORT_COMMAND } from '../server/protocol';
import { createClient } from './client';
import { LANGUAGES } from '../server/protocol';
import { Logger } from './logger';
import { TrainingMonitorView } from './monitor-view';
import { ProbePanel, type PanelDeps } from './panel';
import { ProbeController } from './probe-controller';
import { ProbeStore, type ProbeEntry, type ProbeTarget } from './probe-store';
import { ServerLints } from './server-lints';
import { StatusBar } from './status-bar';
import { WorkspaceLint } from './workspace-lint';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const started = performance.now();
  const log = new Logger();
  const status = new StatusBar();
  const openDocs = (uri: vscode.Uri) => openRuleDocs(context.extensionUri, uri);
  client = createClient(context.extensionUri, log, openDocs);
  const lints = new ServerLints(client);
  const store = new ProbeStore();
  const probes = new ProbeController(lints, store, context.workspaceState, status, log);
  const panelDeps: PanelDeps = { extensionUri: context.extensionUri, lints, store, probes };
  const workspaceLint = new WorkspaceLint(lints, log);
  const monitor = new TrainingMonitorView(context.extensionUri, lints);

  // Commands resolve to the report, so other extensions and the test-electron suite can read it.
  const probeAndShow = async (target: ProbeTarget): Promise<ProbeReport | undefined> => {
    // A large model's first result shows at once; the full one replaces it.
    const entry = await probes.probe(target, {}, (first) =>
      ProbePanel.createOrShow(panelDeps, first),
    );
    if (entry) ProbePanel.createOrShow(panelDeps, entry);
    return entry?.report;
  };

  context.subscriptions.push(
    log,
    status,
    lints,
    store,
    probes,
    workspaceLint,
    monitor,
    lints.onDidLint((lint) => {
      if (vscode.window.activeTextEditor?.document.uri.toString() === lint.uri)
        status.showLint(lint);
    }),
    // The server's hints, hovers and CodeLens show what the probe measured.
    store.onDidChange((entry) => {
      if (entry) {
        ProbePanel.refresh(entry);
        sendProbeResult(lints, entry);
      } else lints.probeResult({ uri: null, model: '', version: 0, lineCount: 0, report: null });
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) =>
      status.showLint(editor && lints.get(editor.document.uri)),
    ),
    vscode.workspace.onDidGrantWorkspaceTrust(() =>
      log.info('workspace trusted: probes may now load its own tfjs'),
    ),
    // A rule page opened as text from a link (the hover, the Problems panel's code) shows rendered.
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.opened) {
        if (
          tab.input instanceof vscode.TabInputText &&
          isRuleDocs(context.extensionUri, tab.input.uri)
        )
          void openDocs(tab.input.uri);
      }
    }),

    vscode.commands.registerCommand('gradientLens.showOutput', () => log.show()),
    vscode.commands.registerCommand(
      'gradientLens.probeModel',
      (uri: vscode.Uri | string, model: string, line?: number, variant?: string) =>
        probeAndShow({
          kind: 'source',
          uri: asUri(uri),
          model,
          line,
          ...(variant ? { variant } : {}),
        }),
    ),
    vscode.commands.registerCommand('gradientLens.probeModelAtCursor', () =>
      probeAtCursor(lints, probeAndShow),
    ),
    vscode.commands.registerCommand('gradientLens.probeModelJson', async (uri?: vscode.Uri) => {
      const target = uri ?? (await pickModelJson());
      return target ? probeAndShow({ kind: 'model-json', uri: target }) : undefined;
    }),
    vscode.commands.registerCommand(
      SHOW_REPORT_COMMAND,
      (uri: vscode.Uri | string, model: string, variant?: string) => {
        const target = {
          kind: 'source' as const,
          uri: asUri(uri),
          model,
          ...(variant ? { variant } : {}),
        };
        const entry = store.get(target);
        if (entry) ProbePanel.createOrShow(panelDeps, entry);
      },
    ),
    vscode.commands.registerCommand('gradientLens.lintWorkspace', () => workspaceLint.run()),
    vscode.commands.registerCommand('gradientLens.fixAll', () => fixAll()),
    vscode.commands.registerCommand('gradientLens.clearHints', () => store.clear()),
    vscode.commands.registerCommand('gradientLens.showTrainingMonitor', (uri?: vscode.Uri) =>
      monitor.show(uri instanceof vscode.Uri ? uri : undefined),
    ),
  );
  void vscode.commands.executeCommand('setContext', 'gradientLens.languages', LANGUAGES);
  // The server starts in the background: activation returns at once, whatever it costs.
  const starting = performance.now();
  client.start().then(
    () => {
      log.info(`language server started in ${(performance.now() - starting).toFixed(0)} ms`);
      status.showLint(
        vscode.window.activeTextEditor && lints.get(vscode.window.activeTextEditor.document.uri),
      );
    },
    (error: unknown) => log.error(`the language server did not start: ${String(error)}`),
  );
  log.info(
    `Gradient Lens activated in ${(performance.now() - started).toFixed(1)} ms ` +
      `(workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted: the probe uses the bundled TensorFlow.js'})`,
  );
}

export async function deactivate(): Promise<void> {
  // Disposables (the probe controller among them) stop running probes; the client stops the server.
  await client?.stop();
  client = undefined;
}

function asUri(uri: vscode.Uri | string): vscode.Uri {
  return typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
}

function sendProbeResult(lints: ServerLints, entry: ProbeEntry): void {
  const { target, report } = entry;
  if (target.kind !== 'source') return;
  lints.probeResult({
    uri: target.uri,
    model: target.model,
    ...(target.variant ? { variant: target.variant } : {}),
    version: entry.version ?? 0,
    lineCount: entry.lineCount ?? 0,
    report: {
      verdict: report.verdict,
      verdictReason: report.verdictReason,
      backend: report.backend,
      batchSize: report.batchSize,
      layers: report.layers.map((l) => ({
        index: l.index,
        line: l.line,
        gradNorm: l.gradNorm,
        ratioToOutput: l.ratioToOutput,
        verdict: l.verdict,
        saturatedFraction: l.saturatedFraction,
        deadFraction: l.deadFraction,
      })),
    },
  });
}

/** The server's source.fixAll action for the active file, applied (what codeActionsOnSave runs). */
async function fixAll(): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || !LANGUAGES.includes(document.languageId)) return;
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      whole,
      FIX_ALL_KIND,
    )) ?? [];
  const edit = actions.find((a) => a.kind?.value === FIX_ALL_KIND)?.edit;
  if (edit) await vscode.workspace.applyEdit(edit);
  else void vscode.window.showInformationMessage('Gradient Lens: nothing to fix in this file.');
}

function isRuleDocs(extensionUri: vscode.Uri, uri: vscode.Uri): boolean {
  const dir = vscode.Uri.joinPath(extensionUri, 'docs', 'rules').toString();
  return uri.scheme === 'file' && uri.toString().startsWith(`${dir}/`) && uri.path.endsWith('.md');
}

/**
 * Rule documentation opens one way, rendered: a page of the extension's docs/rules opened as text
 * (from a link) is replaced by its markdown preview. False for any other document.
 */
async function openRuleDocs(extensionUri: vscode.Uri, uri: vscode.Uri): Promise<boolean> {
  if (!isRuleDocs(extensionUri, uri)) return false;
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString())
        await vscode.window.tabGroups.close(tab);
    }
  }
  await vscode.commands.executeCommand('markdown.showPreview', uri);
  return true;
}

async function probeAtCursor(
  lints: ServerLints,
  probe: (t: ProbeTarget) => Promise<unknown>,
): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const models = (await lints.details(editor.document))?.models ?? [];
  if (models.length === 0) {
    void vscode.window.showInformationMessage('Gradient Lens: no model in this file.');
    return;
  }
  const offset = editor.document.offsetAt(editor.selection.active);
  let model = models.find((m) => m.span.start <= offset && offset <= m.span.end);
  if (!model && models.length === 1) model = models[0];
  // A builder with several paths: the variants of the model at the cursor are the choice.
  const variants = model?.variant
    ? models.filter((m) => m.variant && m.anchor.start === model?.anchor.start)
    : [];
  if (!model || variants.length > 1) {
    const choices = variants.length > 1 ? variants : models;
    const picked = await vscode.window.showQuickPick(
      choices.map((m) => ({
        label: m.variant ? `${m.name} [${m.variant.label}]` : m.name,
        description: `line ${m.span.line}`,
        model: m,
      })),
      { title: 'Gradient Lens: which model?' },
    );
    model = picked?.model;
  }
  if (model)
    await probe({
      kind: 'source',
      uri: editor.document.uri,
      model: model.name,
      line: model.span.line,
      ...(model.variant ? { variant: model.variant.id } : {}),
    });
}

async function pickModelJson(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles(
    '**/{model.json,*.h5,*.keras}',
    '**/node_modules/**',
    200,
  );
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    const picked = await vscode.window.showQuickPick(
      found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'Gradient Lens: probe which saved model?' },
    );
    return picked?.uri;
  }
  const chosen = await vscode.window.showOpenDialog({
    filters: { 'tfjs or Keras model': ['json', 'h5', 'keras'] },
    canSelectMany: false,
  });
  return chosen?.[0];
}
