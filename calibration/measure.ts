/**
 * What the sweep measures for one case: the real probe (src/probe's engine, in this process) over several
 * optimizer steps, and for recurrent models the gradient of the loss with respect to each time step's input
 * (backpropagation through time, which the per-layer norms do not show).
 */
import type { Tensor } from '@tensorflow/tfjs';
import type { ModelGraph } from '../src/analysis/ir';
import { buildFromIr } from '../src/probe/build';
import { makeBatch } from '../src/probe/data';
import { probeModel } from '../src/probe/engine';
import { PROBE_DEFAULTS, THRESHOLD_DEFAULTS } from '../src/probe/defaults';
import type { ProbeReport } from '../src/probe/types';

type Tf = typeof import('@tensorflow/tfjs');

export const PROBE_STEPS = 5;
export const BATCH = 16;
export const SEED = 1;

export interface Measured {
  verdict: ProbeReport['verdict'];
  reason: string;
  /** First weighted layer's gradient over the output layer's. */
  firstRatio: number | null;
  maxRatio: number | null;
  maxUpdateRatio: number | null;
  lossPerStep: number[];
  /** Loss finite at every step and not above twice its first value at the last step. */
  stable: boolean;
  /** Recurrent cases: the input gradient at the first time step over the last one's. */
  temporalRatio?: number;
  /** The static estimate's absolute gradient norm of the output layer beside the measured one. */
  outputGradNorm?: { measured: number | null; estimated: number | null };
}

export async function measureCase(
  tf: Tf,
  model: ModelGraph,
  steps: number | undefined,
): Promise<Measured> {
  const report = await probeModel(
    tf,
    {
      target: { kind: 'ir', model, filePath: 'case.ts' },
      values: {},
      batchSize: BATCH,
      steps: PROBE_STEPS,
      seed: SEED,
      thresholds: { ...THRESHOLD_DEFAULTS },
      maxParams: PROBE_DEFAULTS.maxParams,
    },
    tf.getBackend(),
  );
  const weighted = report.layers.filter((l) => l.gradNorm !== null);
  const ratios = weighted.map((l) => l.ratioToOutput).filter((r): r is number => r !== null);
  const updates = weighted
    .map((l) => l.updateToWeightRatio)
    .filter((r): r is number => r !== null && Number.isFinite(r));
  const loss = report.lossPerStep;
  const stable =
    loss.every(Number.isFinite) && loss[loss.length - 1]! <= 2 * Math.max(loss[0]!, 1e-12);
  const output = weighted[weighted.length - 1];
  const measured: Measured = {
    verdict: report.verdict,
    reason: report.verdictReason,
    firstRatio: weighted[0]?.ratioToOutput ?? null,
    maxRatio: ratios.length ? Math.max(...ratios) : null,
    maxUpdateRatio: updates.length ? Math.max(...updates) : null,
    lossPerStep: loss,
    stable,
    outputGradNorm: { measured: output?.gradNorm ?? null, estimated: null },
  };
  if (steps !== undefined) measured.temporalRatio = temporalRatio(tf, model);
  return measured;
}

/** ||dLoss/dx_0|| / ||dLoss/dx_T-1|| over the batch, with the probe's own weights, batch and loss. */
function temporalRatio(tf: Tf, ir: ModelGraph): number {
  const built = buildFromIr(tf, ir, { seed: SEED, maxParams: PROBE_DEFAULTS.maxParams });
  const batch = makeBatch(tf, built.model, 'meanSquaredError', BATCH, SEED);
  try {
    return tf.tidy(() => {
      const x = batch.xs[0]!;
      const y = batch.ys[0]!;
      const grad = tf.grad((input: Tensor) =>
        tf.losses.meanSquaredError(y, built.model.apply(input, { training: true }) as Tensor),
      )(x);
      const perStep = tf.sqrt(tf.sum(tf.square(grad), [0, 2])).dataSync();
      const last = perStep[perStep.length - 1]!;
      return last > 0 ? perStep[0]! / last : perStep[0]! > 0 ? Infinity : 0;
    });
  } finally {
    tf.dispose([...batch.xs, ...batch.ys]);
    built.model.dispose();
  }
}
