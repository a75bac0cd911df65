/**
 * The one seam where fixes learn which language they write: JavaScript/TypeScript for tfjs, Python for
 * Keras. Rules hand the helpers their context (source and analysis); the helpers write `key: value` into an
 * object literal or `key=value` into an argument list, `true` or `True`, accordingly.
 */
import type { AnalysisResult } from '../../analysis/ir';
import { dialectOf, type Dialect } from './dialect';

export interface SourceFile {
  source: string;
  analysis: Pick<AnalysisResult, 'language' | 'access'>;
}

export function isPython(file: SourceFile): boolean {
  return file.analysis.language === 'python';
}

/** The vocabulary fixes write names in: Keras's for Python files, tfjs's otherwise. */
export function fileDialect(file: SourceFile): Dialect {
  return dialectOf({ framework: isPython(file) ? 'keras' : 'tfjs' });
}
