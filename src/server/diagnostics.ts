/**
 * A document's lint as LSP diagnostics: `code` is the rule id with `codeDescription.href` to its
 * docs page; a file that does not parse shows a "Parsing error" while the last good findings stay,
 * marked stale (their fixes are not offered: the offsets belong to the older text).
 */
import { DiagnosticSeverity, type Diagnostic, type Position } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintProblem } from '../lint/types';
import type { LintMessage } from '../rules/types';
import { diagnosticKey, type RecordedFix } from './code-actions';
import type { DocumentLint } from './engine';
import { DIAGNOSTIC_SOURCE } from './protocol';

export const SOURCE = DIAGNOSTIC_SOURCE;
export const PARSE_ERROR_CODE = 'parse-error';
export const STALE_SUFFIX = ' (stale: the file does not parse)';
export const NOT_SHOWN_CODE = 'not-shown';

const SEVERITY: Record<LintMessage['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export interface DiagnosticSet {
  diagnostics: Diagnostic[];
  /** Fixes per diagnostic key, for code actions. */
  recorded: Map<string, RecordedFix>;
}

export function toDiagnostics(
  lint: DocumentLint,
  document: TextDocument,
  docsHref: (ruleId: string) => string,
): DiagnosticSet {
  const diagnostics: Diagnostic[] = [];
  const recorded = new Map<string, RecordedFix>();
  const current = lint.text === document.getText();
  const positions = current
    ? document
    : TextDocument.create(document.uri, document.languageId, lint.version, lint.text);
  const clamp = (p: Position): Position =>
    p.line < document.lineCount ? p : document.positionAt(document.getText().length);
  for (const message of lint.messages) {
    const diagnostic: Diagnostic = {
      range: {
        start: clamp(positions.positionAt(message.span.start)),
        end: clamp(positions.positionAt(message.span.end)),
      },
      severity: SEVERITY[message.severity],
      code: message.ruleId,
      codeDescription: { href: docsHref(message.ruleId) },
      source: SOURCE,
      message: lint.stale ? message.message + STALE_SUFFIX : message.message,
    };
    if (lint.stale) diagnostic.data = { stale: true };
    diagnostics.push(diagnostic);
    if (!lint.stale) {
      recorded.set(diagnosticKey(diagnostic), {
        ruleId: message.ruleId,
        span: message.span,
        fixes: message.fixes,
      });
    }
  }
  for (const problem of lint.problems) {
    const diagnostic = problemDiagnostic(problem, problem.kind);
    diagnostics.push(diagnostic);
    recorded.set(diagnosticKey(diagnostic), {
      ruleId: null,
      span: {
        start: 0,
        end: 0,
        line: problem.line,
        column: problem.column,
        endLine: 0,
        endColumn: 0,
      },
      fixes: problem.fix ? [problem.fix] : [],
    });
  }
  if (lint.parseError) {
    const diagnostic = problemDiagnostic(lint.parseError, PARSE_ERROR_CODE);
    diagnostic.message = `Parsing error: ${lint.parseError.message}`;
    diagnostic.severity = DiagnosticSeverity.Error;
    diagnostics.push(diagnostic);
  }
  return { diagnostics, recorded };
}

function problemDiagnostic(problem: LintProblem, code: string): Diagnostic {
  const start = { line: Math.max(0, problem.line - 1), character: Math.max(0, problem.column - 1) };
  const sameOrLater =
    problem.endLine > problem.line ||
    (problem.endLine === problem.line && problem.endColumn > problem.column);
  const end = sameOrLater
    ? { line: problem.endLine - 1, character: problem.endColumn - 1 }
    : { line: start.line, character: start.character + 1 };
  return {
    range: { start, end },
    severity: SEVERITY[problem.severity],
    code,
    source: SOURCE,
    message: problem.message,
  };
}

/**
 * The diagnostics for a client that fills in their shared fields (SHARED_DIAGNOSTIC_FIELDS): no
 * source, and each docs link on the first diagnostic with its code only.
 */
export function withoutSharedFields(diagnostics: Diagnostic[]): Diagnostic[] {
  const linked = new Set<Diagnostic['code']>();
  return diagnostics.map((diagnostic) => {
    const slim: Diagnostic = {
      range: diagnostic.range,
      severity: diagnostic.severity,
      code: diagnostic.code,
      message: diagnostic.message,
    };
    if (diagnostic.codeDescription && !linked.has(diagnostic.code)) {
      linked.add(diagnostic.code);
      slim.codeDescription = diagnostic.codeDescription;
    }
    if (diagnostic.data !== undefined) slim.data = diagnostic.data;
    return slim;
  });
}

/**
 * What a client that shows at most `limit` diagnostics a file keeps, picked as VS Code picks them
 * (errors first, then warnings, infos and hints, each in list order: findings by position, then
 * configuration problems), less one for a note of how many are not shown, at the range of the last
 * one picked (where VS Code puts its own note). Within the limit, the list itself.
 */
export function withinLimit(diagnostics: Diagnostic[], limit: number): Diagnostic[] {
  if (diagnostics.length <= limit) return diagnostics;
  const rank = (d: Diagnostic) => d.severity ?? DiagnosticSeverity.Error;
  const kept = new Set(
    diagnostics
      .map((diagnostic, index) => ({ diagnostic, index }))
      .sort((a, b) => rank(a.diagnostic) - rank(b.diagnostic) || a.index - b.index)
      .slice(0, Math.max(0, limit - 1))
      .map(({ diagnostic }) => diagnostic),
  );
  const shown = diagnostics.filter((d) => kept.has(d));
  const hidden = diagnostics.length - shown.length;
  const last = [...kept].pop();
  shown.push({
    range: last?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: NOT_SHOWN_CODE,
    source: SOURCE,
    message: `${hidden} more Gradient Lens finding${hidden === 1 ? ' is' : 's are'} not shown (the editor shows at most ${limit.toLocaleString('en-US')} a file, errors first); the status bar counts them all and \`gradient-lens lint\` lists them.`,
  });
  return shown;
}
