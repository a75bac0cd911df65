/**
 * The monitor's log format: one JSON object per line (JSON Lines), written by the monitor inside the
 * training process and read by the CLI and the editor. JSON has no NaN or Infinity, so non-finite
 * numbers travel as the strings "NaN", "Infinity" and "-Infinity" and are decoded back on reading.
 * Plain data only: this file is part of the monitor bundle and of the readers.
 */

export const LOG_FORMAT = 'gradient-lens-monitor';
export const LOG_VERSION = 1;

/** A number as written: finite numbers stay numbers, non-finite ones become strings. */
export type Num = number | 'NaN' | 'Infinity' | '-Infinity';

export interface WeightInfo {
  /** The variable's name, e.g. "dense_Dense1/kernel". */
  name: string;
  shape: number[];
}

export interface LayerInfo {
  /** Position in `model.layers` (the editor maps a log to source by this order). */
  index: number;
  /** tfjs layer name: the `name` given in the code, else an auto name like "dense_Dense1". */
  name: string;
  /** tfjs class name, e.g. "Dense", "Conv2D", "LSTM". */
  className: string;
  weights: WeightInfo[];
}

export interface StartRecord {
  type: 'start';
  format: typeof LOG_FORMAT;
  version: number;
  /** Wall-clock time the run started (ISO 8601). */
  time: string;
  model: { name: string; layers: LayerInfo[] };
  optimizer: string | null;
  learningRate: number | null;
  backend: string | null;
  tfjsVersion: string | null;
  sampleEvery: number;
  /** Whether every batch is checked for non-finite gradients (not only sampled ones). */
  watchNonFinite: boolean;
}

export interface WeightStats {
  name: string;
  /** L2 norm of this weight's gradient on this batch. */
  grad: Num;
  /** L2 norm of the weight after this step. */
  weight: Num;
  /** L2 norm of the change of the weight since the previous record (or since the monitor attached). */
  update: Num | null;
  /** L2 norm of the change this one optimizer step made (null in records taken for a non-finite loss). */
  stepUpdate: Num | null;
  /** Non-finite entries in the gradient. */
  nonFinite: number;
  /** Non-finite entries in the weight after the step. */
  weightNonFinite: number;
}

export interface LayerStats {
  index: number;
  name: string;
  className: string;
  /** The layer's norms: the root of the sum of its weights' squared norms. */
  grad: Num;
  weight: Num;
  update: Num | null;
  stepUpdate: Num | null;
  nonFinite: number;
  weightNonFinite: number;
  weights: WeightStats[];
}

export interface StepRecord {
  type: 'step';
  /** Optimizer steps since the monitor attached, from 0 (equals tfjs's batch index in the first epoch). */
  step: number;
  epoch: number | null;
  batch: number | null;
  loss: Num | null;
  /** Milliseconds since the start record. */
  ms: number;
  /** Steps since the previous record: what `update` spans. */
  span: number;
  /** "sample": the regular sampling; "non-finite": taken because this batch's gradient was not finite. */
  trigger: 'sample' | 'non-finite';
  layers: LayerStats[];
}

export interface EpochRecord {
  type: 'epoch';
  epoch: number;
  /** The epoch's logs from tfjs (loss, val_loss, acc, ...). */
  logs: Record<string, Num>;
  ms: number;
}

export interface EndRecord {
  type: 'end';
  steps: number;
  ms: number;
}

export type MonitorRecord = StartRecord | StepRecord | EpochRecord | EndRecord;

export function encodeNum(value: number): Num {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNum(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return null;
}

export interface ParsedLog {
  records: MonitorRecord[];
  /** Lines that were not monitor records (unparsable or of another shape), with their line numbers. */
  skipped: { line: number; reason: string }[];
  /** The text after the last newline when it did not parse: a record still being written. */
  partialTail: boolean;
  /** Characters consumed up to and including the last complete line (where a follow-up read resumes). */
  consumed: number;
}

/**
 * Parses a log that may still be growing: a last line without its newline is ignored when it does not
 * parse (the writer is midway through it), and any line that is not a monitor record is skipped with
 * its reason, never thrown.
 */
export function parseLog(text: string, firstLine = 1): ParsedLog {
  const records: MonitorRecord[] = [];
  const skipped: ParsedLog['skipped'] = [];
  const lastNewline = text.lastIndexOf('\n');
  const complete = lastNewline >= 0 ? text.slice(0, lastNewline) : '';
  const tail = text.slice(lastNewline + 1);
  const lines = lastNewline >= 0 ? complete.split('\n') : [];
  let partialTail = false;
  let consumed = lastNewline + 1;
  lines.forEach((line, i) => addLine(line, firstLine + i));
  if (tail.trim() !== '') {
    const record = readRecord(tail);
    if (record.ok) {
      records.push(record.record);
      consumed = text.length;
    } else partialTail = true;
  }
  return { records, skipped, partialTail, consumed };

  function addLine(line: string, lineNumber: number): void {
    if (line.trim() === '') return;
    const record = readRecord(line);
    if (record.ok) records.push(record.record);
    else skipped.push({ line: lineNumber, reason: record.reason });
  }
}

type ReadResult = { ok: true; record: MonitorRecord } | { ok: false; reason: string };

function readRecord(line: string): ReadResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'not an object' };
  const type = (value as { type?: unknown }).type;
  switch (type) {
    case 'start':
      return (value as StartRecord).format === LOG_FORMAT &&
        Array.isArray((value as StartRecord).model?.layers)
        ? { ok: true, record: value as StartRecord }
        : { ok: false, reason: 'start record of another format' };
    case 'step':
      return typeof (value as StepRecord).step === 'number' &&
        Array.isArray((value as StepRecord).layers)
        ? { ok: true, record: value as StepRecord }
        : { ok: false, reason: 'step record without step or layers' };
    case 'epoch':
      return typeof (value as EpochRecord).epoch === 'number'
        ? {
            ok: true,
            record: { ...(value as EpochRecord), logs: objectOr((value as EpochRecord).logs) },
          }
        : { ok: false, reason: 'epoch record without epoch' };
    case 'end':
      return { ok: true, record: value as EndRecord };
    default:
      return { ok: false, reason: `not a monitor record (type ${JSON.stringify(type)})` };
  }
}

function objectOr(value: unknown): Record<string, Num> {
  return typeof value === 'object' && value !== null ? (value as Record<string, Num>) : {};
}

/** True when the text looks like a monitor log (its first record is a monitor start record). */
export function isMonitorLog(text: string): boolean {
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : undefined);
  return firstLine.includes(`"format":"${LOG_FORMAT}"`);
}
