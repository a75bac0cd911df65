/**
 * `gradient-lens monitor --format json`: the verdict, the run and every layer's series. Non-finite
 * numbers are written as the strings "NaN" / "Infinity", as in the log itself.
 */
import type { MonitorHistory } from '../../monitor/history';
import { encodeNum } from '../../monitor/records';
import type { MonitorVerdict } from '../../monitor/verdict';

export function formatMonitorJson(
  history: MonitorHistory,
  verdict: MonitorVerdict,
  file: string,
  read: { partialTail: boolean; skipped: { line: number; reason: string }[] },
): string {
  const output = {
    file,
    verdict: verdict.verdict,
    reason: verdict.reason,
    firstBadStep: verdict.firstBadStep,
    evidence: verdict.evidence,
    thresholds: verdict.thresholds,
    run: history.start && { ...history.start, type: undefined },
    ended: history.ended,
    earlierRuns: history.earlierRuns,
    partialLastLine: read.partialTail,
    skippedLines: read.skipped,
    steps: history.steps,
    epochs: history.epochs,
    batches: history.batches,
    triggers: history.triggers,
    loss: history.loss,
    layers: history.layers,
    epochLogs: history.epochLogs,
  };
  return `${JSON.stringify(output, (_key, value: unknown) => (typeof value === 'number' ? encodeNum(value) : value), 2)}\n`;
}
