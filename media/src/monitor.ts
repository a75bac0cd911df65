/**
 * The training-monitor page's script (bundled into dist/media/monitor.js; styles from report.css).
 * Draws four log-scale charts over steps with Chart.js, and inside a VS Code webview takes live
 * updates by message and turns layer names into "reveal in source" buttons. It reads data only from
 * the JSON block or typed messages and builds table rows with textContent, never from HTML strings.
 */
import type { Plugin } from 'chart.js';
import type { MonitorChartPayload } from '../../src/report/monitor-data';
import { sci } from '../../src/report/format';
import {
  acquireWebview,
  Chart,
  cssColour,
  positiveValues,
  powerOfTenTicks,
  zonePlugin,
  type LineDataset,
  type VsCodeApi,
  type Zone,
} from './charts';

const charts = new Map<string, Chart<'line', (number | null)[], number>>();
let vscode: VsCodeApi | null = null;

const VERDICT: Record<string, { word: string; icon: string; tone: string }> = {
  healthy: { word: 'Healthy training', icon: '✓', tone: 'healthy' },
  vanishing: { word: 'Vanishing gradients', icon: '▼', tone: 'vanishing' },
  exploding: { word: 'Exploding gradients', icon: '▲', tone: 'exploding' },
  'non-finite': { word: 'Non-finite gradients', icon: '✕', tone: 'exploding' },
  'no-data': { word: 'No records yet', icon: '…', tone: 'healthy' },
};

function main(): void {
  vscode = acquireWebview();
  document.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement | null)?.closest?.('[data-gl-reveal]');
    if (target instanceof HTMLElement && vscode)
      vscode.postMessage({ command: 'reveal', layer: Number(target.dataset.glReveal) });
  });
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { command?: unknown; payload?: unknown } | null;
    if (data?.command === 'update' && isPayload(data.payload)) render(data.payload, true);
  });
  const payload = readPayload();
  if (payload) render(payload, false);
}

function isPayload(value: unknown): value is MonitorChartPayload {
  const p = value as MonitorChartPayload | null;
  return (
    !!p && Array.isArray(p.steps) && Array.isArray(p.layers) && Array.isArray(p.rows) && !!p.verdict
  );
}

function readPayload(): MonitorChartPayload | null {
  const element = document.getElementById('gl-monitor-data');
  try {
    const value: unknown = element?.textContent ? JSON.parse(element.textContent) : null;
    return isPayload(value) ? value : null;
  } catch {
    return null;
  }
}

function render(payload: MonitorChartPayload, update: boolean): void {
  const colour = cssColour;
  const palette = payload.layers.map((_, i) => layerColour(i, payload.layers.length));
  const bands = {
    vanishing: colour('--gl-vanishing-band', 'rgba(9,105,218,0.12)'),
    exploding: colour('--gl-exploding-band', 'rgba(207,34,46,0.12)'),
    marker: colour('--gl-exploding', '#cf222e'),
    muted: colour('--gl-muted', '#656d76'),
  };
  Chart.defaults.color = bands.muted;
  const perLayer = (series: (number | null)[][]) =>
    series.map((values, i) =>
      line(`#${payload.layers[i].index} ${payload.layers[i].name}`, values, palette[i]),
    );
  const { vanishingRatio, explodingRatio, maxUpdateRatio } = payload.thresholds;
  draw(
    'gl-m-ratio',
    payload,
    perLayer(payload.ratio),
    'norm / output layer',
    [
      { below: vanishingRatio, colour: bands.vanishing },
      { above: explodingRatio, colour: bands.exploding },
    ],
    bands,
    update,
  );
  draw('gl-m-grad', payload, perLayer(payload.grad), 'gradient norm', [], bands, update);
  draw(
    'gl-m-update',
    payload,
    perLayer(payload.updateRatio),
    'update / weight norm',
    [{ above: maxUpdateRatio, colour: bands.exploding }],
    bands,
    update,
  );
  draw(
    'gl-m-loss',
    payload,
    [line('loss', payload.loss, colour('--gl-measured', '#0969da'))],
    'loss',
    [],
    bands,
    update,
  );
  if (update) updateText(payload);
}

function line(label: string, data: (number | null)[], colour: string): LineDataset {
  return {
    label,
    data,
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 2,
    pointRadius: data.length > 60 ? 0 : 2.5,
    spanGaps: false,
  };
}

function draw(
  id: string,
  payload: MonitorChartPayload,
  datasets: LineDataset[],
  title: string,
  zones: Zone[],
  bands: { marker: string; muted: string },
  update: boolean,
): void {
  const existing = charts.get(id);
  if (existing && update) {
    existing.data.labels = payload.steps;
    existing.data.datasets = datasets;
    (existing.options.plugins as { glMarks?: unknown }).glMarks = { steps: payload.nonFiniteSteps };
    existing.update('none');
    return;
  }
  const canvas = document.getElementById(id);
  if (!(canvas instanceof HTMLCanvasElement)) return;
  const values = positiveValues(datasets);
  const limits = zones
    .flatMap((z) => [z.below, z.above])
    .filter((v): v is number => typeof v === 'number');
  const all = [...values, ...limits];
  charts.set(
    id,
    new Chart<'line', (number | null)[], number>(canvas, {
      type: 'line',
      data: { labels: payload.steps, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { title: { display: true, text: 'step' }, ticks: { autoSkip: true, maxRotation: 0 } },
          y: {
            type: 'logarithmic',
            suggestedMin: all.length ? Math.min(...all) / 3 : undefined,
            suggestedMax: all.length ? Math.max(...all) * 3 : undefined,
            title: { display: true, text: `${title} (log)` },
            ticks: {
              callback: powerOfTenTicks(),
            },
          },
        },
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 8 } },
          tooltip: {
            callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${sci(item.parsed.y)}` },
          },
        },
      },
      plugins: [zonePlugin(zones, bands.muted), markPlugin(payload.nonFiniteSteps, bands.marker)],
    }),
  );
}

/** A vertical line at each step whose gradient was not finite (the values themselves cannot be drawn). */
function markPlugin(initial: number[], colour: string): Plugin<'line'> {
  return {
    id: 'glMarks',
    afterDatasetsDraw(chart) {
      const options = (chart.options.plugins as { glMarks?: { steps: number[] } }).glMarks;
      const steps = options?.steps ?? initial;
      const labels = (chart.data.labels ?? []) as number[];
      const { ctx, chartArea, scales } = chart;
      if (!chartArea || !scales.x) return;
      ctx.save();
      ctx.strokeStyle = colour;
      steps.forEach((step, k) => {
        const index = labels.indexOf(step);
        if (index < 0) return;
        const x = scales.x.getPixelForValue(index);
        ctx.lineWidth = k === 0 ? 2 : 1;
        ctx.setLineDash(k === 0 ? [] : [2, 4]);
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
      });
      ctx.restore();
    },
  };
}

/** Live update of the banner and the table, with textContent only. */
function updateText(payload: MonitorChartPayload): void {
  const verdict = VERDICT[payload.verdict.verdict] ?? {
    word: payload.verdict.verdict,
    icon: '?',
    tone: 'healthy',
  };
  const set = (id: string, text: string) => {
    const element = document.getElementById(id);
    if (element) element.textContent = text;
  };
  set('gl-verdict', verdict.word);
  set('gl-verdict-icon', verdict.icon);
  set('gl-verdict-reason', payload.verdict.reason);
  set(
    'gl-progress',
    `${payload.records} records${payload.lastStep !== null ? `, up to step ${payload.lastStep}` : ''}${payload.ended ? ' · run ended' : ' · running or stopped'}`,
  );
  const box = document.getElementById('gl-verdict-box');
  if (box) box.className = `gl-verdict gl-v-${verdict.tone}`;
  document.getElementById('gl-report')?.setAttribute('data-verdict', payload.verdict.verdict);
  const body = document.getElementById('gl-monitor-rows');
  if (!body) return;
  body.replaceChildren(
    ...payload.rows.map((row) => {
      const tr = document.createElement('tr');
      tr.className = `gl-row${row.nonFinite > 0 ? ' gl-v-exploding' : ''}`;
      tr.dataset.layer = String(row.index);
      const cell = (tag: 'td' | 'th', text: string, numeric = false) => {
        const element = document.createElement(tag);
        element.textContent = text;
        if (numeric) element.className = 'num';
        tr.appendChild(element);
        return element;
      };
      cell('td', String(row.index), true);
      const name = cell('th', '');
      name.className = 'gl-name';
      if (row.line !== null && vscode) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'gl-link';
        button.dataset.glReveal = String(row.index);
        button.textContent = row.name;
        name.appendChild(button);
      } else name.textContent = row.name;
      if (row.line !== null) {
        const span = document.createElement('span');
        span.className = 'gl-line';
        span.textContent = ` line ${row.line}`;
        name.appendChild(span);
      }
      cell('td', row.className);
      cell('td', sci(row.grad), true);
      cell('td', sci(row.ratio), true);
      cell('td', sci(row.weight), true);
      cell('td', sci(row.updateRatio), true);
      cell('td', String(row.nonFinite), true);
      return tr;
    }),
  );
}

/** Input layers blue through to the output layer red, so depth reads at a glance. */
function layerColour(i: number, n: number): string {
  const t = n > 1 ? i / (n - 1) : 1;
  return `hsl(${Math.round(215 - 215 * t)}, 70%, 48%)`;
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
