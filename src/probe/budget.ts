/**
 * A large model within the probe's time and memory: before measuring, the work and the activation memory of one
 * example are estimated from the built model; when the requested batch would not fit the probe's memory cap or
 * its timeout, and the caller did not choose the batch, a smaller batch is measured and the report says so.
 * When even the smallest batch cannot fit the memory cap, the probe refuses with the sizes and the flag that
 * would make it run, instead of being stopped halfway.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { OPEN_DIMENSION } from './data';
import { ProbeError, type ProbeBudget, type ProbeRequest } from './types';

/**
 * Floating-point operations per second assumed for the measurement: tfjs's wasm backend on one core of a modest
 * machine does about 1e9; half of it leaves room for a busy machine.
 */
const FLOPS_PER_SECOND = 5e8;
/** Share of the timeout the forward/backward passes may take (loading tfjs and building come first). */
const TIME_SHARE = 0.4;
/** Share of the memory cap the activations may take (tfjs, the weights and the optimizer take the rest). */
const MEMORY_SHARE = 0.5;
/**
 * Copies of each activation alive during a training step: the output kept for the backward pass, its gradient,
 * and a kernel's temporaries (batch-norm's normalised input, an activation's mask).
 */
const ACTIVATION_COPIES = 4;
/** Bytes per parameter: the weight, its gradient and two optimizer slots (Adam's moments), float32. */
const BYTES_PER_PARAM = 16;

export interface ModelCost {
  /** Floating-point operations of one forward and backward pass of one example. */
  flopsPerExample: number;
  /** Bytes of activations one example keeps alive during a training step. */
  bytesPerExample: number;
  /** Bytes the weights, their gradients and the optimizer's slots take, whatever the batch. */
  fixedBytes: number;
}

/**
 * Work as 6 flops per parameter per position it is applied at (time steps, pixels), activations as every layer's
 * output size; open dimensions count as the synthetic batch fills them.
 */
export function modelCost(model: LayersModel): ModelCost {
  let flops = 0;
  let elements = 0;
  for (const layer of model.layers) {
    let positions = 1;
    try {
      const input = layer.input;
      const shape = (Array.isArray(input) ? input[0]! : input).shape;
      for (const dim of shape.slice(1, -1)) positions *= size(dim);
    } catch {
      // A layer applied more than once has no single input shape; count it once per example.
    }
    flops += 6 * layer.countParams() * positions;
    try {
      const out = layer.outputShape;
      const shapes = (Array.isArray(out[0]) ? out : [out]) as (number | null)[][];
      for (const shape of shapes)
        elements += shape.slice(1).reduce<number>((a, d) => a * size(d), 1);
    } catch {
      // No single output shape (a shared layer): its applications are counted by the layers around it.
    }
  }
  return {
    flopsPerExample: flops,
    bytesPerExample: elements * 4 * ACTIVATION_COPIES,
    fixedBytes: model.countParams() * BYTES_PER_PARAM,
  };
}

function size(dim: number | null | undefined): number {
  return typeof dim === 'number' && dim > 0 ? dim : OPEN_DIMENSION;
}

export interface FittedBatch {
  batchSize: number;
  /** The sentence for the report's assumptions when the batch was reduced. */
  note: string | null;
}

/**
 * The batch to measure: the requested one when it fits (or the caller chose it), else the largest that fits the
 * budget, never below the smallest batch the model can be measured on (two examples with batch normalization,
 * whose statistics over one example of a vector are zero).
 */
export function fitBatch(
  model: LayersModel,
  request: ProbeRequest,
  budget: ProbeBudget | undefined,
): FittedBatch {
  const requested = request.batchSize;
  if (!budget) return { batchSize: requested, note: null };
  const cost = modelCost(model);
  const memoryBytes = budget.maxHeapMb * 2 ** 20 * MEMORY_SHARE - cost.fixedBytes;
  const flopBudget = (budget.timeoutMs / 1000) * TIME_SHARE * FLOPS_PER_SECOND;
  const byMemory = Math.floor(memoryBytes / Math.max(cost.bytesPerExample, 1));
  const byTime = Math.floor(flopBudget / Math.max(cost.flopsPerExample * request.steps, 1));
  const smallest = Math.min(requested, hasBatchNorm(model) ? 2 : 1);
  const mb = (bytes: number): string => `${Math.ceil(bytes / 2 ** 20).toLocaleString('en-US')} MB`;
  const neededMb = Math.ceil(
    (cost.fixedBytes + smallest * cost.bytesPerExample) / MEMORY_SHARE / 2 ** 20,
  );
  if (byMemory < smallest) {
    throw new ProbeError(
      'too-large',
      `one example of this model keeps about ${mb(cost.bytesPerExample)} of activations alive in a training step (weights and optimizer ${mb(cost.fixedBytes)}); ${smallest === 1 ? 'one example does' : `a batch of ${smallest} does`} not fit the probe's memory cap of ${budget.maxHeapMb} MB: raise it with --max-heap ${neededMb}`,
    );
  }
  if (request.batchChosen) return { batchSize: requested, note: null };
  const fitted = Math.max(smallest, Math.min(requested, byMemory, byTime));
  if (fitted >= requested) return { batchSize: requested, note: null };
  const limits = [
    byMemory < requested ? `${budget.maxHeapMb} MB memory cap` : null,
    byTime < requested ? `${Number((budget.timeoutMs / 1000).toPrecision(3))} s timeout` : null,
  ].filter((s): s is string => s !== null);
  const gflops = cost.flopsPerExample / 1e9;
  return {
    batchSize: fitted,
    note:
      `A large model (about ${gflops >= 10 ? Math.round(gflops) : gflops.toPrecision(2)} GFLOP and ${mb(cost.bytesPerExample)} of activations per example): ` +
      `measured on a batch of ${fitted}, not ${requested}, to fit the probe's ${limits.join(' and ')}; ` +
      `the gradient ratios between layers barely depend on the batch size. --batch ${requested} measures the full batch (with a larger --timeout and --max-heap).`,
  };
}

function hasBatchNorm(model: LayersModel): boolean {
  return model.layers.some((layer) => /BatchNormalization/.test(layer.getClassName()));
}
