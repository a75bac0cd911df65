/**
 * The probe report view: one body, two shells.
 * - renderReportHtml: a single self-contained file (CLI `--format html`): script and styles inlined,
 *   nothing remote, a strict CSP whose nonce is the only way a script runs.
 * - renderWebviewHtml: the same body for a VS Code webview, loading the script and styles from
 *   webview URIs under the extension's media folder.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProbeReport } from '../probe/types';
import type { LintMessage } from '../rules/types';
import { renderReportBody } from './body';
import { escapeHtml } from './escape';

export { renderReportBody, DATA_ELEMENT_ID } from './body';

export interface ReportHtmlOptions {
  findings?: LintMessage[];
  comparison?: ProbeReport;
  comparisonLabel?: string;
  title?: string;
  /** Folder holding the bundled report.js and report.css; found next to the running bundle by default. */
  mediaDir?: string;
}

export interface WebviewHtmlOptions {
  nonce: string;
  /** The webview's `cspSource`. */
  cspSource: string;
  /** Webview URI of dist/media/report.js. */
  scriptUri: string;
  /** Webview URI of dist/media/report.css. */
  styleUri: string;
  findings?: LintMessage[];
  comparison?: ProbeReport;
  comparisonLabel?: string;
  title?: string;
}

export function renderReportHtml(report: ProbeReport, options: ReportHtmlOptions = {}): string {
  const nonce = randomBytes(18).toString('base64');
  const assets = loadAssets(options.mediaDir);
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:`;
  const body = renderReportBody(report, { ...options, interactive: false });
  const missing = assets.script
    ? ''
    : `<p class="gl-chart-error" role="alert">The chart is missing: the report script was not found (${escapeHtml(assets.reason)}). The table below has every number.</p>`;
  return page({
    csp,
    title: options.title ?? `Gradient report: ${report.model.name}`,
    head: `<style nonce="${nonce}">${inlineSafe(assets.style, 'style')}</style>`,
    body: missing + body,
    scripts: assets.script
      ? `<script nonce="${nonce}">${inlineSafe(assets.script, 'script')}</script>`
      : '',
  });
}

export function renderWebviewHtml(report: ProbeReport, options: WebviewHtmlOptions): string {
  const { nonce, cspSource } = options;
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return page({
    csp,
    title: options.title ?? `Gradient report: ${report.model.name}`,
    head: `<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">`,
    body: renderReportBody(report, { ...options, interactive: true }),
    scripts: `<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(options.scriptUri)}"></script>`,
  });
}

function page(parts: {
  csp: string;
  title: string;
  head: string;
  body: string;
  scripts: string;
}): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${parts.csp.replace(/[&<>"]/g, (c) => escapeHtml(c))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)}</title>
${parts.head}
</head>
<body>
${parts.body}
${parts.scripts}
</body>
</html>
`;
}

/**
 * A bundle inlined into a <script>/<style> element must not contain its closing tag, and its
 * source-map comment would point at a file the standalone report does not ship.
 */
function inlineSafe(source: string, tag: 'script' | 'style'): string {
  return source
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '')
    .replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
}

interface Assets {
  script: string | null;
  style: string;
  reason: string;
}

/**
 * dist/media next to the running bundle (dist/cli.js, dist/extension.js), or the repository's
 * dist/media when running from sources under tsx.
 */
export function findMediaDir(explicit?: string): string | null {
  const candidates = explicit
    ? [explicit]
    : [join(__dirname, 'media'), join(__dirname, '..', '..', 'dist', 'media')];
  let dir = __dirname;
  for (let i = 0; i < 4 && !explicit; i++) {
    candidates.push(join(dir, 'dist', 'media'));
    dir = dirname(dir);
  }
  return candidates.find((candidate) => existsSync(join(candidate, 'report.js'))) ?? null;
}

function loadAssets(explicit?: string): Assets {
  const dir = findMediaDir(explicit);
  if (!dir)
    return {
      script: null,
      style: FALLBACK_STYLE,
      reason: 'run "npm run build" to create dist/media/report.js',
    };
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return null;
    }
  };
  const script = read('report.js');
  const style = read('report.css') ?? FALLBACK_STYLE;
  return { script, style, reason: script ? '' : `could not read ${join(dir, 'report.js')}` };
}

/** Enough to keep the table readable when the bundled stylesheet is missing. */
const FALLBACK_STYLE = `body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{padding:.25rem .5rem;border-bottom:1px solid #8884;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}`;
