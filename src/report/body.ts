/**
 * The report's markup, shared by the standalone HTML file and the VS Code webview. Every value that
 * can come from user code goes through escapeHtml; the chart data travels as escaped JSON.
 */
import { confirmFindings } from '../rules/confirm';
import type { LintMessage } from '../rules/types';
import type { LayerProbe, ProbeReport, Verdict } from '../probe/types';
import { THRESHOLD_DEFAULTS } from '../probe/defaults';
import { chartPayload } from './chart-data';
import { escapeHtml as h, jsonForScript } from './escape';
import { count, percent, readable, sci } from './format';

export interface BodyOptions {
  title?: string;
  findings?: LintMessage[];
  comparison?: ProbeReport;
  /** Label of the comparison series ("after fix: use heNormal"). */
  comparisonLabel?: string;
  /** True in the webview: fix buttons post messages. False in the file: fixes are listed as text. */
  interactive: boolean;
}

/** Id of the JSON block the browser script reads. */
export const DATA_ELEMENT_ID = 'gl-report-data';

const VERDICT_TEXT: Record<Verdict, { word: string; icon: string }> = {
  vanishing: { word: 'Vanishing gradients', icon: '▼' },
  exploding: { word: 'Exploding gradients', icon: '▲' },
  healthy: { word: 'Healthy gradients', icon: '✓' },
};

export function renderReportBody(report: ProbeReport, options: BodyOptions): string {
  const payload = chartPayload(report, options.comparison, options.comparisonLabel);
  return `<main class="gl-report" id="gl-report" data-verdict="${h(report.verdict)}">
${header(report, options.title)}
${chartSection(report)}
${tableSection(report, options.comparison)}
${assumptionsSection(report)}
${options.findings ? findingsSection(options.findings, options.interactive, report) : ''}
</main>
<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(payload)}</script>`;
}

function header(report: ProbeReport, title: string | undefined): string {
  const verdict = VERDICT_TEXT[report.verdict] ?? { word: report.verdict, icon: '?' };
  const where =
    report.model.line !== null
      ? `${report.model.source}:${report.model.line}`
      : report.model.source;
  const meta: [string, string][] = [
    ['Backend', report.backend],
    ['Batch', String(report.batchSize)],
    ['Steps', String(report.steps)],
    ['Loss', readable(report.loss)],
    ['Learning rate', report.learningRate === null ? 'unknown' : readable(report.learningRate)],
    [
      'Thresholds',
      `vanishing < ${readable(report.thresholds.vanishingRatio)} · exploding > ${readable(report.thresholds.explodingRatio)} · update/weight > ${readable(report.thresholds.maxUpdateRatio ?? THRESHOLD_DEFAULTS.maxUpdateRatio)}`,
    ],
    [
      'Time',
      `${Math.round(report.timings.probeMs)} ms probe · ${Math.round(report.timings.buildMs)} ms build`,
    ],
  ];
  return `<header class="gl-head">
  <div class="gl-title">
    <h1>${h(title ?? `Gradient report: ${report.model.name}`)}</h1>
    <p class="gl-source">Model <code>${h(report.model.name)}</code> in <code>${h(where)}</code></p>
  </div>
  <div class="gl-verdict gl-v-${h(report.verdict)}" role="status">
    <span class="gl-verdict-icon" aria-hidden="true">${verdict.icon}</span>
    <div>
      <p class="gl-verdict-word" id="gl-verdict">${h(verdict.word)}</p>
      <p class="gl-verdict-reason">${h(report.verdictReason)}</p>
    </div>
  </div>
  <dl class="gl-meta">${meta.map(([k, v]) => `<div><dt>${h(k)}</dt><dd>${h(v)}</dd></div>`).join('')}</dl>
</header>`;
}

function chartSection(report: ProbeReport): string {
  const { vanishingRatio, explodingRatio } = report.thresholds;
  const weighted = report.layers.filter((l) => l.params > 0 && l.gradNorm !== null).length;
  return `<section class="gl-card gl-chart-card" aria-labelledby="gl-chart-title">
  <h2 id="gl-chart-title">Gradient norm per layer, relative to the output layer</h2>
  <div class="gl-chart-wrap">
    <canvas id="gl-chart" role="img" aria-label="Log-scale chart of ${weighted} layers' gradient norm ratio to the output layer, input to output. The table below has the same numbers."></canvas>
  </div>
  <p class="gl-caption">Log scale, input layer on the left. Shaded: <span class="gl-key gl-key-vanishing"></span>vanishing zone (below ${h(readable(vanishingRatio))} × output) and <span class="gl-key gl-key-exploding"></span>exploding zone (above ${h(readable(explodingRatio))} × output). Dashed: the static estimate at initialisation.</p>
  <p class="gl-chart-error" id="gl-chart-error" hidden></p>
</section>`;
}

function tableSection(report: ProbeReport, comparison: ProbeReport | undefined): string {
  const after = new Map((comparison?.layers ?? []).map((l) => [l.index, l]));
  const rows = report.layers
    .map((layer) => tableRow(layer, comparison ? (after.get(layer.index) ?? null) : undefined))
    .join('\n');
  return `<section class="gl-card" aria-labelledby="gl-table-title">
  <h2 id="gl-table-title">Layers</h2>
  <div class="gl-table-wrap" tabindex="0" role="region" aria-labelledby="gl-table-title">
  <table class="gl-table">
    <caption class="gl-sr">Per-layer gradient measurements, from input to output</caption>
    <thead><tr>
      <th scope="col">#</th><th scope="col">Layer</th><th scope="col">Class</th><th scope="col">Activation</th>
      <th scope="col" class="num">Params</th><th scope="col" class="num">Grad norm</th><th scope="col" class="num"><abbr title="Gradient norm divided by the output layer's">Ratio</abbr></th>
      ${comparison ? '<th scope="col" class="num">Ratio after fix</th>' : ''}
      <th scope="col" class="num"><abbr title="Saturated units (sigmoid/tanh) or dead units (ReLU family)">Sat. / dead</abbr></th><th scope="col" class="num">Estimate</th><th scope="col">Verdict</th>
    </tr></thead>
    <tbody>
${rows}
    </tbody>
  </table>
  </div>
</section>`;
}

function tableRow(layer: LayerProbe, after: LayerProbe | null | undefined): string {
  const line = layer.line !== null ? `<span class="gl-line">line ${layer.line}</span>` : '';
  const nonFinite =
    layer.nonFinite > 0
      ? ` <span class="gl-warn" title="non-finite values">${layer.nonFinite} NaN/Inf</span>`
      : '';
  const activity =
    layer.saturatedFraction !== null
      ? `${percent(layer.saturatedFraction)} sat.`
      : layer.deadFraction !== null
        ? `${percent(layer.deadFraction)} dead`
        : '—';
  const estimateTitle = layer.estimateNote ? ` title="${h(layer.estimateNote)}"` : '';
  const afterCell =
    after === undefined ? '' : `<td class="num">${sci(after?.ratioToOutput ?? null)}</td>`;
  return `      <tr class="gl-row gl-v-${h(layer.verdict)}" data-layer="${layer.index}">
        <td class="num">${layer.index}</td>
        <th scope="row" class="gl-name">${h(layer.name)}${line}</th>
        <td>${h(layer.className)}</td>
        <td>${h(layer.activation ?? '—')}</td>
        <td class="num">${count(layer.params)}</td>
        <td class="num">${sci(layer.gradNorm)}${nonFinite}</td>
        <td class="num">${sci(layer.ratioToOutput)}</td>
        ${afterCell}<td class="num">${activity}</td>
        <td class="num"${estimateTitle}>${sci(layer.estimate)}${estimateNote(layer)}</td>
        <td><span class="gl-pill gl-v-${h(layer.verdict)}">${h(layer.verdict)}</span></td>
      </tr>`;
}

/** Why a layer has no estimate: a hover hint, and the same words for screen readers. */
function estimateNote(layer: LayerProbe): string {
  if (layer.estimate !== null || !layer.estimateNote) return '';
  return ` <span class="gl-note" aria-hidden="true">ⓘ</span><span class="gl-sr">${h(layer.estimateNote)}</span>`;
}

function assumptionsSection(report: ProbeReport): string {
  if (report.assumptions.length === 0) return '';
  return `<section class="gl-card" aria-labelledby="gl-assumptions-title">
  <h2 id="gl-assumptions-title">Assumptions</h2>
  <ul class="gl-assumptions">${report.assumptions.map((a) => `<li>${h(a)}</li>`).join('')}</ul>
</section>`;
}

function findingsSection(
  findings: LintMessage[],
  interactive: boolean,
  report: ProbeReport,
): string {
  const items = findings.map((f) => {
    // Each finding says whether this measurement confirms it, so the page never shows a verdict above an
    // unqualified claim that contradicts it.
    const [confirmation] = confirmFindings([f], report);
    const status =
      confirmation.confirmed === null
        ? 'Not measurable by this probe'
        : confirmation.confirmed
          ? 'Confirmed by the measurement'
          : 'Not confirmed by the measurement';
    const key = `${f.ruleId}@${f.span.start}`;
    const fixes = f.fixes.map((fix, i) =>
      interactive
        ? `<button type="button" class="gl-button${fix.preferred ? ' gl-primary' : ''}" data-gl-action="applyFix" data-finding="${h(key)}" data-fix="${i}">${h(fix.title)}</button>` +
          `<button type="button" class="gl-button gl-secondary" data-gl-action="compareFix" data-finding="${h(key)}" data-fix="${i}" aria-label="Apply fix and compare: ${h(fix.title)}">Compare</button>`
        : `<span class="gl-fix-text">Fix: ${h(fix.title)}${fix.preferred ? ' (preferred)' : ''}</span>`,
    );
    return `<li class="gl-finding gl-sev-${h(f.severity)}">
      <div class="gl-finding-head"><span class="gl-pill gl-sev-${h(f.severity)}">${h(f.severity)}</span> <code>${h(f.ruleId)}</code> <span class="gl-line">line ${f.span.line}</span></div>
      <p>${h(f.message)}</p>
      <p class="gl-caption gl-confirmation">${h(status)}: ${h(confirmation.evidence)}</p>
      ${fixes.length > 0 ? `<div class="gl-fixes">${fixes.join('')}</div>` : ''}
    </li>`;
  });
  return `<section class="gl-card" aria-labelledby="gl-findings-title">
  <h2 id="gl-findings-title">Findings for this model</h2>
  ${findings.length === 0 ? '<p>No findings.</p>' : `<ul class="gl-findings">${items.join('\n')}</ul>`}
  ${!interactive && findings.some((f) => f.fixes.length > 0) ? '<p class="gl-caption">Fixes apply from the editor (VS Code) or with <code>gradient-lens lint --fix</code>.</p>' : ''}
</section>`;
}
