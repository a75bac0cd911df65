/**
 * The numbers the recurrent rules decide from: the sequence length a layer runs over, and the spectral radius
 * of its initial recurrent kernel. Backpropagation through time multiplies the gradient by the recurrent
 * Jacobian once per step, so a radius above 1 grows it geometrically with the length.
 */
import { frameworkDefaults, type Framework } from '../../analysis/frameworks';
import type { LayerNode, ModelGraph } from '../../analysis/ir';
import { declaredInputShape, inferShapes, type LayerShape } from '../../analysis/shapes';
import { simpleRnnTemporal, type TemporalEstimate } from '../../estimate/recurrent';
import { numberArg, readInitializer, varianceFamily } from './initializer';
import { numberProp } from './model';
import { coreLayer } from './terms';

const GATES: Record<string, number> = { simpleRNN: 1, lstm: 4, gru: 3 };
/** tfjs's defaults for unspecified arguments (`args.stddev || 0.05`, `minval || -0.05`, ...). */
const DEFAULT_STDDEV = 0.05;
const DEFAULT_LIMIT = 0.05;
/** tfjs's truncated normal (and Keras's plain TruncatedNormal) is not rescaled: cut at 2 sigma, its standard deviation is 0.88 of the argument. */
const TRUNCATED = 0.88;

/** A gru's radius thresholds are this multiple of an lstm's (see growthThroughTime). */
const GRU_DAMPING = 1.4;
/** Smallest per-step factor counted as growth through time. */
const MIN_GROWTH = 1.1;
const BOUNDED_ACTIVATIONS = new Set(['tanh', 'sigmoid', 'hardSigmoid', 'softsign', 'relu6']);

const shapeCache = new WeakMap<ModelGraph, Map<number, LayerShape>>();

/** The time dimension of the layer's input ([batch, steps, features]); null when not known. */
export function sequenceLength(model: ModelGraph, layer: LayerNode): number | null {
  let shapes = shapeCache.get(model);
  if (!shapes) {
    shapes = new Map();
    try {
      for (const shape of inferShapes(model).layers) shapes.set(shape.index, shape);
    } catch {
      // A model the shape inference cannot follow yields no lengths, not a crash.
    }
    shapeCache.set(model, shapes);
  }
  const input =
    shapes.get(layer.index)?.inputShape ?? (layer.index === 0 ? declaredInputShape(layer) : null);
  const steps = input && input.length === 3 ? input[1] : null;
  return typeof steps === 'number' ? steps : null;
}

export interface Radius {
  /** Spectral radius of one gate's units x units block at initialisation. */
  value: number;
  /** How the kernel is drawn, for messages: "randomNormal stddev 0.5", "orthogonal". */
  label: string;
  units: number;
  /** An identity kernel: each unit feeds only itself, so the iid mean-field estimate does not describe it. */
  diagonal?: boolean;
}

/**
 * An iid kernel of n x n entries with standard deviation s has spectral radius about s sqrt(n) (the circular
 * law); orthogonal and identity kernels have radius equal to their gain. Null when the initializer or the
 * units are not known.
 */
export function recurrentRadius(
  layer: LayerNode,
  source?: string,
  framework?: Framework,
): Radius | null {
  const core = coreLayer(layer);
  const units = numberProp(core, 'units');
  const gates = GATES[core.factory];
  if (units === undefined || units <= 0 || gates === undefined) return null;
  const read = readInitializer(core, 'recurrentInitializer', source);
  if (read.status === 'unknown') return null;
  if (read.status === 'absent') return { value: 1, label: 'orthogonal (default)', units };
  const init = read.init;
  const fromStd = (std: number, label: string): Radius => ({
    value: std * Math.sqrt(units),
    label,
    units,
  });
  switch (init.name) {
    case 'orthogonal':
    case 'identity': {
      const gain = numberArg(init, 'gain');
      if (gain === null) return null;
      const value = Math.abs(gain ?? 1);
      return init.name === 'identity'
        ? { value, label: init.name, units, diagonal: true }
        : { value, label: init.name, units };
    }
    case 'randomNormal':
    case 'truncatedNormal': {
      const stddev = numberArg(init, 'stddev');
      if (stddev === null) return null;
      const s = stddev || DEFAULT_STDDEV;
      return fromStd(
        init.name === 'truncatedNormal' ? TRUNCATED * s : s,
        `${init.name} stddev ${s}`,
      );
    }
    case 'randomUniform': {
      const min = numberArg(init, 'minval');
      const max = numberArg(init, 'maxval');
      if (min === null || max === null) return null;
      const low = min || -DEFAULT_LIMIT;
      const high = max || DEFAULT_LIMIT;
      return fromStd(Math.abs(high - low) / Math.sqrt(12), `randomUniform [${low}, ${high}]`);
    }
    case 'zeros':
      return { value: 0, label: 'zeros', units };
    case 'ones':
    case 'constant': {
      const value = init.name === 'ones' ? 1 : numberArg(init, 'value');
      if (value === null || value === undefined) return null;
      // A constant matrix has one eigenvalue n * c.
      return { value: Math.abs(value) * units, label: `${init.name} ${value}`, units };
    }
    default: {
      const shape = varianceFamily(init);
      if (!shape?.family) return null;
      // tfjs's recurrent kernel is [units, gates * units]: fanIn = units, fanOut = gates * units.
      const variance =
        shape.family === 'he'
          ? 2 / units
          : shape.family === 'lecun'
            ? 1 / units
            : 2 / (units + gates * units);
      // Keras rescales its truncated normals back to the nominal stddev; tfjs does not.
      const truncated = TRUNCATED * frameworkDefaults(framework).truncatedNormalStddevFactor;
      const std = Math.sqrt(variance) * (shape.distribution === 'normal' ? truncated : 1);
      return fromStd(std, init.name);
    }
  }
}

/**
 * The estimated input gradient at a simpleRNN's first time step over its last one's (src/estimate/recurrent),
 * with the inputs at unit variance through tfjs's default glorotUniform input kernel; null for gated cells or
 * an identity kernel, or when the radius, the length or the activation is not known.
 */
export function temporalEstimate(
  model: ModelGraph,
  layer: LayerNode,
  activation: string,
  source?: string,
): (TemporalEstimate & { steps: number; radius: Radius }) | null {
  const core = coreLayer(layer);
  if (core.factory !== 'simpleRNN') return null;
  const radius = recurrentRadius(layer, source, model.framework);
  const steps = sequenceLength(model, layer);
  const features = inputFeatures(model, layer);
  // An identity recurrence keeps each unit on its own path (a relu unit once active passes its gradient on
  // unchanged: Le et al. 2015), which the mean-field average over a mixing kernel does not follow.
  if (!radius || radius.diagonal || steps === null || features === null) return null;
  const inputVariance = (features * 2) / (features + radius.units);
  const estimate = simpleRnnTemporal(activation, radius.value, inputVariance, steps);
  return estimate && { ...estimate, steps, radius };
}

function inputFeatures(model: ModelGraph, layer: LayerNode): number | null {
  sequenceLength(model, layer);
  const input =
    shapeCache.get(model)?.get(layer.index)?.inputShape ??
    (layer.index === 0 ? declaredInputShape(layer) : null);
  const features = input && input.length === 3 ? input[2] : null;
  return typeof features === 'number' && features > 0 ? features : null;
}

export interface Growth {
  grows: boolean;
  radius: Radius;
  steps: number | null;
  /** simpleRNN: the estimated first-to-last input-gradient ratio. */
  firstToLast: number | null;
}

export interface GrowthThresholds {
  explodingRatio: number;
  /** Gated cells with an unbounded activation: the radius from which their gradient grows over long sequences. */
  maxRadius: number;
  /** Gated cells with a bounded activation: the same, larger (the gates damp the recurrence). */
  gatedRadius: number;
  minSteps: number;
}

/**
 * Whether the recurrence makes the gradient grow through time: a simpleRNN when its estimated first-to-last
 * ratio exceeds explodingRatio (with a per-step factor of at least 1.1); an lstm or gru, whose gates damp the
 * recurrence, when the length reaches minSteps and the radius reaches maxRadius (unbounded activation, about
 * 1.5 in the sweep) or gatedRadius (bounded activation, about 2.5).
 */
export function growthThroughTime(
  model: ModelGraph,
  layer: LayerNode,
  activation: string,
  thresholds: GrowthThresholds,
  source?: string,
): Growth | null {
  const radius = recurrentRadius(layer, source, model.framework);
  if (!radius) return null;
  const steps = sequenceLength(model, layer);
  const temporal = temporalEstimate(model, layer, activation, source);
  if (temporal) {
    // Near a per-step factor of 1 a tanh recurrence saturates and stays bounded (the sweep measured about 10x
    // over 200 steps at a factor of 1.08), so growth needs a clear margin per step as well.
    return {
      grows: temporal.firstToLast > thresholds.explodingRatio && temporal.perStep >= MIN_GROWTH,
      radius,
      steps,
      firstToLast: temporal.firstToLast,
    };
  }
  // Gated cells with a bounded activation: the sweep's recurrent-kernel family measured them exploding through
  // time from radius 2.8 over 100+ steps (up to 1e12x) and healthy up to 2.4, hence a radius of their own.
  // A gru damps more than an lstm: its update gate keeps about half of the state on a direct path and its reset
  // gate halves the recurrent input to the candidate. Measured: gru healthy at radius 2.8 (tanh) and 2.0 (relu)
  // over 100 steps where the lstm grew 350x, and exploding from 3.4-4.6.
  const bounded = BOUNDED_ACTIVATIONS.has(activation);
  const damping = coreLayer(layer).factory === 'gru' ? GRU_DAMPING : 1;
  const grows =
    coreLayer(layer).factory !== 'simpleRNN' &&
    radius.value >= damping * (bounded ? thresholds.gatedRadius : thresholds.maxRadius) &&
    steps !== null &&
    steps >= thresholds.minSteps;
  return { grows, radius, steps, firstToLast: null };
}
