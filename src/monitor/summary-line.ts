/** The one-line console summary per epoch (the `verbose` option). */
import { decodeNum, type Num } from './records';
import { fmt, type MonitorVerdict } from './verdict';

export function epochLine(
  epoch: number,
  logs: Record<string, Num>,
  verdict: MonitorVerdict,
): string {
  const values = Object.entries(logs)
    .map(([key, value]) => `${key} ${fmt(decodeNum(value))}`)
    .join(' · ');
  const problem =
    verdict.verdict === 'healthy' || verdict.verdict === 'no-data' ? '' : `: ${verdict.reason}`;
  return `gradient-lens monitor: epoch ${epoch}${values ? ` · ${values}` : ''} · gradients ${verdict.verdict}${problem}`;
}
