/**
 * The probe panel's page: controls (re-probe, batch, steps), the report view, and the model's
 * findings with buttons that apply or compare their fixes. Every model-derived string is escaped;
 * the page runs only scripts carrying the per-render nonce, and loads nothing remote.
 */
import type { ProbeReport } from '../probe/types';

export interface PanelView {
  title: string;
  report: ProbeReport;
  /** The report view's markup (src/report renderReportBody: chart, table, assumptions, findings), already escaped. */
  reportBody: string;
  cspSource: string;
  nonce: string;
  /** Webview URIs of dist/media/report.js and report.css. */
  scriptUri: string;
  styleUri: string;
  /** Which model is shown: the page keeps its scroll position for the same model and shows the verdict for a new one. */
  modelKey?: string;
  /** The code changed since this probe: say so and offer a re-probe. */
  stale?: boolean;
}

/**
 * The panel page: a toolbar (re-probe with batch/steps) above the shared report view. The toolbar
 * script runs first and shares the one VS Code API handle with the report script, which wires the
 * fix buttons (acquireVsCodeApi may be called only once per page).
 */
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
<link rel="stylesheet" href="${escapeHtml(view.styleUri)}">
<style nonce="${view.nonce}">${PANEL_CSS}</style>
<title>${escapeHtml(view.title)}</title>
</head>
<body>
<div id="gl-panel" data-verdict="${escapeHtml(report.verdict)}" data-layers="${report.layers.length}" data-model="${escapeHtml(view.modelKey ?? report.model.name)}"${view.stale ? ' data-stale="true"' : ''}>
<form id="gl-controls" class="gl-controls" aria-label="Probe settings">
  <label>Batch <input id="gl-batch" type="number" min="1" max="4096" value="${report.preview?.fullBatchSize ?? report.batchSize}"></label>
  <label>Steps <input id="gl-steps" type="number" min="1" max="100" value="${report.preview?.fullSteps ?? report.steps}"></label>
  <button id="gl-reprobe" type="submit" class="gl-button gl-primary">Re-probe</button>
  <span id="gl-busy" aria-live="polite"></span>
  ${view.stale ? '<p class="gl-stale" id="gl-stale" role="status">The code changed since this probe: the numbers below describe the earlier version. <button type="submit" class="gl-button">Re-probe the current code</button></p>' : ''}
</form>
${view.reportBody}
</div>
<script nonce="${view.nonce}">${PANEL_SCRIPT}</script>
<script nonce="${view.nonce}" src="${escapeHtml(view.scriptUri)}"></script>
</body>
</html>`;
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
.gl-controls { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; padding: 8px 0; border-bottom: 1px solid var(--vscode-panel-border, #8884); margin-bottom: 8px; }
.gl-controls label { color: var(--vscode-foreground); }
.gl-controls input { width: 5em; background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); padding: 2px 4px; }
.gl-controls input:focus-visible, .gl-controls button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
#gl-busy { color: var(--vscode-descriptionForeground); }
.gl-stale { flex-basis: 100%; margin: 0; padding: 8px 12px; border-radius: 6px; border: 1px dashed var(--vscode-editorWarning-foreground, #9a6700); }
#gl-panel[data-stale] .gl-report { opacity: 0.72; }
.gl-controls button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 4px 12px; font: inherit; cursor: pointer; }
.gl-controls button:hover { background: var(--vscode-button-hoverBackground); }
.gl-controls button:disabled { opacity: 0.6; cursor: default; }
`;

// Runs inside the webview: forwards user actions as typed messages; no model data is interpreted as HTML.
const PANEL_SCRIPT = `
(function () {
  const vscode = acquireVsCodeApi();
  // The report script asks for the API too; the webview allows one acquisition per page.
  window.acquireVsCodeApi = function () { return vscode; };
  const busy = document.getElementById('gl-busy');
  function setBusy(on, text) {
    busy.textContent = on ? (text || 'Working…') : '';
    document.querySelectorAll('button').forEach(function (b) { b.disabled = on; });
  }
  document.getElementById('gl-controls').addEventListener('submit', function (e) {
    e.preventDefault();
    const batchSize = parseInt(document.getElementById('gl-batch').value, 10);
    const steps = parseInt(document.getElementById('gl-steps').value, 10);
    setBusy(true, 'Probing…');
    vscode.postMessage({ command: 'reprobe', batchSize: batchSize, steps: steps });
  });
  // The assumptions form: every open value by name; an empty field means "assume it again".
  const valuesForm = document.getElementById('gl-values');
  if (valuesForm) valuesForm.addEventListener('submit', function (e) {
    e.preventDefault();
    const values = {};
    valuesForm.querySelectorAll('input[data-gl-name]').forEach(function (input) {
      const typed = input.value.trim();
      // An untouched assumed value stays assumed, so a later default change still reaches it.
      const keep = typed !== '' && (input.dataset.glSource === 'set' || typed !== input.defaultValue.trim());
      values[input.dataset.glName] = keep ? typed : '';
    });
    setBusy(true, 'Probing…');
    vscode.postMessage({
      command: 'setValues',
      values: values,
      batchSize: parseInt(document.getElementById('gl-batch').value, 10),
      steps: parseInt(document.getElementById('gl-steps').value, 10),
    });
  });
  document.addEventListener('click', function (e) {
    const action = e.target.closest('button[data-gl-action]');
    if (action) {
      setBusy(true, action.dataset.glAction === 'compareFix' ? 'Probing the model with the fix applied…' : 'Applying the fix…');
      return;
    }
    const line = e.target.closest('.gl-line');
    const match = line && /(\\d+)/.exec(line.textContent || '');
    if (match) vscode.postMessage({ command: 'reveal', line: parseInt(match[1], 10) });
  });
  window.addEventListener('message', function (e) {
    const m = e.data;
    if (m && m.command === 'busy') setBusy(m.busy, m.message);
  });
  // Each render replaces the page: the same model keeps its scroll position (a re-probe, the full result after a
  // first one), a new model opens at its verdict.
  const model = document.getElementById('gl-panel').dataset.model;
  const state = vscode.getState();
  if (state && state.model === model) {
    window.scrollTo(0, state.scrollY || 0);
  } else {
    const verdict = document.getElementById('gl-verdict-box');
    const box = verdict && verdict.getBoundingClientRect();
    if (box && (box.top < 0 || box.bottom > window.innerHeight)) verdict.scrollIntoView({ block: 'start' });
    vscode.setState({ model: model, scrollY: window.scrollY });
  }
  let pending = false;
  window.addEventListener('scroll', function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      vscode.setState({ model: model, scrollY: window.scrollY });
    });
  });
})();
`;
