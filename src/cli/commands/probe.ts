/**
 * `gradient-lens probe FILE`: measures per-layer gradient norms of one model with a real tfjs
 * backward pass in a child process, and prints them as a table, JSON or an HTML report.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProjectWorkspaces } from '../../workspace/node-host';
import { MIN_MEMORY_MB, runProbe } from '../../probe/client';
import { PROBE_DEFAULTS, PROBE_LIMITS, THRESHOLD_DEFAULTS } from '../../probe/defaults';
import { isKerasFilePath, isSavedModelPath } from '../../probe/saved-files';
import { resolveUnknowns, shellWord } from '../../probe/resolve';
import { selectModel } from '../../probe/select';
import type {
  BackendChoice,
  ProbeReport,
  ProbeRequest,
  ProbeRuntimeOptions,
} from '../../probe/types';
import { lintText, type LintMessage } from '../../lint';
import { confirmFindings } from '../../rules/util/confirm';
import { renderReportHtml } from '../../report';
import { formatProbeJson } from '../formatters/probe-json';
import { formatProbeTable } from '../formatters/probe-table';
import { EXIT, UsageError, processIO, writeReport, type CliIO } from '../io';

export const probeHelp = `Usage: gradient-lens probe FILE [options]

Builds the model in FILE (a JS/TS file, a tfjs Layers model.json, or a Keras .h5 / .keras
file; saved models are probed with their weights) with
TensorFlow.js in a separate process, runs forward/backward passes on a synthetic batch and
reports each layer's gradient norm. Exit code 1 when the gradients vanish or explode, 0 when
healthy, 2 on errors.

Choosing the model (JS/TS files with several models):
  --model NAME              the model's variable or builder function name
  --line N                  a line inside the model's definition
  --variant ID              which path's model, when the builder has several (see \`models\`)

Measurement:
  --batch N                 synthetic batch size (default 32)
  --steps N                 optimizer steps on the fixed batch, each reported (default 1)
  --set NAME=VALUE          a value the code leaves open, keyed by its expression text
                            (e.g. --set hiddenSize=128 --set input=[28,28,1]); repeatable.
                            Values not set are assumed from the role they play (input width,
                            vocabulary size, number of classes, ...) and listed in the report
  --no-assume               assume nothing: exit 2 listing the values the code leaves open
  --seed N                  seed for weights and the synthetic batch (default 1)
  --vanishing-ratio R       vanishing when the first hidden layer's gradient norm is below
                            R times the output layer's (default 1e-3)
  --exploding-ratio R       exploding when a layer's gradient norm exceeds R times the output
                            layer's (default 70)
  --max-update-ratio R      exploding when the first step of the model's optimizer changes a
                            layer's weights by more than R of their norm (||dW|| / ||W||; the
                            plain step when the optimizer is not known) (default 1)

Runtime:
  --backend auto|node|wasm|cpu
                            auto (default): the project's @tensorflow/tfjs-node, -node-gpu or
                            @tensorflow/tfjs, then Gradient Lens's optional tfjs-node, then
                            the bundled tfjs on wasm, then on cpu
  --allow-project-tfjs      load tfjs from the project's node_modules (the default for the
                            CLI: you run it deliberately in your own project)
  --no-project-tfjs         never load the project's tfjs; use Gradient Lens's own
  --timeout S               stop the probe after S seconds (default 60)
  --max-heap MB             memory cap of the probe process in MB: its V8 heap limit and, on
                            Linux, its resident memory (default 2048)
  --max-params N            refuse models with more parameters, before allocating (default 5e7)

Output:
  --format table|json|html  table (default), JSON, or a self-contained HTML report
  --out FILE                write the output to FILE instead of stdout
`;

const FORMATS = ['table', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];
const BACKENDS: BackendChoice[] = ['auto', 'node', 'wasm', 'cpu'];

interface ProbeCliOptions {
  file: string;
  /** How reports name the file: relative to the working folder when inside it. */
  displayPath: string;
  /** Loaded base models are read from inside this folder only: the working folder, or the file's own. */
  root: string;
  model?: string;
  line?: number;
  variant?: string;
  values: Record<string, string>;
  assume: boolean;
  format: Format;
  out?: string;
  request: Omit<ProbeRequest, 'target' | 'values'>;
  runtime: Omit<ProbeRuntimeOptions, 'searchFrom' | 'signal' | 'onProgress'>;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(probeHelp);
    return EXIT.ok;
  }
  const options = parseProbeArgs(argv, io.cwd);
  const { target, source, warnings } = loadTarget(options);
  for (const warning of warnings) io.stderr(`gradient-lens probe: warning: ${warning}\n`);
  const request: ProbeRequest = {
    ...options.request,
    target,
    values: options.values,
    assume: options.assume,
  };
  const report = await probeWithSignals(
    request,
    { ...options.runtime, searchFrom: dirname(options.file) },
    progressLine(io),
  );
  const output = formatReport(report, options.format, () => modelFindings(source, options, report));
  writeReport(io, output, options.out, report.verdict);
  return report.verdict === 'healthy' ? EXIT.ok : EXIT.findings;
}

export function parseProbeArgs(argv: string[], cwd: string): ProbeCliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        model: { type: 'string' },
        line: { type: 'string' },
        variant: { type: 'string' },
        batch: { type: 'string' },
        steps: { type: 'string' },
        backend: { type: 'string' },
        set: { type: 'string', multiple: true },
        seed: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        timeout: { type: 'string' },
        'max-heap': { type: 'string' },
        'max-params': { type: 'string' },
        'vanishing-ratio': { type: 'string' },
        'exploding-ratio': { type: 'string' },
        'max-update-ratio': { type: 'string' },
        'allow-project-tfjs': { type: 'boolean' },
        'no-project-tfjs': { type: 'boolean' },
        'no-assume': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message.split('\n')[0]} (see gradient-lens probe --help)`,
    );
  }
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(
      `expected exactly one FILE, got ${positionals.length} (see gradient-lens probe --help)`,
    );
  }
  if (v['allow-project-tfjs'] && v['no-project-tfjs']) {
    throw new UsageError('--allow-project-tfjs and --no-project-tfjs contradict each other');
  }
  const format = oneOf('--format', v.format ?? 'table', FORMATS);
  const backend = oneOf('--backend', v.backend ?? 'auto', BACKENDS);
  const vanishingRatio = positiveNumber(
    '--vanishing-ratio',
    v['vanishing-ratio'],
    THRESHOLD_DEFAULTS.vanishingRatio,
  );
  const explodingRatio = positiveNumber(
    '--exploding-ratio',
    v['exploding-ratio'],
    THRESHOLD_DEFAULTS.explodingRatio,
  );
  const maxUpdateRatio = positiveNumber(
    '--max-update-ratio',
    v['max-update-ratio'],
    THRESHOLD_DEFAULTS.maxUpdateRatio,
  );
  const file = resolve(cwd, positionals[0]);
  const fromCwd = relative(cwd, file);
  const outside = fromCwd.startsWith('..') || isAbsolute(fromCwd);
  return {
    file,
    displayPath: outside ? file : fromCwd,
    root: outside ? dirname(file) : cwd,
    model: v.model,
    line:
      v.line === undefined ? undefined : integer('--line', v.line, 1, 1, Number.MAX_SAFE_INTEGER),
    variant: v.variant,
    values: parseSets(v.set ?? []),
    assume: !v['no-assume'],
    format,
    out: v.out,
    request: {
      batchSize: integer('--batch', v.batch, PROBE_DEFAULTS.batchSize, 1, PROBE_LIMITS.maxBatch),
      ...(v.batch !== undefined ? { batchChosen: true } : {}),
      steps: integer('--steps', v.steps, PROBE_DEFAULTS.steps, 1, PROBE_LIMITS.maxSteps),
      seed: integer('--seed', v.seed, PROBE_DEFAULTS.seed, 0, 2 ** 31 - 1),
      thresholds: { vanishingRatio, explodingRatio, maxUpdateRatio },
      maxParams: integer(
        '--max-params',
        v['max-params'],
        PROBE_DEFAULTS.maxParams,
        1,
        Number.MAX_SAFE_INTEGER,
      ),
    },
    runtime: {
      backend,
      allowProjectTfjs: !v['no-project-tfjs'],
      timeoutMs: positiveNumber('--timeout', v.timeout, PROBE_DEFAULTS.timeoutSeconds) * 1000,
      maxHeapMb: integer(
        '--max-heap',
        v['max-heap'],
        PROBE_DEFAULTS.maxHeapMb,
        MIN_MEMORY_MB,
        1_048_576,
      ),
    },
  };
}

/** `--set NAME=VALUE`, split at the first "=" that is not part of a comparison in NAME. */
export function parseSets(pairs: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^(.*?[^=!<>])=(?!=)(.*)$/s.exec(pair);
    if (!match || match[1].trim() === '' || match[2].trim() === '') {
      throw new UsageError(`--set expects NAME=VALUE, got "${pair}"`);
    }
    values[match[1].trim()] = match[2].trim();
  }
  return values;
}

function loadTarget(options: ProbeCliOptions): {
  target: ProbeRequest['target'];
  source: string;
  warnings: string[];
} {
  let source: string;
  try {
    // A saved model can be large and binary: the probe process reads it; here it need only be readable.
    if (isKerasFilePath(options.file)) accessSync(options.file, constants.R_OK);
    source = isKerasFilePath(options.file) ? '' : readFileSync(options.file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (isSavedModelPath(options.file)) {
    const what = isKerasFilePath(options.file) ? 'a Keras file' : 'a model.json';
    if (
      options.model !== undefined ||
      options.line !== undefined ||
      options.variant !== undefined
    ) {
      throw new UsageError(
        `--model, --line and --variant choose a model in a JS/TS file; ${what} holds only one`,
      );
    }
    const warnings = Object.keys(options.values).length
      ? [`--set values apply to JS/TS sources; ${what} has none open, so they were ignored`]
      : [];
    return { target: { kind: 'model-json', path: options.file }, source, warnings };
  }
  const analysis = new ProjectWorkspaces(options.root).analyze(options.file, source);
  const syntax = analysis.problems.find((problem) => problem.kind === 'syntax');
  if (analysis.models.length === 0 && syntax) {
    throw new UsageError(`${options.file}:${syntax.line}:${syntax.column}: ${syntax.message}`);
  }
  const selection = selectModel(analysis.models, {
    name: options.model,
    line: options.line,
    variant: options.variant,
  });
  if (!selection.ok) throw new UsageError(selection.message);
  const model = selection.model;
  const { missing, assumed } = resolveUnknowns(model, options.values, { assume: options.assume });
  if (missing.length > 0) {
    const flags = missing.map((name) => `--set ${shellWord(`${name}=VALUE`)}`);
    const why = options.assume ? '' : ' (--no-assume)';
    throw new UsageError(
      `model "${model.name}" (line ${model.span.line}) needs values the code leaves open${why}: ${flags.join(' ')}`,
    );
  }
  const open = [...model.unknowns, ...missing, ...assumed.map((a) => a.name)];
  const warnings = unusedSets(options.values, open).map(
    (name) => `--set ${name} is not a value model "${model.name}" leaves open; it was ignored`,
  );
  // The probe process fills the values itself, so the report says which were set and which assumed.
  return {
    target: {
      kind: 'ir',
      model,
      filePath: options.displayPath,
      sourcePath: options.file,
      root: options.root,
    },
    source,
    warnings,
  };
}

/** Names given with --set that match nothing open in the model (typos, usually). */
export function unusedSets(values: Record<string, string>, open: string[]): string[] {
  const squash = (text: string): string => text.replace(/\s+/g, '');
  const known = new Set(open.map(squash));
  // `input`, `input2`, ... name input shapes, which the IR does not list as expressions.
  return Object.keys(values).filter((name) => !known.has(squash(name)) && !/^input\d*$/.test(name));
}

/** Ctrl-C or a kill while probing cancels the probe, so its process is reaped before we exit. */
async function probeWithSignals(
  request: ProbeRequest,
  runtime: Omit<ProbeRuntimeOptions, 'signal' | 'onProgress'>,
  progress: { show: (message: string) => void; clear: () => void } | null,
): Promise<ProbeReport> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    return await runProbe(request, {
      ...runtime,
      signal: controller.signal,
      onProgress: progress?.show,
      // On a terminal, a large model's first result shows on the status line; the printed report is the full one.
      ...(progress
        ? {
            onPartial: (first: ProbeReport) =>
              progress.show(
                `First result (batch ${first.preview?.batchSize ?? '?'}, one step): ${first.verdict}; the full measurement continues`,
              ),
          }
        : {}),
    });
  } finally {
    progress?.clear();
    process.removeListener('SIGINT', abort);
    process.removeListener('SIGTERM', abort);
  }
}

/** A single self-erasing status line, only on an interactive terminal (never in logs or pipes). */
function progressLine(io: CliIO): { show: (message: string) => void; clear: () => void } | null {
  if (io.stderr !== processIO.stderr || !process.stderr.isTTY) return null;
  let shown = false;
  return {
    show: (message) => {
      shown = true;
      process.stderr.write(`\r\x1b[K${message.slice(0, (process.stderr.columns || 80) - 1)}`);
    },
    clear: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

function formatReport(report: ProbeReport, format: Format, findings: () => LintMessage[]): string {
  switch (format) {
    case 'table':
      return formatProbeTable(report, confirmFindings(findings(), report));
    case 'json':
      return formatProbeJson(report, confirmFindings(findings(), report));
    case 'html':
      return renderReportHtml(report, { findings: findings() });
  }
}

/** The lint findings about the probed model (default rules), shown beside its gradients in HTML. */
function modelFindings(
  source: string,
  options: ProbeCliOptions,
  report: ProbeReport,
): LintMessage[] {
  if (isSavedModelPath(options.file)) return [];
  return lintText(source, options.file).messages.filter(
    (message) => message.model === report.model.name,
  );
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
}

function integer(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function positiveNumber(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} must be a positive number, got "${text}"`);
  return value;
}
