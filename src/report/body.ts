/**
 * The report's markup, shared by the standalone HTML file and the VS Code webview. Every value that
 * can come from user code goes through escapeHtml; the chart data travels as escaped JSON.
 */
import { confirmFindings } from '../rules/util/confirm';
import type { LintMessage } from '../rules/types';
import type { LayerProbe, ProbeReport, UpdateStep, Verdict } from '../probe/types';
import { THRESHOLD_DEFAULTS } from '../probe/defaults';
import { alignLayers } from './align';
import { chartPayload } from './chart-data';
import { escapeHtml as h, jsonForScript } from './escape';
import { count, percent, readable, sci } from './format';
import { assumedRows, sentenceHtml, sourceText, uniqueSentences } from './assumed';
import { plainVerdict } from './plain';

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
${assumedSection(report, options.interactive)}
${chartSection(report, options.comparison)}
${temporalSection(report)}
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
    [report.lossPerStep.length > 1 ? 'Loss per step' : 'Loss', lossText(report)],
    ['Learning rate', report.learningRate === null ? 'unknown' : readable(report.learningRate)],
    ...(report.update ? [['Update / weight', updateText(report.update)] as [string, string]] : []),
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
  ${previewNote(report)}
  <div class="gl-verdict gl-v-${h(report.verdict)}" role="status" id="gl-verdict-box">
    <span class="gl-verdict-icon" aria-hidden="true">${verdict.icon}</span>
    <div>
      <p class="gl-verdict-word" id="gl-verdict">${h(verdict.word)}</p>
      <p class="gl-verdict-plain">${h(plainVerdict(report))}</p>
      <p class="gl-verdict-reason"><span class="gl-sr">Measured: </span>${h(report.verdictReason)}</p>
    </div>
  </div>
  <dl class="gl-meta">${meta.map(([k, v]) => `<div><dt>${h(k)}</dt><dd>${h(v)}</dd></div>`).join('')}</dl>
</header>`;
}

/** Loss at each step (a long run shows its first and last steps), not only the first. */
function lossText(report: ProbeReport): string {
  const losses = report.lossPerStep.length > 0 ? report.lossPerStep : [report.loss];
  if (losses.length <= 6) return losses.map(readable).join(' → ');
  return [...losses.slice(0, 3).map(readable), '…', ...losses.slice(-2).map(readable)].join(' → ');
}

function previewNote(report: ProbeReport): string {
  const p = report.preview;
  if (!p) return '';
  const steps = p.fullSteps === 1 ? '1 step' : `${p.fullSteps} steps`;
  return `<p class="gl-preview" role="status" id="gl-preview">First result: one step on a batch of ${p.batchSize}. The full measurement (batch ${p.fullBatchSize}, ${steps}) is still running and replaces this view when it is done.</p>`;
}

function chartSection(report: ProbeReport, comparison: ProbeReport | undefined): string {
  const { vanishingRatio, explodingRatio } = report.thresholds;
  const weighted = report.layers.filter((l) => l.params > 0 && l.gradNorm !== null).length;
  const added = comparison ? alignLayers(report.layers, comparison.layers).added : [];
  const addedNote =
    added.length > 0
      ? ` The fix adds ${added.length === 1 ? 'a layer' : `${added.length} layers`} (${h(summariseClasses(added))}) that the model before it lacks; the after-fix line joins the layers both share, matched by name or by class and order.`
      : '';
  return `<section class="gl-card gl-chart-card" aria-labelledby="gl-chart-title">
  <h2 id="gl-chart-title">Gradient norm per layer, relative to the output layer</h2>
  <div class="gl-chart-wrap">
    <canvas id="gl-chart" role="img" aria-label="Log-scale chart of ${weighted} layers' gradient norm ratio to the output layer, input to output. The table below has the same numbers."></canvas>
  </div>
  <p class="gl-caption">Log scale, input layer on the left. Shaded: <span class="gl-key gl-key-vanishing"></span>vanishing zone (below ${h(readable(vanishingRatio))} × output) and <span class="gl-key gl-key-exploding"></span>exploding zone (above ${h(readable(explodingRatio))} × output). Dashed: the static estimate at initialisation.${addedNote}</p>
  <p class="gl-chart-error" id="gl-chart-error" hidden></p>
</section>`;
}

function summariseClasses(layers: LayerProbe[]): string {
  const counts = new Map<string, number>();
  for (const l of layers) counts.set(l.className, (counts.get(l.className) ?? 0) + 1);
  return [...counts].map(([name, n]) => (n === 1 ? name : `${n} × ${name}`)).join(', ');
}

/** Backpropagation through time: one line per recurrent layer over its input time steps, and its summary. */
function temporalSection(report: ProbeReport): string {
  const recurrent = report.layers.filter((l) => l.temporal);
  if (recurrent.length === 0) return '';
  const { vanishingRatio, explodingRatio } = report.thresholds;
  const items = recurrent
    .map((l) => {
      const t = l.temporal!;
      return `<li><span class="gl-pill gl-v-${h(t.verdict)}">${h(t.verdict)}</span> <strong>${h(l.name)}</strong>${l.line !== null ? ` <span class="gl-line">line ${l.line}</span>` : ''}: ${h(t.summary)}</li>`;
    })
    .join('');
  return `<section class="gl-card gl-chart-card" aria-labelledby="gl-temporal-title">
  <h2 id="gl-temporal-title">Gradient through time: each input time step, relative to the step read last</h2>
  <div class="gl-chart-wrap gl-chart-short">
    <canvas id="gl-temporal-chart" role="img" aria-label="Log-scale chart of the gradient reaching each input time step of ${recurrent.length} recurrent layer${recurrent.length === 1 ? '' : 's'}, earliest step on the left. The list below says the same in words."></canvas>
  </div>
  <p class="gl-caption">Log scale, step 1 (the earliest) on the left. Backpropagation through time multiplies one recurrent Jacobian per step: below ${h(readable(vanishingRatio))} × the step read last an early step no longer teaches the model (vanishing); above ${h(readable(explodingRatio))} × it explodes.</p>
  <ul class="gl-temporal">${items}</ul>
</section>`;
}

function tableSection(report: ProbeReport, comparison: ProbeReport | undefined): string {
  const after = comparison ? alignLayers(report.layers, comparison.layers).matched : null;
  const rows = report.layers
    .map((layer) => tableRow(layer, after ? (after.get(layer.index) ?? null) : undefined))
    .join('\n');
  return `<section class="gl-card" aria-labelledby="gl-table-title">
  <h2 id="gl-table-title">Layers</h2>
  <div class="gl-table-wrap" tabindex="0" role="region" aria-labelledby="gl-table-title">
  <table class="gl-table">
    <caption class="gl-sr">Per-layer gradient measurements, from input to output</caption>
    <thead><tr>
      <th scope="col" class="num gl-opt">#</th><th scope="col">Layer</th><th scope="col" class="gl-opt">Class</th><th scope="col" class="gl-opt">Activation</th>
      <th scope="col" class="num gl-opt">Params</th><th scope="col" class="num">Grad norm</th><th scope="col" class="num"><abbr title="Gradient norm divided by the output layer's">Ratio</abbr></th>
      ${comparison ? '<th scope="col" class="num"><abbr title="Ratio to the output layer after the fix, same layer">After fix</abbr></th>' : ''}
      <th scope="col" class="num gl-opt"><abbr title="Saturated units (sigmoid/tanh) or dead units (ReLU family)">Sat. / dead</abbr></th><th scope="col" class="num gl-opt">Estimate</th><th scope="col">Verdict</th>
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
  const nonFinite = nonFiniteNote(layer);
  const activity =
    layer.saturatedFraction !== null
      ? `${percent(layer.saturatedFraction)} sat.`
      : layer.deadFraction !== null
        ? `${percent(layer.deadFraction)} dead`
        : '—';
  const estimateTitle = layer.estimateNote ? ` title="${h(layer.estimateNote)}"` : '';
  const afterCell =
    after === undefined ? '' : `<td class="num">${sci(after?.ratioToOutput ?? null)}</td>`;
  // Shown under the name when the narrow layout hides the class and activation columns.
  const sub = `<span class="gl-sub">${h(layer.className)}${layer.activation ? ` · ${h(layer.activation)}` : ''}</span>`;
  const throughTime =
    layer.temporal &&
    layer.temporal.verdict !== 'healthy' &&
    layer.temporal.verdict === layer.verdict
      ? '<span class="gl-sub-note">through time</span>'
      : '';
  return `      <tr class="gl-row gl-v-${h(layer.verdict)}" data-layer="${layer.index}">
        <td class="num gl-opt">${layer.index}</td>
        <th scope="row" class="gl-name">${h(layer.name)}${line}${sub}</th>
        <td class="gl-opt">${h(layer.className)}</td>
        <td class="gl-opt">${h(layer.activation ?? '—')}</td>
        <td class="num gl-opt">${count(layer.params)}</td>
        <td class="num">${sci(layer.gradNorm)}${nonFinite}</td>
        <td class="num">${sci(layer.ratioToOutput)}</td>
        ${afterCell}<td class="num gl-opt">${activity}</td>
        <td class="num gl-opt"${estimateTitle}>${sci(layer.estimate)}${estimateNote(layer)}</td>
        <td><span class="gl-pill gl-v-${h(layer.verdict)}">${h(layer.verdict)}</span>${throughTime}</td>
      </tr>`;
}

/** NaN/Inf counts per step where the probe ran several (a total over steps would count one blow-up repeatedly). */
function nonFiniteNote(layer: LayerProbe): string {
  if (layer.nonFinite === 0) return '';
  const perStep = layer.nonFinitePerStep;
  if (!perStep || perStep.length < 2) {
    return ` <span class="gl-warn">${count(layer.nonFinite)} NaN/Inf</span>`;
  }
  const bad = perStep.map((n, i) => ({ n, step: i + 1 })).filter((s) => s.n > 0);
  const shown = bad.slice(0, 3).map((s) => `step ${s.step}: ${count(s.n)}`);
  if (bad.length > 3)
    shown.push(`… step ${bad[bad.length - 1]!.step}: ${count(bad[bad.length - 1]!.n)}`);
  return ` <span class="gl-warn">NaN/Inf ${shown.join(', ')}</span>`;
}

/** Why a layer has no estimate: a hover hint, and the same words for screen readers. */
function estimateNote(layer: LayerProbe): string {
  if (layer.estimate !== null || !layer.estimateNote) return '';
  return ` <span class="gl-note" aria-hidden="true">(?)</span><span class="gl-sr">${h(layer.estimateNote)}</span>`;
}

/**
 * The values the code leaves open, first thing under the verdict: what each stands for and the value used.
 * In the editor each is an input, so changing one and re-probing is one step (the panel script sends them).
 */
function assumedSection(report: ProbeReport, interactive: boolean): string {
  const rows = assumedRows(report);
  if (rows.length === 0) return '';
  const assumedCount = rows.filter((row) => row.source === 'role-default').length;
  const lead =
    assumedCount > 0
      ? `The code leaves ${rows.length === 1 ? 'this value' : 'these values'} open; ${assumedCount === rows.length ? 'the probe assumed each from the role it plays' : 'values not set were assumed from the role they play'}.`
      : 'The code leaves these values open; they were set for this probe.';
  const body = rows
    .map((row, i) => {
      const cell = interactive
        ? `<input type="text" id="gl-value-${i}" class="gl-value" data-gl-name="${h(row.name)}" data-gl-source="${h(row.source)}" value="${row.value === 'tfjs default' ? '' : h(row.value)}" placeholder="${h(row.value)}" aria-label="Value for ${h(row.name)}">`
        : `<code>${h(row.value)}</code>`;
      const name = interactive
        ? `<label for="gl-value-${i}"><code>${h(row.name)}</code></label>`
        : `<code>${h(row.name)}</code>`;
      return `<tr><td>${name}</td><td>${cell}</td><td>${h(row.role)}</td><td>${h(sourceText(row.source))}</td></tr>`;
    })
    .join('\n');
  const table = `<table class="gl-table gl-assumed"><thead><tr><th scope="col">Value in the code</th><th scope="col">Used</th><th scope="col">Role</th><th scope="col">Source</th></tr></thead>
<tbody>${body}</tbody></table>`;
  const content = interactive
    ? `<form id="gl-values" aria-label="Values for the probe">${table}<button type="submit" class="gl-button gl-primary">Re-probe with these values</button></form>`
    : `${table}<p class="gl-caption">Change one with <code>--set NAME=VALUE</code>; <code>--no-assume</code> refuses to assume.</p>`;
  return `<section class="gl-card" aria-labelledby="gl-assumed-title">
  <h2 id="gl-assumed-title">Values the code leaves open</h2>
  <p>${h(lead)}</p>
  ${content}
</section>`;
}

function assumptionsSection(report: ProbeReport): string {
  const sentences = uniqueSentences(report);
  if (sentences.length === 0) return '';
  return `<section class="gl-card" aria-labelledby="gl-assumptions-title">
  <h2 id="gl-assumptions-title">Assumptions</h2>
  <ul class="gl-assumptions">${sentences.map((a) => `<li>${sentenceHtml(a)}</li>`).join('')}</ul>
</section>`;
}

/** Escapes the text, then shows `quoted code` as code instead of raw backticks. */
export function withCode(text: string): string {
  return h(text).replace(/`([^`]+)`/g, '<code>$1</code>');
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
      <p>${withCode(f.message)}</p>
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

/** What the update-to-weight ratios measure, for the header. */
function updateText(update: UpdateStep): string {
  return update.plain
    ? "one plain step, learning rate × gradient (the model's optimizer is not known)"
    : `the first ${update.optimizer} step, ‖ΔW‖ / ‖W‖`;
}
