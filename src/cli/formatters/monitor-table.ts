/**
 * `gradient-lens monitor --format table`: the run, the verdict with its first bad step, each layer's
 * latest norms, and the gradient-norm history per layer over the sampled steps (evenly thinned to
 * at most MAX_ROWS rows; the first non-finite record is always kept).
 */
import { outputLayer, type MonitorHistory } from '../../monitor/history';
import type { MonitorVerdict } from '../../monitor/verdict';
import { sci } from './probe-table';

const MAX_ROWS = 20;

export function formatMonitorTable(
  history: MonitorHistory,
  verdict: MonitorVerdict,
  file: string,
): string {
  const lines = [runLine(history, file), ''];
  lines.push(`Verdict: ${verdict.verdict.toUpperCase()} - ${verdict.reason}`);
  if (verdict.firstBadStep !== null) lines.push(`First bad step: ${verdict.firstBadStep}`);
  const other = verdict.evidence.filter((e) => e.message !== verdict.reason);
  if (other.length > 0) lines.push('Evidence:', ...other.map((e) => `  - ${e.message}`));
  if (history.steps.length === 0) return lines.join('\n') + '\n';
  lines.push('', 'Latest record per layer:', ...latestTable(history), '');
  lines.push('Gradient norm per layer over sampled steps:', ...historyTable(history));
  return lines.join('\n') + '\n';
}

function runLine(history: MonitorHistory, file: string): string {
  const start = history.start;
  const parts = [`${file}`];
  if (start) {
    parts.push(`model ${start.model.name}`);
    if (start.optimizer)
      parts.push(
        `${start.optimizer}${start.learningRate !== null ? ` (lr ${start.learningRate})` : ''}`,
      );
    if (start.backend) parts.push(`backend ${start.backend}`);
    parts.push(`every ${start.sampleEvery} steps`);
  }
  const last = history.steps[history.steps.length - 1];
  parts.push(`${history.steps.length} records${last !== undefined ? ` up to step ${last}` : ''}`);
  parts.push(history.ended ? 'run ended' : 'run in progress (or stopped without an end record)');
  if (history.earlierRuns > 0)
    parts.push(`${history.earlierRuns} earlier run(s) in the file not shown`);
  return parts.join(' · ');
}

function latestTable(history: MonitorHistory): string[] {
  const output = outputLayer(history);
  const i = history.steps.length - 1;
  const rows = history.layers.map((layer) => {
    const ratio =
      output && layer.grad[i] !== null && output.grad[i]
        ? (layer.grad[i] as number) / (output.grad[i] as number)
        : null;
    const update =
      layer.stepUpdate[i] !== null && layer.weight[i]
        ? (layer.stepUpdate[i] as number) / (layer.weight[i] as number)
        : null;
    return [
      String(layer.index),
      layer.name,
      layer.className,
      sci(layer.grad[i]),
      sci(ratio),
      sci(layer.weight[i]),
      sci(update),
      String(layer.nonFinite[i]),
    ];
  });
  return align(
    [
      '#',
      'layer',
      'class',
      'grad norm',
      'ratio to output',
      'weight norm',
      'update/weight',
      'non-finite',
    ],
    rows,
    [true, false, false, true, true, true, true, true],
  );
}

function historyTable(history: MonitorHistory): string[] {
  const chosen = thin(history);
  const rows = chosen.map((i) => [
    String(history.steps[i]) + (history.triggers[i] === 'non-finite' ? '*' : ''),
    history.epochs[i] === null ? '-' : String(history.epochs[i]),
    sci(history.loss[i]),
    ...history.layers.map((layer) => sci(layer.grad[i])),
  ]);
  const table = align(['step', 'epoch', 'loss', ...history.layers.map((l) => l.name)], rows, [
    true,
    true,
    true,
    ...history.layers.map(() => true),
  ]);
  if (history.triggers.includes('non-finite'))
    table.push('  * recorded because the gradient was not finite');
  if (chosen.length < history.steps.length)
    table.push(
      `  (${chosen.length} of ${history.steps.length} records shown; --format json has all)`,
    );
  return table;
}

function thin(history: MonitorHistory): number[] {
  const total = history.steps.length;
  if (total <= MAX_ROWS) return Array.from({ length: total }, (_, i) => i);
  const picked = new Set(
    Array.from({ length: MAX_ROWS }, (_, k) => Math.round((k * (total - 1)) / (MAX_ROWS - 1))),
  );
  const firstBad = history.triggers.indexOf('non-finite');
  if (firstBad >= 0) picked.add(firstBad);
  return [...picked].sort((a, b) => a - b);
}

function align(titles: string[], rows: string[][], right: boolean[]): string[] {
  const widths = titles.map((t, i) => Math.max(t.length, ...rows.map((r) => r[i].length)));
  const render = (cells: string[]) =>
    '  ' +
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [render(titles), ...rows.map(render)];
}
