/**
 * The extractor's entry point: source text in, ModelGraph IR out, whatever the language. Never throws:
 * parse failures and internal errors become `problems`.
 *
 * This folder holds what every front end shares: the IR (ir.ts), the layer catalog with its
 * defaults (catalog.ts), shapes (shapes.ts and shape-*.ts) and IR-to-plain values (plain.ts).
 * Each language's front end lives below it: js/ for JavaScript and TypeScript (tfjs).
 */
export type * from './ir';
export { analyze, analyzeAst, MAX_SOURCE_LENGTH, mentionsTfjs } from './js/index';
export type { AnalyzeOptions, LoadedModule, ModuleHost } from './js/index';
export { LAYER_CATALOG, layerInfo, OPTIMIZER_DEFAULT_LR, LOSS_NAMES } from './catalog';
export type { LayerInfo, LayerKind } from './catalog';
