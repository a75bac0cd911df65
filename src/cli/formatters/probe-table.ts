/**
 * `gradient-lens probe --format table`: one aligned row per layer, then the verdict.
 * Plain text (no colour codes), so it reads the same in a terminal, a CI log and a file.
 */
import type { LayerProbe, ProbeReport } from '../../probe/types';
import { assumedRows, sentenceText, sourceText, uniqueSentences } from '../../report/assumed';
import { confirmationLines, type Confirmation } from '../../rules/util/confirm';

interface Column {
  title: string;
  align: 'left' | 'right';
  cell: (layer: LayerProbe) => string;
}

export function formatProbeTable(report: ProbeReport, confirmations: Confirmation[] = []): string {
  const columns = chooseColumns(report);
  const rows = report.layers.map((layer) => columns.map((column) => column.cell(layer)));
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...rows.map((row) => row[i].length)),
  );
  const render = (cells: string[]): string =>
    cells
      .map((cell, i) =>
        columns[i].align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd();
  const lines = [
    header(report),
    ...assumedLines(report),
    '',
    render(columns.map((column) => column.title)),
    ...rows.map(render),
    '',
    `Verdict: ${report.verdict.toUpperCase()} - ${report.verdictReason}`,
  ];
  const recurrent = report.layers.filter((layer) => layer.temporal);
  if (recurrent.length > 0) {
    lines.push(
      '',
      'Through time (gradient of the loss per input time step):',
      ...recurrent.map((layer) => `  ${layer.name}: ${temporalLine(layer.temporal!)}`),
    );
  }
  if (confirmations.length > 0) lines.push('', ...confirmationLines(confirmations));
  const sentences = uniqueSentences(report);
  if (sentences.length > 0) {
    lines.push('', 'Assumptions:', ...sentences.map((sentence) => `  - ${sentenceText(sentence)}`));
  }
  return lines.join('\n') + '\n';
}

/** The open values first: what the numbers below were measured with (change one with --set). */
function assumedLines(report: ProbeReport): string[] {
  const rows = assumedRows(report);
  if (rows.length === 0) return [];
  const nameWidth = Math.max(...rows.map((row) => row.name.length));
  const valueWidth = Math.max(...rows.map((row) => row.value.length));
  return [
    '',
    'Values the code leaves open (change with --set NAME=VALUE):',
    ...rows.map(
      (row) =>
        `  ${row.name.padEnd(nameWidth)} = ${row.value.padEnd(valueWidth)}  ${row.role} (${sourceText(row.source)})`,
    ),
  ];
}

/** Compact scientific notation: 7.7e-8, 1.5e-1, 3.2e2; "-" when there is no value. */
export function sci(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Inf' : '-Inf';
  if (value === 0) return '0';
  const [mantissa, exponent] = value.toExponential(1).split('e');
  return `${mantissa}e${exponent.replace('+', '')}`;
}

function chooseColumns(report: ProbeReport): Column[] {
  const columns: Column[] = [
    { title: '#', align: 'right', cell: (layer) => String(layer.index) },
    { title: 'layer', align: 'left', cell: (layer) => layer.name },
  ];
  if (report.layers.some((layer) => layer.line !== null)) {
    columns.push({
      title: 'line',
      align: 'right',
      cell: (layer) => (layer.line === null ? '-' : String(layer.line)),
    });
  }
  columns.push(
    { title: 'class', align: 'left', cell: (layer) => layer.className },
    { title: 'activation', align: 'left', cell: (layer) => layer.activation ?? '-' },
    { title: 'params', align: 'right', cell: (layer) => layer.params.toLocaleString('en-US') },
    { title: 'grad norm', align: 'right', cell: (layer) => sci(layer.gradNorm) },
    { title: 'ratio to output', align: 'right', cell: (layer) => sci(layer.ratioToOutput) },
    { title: 'sat/dead', align: 'right', cell: saturation },
    { title: 'estimate', align: 'right', cell: (layer) => sci(layer.estimate) },
  );
  if (report.steps > 1) {
    columns.push({ title: 'last/first step', align: 'right', cell: stepTrend });
  }
  columns.push({ title: 'verdict', align: 'left', cell: verdictCell });
  return columns;
}

function header(report: ProbeReport): string {
  const where =
    report.model.line === null
      ? report.model.source
      : `${report.model.source}:${report.model.line}`;
  const steps = report.steps === 1 ? '1 step' : `${report.steps} steps`;
  const loss =
    report.steps > 1 && report.lossPerStep.length > 1
      ? `loss ${report.lossPerStep.map(sci).join(' -> ')}`
      : `loss ${sci(report.loss)}`;
  const t = report.timings;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  return [
    `Model ${report.model.name} (${where})`,
    `Backend ${report.backend}, batch ${report.batchSize}, ${steps}, ${loss}`,
    `Timings: load ${seconds(t.loadMs)}, build ${seconds(t.buildMs)}, probe ${seconds(t.probeMs)}`,
  ].join('\n');
}

function saturation(layer: LayerProbe): string {
  const parts: string[] = [];
  if (layer.saturatedFraction !== null) parts.push(`${percent(layer.saturatedFraction)} sat`);
  if (layer.deadFraction !== null) parts.push(`${percent(layer.deadFraction)} dead`);
  return parts.length > 0 ? parts.join(', ') : '-';
}

function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return 'NaN%';
  const value = fraction * 100;
  return `${value > 0 && value < 1 ? value.toFixed(1) : Math.round(value)}%`;
}

function stepTrend(layer: LayerProbe): string {
  const norms = layer.gradNormPerStep;
  if (!norms || norms.length < 2 || !norms[0]) return '-';
  return `x${sci(norms[norms.length - 1] / norms[0])}`;
}

function temporalLine(t: NonNullable<LayerProbe['temporal']>): string {
  const norms = t.gradNormByStep;
  return `${t.verdict}, ${t.steps} steps, step 1 ${sci(norms[0])} / step ${t.steps} ${sci(norms[norms.length - 1])}; ${t.summary}`;
}

function verdictCell(layer: LayerProbe): string {
  if (layer.nonFinite > 0) {
    // Per step: a total would count the same blown-up weights again at every later step.
    const perStep = layer.nonFinitePerStep;
    const first = perStep ? perStep.findIndex((n) => n > 0) : -1;
    return first >= 0
      ? `${layer.verdict} (${perStep![first]} non-finite at step ${first + 1})`
      : `${layer.verdict} (${layer.nonFinite} non-finite)`;
  }
  const inTime =
    layer.temporal &&
    layer.temporal.verdict !== 'healthy' &&
    layer.temporal.verdict === layer.verdict;
  return inTime ? `${layer.verdict} (through time)` : layer.verdict;
}
