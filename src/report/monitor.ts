/**
 * The training-monitor view: the probe report's look (same stylesheet, cards, verdict banner and
 * log-scale charts with the vanishing and exploding zones) with steps on the x axis. One body, two
 * shells, as for the probe report: a self-contained file for the CLI, and a webview page that the
 * extension updates in place while the run goes on.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MonitorHistory } from '../monitor/history';
import type { MonitorVerdict } from '../monitor/verdict';
import { escapeHtml as h, jsonForScript } from './escape';
import { readable, sci } from './format';
import { findMediaDir } from './index';
import { monitorPayload, type MonitorChartPayload, type MonitorLayerRow } from './monitor-data';

export { monitorPayload } from './monitor-data';
export type { MonitorChartPayload } from './monitor-data';

/** Id of the JSON block the browser script reads. */
export const MONITOR_DATA_ID = 'gl-monitor-data';

const VERDICT_TEXT: Record<string, { word: string; icon: string; tone: string }> = {
  healthy: { word: 'Healthy training', icon: '✓', tone: 'healthy' },
  vanishing: { word: 'Vanishing gradients', icon: '▼', tone: 'vanishing' },
  exploding: { word: 'Exploding gradients', icon: '▲', tone: 'exploding' },
  'non-finite': { word: 'Non-finite gradients', icon: '✕', tone: 'exploding' },
  'no-data': { word: 'No records yet', icon: '…', tone: 'healthy' },
};

export interface MonitorBodyOptions {
  source: string;
  title?: string;
  /** True in the webview: layer names are buttons that reveal the layer's line. */
  interactive: boolean;
}

export function renderMonitorBody(
  payload: MonitorChartPayload,
  options: MonitorBodyOptions,
): string {
  const verdict = VERDICT_TEXT[payload.verdict.verdict] ?? {
    word: payload.verdict.verdict,
    icon: '?',
    tone: 'healthy',
  };
  const progress = `${payload.records} records${payload.lastStep !== null ? `, up to step ${payload.lastStep}` : ''}${payload.ended ? ' · run ended' : ' · running or stopped'}`;
  const { vanishingRatio, explodingRatio, maxUpdateRatio } = payload.thresholds;
  return `<main class="gl-report gl-monitor" id="gl-report" data-verdict="${h(payload.verdict.verdict)}">
<header class="gl-head">
  <div class="gl-title">
    <h1>${h(options.title ?? 'Training monitor')}</h1>
    <p class="gl-source">Log <code>${h(options.source)}</code> · <span id="gl-progress">${h(progress)}</span></p>
  </div>
  <div class="gl-verdict gl-v-${h(verdict.tone)}" id="gl-verdict-box" role="status">
    <span class="gl-verdict-icon" id="gl-verdict-icon" aria-hidden="true">${verdict.icon}</span>
    <div>
      <p class="gl-verdict-word" id="gl-verdict">${h(verdict.word)}</p>
      <p class="gl-verdict-reason" id="gl-verdict-reason">${h(payload.verdict.reason)}</p>
    </div>
  </div>
</header>
<div class="gl-monitor-grid">
${chartCard('gl-m-ratio', 'Gradient norm relative to the output layer', `Log scale, one line per layer. Shaded: vanishing zone (below ${h(readable(vanishingRatio))} × output) and exploding zone (above ${h(readable(explodingRatio))} × output). Red lines: steps with non-finite gradients (the first one solid).`)}
${chartCard('gl-m-grad', 'Gradient norm per layer', 'Log scale; gaps where a value was zero or not finite.')}
${chartCard('gl-m-update', 'Update / weight norm per step', `How much one optimizer step changed each layer's weights, relative to their norm. Shaded: above ${h(readable(maxUpdateRatio))} (overshooting).`)}
${chartCard('gl-m-loss', 'Loss', 'Log scale, at the sampled steps.')}
</div>
<section class="gl-card" aria-labelledby="gl-table-title">
  <h2 id="gl-table-title">Latest record per layer</h2>
  <div class="gl-table-wrap" tabindex="0" role="region" aria-labelledby="gl-table-title">
  <table class="gl-table">
    <thead><tr><th scope="col" class="num">#</th><th scope="col">Layer</th><th scope="col">Class</th><th scope="col" class="num">Grad norm</th><th scope="col" class="num"><abbr title="Gradient norm divided by the output layer's">Ratio</abbr></th><th scope="col" class="num">Weight norm</th><th scope="col" class="num"><abbr title="One step's change divided by the weight norm">Update / weight</abbr></th><th scope="col" class="num">Non-finite</th></tr></thead>
    <tbody id="gl-monitor-rows">
${payload.rows.map((row) => tableRow(row, options.interactive)).join('\n')}
    </tbody>
  </table>
  </div>
</section>
</main>
<script type="application/json" id="${MONITOR_DATA_ID}">${jsonForScript(payload)}</script>`;
}

function chartCard(id: string, title: string, caption: string): string {
  return `<section class="gl-card gl-chart-card" aria-labelledby="${id}-title">
  <h2 id="${id}-title">${h(title)}</h2>
  <div class="gl-chart-wrap gl-monitor-chart"><canvas id="${id}" role="img" aria-label="${h(title)} over training steps; the table below has the latest numbers."></canvas></div>
  <p class="gl-caption">${caption}</p>
</section>`;
}

function tableRow(row: MonitorLayerRow, interactive: boolean): string {
  const line = row.line !== null ? ` <span class="gl-line">line ${row.line}</span>` : '';
  const name =
    interactive && row.line !== null
      ? `<button type="button" class="gl-link" data-gl-reveal="${row.index}">${h(row.name)}</button>`
      : h(row.name);
  return `      <tr class="gl-row${row.nonFinite > 0 ? ' gl-v-exploding' : ''}" data-layer="${row.index}"><td class="num">${row.index}</td><th scope="row" class="gl-name">${name}${line}</th><td>${h(row.className)}</td><td class="num">${sci(row.grad)}</td><td class="num">${sci(row.ratio)}</td><td class="num">${sci(row.weight)}</td><td class="num">${sci(row.updateRatio)}</td><td class="num">${row.nonFinite}</td></tr>`;
}

/** Layout for the chart grid; the rest comes from report.css. */
export const MONITOR_CSS = `.gl-monitor-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:20px}.gl-monitor .gl-monitor-chart{height:260px}.gl-monitor .gl-link{background:none;border:0;padding:0;font:inherit;color:var(--vscode-textLink-foreground,#0969da);cursor:pointer;text-decoration:underline}`;

export interface MonitorHtmlOptions {
  source: string;
  title?: string;
  lines?: Map<number, number>;
  /** Folder holding the bundled monitor.js and report.css; found next to the running bundle by default. */
  mediaDir?: string;
}

/** A single self-contained file: script and styles inlined, nothing remote, nonce-only CSP. */
export function renderMonitorHtml(
  history: MonitorHistory,
  verdict: MonitorVerdict,
  options: MonitorHtmlOptions,
): string {
  const nonce = randomBytes(18).toString('base64');
  const dir = findMediaDir(options.mediaDir);
  const read = (name: string) => {
    try {
      return dir ? readFileSync(join(dir, name), 'utf8') : null;
    } catch {
      return null;
    }
  };
  const script = read('monitor.js');
  const style = read('report.css') ?? '';
  const body = renderMonitorBody(monitorPayload(history, verdict, options.lines), {
    ...options,
    interactive: false,
  });
  const missing = script
    ? ''
    : '<p class="gl-chart-error" role="alert">The charts are missing: dist/media/monitor.js was not found (run "npm run build"). The table has the latest numbers.</p>';
  return page(
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:`,
    options.title ?? 'Training monitor',
    `<style nonce="${nonce}">${inlineSafe(style, 'style')}${MONITOR_CSS}</style>`,
    missing + body,
    script ? `<script nonce="${nonce}">${inlineSafe(script, 'script')}</script>` : '',
  );
}

export interface MonitorWebviewOptions {
  nonce: string;
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  source: string;
  title?: string;
}

export function renderMonitorWebviewHtml(
  payload: MonitorChartPayload,
  options: MonitorWebviewOptions,
): string {
  const { nonce, cspSource } = options;
  return page(
    [
      "default-src 'none'",
      `img-src ${cspSource} data:`,
      `style-src ${cspSource} 'nonce-${nonce}'`,
      `font-src ${cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; '),
    options.title ?? 'Training monitor',
    `<link rel="stylesheet" href="${h(options.styleUri)}"><style nonce="${h(nonce)}">${MONITOR_CSS}</style>`,
    renderMonitorBody(payload, { ...options, interactive: true }),
    `<script nonce="${h(nonce)}" src="${h(options.scriptUri)}"></script>`,
  );
}

function page(csp: string, title: string, head: string, body: string, scripts: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
${head}
</head>
<body>
${body}
${scripts}
</body>
</html>
`;
}

/** An inlined bundle must not contain its closing tag, nor a source-map comment to a file not shipped. */
function inlineSafe(source: string, tag: 'script' | 'style'): string {
  return source
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '')
    .replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
}
