/**
 * The static-estimate column of the report, from src/estimate (mean-field gradient scale at initialisation),
 * so the measured ratio and the predicted one sit side by side. The estimate never fails a probe: if it throws,
 * the column is empty and says why.
 */
import type { ModelGraph } from '../analysis/ir';
import { estimateGradients } from '../estimate/index';
import { errorText } from './values';

export interface EstimateCell {
  estimate: number | null;
  estimateNote?: string;
}

export function estimateColumn(
  ir: ModelGraph | null,
  batchSize: number,
): (layerIndex: number) => EstimateCell {
  if (!ir) {
    return () => ({
      estimate: null,
      estimateNote: 'No static estimate for a model loaded from model.json.',
    });
  }
  try {
    const { layers } = estimateGradients(ir, { batchSize });
    const byIndex = new Map(layers.map((l) => [l.index, l]));
    return (index) => {
      const layer = byIndex.get(index);
      if (!layer)
        return { estimate: null, estimateNote: 'The static estimate does not cover this layer.' };
      const cell: EstimateCell = { estimate: layer.relative };
      if (layer.note) cell.estimateNote = layer.note;
      return cell;
    };
  } catch (err) {
    const note = `The static estimate failed: ${errorText(err)}`;
    return () => ({ estimate: null, estimateNote: note });
  }
}
