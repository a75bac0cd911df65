import * as vscode from 'vscode';
import type { LintController } from './lint-controller';
import { findingsLensTitle, isStale, verdictLensTitle } from './presentation';
import type { ProbeStore } from './probe-store';
import { getSettings } from './settings';

/**
 * Above each model: "Probe gradients", its finding count, and after a probe its verdict. A builder
 * with several paths gets one set per variant, each naming its path.
 */
export class CodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly lints: LintController,
    private readonly store: ProbeStore,
  ) {
    this.subscriptions = [
      this.emitter,
      lints.onDidLint(() => this.emitter.fire()),
      store.onDidChange(() => this.emitter.fire()),
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!getSettings(document.uri).codeLens) return [];
    // While typing, the last lint serves (it refreshes the lenses when it lands) rather than
    // linting again on every CodeLens request, which would bypass the debounce.
    const lint = this.lints.get(document.uri) ?? this.lints.current(document);
    if (!lint?.analysis) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const model of lint.analysis.models) {
      const line = document.positionAt(model.span.start).line;
      const range = new vscode.Range(line, 0, line, 0);
      const variant = model.variant;
      const target = {
        kind: 'source' as const,
        uri: document.uri,
        model: model.name,
        line: model.span.line,
        ...(variant ? { variant: variant.id } : {}),
      };
      const which = variant ? ` [${variant.label}]` : '';
      lenses.push(
        new vscode.CodeLens(range, {
          title: variant ? `$(pulse) Probe ${variant.label}` : '$(pulse) Probe gradients',
          tooltip: `Measure per-layer gradient norms of "${model.name}"${which} with a TensorFlow.js backward pass`,
          command: 'gradientLens.probeModel',
          arguments: [document.uri, model.name, model.span.line, variant?.id],
        }),
      );
      const count = lint.messages.filter(
        (m) =>
          m.model === model.name && (!variant || !m.variants || m.variants.includes(variant.id)),
      ).length;
      lenses.push(
        new vscode.CodeLens(range, {
          title: findingsLensTitle(count),
          tooltip: 'Show the Problems panel',
          command: 'workbench.actions.view.problems',
        }),
      );
      const entry = this.store.get(target);
      if (entry) {
        const stale = isStale(entry.version, document.version);
        lenses.push(
          new vscode.CodeLens(
            range,
            stale
              ? {
                  title: verdictLensTitle(entry.report, true),
                  tooltip: `The code changed since this probe (${entry.report.verdict}); click to probe it again`,
                  command: 'gradientLens.probeModel',
                  arguments: [
                    document.uri,
                    model.name,
                    model.span.line,
                    ...(variant ? [variant.id] : []),
                  ],
                }
              : {
                  title: verdictLensTitle(entry.report),
                  tooltip: entry.report.verdictReason,
                  command: 'gradientLens.showReport',
                  arguments: [document.uri, model.name, variant?.id],
                },
          ),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
