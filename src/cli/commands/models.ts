/**
 * `gradient-lens models PATH... [--format text|json]`: prints the models the extractor finds. A
 * folder stands for its source files that hold a model (or fail to parse), as `lint` walks them.
 * Exit codes: 0 success, 2 usage error or a file that cannot be read or parsed (one line on stderr).
 */
import { frameworkDefaults } from '../../analysis/frameworks';
import { readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { layerInfo } from '../../analysis/index';
import { collectFiles, FileSelectionError } from '../../lint/files';
import { ProjectWorkspaces } from '../../workspace/node-host';
import type { AnalysisResult, LayerNode, ModelGraph, Value } from '../../analysis/ir';
import { type PlainLeaves, plainValue } from '../../analysis/plain';
import { EXIT, UsageError, type CliIO } from '../io';

const usage = `Usage: gradient-lens models PATH... [--format text|json]

Prints the TensorFlow.js and Keras models found in each file (a folder: in each of its files
that holds one, skipping node_modules and .gitignore'd files as lint does): layers with their resolved config,
values that could not be resolved, functional edges, and the training setup. A builder with
exclusive paths (if/else-if, switch on a model type) gives one model per path, a variant.
JSON gives every model the \`probeArgs\` that select it for \`gradient-lens probe\`.

Options:
  --format text|json   output format (default: text)
  -h, --help           show this help
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv);
  if (values.help) {
    io.stdout(usage);
    return EXIT.ok;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`unknown --format "${format}" (text|json)`);
  if (positionals.length === 0) throw new UsageError(`no FILE given\n${usage}`);

  const reports: FileReport[] = [];
  let failed = false;
  const ws = new ProjectWorkspaces(io.cwd);
  for (const { file, walked } of targets(positionals, io.cwd)) {
    const report = analyzeFile(file, io.cwd, ws);
    if (walked && !report.error && (report.result?.models.length ?? 0) === 0) continue;
    if (report.error) {
      failed = true;
      io.stderr(`gradient-lens models: ${file}: ${report.error}\n`);
    }
    reports.push(report);
  }
  if (format === 'json') io.stdout(`${JSON.stringify(reports.map(toJson), null, 2)}\n`);
  else io.stdout(textReport(reports));
  return failed ? EXIT.error : EXIT.ok;
}

/** The files to report: each named file, then each folder's source files (found by the walk). */
function targets(paths: string[], cwd: string): { file: string; walked: boolean }[] {
  return paths.flatMap((given): { file: string; walked: boolean }[] => {
    if (!isDirectory(resolve(cwd, given))) return [{ file: given, walked: false }];
    try {
      return collectFiles([given], cwd).map((path) => ({ file: shown(path, cwd), walked: true }));
    } catch (error) {
      if (error instanceof FileSelectionError) throw new UsageError(error.message);
      throw error;
    }
  });
}

/** A walked file as the user would name it: relative to the working folder when inside it. */
function shown(path: string, cwd: string): string {
  const inside = relative(cwd, path);
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

interface FileReport {
  file: string;
  result: AnalysisResult | null;
  error: string | null;
}

function analyzeFile(file: string, cwd: string, ws: ProjectWorkspaces): FileReport {
  let source: string;
  try {
    source = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      file,
      result: null,
      error: code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`,
    };
  }
  const result = ws.analyze(file, source);
  const blocking = result.problems.find((p) => p.kind !== 'internal');
  const error = blocking
    ? `${blocking.kind === 'syntax' ? 'syntax error' : blocking.kind} at ${blocking.line}:${blocking.column}: ${blocking.message}`
    : null;
  return { file, result, error };
}

// ---- JSON: the summary fields the issue names, plus enough IR to locate things ----

function toJson(report: FileReport) {
  return {
    file: report.file,
    importsTfjs: report.result?.importsTfjs ?? false,
    problems: report.result?.problems ?? [],
    ...(report.error ? { error: report.error } : {}),
    models: (report.result?.models ?? []).map((model, _, all) => modelJson(model, all)),
  };
}

/**
 * The arguments of `gradient-lens probe FILE ...` that select this model: its name when no other
 * model has it, else name and line; then the variant id.
 */
export function probeArgs(model: ModelGraph, all: ModelGraph[]): string[] {
  const sameName = all.filter(
    (m) => m.name === model.name && m.anchor.start !== model.anchor.start,
  );
  const args = ['--model', model.name];
  if (sameName.length > 0) args.push('--line', String(model.anchor.line));
  if (model.variant) args.push('--variant', model.variant.id);
  return args;
}

function modelJson(model: ModelGraph, all: ModelGraph[]) {
  const t = model.training;
  return {
    name: model.name,
    kind: model.kind,
    line: model.anchor.line,
    column: model.anchor.column,
    endLine: model.span.endLine,
    ...(model.variant ? { variant: model.variant } : {}),
    probeArgs: probeArgs(model, all),
    ...(model.bases?.length ? { bases: model.bases.map(baseJson) } : {}),
    layers: model.layers.map(layerJson),
    unknowns: model.unknowns,
    training: {
      optimizer: t.optimizer?.kind ?? null,
      learningRate: t.learningRate,
      learningRateExplicit: t.optimizer?.learningRate !== undefined,
      loss: t.loss?.name ?? null,
      trained: t.trained,
      fit: t.fitCalls.map((c) => c.method),
      customLoop: t.customLoops.map((c) => c.method),
      clipping: t.clipping.clipped,
      clippingEvidence: t.clipping.evidence.map((e) => ({ kind: e.kind, line: e.span.line })),
    },
    ...(model.kind === 'functional'
      ? {
          inputs: model.inputs.map((i) => ({
            id: i.id,
            shape: plain(i.shape),
            line: i.span.line,
            ...(i.base !== undefined ? { base: i.base } : {}),
          })),
          nodes: model.nodes.map((n) => ({ id: n.id, layer: n.layer, inputs: n.inputs })),
          outputs: model.outputs,
          edges: model.edges,
        }
      : {}),
  };
}

function layerJson(layer: LayerNode): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, prop] of Object.entries(layer.config.props)) {
    if (hasUnknown(prop.value)) unknown.push(key);
    else config[key] = plain(prop.value);
  }
  return {
    factory: layer.factory,
    config,
    unknown,
    line: layer.callSpan.line,
    ...(layer.config.opaque ? { opaque: layer.config.text } : {}),
    ...(layer.repeat ? { repeat: layer.repeat } : {}),
    ...(layer.conditional ? { conditional: layer.conditional } : {}),
    ...(layer.variable ? { variable: layer.variable } : {}),
    ...(layer.inner ? { inner: layerJson(layer.inner) } : {}),
    ...(layer.base !== undefined ? { base: layer.base } : {}),
  };
}

function baseJson(base: NonNullable<ModelGraph['bases']>[number]) {
  return {
    loader: base.loader,
    url: plain(base.url),
    line: base.span.line,
    ...(base.truncatedAt ? { truncatedAt: base.truncatedAt } : {}),
    ...(base.file ? { file: base.file } : {}),
  };
}

function hasUnknown(value: Value): boolean {
  if (value.kind === 'unknown') return true;
  if (value.kind === 'array') return value.items.some(hasUnknown);
  if (value.kind === 'object') return Object.values(value.props).some((p) => hasUnknown(p.value));
  if (value.kind === 'call') return value.args.some(hasUnknown);
  return false;
}

// A call shows as its source text, an unknown as `<text>`.
const DISPLAY: PlainLeaves = {
  call: (value) => value.text,
  unknown: (value) => `<${value.text}>`,
};

function plain(value: Value): unknown {
  return plainValue(value, DISPLAY);
}

// ---- text: one table per model ----

function textReport(reports: FileReport[]): string {
  const body = reports.map(toText).join('\n');
  const anyModel = reports.some((r) => (r.result?.models.length ?? 0) > 0);
  return anyModel
    ? `${body}\n* = the framework's default (tfjs or Keras; not written in the code)\n`
    : body;
}

function toText(report: FileReport): string {
  const lines = [report.file];
  if (report.error) lines.push(`  error: ${report.error}`);
  else if (!report.result?.importsTfjs)
    lines.push(
      report.result?.language === 'python' ? '  (does not use Keras)' : '  (does not import tfjs)',
    );
  else if (report.result.models.length === 0) lines.push('  no models found');
  const models = report.result?.models ?? [];
  for (const model of models) lines.push(...modelText(model, models));
  return `${lines.join('\n')}\n`;
}

function modelText(model: ModelGraph, all: ModelGraph[]): string[] {
  const weighted = model.layers.filter((l) =>
    ['weighted', 'recurrent'].includes(layerInfo(l.factory)?.kind ?? ''),
  ).length;
  const variant = model.variant ? ` variant ${model.variant.id} [${model.variant.label}]` : '';
  const header = `  ${model.name}${variant} (${model.kind}, line ${model.anchor.line}): ${model.layers.length} layers, depth ${weighted}`;
  const rows = [['#', 'line', 'layer', 'width', 'activation', 'initializer', 'notes']];
  for (const layer of model.layers) rows.push(layerRow(layer, model.framework));
  const out = [header, ...table(rows).map((r) => `    ${r}`)];
  if (model.kind === 'functional') {
    const merges = model.nodes.filter(
      (n) => layerInfo(model.layers[n.layer].factory)?.kind === 'merge',
    ).length;
    out.push(
      `    graph: ${model.inputs.length} input(s), ${model.nodes.length} node(s), ${merges} merge node(s), outputs ${model.outputs.join(', ')}`,
    );
  }
  out.push(`    training: ${trainingText(model)}`);
  for (const base of model.bases ?? []) {
    const at = base.truncatedAt ? `, truncated at ${base.truncatedAt}` : '';
    out.push(`    built on: ${base.loader}(${shortValue(base.url)}) (line ${base.span.line}${at})`);
  }
  if (model.unknowns.length > 0) out.push(`    unresolved: ${model.unknowns.join(', ')}`);
  if (model.variant) out.push(`    probe with: ${probeArgs(model, all).join(' ')}`);
  return out;
}

function layerRow(layer: LayerNode, framework: ModelGraph['framework']): string[] {
  const info = layerInfo(layer.factory);
  const show = (key: string) => {
    const prop = layer.config.props[key];
    return prop ? shortValue(prop.value) : '';
  };
  const width = info?.widthKey ? show(info.widthKey) : '';
  const activation =
    show('activation') || (info?.defaultActivation ? `${info.defaultActivation}*` : '');
  const initializer =
    show('kernelInitializer') ||
    (info?.hasKernel ? `${frameworkDefaults(framework).kernelInitializer}*` : '');
  const notes: string[] = [];
  if (info && ['normalization', 'recurrent', 'merge', 'wrapper'].includes(info.kind))
    notes.push(info.kind === 'merge' ? 'merge/skip' : info.kind);
  if (layer.inner)
    notes.push(
      `wraps ${layer.inner.factory}(${layer.inner.config.props.units ? shortValue(layer.inner.config.props.units.value) : ''})`,
    );
  if (layer.repeat && layer.repeat.count > 1)
    notes.push(`loop ${layer.repeat.iteration + 1}/${layer.repeat.count}`);
  if (layer.base !== undefined) notes.push(`loaded model (base ${layer.base})`);
  if (layer.conditional)
    notes.push(`if ${layer.conditional.condition} (${layer.conditional.branch})`);
  const unknown = Object.entries(layer.config.props)
    .filter(([, p]) => hasUnknown(p.value))
    .map(([k]) => k);
  if (unknown.length > 0) notes.push(`unresolved: ${unknown.join(', ')}`);
  if (layer.config.opaque) notes.push(`config ${layer.config.text}`);
  return [
    String(layer.index),
    String(layer.callSpan.line),
    layer.factory,
    width,
    activation,
    initializer,
    notes.join('; '),
  ];
}

function trainingText(model: ModelGraph): string {
  const t = model.training;
  const parts: string[] = [];
  if (t.optimizer) {
    const explicit = t.optimizer.learningRate !== undefined;
    const lr =
      t.learningRate === null
        ? 'lr unknown'
        : `lr ${t.learningRate}${explicit ? '' : ` (${model.framework ?? 'tfjs'} default)`}`;
    parts.push(`${t.optimizer.kind} ${lr}`);
  } else parts.push('no optimizer');
  if (t.loss) parts.push(`loss ${t.loss.name}`);
  const how = [
    ...new Set([...t.fitCalls.map((c) => c.method), ...t.customLoops.map((c) => c.method)]),
  ];
  const where = [...t.fitCalls, ...t.customLoops].find((c) => c.span.file)?.span;
  const elsewhere = where?.file ? ` in ${basename(where.file)}:${where.line}` : '';
  parts.push(
    how.length > 0 ? `trained by ${how.join(', ')}${elsewhere}` : 'not trained in this workspace',
  );
  parts.push(
    t.clipping.clipped
      ? `clipping: ${[...new Set(t.clipping.evidence.map((e) => e.kind))].join(', ')}`
      : 'no gradient clipping',
  );
  return parts.join('; ');
}

function shortValue(value: Value): string {
  const v = plain(value);
  // JSON.stringify(undefined) is undefined, not a string: a value resolved to `undefined` shows as such.
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
}
