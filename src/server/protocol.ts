/**
 * The messages Gradient Lens adds to LSP, shared by the server and the VS Code client. Plain data
 * and method names only (no LSP library types), so the client bundles this file and nothing else
 * of the server. Other editors ignore them: every standard feature works without.
 */
import type { ModelGraph } from '../analysis/ir';
import type { TextEdit } from '../rules/types';
import type { LintMessage } from '../rules/types';
import type { Verdict } from '../probe/types';

/**
 * The language ids the server analyses, and the client sends: JS and TS, Python (Keras), and the
 * pages and components whose scripts may use tfjs as a browser global.
 */
export const LANGUAGES = [
  'javascript',
  'typescript',
  'javascriptreact',
  'typescriptreact',
  'python',
  'html',
  'vue',
  'svelte',
];

/** What the workspace lint command lints: the sources and the pages (the CLI's own list). */
export const LINTED_FILES_GLOB = '**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,py,html,htm,vue,svelte}';

/** The source of every Gradient Lens diagnostic. */
export const DIAGNOSTIC_SOURCE = 'Gradient Lens';

/**
 * An initialization option: the client fills in what the diagnostics of a pulled report share, so
 * the server sends it once. No `source` (it is DIAGNOSTIC_SOURCE), and a rule's docs link
 * (`codeDescription`) only on the first diagnostic with that code: an 8,000-line file's report
 * is a third shorter, and the editor's side parses and converts one link per rule.
 */
export const SHARED_DIAGNOSTIC_FIELDS = 'sharedDiagnosticFields';

/**
 * An initialization option: the most diagnostics a file the client shows (VS Code keeps 1,000 per
 * file and collection, errors first). Past it the server sends those the client would keep, less
 * one, and a note of how many more there are: the client then parses and converts no diagnostic it
 * would drop. The status (LINT_STATUS) still counts every finding.
 */
export const MAX_DIAGNOSTICS_PER_FILE = 'maxDiagnosticsPerFile';

/**
 * Client -> server: a document's CodeLenses, for a client that resolves their commands, or
 * `lenses` left out when they are those of `previousResultId` (same ranges, same commands). VS
 * Code asks for every lens of a document after each keystroke (over a thousand in an 8,000-line
 * file), and most keystrokes move none; the client then keeps the lenses it converted, with the
 * commands it resolved. The lenses come as their ranges, four numbers each (start line and
 * character, end line and character): lens `i` is the LSP CodeLens with that range and `data`
 * `[list, i]`, which textDocument/codeLens answers and codeLens/resolve takes.
 */
export const CODE_LENSES = 'gradientLens/codeLenses';
export interface CodeLensesParams {
  textDocument: { uri: string };
  previousResultId?: string;
}
export interface CodeLensesResult {
  resultId: string;
  lenses?: { list: number; ranges: number[] };
}

/** Server -> client after each lint: what the status bar shows (small: sent on every keystroke). */
export const LINT_STATUS = 'gradientLens/lintStatus';
export interface LintStatus {
  uri: string;
  version: number;
  /** False when the file was not analysed (no tfjs, or disabled). */
  analysed: boolean;
  counts: { errors: number; warnings: number; infos: number };
  /** "line 3: ';' expected." while the file does not parse; the counts are then the last good ones. */
  parseError: string | null;
  stale: boolean;
}

/** Client -> server: the findings and models of a document's current version (panel, probe). */
export const LINT_DETAILS = 'gradientLens/lintDetails';
export interface LintDetailsParams {
  uri: string;
}
export interface LintDetails {
  version: number;
  messages: LintMessage[];
  models: ModelGraph[];
  parseError: string | null;
  stale: boolean;
}

/** Client -> server: the models of the document with `edits` applied in memory ("apply and compare"). */
export const MODELS_WITH_EDITS = 'gradientLens/modelsWithEdits';
export interface ModelsWithEditsParams {
  uri: string;
  edits: TextEdit[];
}

/** Client -> server: lint files that are not open ("Lint Workspace"); diagnostics per file. */
export const LINT_FILES = 'gradientLens/lintFiles';
export interface LintFilesParams {
  uris: string[];
}
/** `diagnostics` are LSP diagnostics; typed loosely here to keep LSP types in the server. */
export interface LintFilesResult {
  files: { uri: string; diagnostics: unknown[] }[];
}

/**
 * Client -> server after a probe: the measured norms the server's inlay hints, hover and CodeLens
 * show. `report: null` forgets the model's result; a null `uri` forgets every result.
 */
export const PROBE_RESULT = 'gradientLens/probeResult';
export interface ProbeResultParams {
  uri: string | null;
  model: string;
  variant?: string;
  /** The document version that was probed: a later version marks the numbers stale. */
  version: number;
  lineCount: number;
  report: MeasuredReport | null;
}
export interface MeasuredReport {
  verdict: Verdict;
  verdictReason: string;
  backend: string;
  batchSize: number;
  layers: MeasuredLayer[];
}
export interface MeasuredLayer {
  index: number;
  /** 1-based source line of the layer's call. */
  line: number | null;
  gradNorm: number | null;
  ratioToOutput: number | null;
  verdict: Verdict;
  saturatedFraction: number | null;
  deadFraction: number | null;
}

/** Command ids the server puts in CodeLenses and code actions; the VS Code client registers them. */
export const PROBE_COMMAND = 'gradientLens.probeModel';
export const SHOW_REPORT_COMMAND = 'gradientLens.showReport';
export const SHOW_DOCS_COMMAND = 'gradientLens.showRuleDocs';

/** The code action kind of "fix all" (editor.codeActionsOnSave: source.fixAll.gradientLens). */
export const FIX_ALL_KIND = 'source.fixAll.gradientLens';
