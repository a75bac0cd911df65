/**
 * The typed messages between the probe panel's webview and the extension. Messages from the
 * webview are untrusted input (the page renders strings from user code): every one is validated.
 */

export type FromWebview =
  | { command: 'reprobe'; batchSize: number; steps: number }
  /** The assumptions form: every field by its NAME; an empty value means "assume it again". */
  | { command: 'setValues'; values: Record<string, string>; batchSize: number; steps: number }
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
    case 'setValues': {
      const values = parseValues(m.values);
      return values && isInt(m.batchSize, 1, 4096) && isInt(m.steps, 1, 100)
        ? { command: 'setValues', values, batchSize: m.batchSize, steps: m.steps }
        : null;
    }
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

/** At most 200 fields, names and values of bounded length, strings only; anything else rejects the message. */
function parseValues(raw: unknown): Record<string, string> | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > 200) return null;
  const values: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (name.length === 0 || name.length > 500 || typeof value !== 'string' || value.length > 2000)
      return null;
    // Own data properties only: a `__proto__` field stays a plain key.
    Object.defineProperty(values, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return values;
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Stored values updated by the form: a filled field sets its NAME, an empty one removes it. */
export function mergeValues(
  stored: Record<string, string>,
  form: Record<string, string> | undefined,
): Record<string, string> {
  const merged = new Map(Object.entries(stored));
  for (const [name, value] of Object.entries(form ?? {})) {
    if (value.trim() === '') merged.delete(name);
    else merged.set(name, value.trim());
  }
  return Object.fromEntries(merged);
}
