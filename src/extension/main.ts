/**
 * Gradient Lens for VS Code: a thin client. It owns activation, settings, commands and views;
 * the engine (parser, rules, probe client) loads lazily from dist/engine.js the first time a file
 * that imports tfjs is linted, and tfjs itself only ever loads in the probe's child process.
 */
import * as vscode from 'vscode';
import { CodeActionProvider, fixAllEdit } from './code-actions';
import { CodeLensProvider } from './code-lens';
import { isEngineLoaded, loadEngine } from './engine';
import { InlineHints, LayerHoverProvider } from './hints';
import { LANGUAGES, LintController } from './lint-controller';
import { Logger } from './logger';
import { ProbePanel, type PanelDeps } from './panel';
import { ProbeController } from './probe-controller';
import { ProbeStore, type ProbeTarget } from './probe-store';
import { StatusBar } from './status-bar';
import { lintWorkspace } from './workspace-lint';
import { MonitorCodeActionProvider } from './monitor-actions';
import { TrainingMonitorView } from './monitor-view';
import type { ProbeReport } from '../probe/types';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = new Logger();
  const docsUri = (ruleId: string) =>
    vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${ruleId}.md`);
  const status = new StatusBar();
  const lints = new LintController(docsUri, log);
  const store = new ProbeStore();
  const probes = new ProbeController(lints, store, context.workspaceState, status, log);
  const panelDeps: PanelDeps = { extensionUri: context.extensionUri, lints, store, probes };
  const selector = LANGUAGES.flatMap((language) => [
    { language, scheme: 'file' },
    { language, scheme: 'untitled' },
  ]);

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
    new InlineHints(store),
    vscode.languages.registerCodeActionsProvider(
      selector,
      new CodeActionProvider(lints, log),
      CodeActionProvider.metadata,
    ),
    vscode.languages.registerCodeLensProvider(
      selector,
      track(context, new CodeLensProvider(lints, store)),
    ),
    vscode.languages.registerHoverProvider(selector, new LayerHoverProvider(lints, store)),
    lints.onDidLint((lint) => {
      if (vscode.window.activeTextEditor?.document.uri.toString() === lint.uri.toString())
        status.showLint(lint);
    }),
    store.onDidChange((entry) => {
      if (entry) ProbePanel.refresh(entry);
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) =>
      status.showLint(editor && lints.get(editor.document.uri)),
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gradientLens')) lints.revalidateAll();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() =>
      log.info('workspace trusted: probes may now load its own tfjs'),
    ),
    ...watchConfigFiles(lints),
    ...trainingMonitor(context, lints, selector),

    vscode.commands.registerCommand('gradientLens.showOutput', () => log.show()),
    vscode.commands.registerCommand(
      'gradientLens.probeModel',
      (uri: vscode.Uri, model: string, line?: number, variant?: string) =>
        probeAndShow({ kind: 'source', uri, model, line, ...(variant ? { variant } : {}) }),
    ),
    vscode.commands.registerCommand('gradientLens.probeModelAtCursor', () =>
      probeAtCursor(lints, probeAndShow),
    ),
    vscode.commands.registerCommand('gradientLens.probeModelJson', async (uri?: vscode.Uri) => {
      const target = uri ?? (await pickModelJson());
      return target ? probeAndShow({ kind: 'model-json', uri: target }) : undefined;
    }),
    vscode.commands.registerCommand(
      'gradientLens.showReport',
      (uri: vscode.Uri, model: string, variant?: string) => {
        const entry = store.get({ kind: 'source', uri, model, ...(variant ? { variant } : {}) });
        if (entry) ProbePanel.createOrShow(panelDeps, entry);
      },
    ),
    vscode.commands.registerCommand('gradientLens.lintWorkspace', () => lintWorkspace(lints, log)),
    vscode.commands.registerCommand('gradientLens.fixAll', async () => {
      const document = vscode.window.activeTextEditor?.document;
      if (!document || !LintController.isCandidate(document)) return;
      const edit = fixAllEdit(document);
      if (edit) await vscode.workspace.applyEdit(edit);
      else void vscode.window.showInformationMessage('Gradient Lens: nothing to fix in this file.');
    }),
    vscode.commands.registerCommand('gradientLens.clearHints', () => store.clear()),
    vscode.commands.registerCommand('gradientLens.showRuleDocs', async (ruleId: string) => {
      const uri = docsUri(ruleId);
      try {
        await vscode.workspace.fs.stat(uri);
        await vscode.commands.executeCommand('markdown.showPreview', uri);
      } catch {
        void vscode.window.showWarningMessage(
          `Gradient Lens: no documentation page for "${ruleId}".`,
        );
      }
    }),
  );
  void vscode.commands.executeCommand('setContext', 'gradientLens.languages', LANGUAGES);
  status.showLint(
    vscode.window.activeTextEditor && lints.get(vscode.window.activeTextEditor.document.uri),
  );
  log.info(
    `Gradient Lens activated in ${(performance.now() - started).toFixed(1)} ms ` +
      `(engine ${isEngineLoaded() ? 'loaded' : 'not loaded yet'}; workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted: the probe uses the bundled TensorFlow.js'})`,
  );
}

export function deactivate(): void {
  // Disposables (the probe controller among them) stop running probes; the probe client reaps its children.
}

/** The live training view over gradient-lens/monitor logs, and the action that adds the monitor. */
function trainingMonitor(
  context: vscode.ExtensionContext,
  lints: LintController,
  selector: vscode.DocumentSelector,
): vscode.Disposable[] {
  const view = new TrainingMonitorView(context.extensionUri, lints);
  return [
    view,
    vscode.languages.registerCodeActionsProvider(
      selector,
      new MonitorCodeActionProvider(),
      MonitorCodeActionProvider.metadata,
    ),
    vscode.commands.registerCommand('gradientLens.showTrainingMonitor', (uri?: vscode.Uri) =>
      view.show(uri instanceof vscode.Uri ? uri : undefined),
    ),
  ];
}

function track<T extends vscode.Disposable>(context: vscode.ExtensionContext, disposable: T): T {
  context.subscriptions.push(disposable);
  return disposable;
}

/** A config file changed on disk: re-read configuration and lint every open document again. */
function watchConfigFiles(lints: LintController): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher(
    '**/{.gradientlensrc.json,package.json}',
  );
  const changed = (): void => {
    if (isEngineLoaded()) loadEngine().resetConfigCache();
    lints.revalidateAll();
  };
  return [
    watcher,
    watcher.onDidChange(changed),
    watcher.onDidCreate(changed),
    watcher.onDidDelete(changed),
  ];
}

async function probeAtCursor(
  lints: LintController,
  probe: (t: ProbeTarget) => Promise<unknown>,
): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const lint = lints.current(editor.document);
  const models = lint?.analysis?.models ?? [];
  if (models.length === 0) {
    void vscode.window.showInformationMessage(
      'Gradient Lens: no TensorFlow.js model in this file.',
    );
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
