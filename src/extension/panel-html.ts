/**
 * The probe panel's page: controls (re-probe, batch, steps), the report view, and the model's
 * findings with buttons that apply or compare their fixes. Every model-derived string is escaped;
 * the page runs only scripts carrying the per-render nonce, and loads nothing remote.
 */
import type { ProbeReport } from '../probe/types';
import { formatNorm, percent } from './presentation';

export interface PanelFinding {
  /** Stable key the webview sends back (rule id + offset). */
  key: string;
  ruleId: string;
  message: string;
  line: number;
  severity: string;
  fixes: { title: string; preferred: boolean }[];
}

export interface PanelView {
  title: string;
  report: ProbeReport;
  comparison?: { fixTitle: string; report: ProbeReport };
  findings: PanelFinding[];
  /** Whether the target is a source model (fixes and re-probing from source apply). */
  fromSource: boolean;
  cspSource: string;
  nonce: string;
  /** The report view's markup (from src/report), already escaped by its renderer; null uses the table below. */
  reportBody: string | null;
  reportScripts: string[];
  reportStyles: string[];
}

export function renderPanelHtml(view: PanelView): string {
  const { report } = view;
  const csp = [
    "default-src 'none'",
    `img-src ${view.cspSource} data:`,
    `style-src ${view.cspSource} 'nonce-${view.nonce}'`,
    `font-src ${view.cspSource}`,
    `script-src 'nonce-${view.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${view.reportStyles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n')}
<style nonce="${view.nonce}">${PANEL_CSS}</style>
<title>${escapeHtml(view.title)}</title>
</head>
<body>
<main id="gl-panel" data-verdict="${escapeHtml(report.verdict)}" data-layers="${report.layers.length}">
<header class="gl-header">
  <h1>${escapeHtml(view.title)}</h1>
  <p class="gl-verdict gl-${escapeHtml(report.verdict)}" id="gl-verdict" role="status">Verdict: <strong>${escapeHtml(report.verdict)}</strong> — ${escapeHtml(report.verdictReason)}</p>
  <form id="gl-controls" class="gl-controls">
    <label>Batch <input id="gl-batch" type="number" min="1" max="4096" value="${report.batchSize}"></label>
    <label>Steps <input id="gl-steps" type="number" min="1" max="100" value="${report.steps}"></label>
    <button id="gl-reprobe" type="submit">Re-probe</button>
    <span id="gl-busy" aria-live="polite"></span>
  </form>
</header>
${view.comparison ? comparisonSection(report, view.comparison) : ''}
<section class="gl-report" aria-label="Probe report">
${view.reportBody ?? layerTable(report)}
</section>
${findingsSection(view)}
</main>
<script nonce="${view.nonce}">${PANEL_SCRIPT}</script>
${view.reportScripts.map((src) => `<script nonce="${view.nonce}" src="${escapeHtml(src)}"></script>`).join('\n')}
</body>
</html>`;
}

function layerTable(report: ProbeReport): string {
  const rows = report.layers
    .map(
      (l) => `<tr class="gl-layer gl-${escapeHtml(l.verdict)}">
<td>${l.index}</td><td class="gl-name">${escapeHtml(l.name)}</td><td>${escapeHtml(l.className)}</td>
<td>${escapeHtml(l.activation ?? '')}</td><td class="num">${l.params}</td>
<td class="num">${formatNorm(l.gradNorm)}</td><td class="num">${formatNorm(l.ratioToOutput)}</td>
<td class="num">${formatNorm(l.estimate)}</td>
<td class="num">${l.saturatedFraction != null ? percent(l.saturatedFraction) : l.deadFraction != null ? `${percent(l.deadFraction)} dead` : ''}</td>
<td>${escapeHtml(l.verdict)}</td>
<td>${l.line != null ? `<a href="#" class="gl-reveal" data-line="${l.line}">line ${l.line}</a>` : ''}</td></tr>`,
    )
    .join('\n');
  return `<table class="gl-table">
<caption>Per-layer gradients (${escapeHtml(report.backend)}, batch ${report.batchSize}, ${report.steps} step${report.steps === 1 ? '' : 's'}, loss ${formatNorm(report.loss)})</caption>
<thead><tr><th>#</th><th>Layer</th><th>Class</th><th>Activation</th><th>Params</th><th>‖∇‖</th><th>× output</th><th>Estimate</th><th>Saturated</th><th>Verdict</th><th>Source</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Assumptions</h2>
<ul class="gl-assumptions">${report.assumptions.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>`;
}

function comparisonSection(
  report: ProbeReport,
  comparison: { fixTitle: string; report: ProbeReport },
): string {
  const after = new Map(comparison.report.layers.map((l) => [l.index, l]));
  const rows = report.layers
    .filter((l) => l.gradNorm !== null)
    .map((l) => {
      const fixed = after.get(l.index);
      return `<tr><td>${l.index}</td><td class="gl-name">${escapeHtml(l.name)}</td><td class="num">${formatNorm(l.ratioToOutput)}</td><td class="num">${formatNorm(fixed?.ratioToOutput)}</td></tr>`;
    })
    .join('\n');
  return `<section class="gl-compare" id="gl-compare" aria-label="Comparison">
<h2>With the fix: ${escapeHtml(comparison.fixTitle)}</h2>
<p>Verdict now: <strong>${escapeHtml(report.verdict)}</strong>; with the fix: <strong id="gl-compare-verdict">${escapeHtml(comparison.report.verdict)}</strong> — ${escapeHtml(comparison.report.verdictReason)}</p>
<table class="gl-table"><thead><tr><th>#</th><th>Layer</th><th>× output now</th><th>× output with fix</th></tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
}

function findingsSection(view: PanelView): string {
  if (!view.fromSource) return '';
  if (view.findings.length === 0)
    return '<section class="gl-findings"><h2>Findings</h2><p>No findings for this model.</p></section>';
  const items = view.findings
    .map((f) => {
      const buttons = f.fixes
        .map(
          (
            fix,
            i,
          ) => `<button class="gl-apply" data-finding="${escapeHtml(f.key)}" data-fix="${i}">${escapeHtml(fix.title)}${fix.preferred ? ' (preferred)' : ''}</button>
<button class="gl-compare-btn secondary" data-finding="${escapeHtml(f.key)}" data-fix="${i}">Apply fix and compare</button>`,
        )
        .join('\n');
      return `<li class="gl-finding gl-sev-${escapeHtml(f.severity)}"><a href="#" class="gl-reveal" data-line="${f.line}">line ${f.line}</a> <code>${escapeHtml(f.ruleId)}</code> ${escapeHtml(f.message)}<div class="gl-fixes">${buttons}</div></li>`;
    })
    .join('\n');
  return `<section class="gl-findings"><h2>Findings (${view.findings.length})</h2><ul>${items}</ul></section>`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const PANEL_CSS = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; }
h1 { font-size: 1.4em; margin: 12px 0 4px; } h2 { font-size: 1.1em; margin-top: 20px; }
.gl-verdict { margin: 4px 0 8px; } .gl-vanishing strong, .gl-exploding strong { color: var(--vscode-errorForeground); } .gl-healthy strong { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
.gl-controls { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.gl-controls input { width: 5em; background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); padding: 2px 4px; }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }
button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
button:focus-visible, a:focus-visible, input:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
button:disabled { opacity: 0.6; cursor: default; }
.gl-table { border-collapse: collapse; margin-top: 8px; } .gl-table caption { text-align: left; padding-bottom: 4px; color: var(--vscode-descriptionForeground); }
.gl-table th, .gl-table td { border-bottom: 1px solid var(--vscode-panel-border, #8884); padding: 3px 8px; text-align: left; }
.gl-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.gl-findings ul { list-style: none; padding: 0; } .gl-finding { margin: 8px 0; } .gl-fixes { margin-top: 4px; display: flex; gap: 6px; flex-wrap: wrap; }
a { color: var(--vscode-textLink-foreground); }
.gl-compare { border-left: 3px solid var(--vscode-focusBorder); padding-left: 10px; }
`;

// Runs inside the webview: forwards user actions as typed messages; no model data is interpreted as HTML.
const PANEL_SCRIPT = `
(function () {
  const vscode = acquireVsCodeApi();
  const busy = document.getElementById('gl-busy');
  function setBusy(on, text) {
    busy.textContent = on ? (text || 'Working…') : '';
    document.querySelectorAll('button').forEach(function (b) { b.disabled = on; });
  }
  document.getElementById('gl-controls').addEventListener('submit', function (e) {
    e.preventDefault();
    const batchSize = parseInt(document.getElementById('gl-batch').value, 10);
    const steps = parseInt(document.getElementById('gl-steps').value, 10);
    vscode.postMessage({ command: 'reprobe', batchSize: batchSize, steps: steps });
  });
  document.addEventListener('click', function (e) {
    const el = e.target.closest('[data-finding], .gl-reveal');
    if (!el) return;
    e.preventDefault();
    if (el.classList.contains('gl-reveal')) {
      vscode.postMessage({ command: 'reveal', line: parseInt(el.dataset.line, 10) });
      return;
    }
    const command = el.classList.contains('gl-apply') ? 'applyFix' : 'compareFix';
    vscode.postMessage({ command: command, finding: el.dataset.finding, fix: parseInt(el.dataset.fix, 10) });
  });
  window.addEventListener('message', function (e) {
    const m = e.data;
    if (m && m.command === 'busy') setBusy(m.busy, m.message);
  });
})();
`;
