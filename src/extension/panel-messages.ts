/**
 * The typed messages between the probe panel's webview and the extension. Messages from the
 * webview are untrusted input (the page renders strings from user code): every one is validated.
 */

export type FromWebview =
  | { command: 'reprobe'; batchSize: number; steps: number }
  | { command: 'applyFix'; finding: string; fix: number }
  | { command: 'compareFix'; finding: string; fix: number }
  | { command: 'reveal'; line: number };

export type ToWebview = { command: 'busy'; busy: boolean; message?: string };

export function parseWebviewMessage(raw: unknown): FromWebview | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  switch (m.command) {
    case 'reprobe':
      return isInt(m.batchSize, 1, 4096) && isInt(m.steps, 1, 100)
        ? { command: 'reprobe', batchSize: m.batchSize, steps: m.steps }
        : null;
    case 'applyFix':
    case 'compareFix':
      return typeof m.finding === 'string' && m.finding.length < 200 && isInt(m.fix, 0, 100)
        ? { command: m.command, finding: m.finding, fix: m.fix }
        : null;
    case 'reveal':
      return isInt(m.line, 1, 10_000_000) ? { command: 'reveal', line: m.line } : null;
    default:
      return null;
  }
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
