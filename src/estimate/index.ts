/**
 * Static gradient-scale estimate: the expected gradient norm of each weighted layer relative to the
 * output layer's, at initialisation, for dense and conv stacks, by mean-field propagation.
 *
 * Forward, per layer, the pre-activation z of one unit has mean mu (from a constant bias), variance q
 * and covariance c between two examples of a batch. Backward, the loss gradient at z has second
 * moment d for one example and e across two examples. The squared kernel-gradient norm of a batch
 * mean is then kernelSize * (B P m d + P B (B - 1) k e) / B^2, with m, k the input activations'
 * second moments; the cross-example term matters: saturated deep nets map all inputs alike.
 */
import type { ModelGraph } from '../analysis/ir';
import { inferShapes } from '../analysis/shapes';
import { expect1, expect2 } from './gaussian';
import { canonicalLoss, outputDeltaMoments, type LossKind } from './loss';
import { planLayers, type Block } from './plan';

export interface LayerEstimate {
  index: number;
  /** Expected gradient norm of the layer (kernel and bias) over the output layer's; null when not estimated. */
  relative: number | null;
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
}

export interface EstimateOptions {
  /** The probe's batch size (cross-example correlations make the ratio depend on it). Default 32. */
  batchSize?: number;
}

export function estimateGradients(
  model: ModelGraph,
  options: EstimateOptions = {},
): GradientEstimate {
  const batch = Math.max(1, Math.floor(options.batchSize ?? 32));
  const shapes = inferShapes(model);
  const plan = planLayers(model, shapes);
  if ('error' in plan) return allUnknown(model, plan.error);
  const { blocks, inputNoise } = plan;
  if (blocks.length === 0) return allUnknown(model, 'the model has no dense or conv layer');

  const lossName = model.training.loss?.resolved ? model.training.loss.name : undefined;
  const loss: LossKind = canonicalLoss(lossName) ?? 'mse';
  const lossNote = canonicalLoss(lossName)
    ? ''
    : `; loss ${lossName ? `'${lossName}' not covered` : 'not set'}, assumed mean squared error`;

  // Forward: pre-activation moments per block, and the input activations' moments (m: own, k: cross).
  const forward: { mean: number; variance: number; covariance: number; m: number; k: number }[] =
    [];
  let m = 1 / inputNoise.keep + inputNoise.additive; // N(0,1) inputs
  let k = 0; // independent examples
  for (const block of blocks) {
    const gain = block.kernelVariance * block.fanIn;
    const variance = gain * m + block.biasVariance;
    const covariance = gain * k + block.biasVariance;
    const mean = block.biasMean;
    forward.push({ mean, variance, covariance, m, k });
    if (block.activation !== 'softmax') {
      const f = block.activation.f;
      m = expect1((z) => f(z) ** 2, mean, variance) / block.noise.keep + block.noise.additive;
      k = expect2(f, f, mean, variance, covariance);
    }
  }

  // Backward: loss-gradient moments at each block's pre-activations.
  const last = blocks.length - 1;
  const output = outputDeltaMoments(loss, blocks[last].activation, {
    ...forward[last],
    units: blocks[last].units,
  });
  if ('error' in output) return allUnknown(model, output.error);
  const d: number[] = Array<number>(blocks.length).fill(0);
  const e: number[] = Array<number>(blocks.length).fill(0);
  d[last] = output.self;
  e[last] = output.cross;
  for (let l = last - 1; l >= 0; l--) {
    const activation = blocks[l].activation;
    if (activation === 'softmax')
      return allUnknown(model, 'softmax is covered on the output layer only');
    const { mean, variance, covariance } = forward[l];
    const next = blocks[l + 1];
    const back = next.kernelVariance * next.backwardFan;
    const keep = blocks[l].noise.keep;
    d[l] = (expect1((z) => activation.df(z) ** 2, mean, variance) * back * d[l + 1]) / keep;
    e[l] = expect2(activation.df, activation.df, mean, variance, covariance) * back * e[l + 1];
  }

  const squared = blocks.map((block, l) =>
    squaredNorm(block, forward[l].m, forward[l].k, d[l], e[l], batch),
  );
  const reference = squared[last];
  if (!(reference > 0) || !Number.isFinite(reference)) {
    return allUnknown(model, 'the output layer has no gradient at initialisation (zero weights?)');
  }
  const byIndex = new Map(blocks.map((block, l) => [block.index, l]));
  const layers = model.layers.map((layer): LayerEstimate => {
    const l = byIndex.get(layer.index);
    if (l === undefined) return { index: layer.index, relative: null, note: 'no weights' };
    const block = blocks[l];
    return {
      index: layer.index,
      relative: Math.sqrt(squared[l] / reference),
      ...(block.note ? { note: block.note } : {}),
      details: {
        preActivationVariance: forward[l].variance,
        gradientSecondMoment: d[l],
        activation: block.activation === 'softmax' ? 'softmax' : block.activation.name,
        initializer: block.initializerLabel,
      },
    };
  });
  return {
    layers,
    method: `mean-field estimate at initialisation (Gauss-Hermite quadrature), N(0,1) inputs, batch ${batch}, ${output.assumed}${lossNote}`,
  };
}

/** Squared gradient norm of the batch-mean loss, times B^2 (a factor shared by every layer). */
function squaredNorm(
  block: Block,
  m: number,
  k: number,
  d: number,
  e: number,
  batch: number,
): number {
  // Loss gradients at different positions of a conv layer go through different weights, so they
  // are uncorrelated; only the same position in two examples shares paths (and the cross term).
  const samples = batch * block.positions;
  const pairs = block.positions * batch * (batch - 1);
  const kernel = block.fanIn * block.units * (samples * m * d + pairs * k * e);
  const bias = block.useBias ? block.units * (samples * d + pairs * e) : 0;
  return kernel + bias;
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
