/**
 * What the report's and the training monitor's scripts share: Chart.js with the pieces both use
 * registered, theme colours from CSS variables, the webview handle, log-scale ticks and the shaded
 * threshold zones drawn under the data.
 */
import {
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
  type Plugin,
} from 'chart.js';
import { sci } from '../../src/report/format';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LogarithmicScale,
  CategoryScale,
  Tooltip,
  Legend,
);

export { Chart };

export type LineDataset = ChartDataset<'line', (number | null)[]>;

export interface VsCodeApi {
  postMessage(message: unknown): void;
}

/** The webview's handle to the extension; null in a plain browser (the CLI's HTML file). */
export function acquireWebview(): VsCodeApi | null {
  const acquire = (window as unknown as { acquireVsCodeApi?: () => VsCodeApi }).acquireVsCodeApi;
  // acquireVsCodeApi may be called once per page: callers keep what this returns.
  return typeof acquire === 'function' ? acquire() : null;
}

export function cssColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

/** Tick labels at powers of ten only (every `every`-th one): the in-between log ticks are noise. */
export function powerOfTenTicks(every = 1): (value: number | string) => string {
  return (value) => {
    const exponent = Math.log10(Number(value));
    const whole = Math.abs(exponent - Math.round(exponent)) < 1e-9;
    return whole && Math.round(exponent) % every === 0 ? sci(Number(value), 0) : '';
  };
}

/** The positive numbers among the datasets' values (what a log scale can show). */
export function positiveValues(datasets: readonly LineDataset[]): number[] {
  return datasets.flatMap((d) => d.data).filter((v): v is number => typeof v === 'number' && v > 0);
}

/** A threshold zone: everything below (or above) a value, shaded, its edge dashed, maybe named. */
export interface Zone {
  below?: number;
  above?: number;
  colour: string;
  label?: string;
}

export function zonePlugin(zones: readonly Zone[], muted: string): Plugin<'line'> {
  return {
    id: 'glZones',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const y = scales.y;
      if (!y || !chartArea || zones.length === 0) return;
      const clamp = (v: number) => Math.min(Math.max(v, chartArea.top), chartArea.bottom);
      const width = chartArea.right - chartArea.left;
      ctx.save();
      for (const zone of zones) {
        const below = zone.below !== undefined;
        const edge = clamp(y.getPixelForValue((zone.below ?? zone.above) as number));
        ctx.fillStyle = zone.colour;
        if (below) ctx.fillRect(chartArea.left, edge, width, chartArea.bottom - edge);
        else ctx.fillRect(chartArea.left, chartArea.top, width, edge - chartArea.top);
        ctx.setLineDash([3, 3]);
        ctx.strokeStyle = muted;
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(chartArea.left, edge);
        ctx.lineTo(chartArea.right, edge);
        ctx.stroke();
        ctx.setLineDash([]);
        if (zone.label) {
          ctx.fillStyle = muted;
          ctx.font = `12px ${Chart.defaults.font.family ?? 'sans-serif'}`;
          ctx.textAlign = 'right';
          const at = below
            ? Math.min(edge + 16, chartArea.bottom - 6)
            : Math.max(edge - 6, chartArea.top + 14);
          ctx.fillText(zone.label, chartArea.right - 6, at);
        }
      }
      ctx.restore();
    },
  };
}
