/**
 * The probe's defaults and limits, in one place for the CLI flags, the editor settings and the
 * engine's request check (package.json's `contributes.configuration` repeats the defaults as JSON).
 */
export const PROBE_DEFAULTS = {
  batchSize: 32,
  steps: 1,
  seed: 1,
  timeoutSeconds: 60,
  maxHeapMb: 2048,
  maxParams: 50_000_000,
} as const;

export const THRESHOLD_DEFAULTS = {
  vanishingRatio: 1e-3,
  explodingRatio: 70,
  /** Above it, one plain gradient step would change a layer's weights by more than their own norm. */
  maxUpdateRatio: 1,
} as const;

/** What the engine accepts: larger batches or step counts are refused as bad input. */
export const PROBE_LIMITS = { maxBatch: 4096, maxSteps: 1000 } as const;
