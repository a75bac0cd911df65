/**
 * The report page's script (bundled by esbuild into dist/media/report.js, with report.css beside it).
 * Draws the per-layer chart with Chart.js and, inside a VS Code webview, wires the fix buttons.
 * It reads data only from the JSON block and builds no HTML from it: Chart.js draws text on canvas.
 */
import type { ChartPayload } from '../../src/report/chart-data';
import { sci } from '../../src/report/format';
import {
  acquireWebview,
  Chart,
  cssColour,
  positiveValues,
  powerOfTenTicks,
  zonePlugin,
  type LineDataset,
  type Zone,
} from './charts';
import '../report.css';

function main(): void {
  wireFixButtons();
  const payload = readPayload();
  const canvas = document.getElementById('gl-chart');
  if (!payload || !(canvas instanceof HTMLCanvasElement)) return;
  try {
    drawChart(canvas, payload);
    const temporal = document.getElementById('gl-temporal-chart');
    if (payload.temporal && temporal instanceof HTMLCanvasElement) {
      drawTemporal(temporal, payload.temporal, payload.thresholds);
    }
  } catch (error) {
    showChartError(
      `The chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function readPayload(): ChartPayload | null {
  const element = document.getElementById('gl-report-data');
  try {
    return element?.textContent ? (JSON.parse(element.textContent) as ChartPayload) : null;
  } catch {
    showChartError('The report data is unreadable.');
    return null;
  }
}

function showChartError(message: string): void {
  const element = document.getElementById('gl-chart-error');
  if (!element) return;
  element.textContent = message;
  element.hidden = false;
}

/** Only in a webview (acquireVsCodeApi exists, and may be called once per page). */
function wireFixButtons(): void {
  const buttons = Array.from(
    document.querySelectorAll<HTMLButtonElement>('button[data-gl-action]'),
  );
  if (buttons.length === 0) return;
  const vscode = acquireWebview();
  if (!vscode) return;
  for (const button of buttons) {
    button.addEventListener('click', () => {
      vscode.postMessage({
        command: button.dataset.glAction,
        finding: button.dataset.finding,
        fix: Number(button.dataset.fix),
      });
    });
  }
}

function drawChart(canvas: HTMLCanvasElement, payload: ChartPayload): void {
  const colours = {
    fg: cssColour('--gl-fg', '#1f2328'),
    muted: cssColour('--gl-muted', '#656d76'),
    grid: cssColour('--gl-grid', 'rgba(127,127,127,0.2)'),
    measured: cssColour('--gl-measured', '#0969da'),
    estimate: cssColour('--gl-estimate', '#8250df'),
    comparison: cssColour('--gl-compare', '#1a7f37'),
    exploding: cssColour('--gl-exploding', '#cf222e'),
  };
  Chart.defaults.color = colours.muted;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  const datasets: LineDataset[] = [
    {
      label: payload.measured.label,
      data: payload.measured.values,
      borderColor: colours.measured,
      backgroundColor: colours.measured,
      borderWidth: 2.5,
      pointRadius: 4,
      pointHoverRadius: 6,
      spanGaps: false,
    },
  ];
  if (payload.estimate) {
    datasets.push({
      label: payload.estimate.label,
      data: payload.estimate.values,
      borderColor: colours.estimate,
      backgroundColor: colours.estimate,
      borderDash: [7, 5],
      borderWidth: 2.5,
      pointRadius: 4,
      pointStyle: 'rectRot',
    });
  }
  if (payload.comparison) {
    datasets.push({
      label: payload.comparison.label,
      data: payload.comparison.values,
      borderColor: colours.comparison,
      backgroundColor: colours.comparison,
      borderWidth: 2.5,
      pointRadius: 4,
      pointStyle: 'triangle',
    });
  }
  // Later steps shade from the measured colour towards the exploding colour: growth reads as heat.
  payload.steps.forEach((series, i) => {
    const t = payload.steps.length > 1 ? i / (payload.steps.length - 1) : 1;
    const colour = mix(colours.measured, colours.exploding, t);
    datasets.push({
      label: series.label,
      data: series.values,
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 1.25,
      borderDash: [2, 2],
      pointRadius: 2,
    });
  });

  const values = positiveValues(datasets);
  const { vanishingRatio, explodingRatio } = payload.thresholds;
  const min = Math.min(vanishingRatio / 10, ...values);
  const max = Math.max(explodingRatio * 10, ...values);

  new Chart(canvas, {
    type: 'line',
    data: { labels: payload.labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: {
          grid: { color: colours.grid },
          ticks: { color: colours.muted, maxRotation: 50, autoSkip: true },
        },
        y: {
          type: 'logarithmic',
          min: 10 ** Math.floor(Math.log10(min)),
          max: 10 ** Math.ceil(Math.log10(max)),
          grid: { color: colours.grid },
          title: {
            display: true,
            text: 'gradient norm / output layer (log)',
            color: colours.muted,
          },
          ticks: {
            color: colours.muted,
            autoSkip: true,
            callback: powerOfTenTicks(),
          },
        },
      },
      plugins: {
        legend: {
          position: 'bottom',
          labels: { color: colours.fg, usePointStyle: true, boxHeight: 8 },
        },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label ?? ''}: ${sci(item.parsed.y)}`,
          },
        },
      },
    },
    plugins: [zonePlugin(thresholdZones(payload.thresholds), colours.muted)],
  });
}

/** One line per recurrent layer over its input time steps (step 1 on the left), on the same log scale and zones. */
function drawTemporal(
  canvas: HTMLCanvasElement,
  temporal: NonNullable<ChartPayload['temporal']>,
  thresholds: ChartPayload['thresholds'],
): void {
  const palette = [
    cssColour('--gl-measured', '#0969da'),
    cssColour('--gl-estimate', '#8250df'),
    cssColour('--gl-compare', '#1a7f37'),
    cssColour('--gl-warning', '#9a6700'),
  ];
  const muted = cssColour('--gl-muted', '#656d76');
  const grid = cssColour('--gl-grid', 'rgba(127,127,127,0.2)');
  const datasets: LineDataset[] = temporal.series.map((series, i) => {
    const colour = palette[i % palette.length]!;
    return {
      label: series.label,
      data: series.values,
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 2,
      pointRadius: series.values.length > 60 ? 0 : 2,
      spanGaps: false,
    };
  });
  const values = positiveValues(datasets);
  const min = Math.min(thresholds.vanishingRatio / 10, ...values);
  const max = Math.max(thresholds.explodingRatio * 10, ...values);
  new Chart(canvas, {
    type: 'line',
    data: { labels: temporal.labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: {
          grid: { color: grid },
          title: { display: true, text: 'input time step', color: muted },
          ticks: { color: muted, autoSkip: true, maxRotation: 0 },
        },
        y: {
          type: 'logarithmic',
          min: 10 ** Math.floor(Math.log10(min)),
          max: 10 ** Math.ceil(Math.log10(max)),
          grid: { color: grid },
          title: { display: true, text: 'gradient / step read last (log)', color: muted },
          ticks: {
            color: muted,
            autoSkip: true,
            callback: powerOfTenTicks(2),
          },
        },
      },
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 8 } },
        tooltip: {
          callbacks: {
            title: (items) => `step ${items[0]?.label ?? ''}`,
            label: (item) => `${item.dataset.label ?? ''}: ${sci(item.parsed.y)}`,
          },
        },
      },
    },
    plugins: [zonePlugin(thresholdZones(thresholds), muted)],
  });
}

/** The probe's vanishing and exploding zones, named, as the report's two charts shade them. */
function thresholdZones(thresholds: ChartPayload['thresholds']): Zone[] {
  return [
    {
      below: thresholds.vanishingRatio,
      colour: cssColour('--gl-vanishing-band', 'rgba(9,105,218,0.12)'),
      label: 'vanishing zone',
    },
    {
      above: thresholds.explodingRatio,
      colour: cssColour('--gl-exploding-band', 'rgba(207,34,46,0.12)'),
      label: 'exploding zone',
    },
  ];
}

/** Linear blend of two #rrggbb colours; the first colour when either is in another notation. */
function mix(from: string, to: string, t: number): string {
  const parse = (c: string) => (/^#[0-9a-f]{6}$/i.test(c) ? parseInt(c.slice(1), 16) : null);
  const a = parse(from);
  const b = parse(to);
  if (a === null || b === null) return from;
  const channel = (shift: number) =>
    Math.round(((a >> shift) & 255) * (1 - t) + ((b >> shift) & 255) * t);
  return `rgb(${channel(16)}, ${channel(8)}, ${channel(0)})`;
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
