/**
 * When a first, quicker result is worth sending: a large model gets one step on a small batch first (the editor
 * shows it at once and replaces it when the full measurement arrives); a small one is simply measured.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { OPEN_DIMENSION } from './data';
import type { ProbeRequest } from './types';

/** Roughly 1.5 s of backward passes on wasm here: below it, the full result comes soon enough on its own. */
const PREVIEW_MIN_FLOPS = 1e9;
const PREVIEW_BATCH = 4;

/**
 * The reduced request for a first result, or null when the model is small enough to wait for. The work is
 * estimated as 6 flops per parameter per position it is applied at (time steps, pixels) per example per step.
 */
export function previewRequest(model: LayersModel, request: ProbeRequest): ProbeRequest | null {
  if (request.batchSize <= PREVIEW_BATCH && request.steps === 1) return null;
  let perExample = 0;
  for (const layer of model.layers) {
    let positions = 1;
    try {
      const input = layer.input;
      const shape = (Array.isArray(input) ? input[0]! : input).shape;
      for (const dim of shape.slice(1, -1)) positions *= dim && dim > 0 ? dim : OPEN_DIMENSION;
    } catch {
      // A layer applied more than once has no single input shape; count it once per example.
    }
    perExample += layer.countParams() * positions;
  }
  const flops = 6 * perExample * request.batchSize * request.steps;
  if (flops < PREVIEW_MIN_FLOPS) return null;
  return { ...request, batchSize: Math.min(PREVIEW_BATCH, request.batchSize), steps: 1 };
}
