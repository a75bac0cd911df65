/**
 * The extractor's entry point: source text in, ModelGraph IR out, whatever the language. Never throws:
 * parse failures and internal errors become `problems`.
 *
 * This folder holds what every front end shares: the IR (ir.ts), the layer catalog with its
 * defaults (catalog.ts), shapes (shapes.ts and shape-*.ts) and IR-to-plain values (plain.ts).
 * Each language's front end lives below it: js/ for JavaScript and TypeScript (tfjs), python/ for
 * Python (Keras). `analyze` picks the front end by the file's extension.
 */
import type { AnalysisResult } from './ir';
import { analyze as analyzeJs, mentionsTfjs, type AnalyzeOptions } from './js/index';
import { analyzePython, mentionsKeras, type PythonModuleHost } from './python/index';

export type * from './ir';
export { analyzeAst, MAX_SOURCE_LENGTH, mentionsTfjs } from './js/index';
export type { AnalyzeOptions, LoadedModule, ModuleHost } from './js/index';
export { LAYER_CATALOG, layerInfo, OPTIMIZER_DEFAULT_LR, LOSS_NAMES } from './catalog';
export type { LayerInfo, LayerKind } from './catalog';
export { analyzePython, mentionsKeras } from './python/index';
export type { PythonModuleHost } from './python/index';

/** Python sources: `.py` and `.pyi`-free scripts; everything else goes to the JavaScript front end. */
export function isPythonFile(filePath: string): boolean {
  return /\.py$/i.test(filePath);
}

export function analyze(
  source: string,
  filePath: string,
  options: AnalyzeOptions & { python?: PythonModuleHost } = {},
): AnalysisResult {
  if (isPythonFile(filePath)) return analyzePython(source, filePath, options.python);
  return analyzeJs(source, filePath, options);
}

/** The cheap pre-check of the file's front end: can this text build a model at all? */
export function mentionsModelFramework(source: string, filePath: string): boolean {
  return isPythonFile(filePath) ? mentionsKeras(source) : mentionsTfjs(source);
}
