/**
 * `gradient-lens monitor LOGFILE`: reads a training monitor log (JSON Lines written by
 * gradient-lens/monitor, possibly still being written) and prints the per-layer norm history, the
 * verdict and the first bad step, as a table, JSON or a self-contained HTML report.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildHistory, outputLayer, type MonitorHistory } from '../../monitor/history';
import { LogReader } from '../../monitor/reader';
import type { MonitorRecord } from '../../monitor/records';
import { judge, type MonitorThresholds } from '../../monitor/verdict';
import { renderMonitorHtml } from '../../report/monitor';
import { formatMonitorJson } from '../formatters/monitor-json';
import { formatMonitorTable } from '../formatters/monitor-table';
import { sci } from '../formatters/probe-table';
import { EXIT, UsageError, writeReport, type CliIO } from '../io';

export const monitorHelp = `Usage: gradient-lens monitor LOGFILE [options]

Reads a training log written by gradient-lens/monitor (JSON Lines; a log still being written is
fine: an unfinished last line is ignored) and prints each layer's gradient, weight and update norms
over the sampled steps, the verdict (healthy, vanishing, exploding, non-finite) and the first bad
step. Exit code 1 when the run has a problem, 0 when healthy, 2 on errors or an empty log.

Options:
  --format table|json|html  table (default), JSON, or a self-contained HTML report with charts
  --out FILE                write the output to FILE instead of stdout
  --follow                  keep reading while the log grows, printing each new record (table),
                            until the run's end record, --idle seconds without growth, or Ctrl-C
  --idle S                  with --follow: stop after S seconds without new data (default 60)
  --interval MS             with --follow: poll every MS milliseconds (default 500)
  --vanishing-ratio R       vanishing when the first layer's gradient norm is below R times the
                            output layer's (median of the latest records; default 1e-3)
  --exploding-ratio R       exploding when a layer's gradient norm is above R times the output
                            layer's (default 70)
  --max-update-ratio R      exploding when one step changes a layer's weights by more than R of
                            their norm (default 1)
  --min-update-ratio R      vanishing when a layer's steps change its weights by less than R of
                            their norm (default 1e-7)
  --growth-factor F         exploding when the gradient norm grew F-fold and is still rising
                            (default 100)
`;

const FORMATS = ['table', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface MonitorCliOptions {
  file: string;
  displayPath: string;
  format: Format;
  out?: string;
  follow: boolean;
  idleMs: number;
  intervalMs: number;
  thresholds: Partial<MonitorThresholds>;
}

export async function run(argv: string[], io: CliIO, signal?: AbortSignal): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(monitorHelp);
    return EXIT.ok;
  }
  const options = parseMonitorArgs(argv, io.cwd);
  if (!existsSync(options.file)) throw new UsageError(`${options.displayPath}: no such file`);
  const reader = new LogReader(options.file);
  let last = reader.poll();
  if (options.follow) last = await follow(reader, options, io, signal);
  const history = buildHistory(reader.all);
  if (!history.start && reader.all.length === 0)
    throw new UsageError(
      `${options.displayPath}: no monitor records (is it a gradient-lens/monitor log?)`,
    );
  const verdict = judge(history, options.thresholds);
  const output =
    options.format === 'json'
      ? formatMonitorJson(history, verdict, options.displayPath, last)
      : options.format === 'html'
        ? renderMonitorHtml(history, verdict, { source: options.displayPath })
        : formatMonitorTable(history, verdict, options.displayPath);
  writeReport(io, output, options.out, verdict.verdict);
  for (const skipped of last.skipped.slice(0, 5))
    io.stderr(`gradient-lens monitor: warning: line ${skipped.line} skipped: ${skipped.reason}\n`);
  if (verdict.verdict === 'no-data') return EXIT.error;
  return verdict.verdict === 'healthy' ? EXIT.ok : EXIT.findings;
}

/** Polls until the end record, a quiet spell of options.idleMs, an abort, or Ctrl-C. */
async function follow(
  reader: LogReader,
  options: MonitorCliOptions,
  io: CliIO,
  signal?: AbortSignal,
): Promise<ReturnType<LogReader['poll']>> {
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  signal?.addEventListener('abort', onSigint, { once: true });
  const live = options.format === 'table' && !options.out;
  let result = {
    added: reader.all.slice(),
    restarted: false,
    partialTail: false,
    skipped: [] as { line: number; reason: string }[],
  };
  let quietSince = Date.now();
  try {
    for (;;) {
      if (live) printProgress(reader.all, result.added, io);
      if (
        result.added.some((r) => r.type === 'end') &&
        reader.all[reader.all.length - 1]?.type === 'end'
      )
        break;
      if (Date.now() - quietSince >= options.idleMs) {
        io.stderr(
          `gradient-lens monitor: no new records for ${Math.round(options.idleMs / 1000)} s; stopped following\n`,
        );
        break;
      }
      await sleep(options.intervalMs, stop.signal);
      if (stop.signal.aborted) break;
      result = reader.poll();
      if (result.added.length > 0 || result.restarted) quietSince = Date.now();
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  return result;
}

function printProgress(all: MonitorRecord[], added: MonitorRecord[], io: CliIO): void {
  if (added.length === 0) return;
  const history: MonitorHistory = buildHistory(all);
  const output = outputLayer(history);
  const first = history.layers[0];
  for (const record of added) {
    if (record.type !== 'step') continue;
    const i = history.steps.lastIndexOf(record.step);
    if (i < 0) continue;
    const ratio =
      first && output && output.grad[i]
        ? (first.grad[i] ?? NaN) / (output.grad[i] as number)
        : null;
    const bad = history.layers.filter((l) => l.nonFinite[i] > 0).map((l) => l.name);
    io.stdout(
      `step ${record.step}${record.epoch !== null ? ` · epoch ${record.epoch}` : ''} · loss ${sci(history.loss[i])} · first/output ${sci(ratio)}${bad.length > 0 ? ` · non-finite in ${bad.join(', ')}` : ''}\n`,
    );
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        done();
      },
      { once: true },
    );
  });
}

export function parseMonitorArgs(argv: string[], cwd: string): MonitorCliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        follow: { type: 'boolean' },
        idle: { type: 'string' },
        interval: { type: 'string' },
        'vanishing-ratio': { type: 'string' },
        'exploding-ratio': { type: 'string' },
        'max-update-ratio': { type: 'string' },
        'min-update-ratio': { type: 'string' },
        'growth-factor': { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('expected exactly one LOGFILE (see --help)');
  const file = resolve(cwd, positionals[0]);
  const rel = relative(cwd, file);
  const format = values.format ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  const thresholds: Partial<MonitorThresholds> = {};
  const set = (flag: string, key: keyof MonitorThresholds, min = 0) => {
    const text = (values as Record<string, string | undefined>)[flag];
    if (text === undefined) return;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= min)
      throw new UsageError(`--${flag} must be a number above ${min}, got "${text}"`);
    thresholds[key] = value;
  };
  set('vanishing-ratio', 'vanishingRatio');
  set('exploding-ratio', 'explodingRatio', 1);
  set('max-update-ratio', 'maxUpdateRatio');
  set('min-update-ratio', 'minUpdateRatio');
  set('growth-factor', 'growthFactor', 1);
  return {
    file,
    displayPath: rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file,
    format: format as Format,
    out: values.out,
    follow: values.follow ?? false,
    idleMs: seconds('--idle', values.idle, 60) * 1000,
    intervalMs: milliseconds(values.interval),
    thresholds,
  };
}

function milliseconds(text: string | undefined): number {
  if (text === undefined) return 500;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 10 || value > 60_000)
    throw new UsageError(
      `--interval must be a whole number of milliseconds from 10 to 60000, got "${text}"`,
    );
  return value;
}

function seconds(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 86_400)
    throw new UsageError(`${flag} must be a positive number, got "${text}"`);
  return value;
}
