/**
 * Messages between the training-monitor webview and the extension. What the page sends is untrusted
 * (it renders names from the log and the code): each message is validated before use.
 */
import type { MonitorChartPayload } from '../report/monitor-data';

export type FromMonitorWebview = { command: 'reveal'; layer: number };

export type ToMonitorWebview = { command: 'update'; payload: MonitorChartPayload };

export function parseMonitorMessage(raw: unknown): FromMonitorWebview | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  if (
    m.command === 'reveal' &&
    typeof m.layer === 'number' &&
    Number.isInteger(m.layer) &&
    m.layer >= 0 &&
    m.layer < 100_000
  )
    return { command: 'reveal', layer: m.layer };
  return null;
}
