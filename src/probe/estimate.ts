/**
 * The static-estimate column of the report. The estimate itself lives in src/estimate; until that module
 * exports `estimateGradients`, every layer says the estimate is unavailable rather than showing a made-up number.
 */
import type { ModelGraph } from '../analysis/ir';

export interface EstimateCell {
  estimate: number | null;
  estimateNote?: string;
}

export function estimateColumn(ir: ModelGraph | null): (layerIndex: number) => EstimateCell {
  if (!ir)
    return () => ({
      estimate: null,
      estimateNote: 'No static estimate for a model loaded from model.json.',
    });
  return () => ({
    estimate: null,
    estimateNote: 'The static estimate is not available in this build.',
  });
}
