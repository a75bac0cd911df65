/**
 * What the diagnostics of a pulled report share, filled in after vscode-languageclient converts
 * them (the server sends it once: SHARED_DIAGNOSTIC_FIELDS): the source, and each rule's docs link
 * from the first diagnostic with its code. VS Code then shows them as if each had carried its own.
 */
import type * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from '../server/protocol';

/**
 * The markers VS Code keeps per file and diagnostic collection (extHostDiagnostics'
 * _maxDiagnosticsPerFile, errors first): the client asks the server for no more.
 */
export const VSCODE_MAX_DIAGNOSTICS_PER_FILE = 1000;

export function fillSharedFields(diagnostics: vscode.Diagnostic[]): void {
  const links = new Map<string | number, vscode.Diagnostic['code']>();
  for (const diagnostic of diagnostics) {
    const code = diagnostic.code;
    if (typeof code === 'object' && !links.has(code.value)) links.set(code.value, code);
  }
  for (const diagnostic of diagnostics) {
    diagnostic.source ??= DIAGNOSTIC_SOURCE;
    const code = diagnostic.code;
    if (typeof code === 'string' || typeof code === 'number')
      diagnostic.code = links.get(code) ?? code;
  }
}
