/**
 * `gradient-lens probe --format json`: the fields first and in its order, then the
 * report's other measurements (documented in src/probe/types.ts). Non-finite numbers become null,
 * as in any JSON; each layer's `nonFinite` count still says how many there were.
 */
import type { Confirmation } from '../../rules/util/confirm';
import type { ProbeReport } from '../../probe/types';

export function formatProbeJson(report: ProbeReport, confirmations?: Confirmation[]): string {
  return JSON.stringify(toJson(report, confirmations), null, 2) + '\n';
}

function toJson(report: ProbeReport, confirmations?: Confirmation[]): unknown {
  return {
    model: { name: report.model.name, line: report.model.line, source: report.model.source },
    backend: report.backend,
    batchSize: report.batchSize,
    steps: report.steps,
    loss: report.loss,
    layers: report.layers.map((layer) => ({
      index: layer.index,
      name: layer.name,
      className: layer.className,
      line: layer.line,
      gradNorm: layer.gradNorm,
      ratioToOutput: layer.ratioToOutput,
      weights: layer.weights.map((w) => ({
        name: w.name,
        shape: w.shape,
        gradNorm: w.gradNorm,
        weightNorm: w.weightNorm,
        nonFinite: w.nonFinite,
      })),
      saturatedFraction: layer.saturatedFraction,
      deadFraction: layer.deadFraction,
      estimate: layer.estimate,
      verdict: layer.verdict,
      activation: layer.activation,
      params: layer.params,
      updateToWeightRatio: layer.updateToWeightRatio,
      nonFinite: layer.nonFinite,
      ...(layer.estimateNote !== undefined ? { estimateNote: layer.estimateNote } : {}),
      ...(layer.gradNormPerStep !== undefined ? { gradNormPerStep: layer.gradNormPerStep } : {}),
      ...(layer.temporal !== undefined ? { temporal: layer.temporal } : {}),
    })),
    verdict: report.verdict,
    assumptions: report.assumptions,
    timings: report.timings,
    verdictReason: report.verdictReason,
    thresholds: report.thresholds,
    lossPerStep: report.lossPerStep,
    learningRate: report.learningRate,
    ...(report.update ? { update: report.update } : {}),
    assumedValues: report.assumedValues ?? [],
    ...(confirmations ? { findings: confirmations } : {}),
  };
}
