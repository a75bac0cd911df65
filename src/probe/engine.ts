/**
 * The in-process probe engine: IR (or model.json) -> tfjs model -> synthetic batch -> measured gradients ->
 * ProbeReport. The caller passes the tfjs module (the user's tfjs-node, or the bundled tfjs on wasm/cpu), so this
 * file never imports tfjs itself. Every failure is a ProbeError with one clear message.
 */
import type { LayersModel, Optimizer, Tensor, layers as tfLayers } from '@tensorflow/tfjs';
import type { ModelGraph } from '../analysis/ir';
import { planActivations, type ActivationStats } from './activations';
import { detachUnavailable, loadBases, locateBases } from './bases';
import { buildFromIr } from './build';
import { fitBatch } from './budget';
import { makeBatch } from './data';
import { estimateColumn } from './estimate';
import {
  borrowMissingKernels,
  fixUnpackGradient,
  kernelNotes,
  missingKernel,
  releaseFailedTape,
} from './kernels';
import { fixRnnKwargs } from './rnn-kwargs';
import { measureGradients, variableOf, type Measurement } from './measure';
import { isKerasFilePath } from './saved-files';
import { loadKerasModel } from './keras-model';
import { loadModelJson } from './model-json';
import { resolveUnknowns, shellWord } from './resolve';
import { previewRequest } from './preview';
import { planTemporal, type RawTemporal } from './temporal';
import { judgeTemporal } from './temporal-judge';
import {
  trainingFromIr,
  trainingFromKeras,
  trainingFromLoaded,
  type TrainingChoice,
} from './training';
import {
  ProbeError,
  type AssumedValue,
  type LayerProbe,
  type ProbeReport,
  type ProbeRequest,
  type UpdateStep,
} from './types';
import { validateRequest } from './validate';
import { errorText } from './values';
import { judge } from './verdict';
import { THRESHOLD_DEFAULTS } from './defaults';

type Tf = typeof import('@tensorflow/tfjs');
type Layer = tfLayers.Layer;

/** A layer of the built model and where it came from. */
interface SourceLayer {
  layer: Layer;
  index: number;
  line: number | null;
}

interface Prepared {
  model: LayersModel;
  layers: SourceLayer[];
  training: TrainingChoice;
  name: string;
  line: number | null;
  source: string;
  ir: ModelGraph | null;
  assumptions: string[];
  assumedValues: AssumedValue[];
}

export async function probeModel(
  tf: Tf,
  request: ProbeRequest,
  backendName: string,
  onProgress?: (msg: string) => void,
  onPartial?: (report: ProbeReport) => void,
): Promise<ProbeReport> {
  const progress = onProgress ?? (() => undefined);
  validateRequest(request);
  fixUnpackGradient(tf);
  fixRnnKwargs(tf);
  const borrowed = borrowMissingKernels(tf);
  const partial = onPartial
    ? (report: ProbeReport) => {
        report.assumptions.push(...kernelNotes(tf, borrowed, report));
        onPartial(report);
      }
    : undefined;
  try {
    const report = await probeOnce(tf, request, backendName, progress, partial);
    report.assumptions.push(...kernelNotes(tf, borrowed, report));
    return report;
  } catch (err) {
    const kernel = missingKernel(err);
    if (!kernel) throw err;
    return fallBackToCpu(tf, request, backendName, kernel, progress);
  }
}

/**
 * Some backends lack a gradient kernel (tfjs 4.22's wasm backend has no Conv2DBackpropFilter, so conv nets cannot
 * be differentiated there). The probe then reruns on tfjs's cpu backend, says so, and restores the backend.
 */
async function fallBackToCpu(
  tf: Tf,
  request: ProbeRequest,
  backendName: string,
  kernel: string,
  progress: (msg: string) => void,
): Promise<ProbeReport> {
  const original = tf.getBackend();
  if (original === 'cpu' || !tf.findBackendFactory('cpu')) {
    throw new ProbeError(
      'backend',
      `the ${backendName} backend has no ${kernel} kernel, which this model's gradient needs; try another backend`,
    );
  }
  releaseFailedTape(tf);
  progress(`The ${original} backend has no ${kernel} kernel: probing on cpu instead`);
  await tf.setBackend('cpu');
  try {
    const report = await probeOnce(tf, request, `cpu (fallback from ${backendName})`, progress);
    report.assumptions.push(
      `Measured on tfjs's cpu backend because ${original} has no ${kernel} kernel for this model's gradient.`,
    );
    return report;
  } finally {
    await tf.setBackend(original);
  }
}

async function probeOnce(
  tf: Tf,
  asked: ProbeRequest,
  backendName: string,
  progress: (msg: string) => void,
  onPartial?: (report: ProbeReport) => void,
): Promise<ProbeReport> {
  const started = performance.now();
  let prepared: Prepared | null = null;
  const owned: Tensor[] = [];
  try {
    progress('Building the model');
    prepared = await phase('building the model', () => prepare(tf, asked));
    if (prepared.model.trainableWeights.length === 0) {
      const classes = [...new Set(prepared.model.layers.map((l) => l.getClassName()))];
      throw new ProbeError(
        'bad-input',
        `model "${prepared.name}" has no trainable weights (its layers: ${classes.join(', ')}): there is no gradient to measure`,
      );
    }
    // A large model is measured on a batch that fits the probe's timeout and memory cap, and says so.
    const fitted = fitBatch(prepared.model, asked, asked.budget);
    const request = { ...asked, batchSize: fitted.batchSize };
    if (fitted.note) prepared.assumptions.unshift(fitted.note);
    const quick = onPartial ? previewRequest(prepared.model, request) : null;
    if (quick) {
      progress(`Large model: a first result on a batch of ${quick.batchSize}, one step`);
      const first = await phase('measuring gradients', () =>
        measure(tf, prepared!, quick, backendName, owned, () => undefined),
      );
      const elapsed = Math.round(performance.now() - started);
      first.report.timings = {
        loadMs: 0,
        buildMs: elapsed - Math.round(first.probeMs),
        probeMs: Math.round(first.probeMs),
      };
      first.report.preview = {
        batchSize: quick.batchSize,
        steps: 1,
        fullBatchSize: request.batchSize,
        fullSteps: request.steps,
      };
      first.report.assumptions.unshift(
        `First result: one step on a batch of ${quick.batchSize}; the full measurement (batch ${request.batchSize}, ${request.steps === 1 ? '1 step' : `${request.steps} steps`}) follows.`,
      );
      onPartial!(first.report);
      // The preview's tensors are not needed by the full measurement.
      tf.dispose(owned.splice(0));
    }
    progress('Measuring gradients');
    const { report, probeMs } = await phase('measuring gradients', () =>
      measure(tf, prepared!, request, backendName, owned, progress),
    );
    // probeMs covers the forward/backward passes and their statistics only (what a plain tf.variableGrads
    // script does); building, the synthetic batch and the static estimate count as preparation.
    const setupMs = Math.round(performance.now() - started - probeMs);
    report.timings = {
      loadMs: prepared.ir ? 0 : setupMs,
      buildMs: prepared.ir ? setupMs : 0,
      probeMs: Math.round(probeMs),
    };
    return report;
  } finally {
    tf.dispose(owned);
    if (prepared) disposeModel(prepared.model, prepared.training.optimizer);
  }
}

async function prepare(tf: Tf, request: ProbeRequest): Promise<Prepared> {
  const target = request.target;
  if (target.kind === 'model-json') {
    const keras = isKerasFilePath(target.path)
      ? await loadKerasModel(tf, target.path, request.maxParams)
      : null;
    const loaded = keras ?? (await loadModelJson(tf, target.path, request.maxParams));
    const training = keras
      ? trainingFromKeras(tf, keras.model, keras.compiled)
      : trainingFromLoaded(tf, loaded.model);
    compile(loaded.model, training);
    const layers = loaded.model.layers
      .filter((l) => l.getClassName() !== 'InputLayer')
      .map((layer, index) => ({ layer, index, line: null }));
    return {
      model: loaded.model,
      layers,
      training,
      name: loaded.model.name,
      line: null,
      source: target.path,
      ir: null,
      assumptions: loaded.assumptions,
      assumedValues: [],
    };
  }
  const context =
    target.sourcePath && target.root ? { sourcePath: target.sourcePath, root: target.root } : null;
  const locations = locateBases(target.model, context);
  const { model: buildable, notes } = detachUnavailable(target.model, locations);
  const {
    model: ir,
    missing,
    assumed,
  } = resolveUnknowns(buildable, request.values ?? {}, {
    assume: request.assume !== false,
  });
  if (missing.length > 0) {
    throw new ProbeError(
      'unresolved',
      `the probe needs ${missing.length === 1 ? 'a value' : 'values'} the source does not fix: ${missing.map((m) => `--set ${m}=VALUE`).join(' ')}`,
      { needs: missing },
    );
  }
  const bases = await loadBases(tf, ir, locations, request.maxParams);
  let built: ReturnType<typeof buildFromIr>;
  try {
    built = buildFromIr(tf, ir, {
      seed: request.seed,
      maxParams: request.maxParams,
      bases: bases.models,
    });
  } catch (err) {
    throw withAssumedValues(err, assumed);
  }
  const training = trainingFromIr(tf, ir.training, built.model, ir.framework);
  compile(built.model, training);
  return {
    model: built.model,
    // A layer created in the file but never applied in the graph is not part of the model.
    layers: withBaseLayers(
      built.layers
        .filter((b) => built.model.layers.includes(b.layer))
        .map((b) => ({ layer: b.layer, index: b.index, line: b.node.callSpan.line })),
      ir,
      bases.models,
    ),
    training,
    name: ir.name,
    line: ir.anchor.line,
    source: target.filePath,
    ir,
    assumptions: [...notes, ...bases.assumptions, ...built.assumptions],
    assumedValues: assumed,
  };
}

/**
 * A loaded base is measured layer by layer: a sequential model's `loadedModel` row becomes the base's own layers,
 * and a functional head's base layers come first. Base layers have index -1 (they are not in the IR).
 */
function withBaseLayers(
  layers: SourceLayer[],
  ir: ModelGraph,
  bases: Map<number, LayersModel>,
): SourceLayer[] {
  if (bases.size === 0) return layers;
  const rowsOf = (index: number): SourceLayer[] => {
    const base = bases.get(index)!;
    const line = ir.bases?.[index]?.span.line ?? null;
    return base.layers
      .filter((layer) => layer.getClassName() !== 'InputLayer')
      .map((layer) => ({ layer, index: -1, line }));
  };
  const expanded = layers.flatMap((row) => {
    const node = ir.layers.find((l) => l.index === row.index);
    return node?.factory === 'loadedModel' && node.base !== undefined && bases.has(node.base)
      ? rowsOf(node.base)
      : [row];
  });
  const functionalBases = ir.inputs.flatMap((input) =>
    input.base !== undefined && bases.has(input.base) ? [input.base] : [],
  );
  return [...new Set(functionalBases)].flatMap(rowsOf).concat(expanded);
}

function compile(model: LayersModel, training: TrainingChoice): void {
  try {
    // tfjs reads each entry of a list of losses as a name or a function (its types want one kind).
    const loss = training.loss as Parameters<LayersModel['compile']>[0]['loss'];
    model.compile({ optimizer: training.optimizer, loss });
  } catch (err) {
    throw new ProbeError('bad-input', `model.compile failed: ${errorText(err)}`);
  }
}

async function measure(
  tf: Tf,
  prepared: Prepared,
  request: ProbeRequest,
  backendName: string,
  owned: Tensor[],
  progress: (msg: string) => void,
): Promise<{ report: ProbeReport; probeMs: number }> {
  const { model, training } = prepared;
  const batchSize = fixedBatchSize(model) ?? request.batchSize;
  const batch = makeBatch(tf, model, training.lossName, batchSize, request.seed);
  if (batchSize !== request.batchSize)
    batch.assumptions.unshift(
      `The model fixes its batch at ${batchSize} (batchInputShape, as a stateful RNN needs): batches of ${batchSize}, not ${request.batchSize}.`,
    );
  owned.push(...batch.xs, ...batch.ys);
  const estimate = estimateColumn(prepared.ir, batchSize);
  const plan = planActivations(tf, model);
  const temporalPlan = planTemporal(
    tf,
    model,
    prepared.layers.map((l) => l.layer),
    batch.xs,
  );
  owned.push(...temporalPlan.deltas);
  const started = performance.now();
  // Activations and the gradient through time come from the first step's forward and backward pass: the initial
  // weights, like the reported gradients.
  const measurement = measureGradients(tf, model, training.optimizer, batch.xs, batch.ys, {
    steps: request.steps,
    onStep: (step, loss) =>
      progress(`Step ${step + 1}/${request.steps}: loss ${loss.toPrecision(4)}`),
    observe: plan,
    temporal: temporalPlan,
  });
  const probeMs = performance.now() - started;
  const activations = plan.read(measurement.observed);
  const temporal = measurement.temporal
    ? temporalPlan.read(measurement.temporal)
    : new Map<Layer, RawTemporal>();
  const layers = layerProbes(prepared, measurement, activations);
  const update = updateStep(training);
  prepared.layers.forEach(({ layer }, i) => {
    const raw = temporal.get(layer);
    if (raw) layers[i]!.temporal = judgeTemporal(raw, request.thresholds);
  });
  const temporalNotes = temporalPlan.skipped.map(
    (s) => `The gradient through time of ${s.layer.name} was not measured: ${s.why}.`,
  );
  const judgement = judge(
    layers.map((l) => ({
      name: l.name,
      line: l.line,
      gradNorm: l.gradNorm,
      nonFinite: l.nonFinite,
      ...(l.nonFinitePerStep ? { nonFinitePerStep: l.nonFinitePerStep } : {}),
      perStep: l.gradNormPerStep ?? (l.gradNorm === null ? [] : [l.gradNorm]),
      updateToWeightRatio: l.updateToWeightRatio,
      temporal: l.temporal ? { verdict: l.temporal.verdict, summary: l.temporal.summary } : null,
    })),
    measurement.lossPerStep,
    request.thresholds,
    update,
  );
  layers.forEach((l, i) => {
    l.verdict = judgement.layers[i]!.verdict;
    l.ratioToOutput = judgement.layers[i]!.ratioToOutput;
  });
  for (const l of layers) Object.assign(l, estimate(l.index));
  const report: ProbeReport = {
    model: { name: prepared.name, line: prepared.line, source: prepared.source },
    backend: backendName,
    batchSize,
    steps: request.steps,
    loss: measurement.lossPerStep[0] ?? NaN,
    lossPerStep: measurement.lossPerStep,
    learningRate: training.learningRate,
    update,
    layers,
    verdict: judgement.verdict,
    verdictReason: judgement.reason,
    // The effective value is always reported, also for requests from callers that predate the option.
    thresholds: {
      ...request.thresholds,
      maxUpdateRatio: request.thresholds.maxUpdateRatio ?? THRESHOLD_DEFAULTS.maxUpdateRatio,
    },
    assumptions: [
      ...prepared.assumptions,
      ...training.assumptions,
      ...batch.assumptions,
      ...temporalNotes,
    ],
    assumedValues: prepared.assumedValues,
    timings: { loadMs: 0, buildMs: 0, probeMs: 0 },
  };
  return { report, probeMs };
}

function layerProbes(
  prepared: Prepared,
  measurement: Measurement,
  activations: Map<Layer, ActivationStats>,
): LayerProbe[] {
  const byName = new Map(measurement.weights.map((w) => [w.name, w]));
  return prepared.layers.map(({ layer, index, line }) => {
    const weights = layer.trainableWeights.flatMap((w) => {
      const measured = byName.get(variableOf(w).name);
      // tfjs suffixes a variable name seen before in the process (kernel_1, kernel_2, ...); a kept-warm probe
      // process reports the name the model itself gives the weight, the same on every probe.
      return measured ? [{ ...measured, name: originalName(w) ?? measured.name }] : [];
    });
    const steps = weights[0]?.gradNorm.length ?? 0;
    const perStep = Array.from({ length: steps }, (_, s) =>
      rootSumSquares(weights.map((w) => w.gradNorm[s]!)),
    );
    const gradNorm = weights.length > 0 ? perStep[0]! : null;
    const weightNorm = rootSumSquares(weights.map((w) => w.weightNorm));
    // The real first step of the probe's optimizer (measure.ts firstUpdate): for adam, rmsprop or adagrad the
    // per-weight normalised step, for sgd learning rate x gradient, after any Keras clipping.
    const updateNorm = rootSumSquares(weights.map((w) => w.updateNorm));
    const nonFinite = weights.reduce(
      (a, w) => a + w.weightNonFinite + w.gradNonFinite.reduce((x, y) => x + y, 0),
      0,
    );
    const stats = activations.get(layer);
    const probe: LayerProbe = {
      index,
      name: layer.name,
      className: layer.getClassName(),
      line,
      activation: stats?.activation ?? null,
      params: layer.countParams(),
      gradNorm,
      ratioToOutput: null,
      updateToWeightRatio:
        gradNorm !== null && weightNorm > 0 && Number.isFinite(updateNorm)
          ? updateNorm / weightNorm
          : null,
      weights: weights.map((w) => ({
        name: w.name,
        shape: w.shape,
        gradNorm: w.gradNorm[0]!,
        weightNorm: w.weightNorm,
        nonFinite: w.gradNonFinite.reduce((x, y) => x + y, 0) + w.weightNonFinite,
      })),
      saturatedFraction: stats?.saturatedFraction ?? null,
      deadFraction: stats?.deadFraction ?? null,
      nonFinite,
      estimate: null,
      verdict: 'healthy',
    };
    if (steps > 1) {
      probe.gradNormPerStep = perStep;
      probe.nonFinitePerStep = Array.from({ length: steps }, (_, s) =>
        weights.reduce((a, w) => a + w.gradNonFinite[s]! + (s === 0 ? w.weightNonFinite : 0), 0),
      );
    }
    return probe;
  });
}

/** What the update-to-weight ratios measure: the first step of this tfjs optimizer, or the plain stand-in. */
function updateStep(training: TrainingChoice): UpdateStep {
  const optimizer = training.optimizer.getClassName();
  return training.plainFallback ? { optimizer, plain: true } : { optimizer, plain: false };
}

function originalName(weight: unknown): string | null {
  const name = (weight as { originalName?: unknown }).originalName;
  return typeof name === 'string' && name.length > 0 ? name : null;
}

function rootSumSquares(values: number[]): number {
  return Math.sqrt(values.reduce((a, v) => a + v * v, 0));
}

/** Runs one phase; anything that is not already a ProbeError becomes one that says which phase failed. */
async function phase<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProbeError) throw err;
    throw new ProbeError('internal', `the probe failed while ${what}: ${errorText(err)}`);
  }
}

function disposeModel(model: LayersModel, optimizer: Optimizer): void {
  try {
    optimizer.dispose();
    model.dispose();
  } catch {
    // Disposing twice (a model tfjs already released) must not hide the probe's real result or error.
  }
}

/** The batch size a model's inputs fix (`batchInputShape: [1, ...]`), or null when it is open. */
function fixedBatchSize(model: LayersModel): number | null {
  const sizes = model.inputs.map((input) => input.shape[0]);
  const fixed = sizes.find((n): n is number => typeof n === 'number' && n > 0);
  return fixed ?? null;
}

/**
 * A layer that does not fit its input, or a config tfjs rejects, in a model built with assumed values:
 * an assumed value may be what does not fit, so the message names them and how to set the real ones.
 */
function withAssumedValues(err: unknown, assumed: AssumedValue[]): unknown {
  if (!(err instanceof ProbeError) || (err.code !== 'shape' && err.code !== 'bad-input'))
    return err;
  const guessed = assumed.filter((a) => a.source === 'role-default' && a.value !== null);
  if (guessed.length === 0) return err;
  const shown = guessed.slice(0, 4).map((a) => `${a.name} = ${JSON.stringify(a.value)}`);
  const more = guessed.length > shown.length ? `, and ${guessed.length - shown.length} more` : '';
  const quoted = shellWord(`${guessed[0]!.name}=VALUE`);
  return new ProbeError(
    err.code,
    `${err.message}. It was built with assumed values (${shown.join('; ')}${more}): set the real ones with --set NAME=VALUE (e.g. --set ${quoted}); --no-assume lists every open value`,
    err.details,
  );
}
