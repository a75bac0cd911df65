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
  /** vscode-languageclient's conversion (its lenses keep `data`, which resolving sends back). */
  convert(lenses: unknown[], token?: vscode.CancellationToken): Promise<vscode.CodeLens[]>;
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
    const lenses = await this.requests.convert(reply.lenses ?? [], token);
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
