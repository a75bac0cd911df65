import * as vscode from 'vscode';
import type { ProbeReport } from '../probe/types';

/** What was probed: a model in a source file, or a tfjs model.json on disk. */
export type ProbeTarget =
  | { kind: 'source'; uri: vscode.Uri; model: string; line?: number; variant?: string }
  | { kind: 'model-json'; uri: vscode.Uri };

export interface ProbeEntry {
  target: ProbeTarget;
  report: ProbeReport;
  /** The same model with a fix applied in memory, probed for "Apply fix and compare". */
  comparison?: { fixTitle: string; report: ProbeReport; findingKey: string; fixIndex: number };
  /** Document version the probe measured. */
  version: number | null;
  /** The document's line count then: once lines are added or removed, line-based hints are stale. */
  lineCount: number | null;
  at: Date;
}

export function targetKey(target: ProbeTarget): string {
  return target.kind === 'source'
    ? `${target.uri.toString()}#${target.model}${target.variant ? `#${target.variant}` : ''}`
    : target.uri.toString();
}

/** The last probe of each model in this session: feeds hints, hovers, CodeLens verdicts, the panel. */
export class ProbeStore implements vscode.Disposable {
  private readonly entries = new Map<string, ProbeEntry>();
  private readonly emitter = new vscode.EventEmitter<ProbeEntry | undefined>();
  readonly onDidChange = this.emitter.event;

  set(entry: ProbeEntry): void {
    this.entries.set(targetKey(entry.target), entry);
    this.emitter.fire(entry);
  }

  get(target: ProbeTarget): ProbeEntry | undefined {
    return this.entries.get(targetKey(target));
  }

  forDocument(uri: vscode.Uri): ProbeEntry[] {
    return [...this.entries.values()].filter((e) => e.target.uri.toString() === uri.toString());
  }

  clear(uri?: vscode.Uri): void {
    for (const [key, entry] of this.entries) {
      if (!uri || entry.target.uri.toString() === uri.toString()) this.entries.delete(key);
    }
    this.emitter.fire(undefined);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
