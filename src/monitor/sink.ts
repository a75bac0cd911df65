/**
 * Where records go: a JSON Lines file in Node (appended line by line, so a reader sees each record as
 * soon as it is written and a crash loses at most the line being written), and always an in-memory
 * list for `records()` and the browser's download.
 */
import { encodeNum, type MonitorRecord } from './records';

export interface Sink {
  write(record: MonitorRecord): void;
  records(): MonitorRecord[];
  text(): string;
}

interface NodeFs {
  appendFileSync(path: string, data: string): void;
  writeFileSync(path: string, data: string): void;
  mkdirSync(path: string, options: { recursive: true }): void;
}

export function createSink(options: {
  logFile?: string;
  append: boolean;
  maxRecords: number;
}): Sink {
  const kept: MonitorRecord[] = [];
  const file = options.logFile ? openLog(options.logFile, options.append) : null;
  return {
    write(record) {
      kept.push(record);
      // The start record is kept for good: the list stays readable as a log after trimming.
      if (kept.length > options.maxRecords) kept.splice(1, kept.length - options.maxRecords);
      file?.(toLine(record));
    },
    records: () => kept.slice(),
    text: () => kept.map(toLine).join(''),
  };
}

export function toLine(record: MonitorRecord): string {
  return `${JSON.stringify(record, (_key, value: unknown) =>
    typeof value === 'number' ? encodeNum(value) : value,
  )}\n`;
}

function openLog(path: string, append: boolean): (line: string) => void {
  const fs = nodeFs();
  if (!fs)
    throw new Error(
      'gradient-lens monitor: "logFile" needs Node.js; in a browser use records() or download().',
    );
  const dir = path.replace(/[\\/][^\\/]*$/, '');
  if (dir && dir !== path) fs.mkdirSync(dir, { recursive: true });
  if (!append) fs.writeFileSync(path, '');
  return (line) => fs.appendFileSync(path, line);
}

/**
 * Node's fs through the module's own require, so browser bundlers see no static import of it.
 */
function nodeFs(): NodeFs | null {
  const mod = typeof module === 'object' ? (module as { require?: (id: string) => unknown }) : null;
  if (!mod || typeof mod.require !== 'function') return null;
  try {
    return mod.require('fs') as NodeFs;
  } catch {
    return null;
  }
}

/** The few DOM members a download needs (the package's types do not assume a DOM). */
interface PageDocument {
  createElement(tag: 'a'): { href: string; download: string; click(): void; remove(): void };
  body: { appendChild(node: unknown): unknown };
}

/** Saves the records as a .jsonl file from a browser page (an object URL on a temporary link). */
export function downloadText(text: string, fileName: string): boolean {
  const doc = (globalThis as { document?: PageDocument }).document;
  if (!doc || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function')
    return false;
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = fileName;
  doc.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return true;
}
