/**
 * Static gradient-scale estimate: the expected gradient norm of each weighted layer relative to the
 * output layer's, at initialisation, for dense and conv stacks (with activations, dropout, noise and
 * batch normalisation between them; see plan.ts and ops.ts), by mean-field propagation.
 *
 * Forward, per layer, the pre-activation z of one unit has mean mu (from a constant bias), variance q
 * and covariance c between two examples of a batch. Backward, the loss gradient at z has second
 * moment d for one example and e across two examples. The squared kernel-gradient norm of a batch
 * mean is then kernelSize * (B P m d + P B (B - 1) k e) / B^2, with m, k the input activations'
 * second moments; the cross-example term matters: saturated deep nets map all inputs alike.
 */
import type { ModelGraph } from '../analysis/ir';
import { inferShapes } from '../analysis/shapes';
import { activationByName } from './activations';
import { canonicalLoss, outputDeltaMoments, type LossKind } from './loss';
import { backwardOp, forwardOp, toMoments, type Delta, type State } from './ops';
import { planLayers, type Block } from './plan';

export interface LayerEstimate {
  index: number;
  /** Expected gradient norm of the layer (kernel and bias) over the output layer's; null when not estimated. */
  relative: number | null;
  /**
   * Expected absolute gradient norm of the batch-mean loss (the probe's synthetic batch and loss) and the
   * layer's initial weight norm: learning rate x gradNorm / weightNorm is one plain step's update-to-weight ratio.
   */
  gradNorm?: number;
  weightNorm?: number;
  /** Standard deviation of one initial kernel weight: what an adaptive optimizer's first step compares with. */
  weightScale?: number;
  note?: string;
  /** Mean-field quantities behind the number, for hovers. */
  details?: {
    preActivationVariance: number;
    gradientSecondMoment: number;
    activation: string;
    initializer: string;
  };
}

export interface GradientEstimate {
  layers: LayerEstimate[];
  method: string;
  /**
   * The output layer's activation and pre-activation variance, also when no ratio could be formed: a saturated
   * sigmoid output passes no gradient at all, which is the problem itself, not a gap in the estimate.
   */
  output?: { activation: string; preActivationVariance: number };
}

export interface EstimateOptions {
  /** The probe's batch size (cross-example correlations make the ratio depend on it). Default 32. */
  batchSize?: number;
}

const FALLBACK_NAMES: Record<LossKind, string> = {
  mse: 'mean squared error',
  mae: 'mean absolute error',
  binary: 'binary cross-entropy',
  categorical: 'categorical cross-entropy',
};

export function estimateGradients(
  model: ModelGraph,
  options: EstimateOptions = {},
): GradientEstimate {
  try {
    return estimate(model, options);
  } catch (error) {
    // An odd combination the plan let through must not take a hover or a probe report down.
    return allUnknown(model, error instanceof Error ? error.message : String(error));
  }
}

function estimate(model: ModelGraph, options: EstimateOptions): GradientEstimate {
  const batch = Math.max(1, Math.floor(options.batchSize ?? 32));
  const shapes = inferShapes(model);
  const plan = planLayers(model, shapes);
  if ('error' in plan) return allUnknown(model, plan.error);
  const { blocks, inputOps } = plan;
  if (blocks.length === 0) return allUnknown(model, 'the model has no dense or conv layer');
  if (batch < 2 && blocks.some((b) => b.ops.some((op) => op.kind === 'batchNorm'))) {
    return allUnknown(model, 'batch normalisation over a batch of one');
  }

  const lossName = model.training.loss?.resolved ? model.training.loss.name : undefined;
  // Without a loss, a softmax output is assumed to be trained with cross-entropy (as the probe does).
  const outputBlock = blocks[blocks.length - 1];
  const outputActivation =
    outputBlock.ops[0]?.kind === 'activation' ? outputBlock.ops[0].activation.name : null;
  const fallback: LossKind = outputBlock.softmax
    ? 'categorical'
    : outputActivation === 'sigmoid'
      ? 'binary'
      : 'mse';
  const loss: LossKind = canonicalLoss(lossName) ?? fallback;
  const lossNote = canonicalLoss(lossName)
    ? ''
    : `; loss ${lossName ? `'${lossName}' not covered` : 'not set'}, assumed ${FALLBACK_NAMES[fallback]}`;

  // Forward: each block's input moments, pre-activation, and the state entering each of its ops.
  const forward: { m: number; k: number; pre: State & { kind: 'gaussian' }; trail: State[] }[] = [];
  let input = toMoments(
    inputOps.reduce<State>((state, op) => forwardOp(op, state, batch), {
      kind: 'moments',
      m: 1,
      k: 0,
    }),
  );
  for (const [l, block] of blocks.entries()) {
    const gain = block.kernelVariance * block.fanIn;
    const pre = {
      kind: 'gaussian' as const,
      mean: block.biasMean,
      variance: gain * input.m + block.biasVariance,
      covariance: gain * input.k + block.biasVariance,
    };
    const trail: State[] = [];
    let state: State = pre;
    // The output block's activation belongs to the loss.
    if (l < blocks.length - 1) {
      for (const op of block.ops) {
        trail.push(state);
        state = forwardOp(op, state, batch);
      }
    }
    forward.push({ ...input, pre, trail });
    input = toMoments(state);
  }

  // Backward: loss-gradient moments at each block's pre-activations, and batch-norm layers' own norms.
  const last = blocks.length - 1;
  const outputOp = blocks[last].ops[0];
  // Keras `from_logits=True` on a linear output: the loss applies the softmax (sigmoid) itself.
  const logits =
    model.training.loss?.fromLogits === true &&
    !blocks[last].softmax &&
    (outputActivation === null || outputActivation === 'linear');
  const softmaxOutput = blocks[last].softmax || (logits && loss === 'categorical');
  const output = outputDeltaMoments(
    loss,
    softmaxOutput
      ? 'softmax'
      : logits && loss === 'binary'
        ? activationByName('sigmoid')!
        : outputOp?.kind === 'activation'
          ? outputOp.activation
          : activationByName('linear')!,
    { ...forward[last].pre, units: blocks[last].units },
  );
  const outputState = {
    activation: softmaxOutput ? 'softmax' : (outputActivation ?? 'linear'),
    preActivationVariance: forward[last].pre.variance,
  };
  if ('error' in output) return { ...allUnknown(model, output.error), output: outputState };
  const deltas: Delta[] = Array.from({ length: blocks.length }, () => ({
    d: 0,
    e: 0,
    w: 0,
    partners: 0,
  }));
  deltas[last] = { d: output.self, e: output.cross, w: 0, partners: 0 };
  const ownNorms = new Map<number, number>();
  for (let l = last - 1; l >= 0; l--) {
    const next = blocks[l + 1];
    const back = next.kernelVariance * next.backwardFan;
    // A conv kernel keeps positions apart, so pooled positions stay partners; a dense layer mixes them.
    const spatial = next.positions > 1;
    let delta: Delta = {
      d: back * deltas[l + 1].d,
      e: back * deltas[l + 1].e,
      w: spatial ? back * deltas[l + 1].w : 0,
      partners: spatial ? deltas[l + 1].partners : 0,
    };
    for (let i = blocks[l].ops.length - 1; i >= 0; i--) {
      const op = blocks[l].ops[i];
      const step = backwardOp(op, forward[l].trail[i], delta, batch);
      delta = step.delta;
      if (op.kind === 'batchNorm' && step.ownSquaredNorm !== undefined)
        ownNorms.set(op.index, step.ownSquaredNorm);
    }
    deltas[l] = delta;
  }

  const squared = blocks.map((block, l) =>
    squaredNorm(block, forward[l].m, forward[l].k, deltas[l], batch),
  );
  const reference = squared[last];
  if (!(reference > 0) || !Number.isFinite(reference)) {
    const reason =
      outputState.activation === 'sigmoid' && outputState.preActivationVariance > 100
        ? `the sigmoid output saturates (logits spread about ${Math.sqrt(outputState.preActivationVariance).toPrecision(2)}) and passes no gradient`
        : 'the output layer has no gradient at initialisation (zero weights?)';
    return { ...allUnknown(model, reason), output: outputState };
  }
  const byIndex = new Map(blocks.map((block, l) => [block.index, l]));
  const layers = model.layers.map((layer): LayerEstimate => {
    const own = ownNorms.get(layer.index);
    if (own !== undefined) {
      return {
        index: layer.index,
        relative: Math.sqrt(own / reference),
        note: 'batch normalisation in training mode',
      };
    }
    const l = byIndex.get(layer.index);
    if (l === undefined) return { index: layer.index, relative: null, note: 'no weights' };
    const block = blocks[l];
    const kernelSize = block.fanIn * block.units;
    const weightNorm = Math.sqrt(
      kernelSize * block.kernelVariance +
        (block.useBias ? block.units * (block.biasVariance + block.biasMean ** 2) : 0),
    );
    const activation = block.ops.find((op) => op.kind === 'activation' || op.kind === 'maxPool');
    return {
      index: layer.index,
      relative: Math.sqrt(squared[l] / reference),
      gradNorm: (Math.sqrt(squared[l]) / batch) * lossFactor(loss, blocks[last].units),
      weightNorm,
      weightScale: Math.sqrt(block.kernelVariance),
      ...(block.note ? { note: block.note } : {}),
      details: {
        preActivationVariance: forward[l].pre.variance,
        gradientSecondMoment: deltas[l].d,
        activation: block.softmax
          ? 'softmax'
          : activation?.kind === 'activation'
            ? activation.activation.name
            : 'linear',
        initializer: block.initializerLabel,
      },
    };
  });
  return {
    layers,
    output: outputState,
    method: `mean-field estimate at initialisation (Gauss-Hermite quadrature), N(0,1) inputs, batch ${batch}, ${output.assumed}${lossNote}`,
  };
}

/**
 * The factors outputDeltaMoments drops: tfjs's losses average over the output units (the squared error also
 * carries its 2); categorical cross-entropy sums over classes.
 */
function lossFactor(loss: LossKind, units: number): number {
  const n = Math.max(1, units);
  if (loss === 'categorical') return 1;
  return loss === 'mse' ? 2 / n : 1 / n;
}

/** Squared gradient norm of the batch-mean loss, times B^2 (a factor shared by every layer). */
function squaredNorm(block: Block, m: number, k: number, delta: Delta, batch: number): number {
  const { d, e, w, partners } = delta;
  // Loss gradients at different positions of a conv layer go through different weights, so they
  // are uncorrelated; only the same position in two examples shares paths (and the cross term),
  // and positions an average pool joined share their window's gradient (w, with `partners` each).
  const samples = batch * block.positions;
  const pairs = block.positions * batch * (batch - 1);
  const joined = samples * partners;
  const kernel = block.fanIn * block.units * (samples * m * d + pairs * k * e + joined * k * w);
  const bias = block.useBias ? block.units * (samples * d + pairs * e + joined * w) : 0;
  // Cross terms can be negative after batch normalisation; a norm cannot.
  return Math.max(kernel, 0) + Math.max(bias, 0);
}

function allUnknown(model: ModelGraph, reason: string): GradientEstimate {
  return {
    layers: model.layers.map((layer) => ({
      index: layer.index,
      relative: null,
      note: `not estimated: ${reason}`,
    })),
    method: `not estimated: ${reason}`,
  };
}
