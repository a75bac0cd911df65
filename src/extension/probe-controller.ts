/**
 * Runs probes from the editor: picks the model, fills values the code leaves open from the ones the
 * user set in the panel's form (remembered per model in workspaceState) and assumes the rest from
 * their role, shows a cancellable progress notification, and stores the report.
 * The models come from the language server; the probe itself runs in a child process
 * (src/probe/client), so the extension host never parses and never blocks.
 */
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { ModelGraph } from '../analysis/ir';
import type { TextEdit } from '../rules/types';
import type { ProbeReport, ProbeRequest } from '../probe/types';
import { runProbe, shutdownProbeWorker } from '../probe/client';
import { resolveUnknowns } from '../probe/resolve';
import { selectModel } from '../probe/select';
import type { Logger } from './logger';
import { mergeValues } from './panel-messages';
import { validateUnknownValue } from './presentation';
import type { ProbeEntry, ProbeStore, ProbeTarget } from './probe-store';
import type { ServerLints } from './server-lints';
import { getSettings } from './settings';
import { allowProjectTfjs } from './settings-map';
import type { StatusBar } from './status-bar';

export interface ProbeOverrides {
  batchSize?: number;
  steps?: number;
  /** From the panel's assumptions form: NAME -> value; an empty value drops what was set (assume again). */
  values?: Record<string, string>;
}

export class ProbeController implements vscode.Disposable {
  private running: AbortController | null = null;

  constructor(
    private readonly lints: ServerLints,
    private readonly store: ProbeStore,
    private readonly state: vscode.Memento,
    private readonly status: StatusBar,
    private readonly log: Logger,
  ) {}

  /**
   * Probes a target and stores the report; undefined when cancelled or failed (the user was told). A large model's
   * first result (one step, smaller batch) goes to `onPartial` first; only the full result is stored.
   */
  async probe(
    target: ProbeTarget,
    overrides: ProbeOverrides = {},
    onPartial?: (entry: ProbeEntry) => void,
  ): Promise<ProbeEntry | undefined> {
    const prepared = await this.prepare(target, overrides.values);
    if (!prepared) return undefined;
    const entryFor = (report: ProbeReport): ProbeEntry => ({
      target,
      report,
      version: prepared.version,
      lineCount: prepared.lineCount,
      at: new Date(),
    });
    const report = await this.run(
      prepared.label,
      prepared.request,
      target.uri,
      overrides,
      onPartial && ((first) => onPartial(entryFor(first))),
    );
    if (!report) return undefined;
    const entry = entryFor(report);
    this.store.set(entry);
    return entry;
  }

  /**
   * "Apply fix and compare": probes the model as the fix would make it, from the document's text
   * with the fix's edits applied in memory, re-analyzed by the server. The document is not touched.
   */
  async probeWithEdits(
    target: Extract<ProbeTarget, { kind: 'source' }>,
    edits: readonly TextEdit[],
    overrides: ProbeOverrides = {},
  ): Promise<ProbeReport | undefined> {
    const document = await vscode.workspace.openTextDocument(target.uri);
    const selection = selectModel(await this.lints.modelsWithEdits(document, [...edits]), {
      name: target.model,
      line: target.line,
      variant: target.variant,
    });
    if (!selection.ok) {
      void vscode.window.showErrorMessage(`Gradient Lens: after the fix, ${selection.message}`);
      return undefined;
    }
    const request = await this.requestFor(selection.model, document.uri);
    if (!request) return undefined;
    return this.run(`${target.model} (fixed)`, request, target.uri, overrides);
  }

  cancel(): void {
    this.running?.abort();
  }

  private async prepare(
    target: ProbeTarget,
    formValues?: Record<string, string>,
  ): Promise<
    | { label: string; request: ProbeRequest; version: number | null; lineCount: number | null }
    | undefined
  > {
    if (target.kind === 'model-json') {
      const request = this.baseRequest(
        target.uri,
        { kind: 'model-json', path: target.uri.fsPath },
        {},
      );
      return {
        label: vscode.workspace.asRelativePath(target.uri),
        request,
        version: null,
        lineCount: null,
      };
    }
    const document = await vscode.workspace.openTextDocument(target.uri);
    const lint = await this.lints.details(document);
    if (!lint || lint.models.length === 0 || lint.stale) {
      const why = lint?.parseError
        ? `it does not parse (${lint.parseError})`
        : 'no TensorFlow.js model was found in it';
      void vscode.window.showErrorMessage(
        `Gradient Lens cannot probe ${vscode.workspace.asRelativePath(target.uri)}: ${why}.`,
      );
      return undefined;
    }
    const selection = selectModel(lint.models, {
      name: target.model,
      line: target.line,
      variant: target.variant,
    });
    if (!selection.ok) {
      void vscode.window.showErrorMessage(`Gradient Lens: ${selection.message}`);
      return undefined;
    }
    const request = await this.requestFor(selection.model, document.uri, formValues);
    return request
      ? {
          label: selection.model.name,
          request,
          version: document.version,
          lineCount: document.lineCount,
        }
      : undefined;
  }

  /**
   * The request with the values the user set for this model (the panel's form changes them); everything
   * else the code leaves open is assumed by the probe and listed in its report. Undefined when a value
   * typed in the form is not a value, or when something can be neither set nor assumed.
   */
  private async requestFor(
    model: ModelGraph,
    uri: vscode.Uri,
    formValues?: Record<string, string>,
  ): Promise<ProbeRequest | undefined> {
    const key = `gradientLens.values:${vscode.workspace.asRelativePath(uri)}#${model.name}`;
    const values = mergeValues(this.state.get<Record<string, string>>(key, {}), formValues);
    for (const [name, value] of Object.entries(values)) {
      const problem = validateUnknownValue(value);
      if (problem) {
        void vscode.window.showErrorMessage(`Gradient Lens: ${name}: ${problem}`);
        return undefined;
      }
    }
    if (formValues) await this.state.update(key, values);
    const resolved = resolveUnknowns(model, values, { assume: true });
    if (resolved.missing.length > 0) {
      void vscode.window.showErrorMessage(
        `Gradient Lens: model "${model.name}" needs ${resolved.missing.join(', ')}, which can be neither read from the code nor assumed.`,
      );
      return undefined;
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
    return this.baseRequest(
      uri,
      { kind: 'ir', model, filePath: uri.fsPath, sourcePath: uri.fsPath, root: folder },
      values,
    );
  }

  private baseRequest(
    uri: vscode.Uri,
    target: ProbeRequest['target'],
    values: Record<string, string>,
  ): ProbeRequest {
    const settings = getSettings(uri);
    return {
      target,
      values,
      batchSize: settings.probe.batchSize,
      steps: settings.probe.steps,
      seed: 1,
      thresholds: settings.thresholds,
      maxParams: settings.probe.maxParams,
    };
  }

  private async run(
    label: string,
    request: ProbeRequest,
    uri: vscode.Uri,
    overrides: ProbeOverrides,
    onPartial?: (report: ProbeReport) => void,
  ): Promise<ProbeReport | undefined> {
    this.running?.abort();
    const abort = new AbortController();
    this.running = abort;
    const settings = getSettings(uri);
    const { values: _formValues, ...measurement } = overrides;
    const finalRequest = { ...request, ...definedOnly(measurement) };
    const trusted = vscode.workspace.isTrusted;
    this.log.info(
      `probing ${label}: batch ${finalRequest.batchSize}, steps ${finalRequest.steps}, backend ${settings.probe.backend}, ` +
        `workspace tfjs ${allowProjectTfjs(settings, trusted) ? 'allowed' : trusted ? 'disabled in settings' : 'not loaded (untrusted workspace)'}`,
    );
    this.status.setProbing(label);
    try {
      return await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Probing gradients of ${label}`,
          cancellable: true,
        },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          const report = await runProbe(finalRequest, {
            backend: settings.probe.backend,
            allowProjectTfjs: allowProjectTfjs(settings, trusted),
            searchFrom: dirname(uri.fsPath),
            timeoutMs: settings.probe.timeoutMs,
            maxHeapMb: settings.probe.maxHeapMb,
            signal: abort.signal,
            onProgress: (message) => progress.report({ message }),
            ...(onPartial ? { onPartial } : {}),
          });
          this.log.info(
            `probe of ${label}: ${report.verdict} (${report.verdictReason}); backend ${report.backend}; ` +
              `${report.layers.length} layers; ${Math.round(report.timings.probeMs)} ms`,
          );
          return report;
        },
      );
    } catch (error) {
      this.reportFailure(label, error);
      return undefined;
    } finally {
      if (this.running === abort) this.running = null;
      this.status.setProbing(null);
    }
  }

  private reportFailure(label: string, error: unknown): void {
    const code = (error as { code?: string })?.code;
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'cancelled') {
      this.log.info(`probe of ${label} cancelled`);
      return;
    }
    this.log.error(`probe of ${label} failed (${code ?? 'error'}): ${message}`);
    void vscode.window
      .showErrorMessage(`Gradient Lens could not probe ${label}: ${message}`, 'Show Output')
      .then((choice) => {
        if (choice) this.log.show();
      });
  }

  dispose(): void {
    this.running?.abort();
    // The warm probe process goes with the extension (it would also end with the extension host).
    shutdownProbeWorker();
  }
}

function definedOnly(overrides: ProbeOverrides): ProbeOverrides {
  return Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => v !== undefined),
  ) as ProbeOverrides;
}
