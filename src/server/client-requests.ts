/**
 * The requests and notifications of src/server/protocol.ts: what the VS Code client asks beyond
 * LSP (the findings and models behind its probe panel, models with a fix applied, the diagnostics
 * of files that are not open) and the probe results it sends back for hints, hovers and CodeLens.
 */
import { readFile } from 'node:fs/promises';
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyEdits } from '../lint/fix';
import { toDiagnostics } from './diagnostics';
import type { DocumentLint, LintEngine } from './engine';
import type { MeasuredResults } from './measured';
import { isCandidate, lintPath, uriToPath } from './paths';
import {
  LINT_DETAILS,
  LINT_FILES,
  MODELS_WITH_EDITS,
  PROBE_RESULT,
  type LintDetails,
  type LintDetailsParams,
  type LintFilesParams,
  type LintFilesResult,
  type ModelsWithEditsParams,
  type ProbeResultParams,
} from './protocol';
import type { ServerSettings } from './settings';

export interface RequestContext {
  documents: TextDocuments<TextDocument>;
  engine: LintEngine;
  measured: MeasuredResults;
  settings: (uri: string) => Promise<ServerSettings>;
  currentLint: (document: TextDocument) => Promise<DocumentLint | undefined>;
  docsHref: (ruleId: string) => string;
  guard: <T>(what: string, fallback: T, run: () => T | Promise<T>) => Promise<T>;
  refreshViews: () => void;
}

/** Larger files are skipped by "Lint Workspace", as the linter refuses them anyway. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

export function registerClientRequests(connection: Connection, ctx: RequestContext): void {
  connection.onRequest(LINT_DETAILS, (params: LintDetailsParams) =>
    ctx.guard('lint details', null, async (): Promise<LintDetails | null> => {
      const document = typeof params?.uri === 'string' ? ctx.documents.get(params.uri) : undefined;
      if (!document) return null;
      const lint = await ctx.currentLint(document);
      if (!lint) return null;
      return {
        version: document.version,
        messages: lint.messages,
        models: lint.analysis?.models ?? [],
        parseError: lint.parseError
          ? `line ${lint.parseError.line}: ${lint.parseError.message}`
          : null,
        stale: lint.stale,
      };
    }),
  );

  connection.onRequest(MODELS_WITH_EDITS, (params: ModelsWithEditsParams) =>
    ctx.guard('models with edits', [], () => {
      const document = typeof params?.uri === 'string' ? ctx.documents.get(params.uri) : undefined;
      if (!document || !Array.isArray(params.edits)) return [];
      const text = applyEdits(document.getText(), params.edits);
      return ctx.engine.modelsOf(text, lintPath(document.uri));
    }),
  );

  connection.onRequest(LINT_FILES, (params: LintFilesParams) =>
    ctx.guard('lint files', { files: [] }, async (): Promise<LintFilesResult> => {
      const uris = Array.isArray(params?.uris) ? params.uris : [];
      const files: LintFilesResult['files'] = [];
      for (const uri of uris) {
        const path = typeof uri === 'string' ? uriToPath(uri) : null;
        if (!path || !isCandidate('', uri) || ctx.documents.get(uri)) continue;
        const text = await readFile(path, 'utf8').catch(() => null);
        if (text === null || text.length > MAX_FILE_BYTES) continue;
        const config = await ctx.settings(uri);
        const lint = ctx.engine.lint(text, path, 0, config, undefined);
        if (!lint.analysed) continue;
        const document = TextDocument.create(uri, 'javascript', 0, text);
        files.push({ uri, diagnostics: toDiagnostics(lint, document, ctx.docsHref).diagnostics });
        // Files are many: let edits in open documents through between them.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { files };
    }),
  );

  connection.onNotification(PROBE_RESULT, (params: ProbeResultParams) => {
    void ctx.guard('probe result', undefined, () => {
      if (ctx.measured.accept(params)) ctx.refreshViews();
    });
  });
}
