/**
 * Live diagnostics: debounced, once per document version, skipped cheaply for files that never
 * import tfjs; keeps the last lint of each document (with its analysis) for code actions, CodeLens,
 * hovers, the status bar and the probe.
 */
import * as vscode from 'vscode';
import type { AnalysisResult } from '../analysis/ir';
import type { LintMessage } from '../rules/types';
import { isEngineLoaded, loadEngine, mayUseTfjs } from './engine';
import type { Logger } from './logger';
import { ValidationScheduler } from './scheduler';
import { getSettings } from './settings';

export const SOURCE = 'Gradient Lens';
export const LANGUAGES = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'];
const DEBOUNCE_MS = 300;

export interface DocumentLint {
  uri: vscode.Uri;
  version: number;
  messages: LintMessage[];
  analysis: AnalysisResult | null;
  /** False when the file does not mention tfjs (never analyzed). */
  usesTfjs: boolean;
  parseError: string | null;
  lintMs: number;
}

export class LintController implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('gradientLens');
  private readonly lints = new Map<string, DocumentLint>();
  private readonly scheduler: ValidationScheduler;
  private readonly changed = new vscode.EventEmitter<DocumentLint>();
  readonly onDidLint = this.changed.event;
  private readonly reportedConfigErrors = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly docsUri: (ruleId: string) => vscode.Uri,
    private readonly log: Logger,
  ) {
    this.scheduler = new ValidationScheduler(
      (key, version) => this.validateNow(key, version),
      DEBOUNCE_MS,
    );
    this.disposables.push(
      this.diagnostics,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.request(d, true)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (
          e.contentChanges.length > 0 &&
          LintController.isCandidate(e.document) &&
          getSettings(e.document.uri).run === 'onType'
        )
          this.request(e.document);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        this.request(d, true);
        this.relintImporters(d);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forgetDocument(d.uri)),
    );
    for (const document of vscode.workspace.textDocuments) this.request(document, true);
  }

  static isCandidate(document: vscode.TextDocument): boolean {
    return (
      LANGUAGES.includes(document.languageId) &&
      ['file', 'untitled', 'vscode-remote'].includes(document.uri.scheme)
    );
  }

  get(uri: vscode.Uri): DocumentLint | undefined {
    return this.lints.get(uri.toString());
  }

  /** The lint of exactly this version, computing it now if needed (code actions, probes). */
  current(document: vscode.TextDocument): DocumentLint | undefined {
    const lint = this.lints.get(document.uri.toString());
    if (lint && lint.version === document.version) return lint;
    if (!LintController.isCandidate(document)) return undefined;
    this.scheduler.forget(document.uri.toString());
    return this.lint(document);
  }

  request(document: vscode.TextDocument, immediate = false): void {
    if (!LintController.isCandidate(document)) return;
    this.scheduler.request(document.uri.toString(), document.version, immediate);
  }

  /** Settings or a config file changed: lint every open document again. */
  revalidateAll(): void {
    this.scheduler.forget();
    this.reportedConfigErrors.clear();
    for (const document of vscode.workspace.textDocuments) this.request(document, true);
  }

  /** A saved constants, config or builder file changes the models of the open files linked to it. */
  private relintImporters(saved: vscode.TextDocument): void {
    if (!isEngineLoaded() || !LintController.isCandidate(saved)) return;
    const affected = new Set(loadEngine().fileSaved(saved.uri.fsPath, saved.getText()));
    for (const document of vscode.workspace.textDocuments) {
      if (document === saved || !affected.has(document.uri.fsPath)) continue;
      this.scheduler.forget(document.uri.toString());
      this.request(document, true);
    }
  }

  private validateNow(key: string, version: number): void {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (!document || document.version !== version) return;
    this.lint(document);
  }

  private lint(document: vscode.TextDocument): DocumentLint {
    const settings = getSettings(document.uri);
    const text = document.getText();
    const base = { uri: document.uri, version: document.version, lintMs: 0 };
    let lint: DocumentLint;
    if (!settings.enable || !mayUseTfjs(text)) {
      lint = { ...base, messages: [], analysis: null, usesTfjs: false, parseError: null };
    } else {
      lint = this.runEngine(document, text, settings.rules, settings.reportUnusedDirectives);
    }
    this.lints.set(document.uri.toString(), lint);
    this.diagnostics.set(
      document.uri,
      lint.messages.map((m) => this.toDiagnostic(document, m)),
    );
    this.changed.fire(lint);
    return lint;
  }

  private runEngine(
    document: vscode.TextDocument,
    text: string,
    rules: unknown,
    reportUnusedDirectives: boolean,
  ): DocumentLint {
    const started = performance.now();
    const base = { uri: document.uri, version: document.version };
    try {
      const engine = loadEngine();
      const outcome = engine.lintDocument(text, document.uri.fsPath, {
        rules,
        reportUnusedDirectives,
      });
      for (const error of outcome.configErrors) this.reportConfigError(error);
      const syntax = outcome.result.problems.find(
        (p) => p.kind === 'syntax' || p.kind === 'too-large',
      );
      for (const p of outcome.result.problems.filter((p) => p.kind === 'internal')) {
        this.log.warn(`${document.uri.fsPath}:${p.line}: ${p.message}`);
      }
      const lintMs = performance.now() - started;
      this.log.trace(
        `linted ${document.uri.fsPath} v${document.version} in ${lintMs.toFixed(1)} ms`,
      );
      // A file that does not parse keeps no findings: their positions would be stale.
      return {
        ...base,
        messages: syntax ? [] : outcome.result.messages,
        analysis: outcome.analysis,
        usesTfjs: true,
        parseError: syntax ? `line ${syntax.line}: ${syntax.message}` : null,
        lintMs,
      };
    } catch (error) {
      this.log.error(`linting ${document.uri.fsPath} failed: ${(error as Error)?.stack ?? error}`);
      return { ...base, messages: [], analysis: null, usesTfjs: true, parseError: null, lintMs: 0 };
    }
  }

  toDiagnostic(document: vscode.TextDocument, message: LintMessage): vscode.Diagnostic {
    const range = new vscode.Range(
      document.positionAt(message.span.start),
      document.positionAt(message.span.end),
    );
    const diagnostic = new vscode.Diagnostic(range, message.message, SEVERITY[message.severity]);
    diagnostic.source = SOURCE;
    diagnostic.code = { value: message.ruleId, target: this.docsUri(message.ruleId) };
    return diagnostic;
  }

  private reportConfigError(error: string): void {
    if (this.reportedConfigErrors.has(error)) return;
    this.reportedConfigErrors.add(error);
    this.log.error(`configuration: ${error}`);
    void vscode.window
      .showWarningMessage(`Gradient Lens: invalid configuration, ignored. ${error}`, 'Show Output')
      .then((choice) => {
        if (choice) this.log.show();
      });
  }

  forgetDocument(uri: vscode.Uri): void {
    this.scheduler.drop(uri.toString());
    this.lints.delete(uri.toString());
    // Like the TypeScript and ESLint extensions: a closed file no longer shows live findings.
    this.diagnostics.delete(uri);
  }

  dispose(): void {
    this.scheduler.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export const SEVERITY: Record<LintMessage['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};
