/**
 * What the extension knows of the server's lints: the status of each document (pushed after each
 * lint, small), and on request the findings and models of its current version, for the probe, the
 * panel and the training view. Nothing here parses or lints.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ModelGraph } from '../analysis/ir';
import type { TextEdit } from '../rules/types';
import {
  LINT_DETAILS,
  LINT_FILES,
  LINT_STATUS,
  MODELS_WITH_EDITS,
  PROBE_RESULT,
  type LintDetails,
  type LintFilesResult,
  type LintStatus,
  type ProbeResultParams,
} from '../server/protocol';

export class ServerLints implements vscode.Disposable {
  private readonly statuses = new Map<string, LintStatus>();
  private readonly fetched = new Map<string, LintDetails>();
  private readonly changed = new vscode.EventEmitter<LintStatus>();
  /** After each lint of a document: its status (the details are a request away). */
  readonly onDidLint = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly client: LanguageClient) {
    this.disposables.push(
      client.onNotification(LINT_STATUS, (status: LintStatus) => {
        const uri = this.client.protocol2CodeConverter.asUri(status.uri);
        const normalized = { ...status, uri: uri.toString() };
        this.statuses.set(normalized.uri, normalized);
        this.changed.fire(normalized);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.statuses.delete(d.uri.toString());
        this.fetched.delete(d.uri.toString());
      }),
    );
  }

  /** The last lint status of a document (its version says whether it is current). */
  get(uri: vscode.Uri): LintStatus | undefined {
    return this.statuses.get(uri.toString());
  }

  /** Findings and models of the document's current version (the server waits for its lint). */
  async details(document: vscode.TextDocument): Promise<LintDetails | null> {
    const details = await this.client.sendRequest<LintDetails | null>(LINT_DETAILS, {
      uri: this.client.code2ProtocolConverter.asUri(document.uri),
    });
    if (details) this.fetched.set(document.uri.toString(), details);
    return details;
  }

  /** The details last fetched for a document (the probe fetched them just before its panel opens). */
  lastDetails(uri: vscode.Uri): LintDetails | undefined {
    return this.fetched.get(uri.toString());
  }

  /** The models of the document as `edits` would make it, without touching the document. */
  async modelsWithEdits(document: vscode.TextDocument, edits: TextEdit[]): Promise<ModelGraph[]> {
    return this.client.sendRequest<ModelGraph[]>(MODELS_WITH_EDITS, {
      uri: this.client.code2ProtocolConverter.asUri(document.uri),
      edits,
    });
  }

  /** Diagnostics of files that are not open, linted by the server from disk. */
  async lintFiles(
    uris: vscode.Uri[],
    token?: vscode.CancellationToken,
  ): Promise<{ uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }[]> {
    const result = await this.client.sendRequest<LintFilesResult>(
      LINT_FILES,
      { uris: uris.map((u) => this.client.code2ProtocolConverter.asUri(u)) },
      token,
    );
    const p2c = this.client.protocol2CodeConverter;
    return Promise.all(
      result.files.map(async (f) => ({
        uri: p2c.asUri(f.uri),
        diagnostics: await p2c.asDiagnostics(f.diagnostics as never),
      })),
    );
  }

  /** Tells the server what a probe measured (or `report: null` to forget it; `uri: null` for all). */
  probeResult(params: Omit<ProbeResultParams, 'uri'> & { uri: vscode.Uri | null }): void {
    void this.client.sendNotification(PROBE_RESULT, {
      ...params,
      uri: params.uri && this.client.code2ProtocolConverter.asUri(params.uri),
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
