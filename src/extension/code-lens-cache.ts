/**
 * The CodeLenses of each document as last converted, with the commands VS Code had resolved. VS
 * Code asks for every lens of a document after each keystroke (over a thousand in an 8,000-line
 * file) and resolves those in view that come without a command; most keystrokes move no lens, and
 * then the server answers "the same" (CODE_LENSES) and these are handed back: nothing to parse or
 * convert, nothing in view to resolve again.
 */
import type * as vscode from 'vscode';
import type { CodeLensesParams, CodeLensesResult } from '../server/protocol';

export interface LensRequests {
  send(params: CodeLensesParams, token?: vscode.CancellationToken): Promise<CodeLensesResult>;
  /**
   * vscode-languageclient's conversion of one LSP CodeLens (its lenses keep `data`, which
   * resolving sends back).
   */
  convert(lens: { range: LspRange; data: unknown }): vscode.CodeLens;
}

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export class CodeLensCache {
  private readonly known = new Map<string, { resultId: string; lenses: vscode.CodeLens[] }>();

  constructor(private readonly requests: LensRequests) {}

  /** `uri` as the server spells it (the client's code-to-protocol conversion). */
  async provide(uri: string, token?: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const known = this.known.get(uri);
    const reply = await this.requests.send(
      { textDocument: { uri }, previousResultId: known?.resultId },
      token,
    );
    if (known && !reply.lenses && reply.resultId === known.resultId) return known.lenses;
    const { list, ranges } = reply.lenses ?? { list: 0, ranges: [] };
    const lenses: vscode.CodeLens[] = [];
    for (let i = 0; i + 3 < ranges.length; i += 4) {
      const range = {
        start: { line: ranges[i], character: ranges[i + 1] },
        end: { line: ranges[i + 2], character: ranges[i + 3] },
      };
      lenses.push(this.requests.convert({ range, data: [list, i / 4] }));
    }
    if (reply.resultId) this.known.set(uri, { resultId: reply.resultId, lenses });
    else this.known.delete(uri);
    return lenses;
  }

  /** A lens VS Code resolved: it keeps the command, so the same list shows it unasked. */
  resolved(lens: vscode.CodeLens, resolved: vscode.CodeLens | null | undefined): void {
    if (resolved && resolved !== lens && resolved.command) lens.command = resolved.command;
  }

  forget(uri: string): void {
    this.known.delete(uri);
  }
}
