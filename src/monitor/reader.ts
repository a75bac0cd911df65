/**
 * Reads a monitor log that may still be growing, in Node (the CLI and the editor host): each poll
 * reads only the bytes added since the last one and splits at the last complete line, so a record
 * half-written by the training process is read on the next poll, never half-parsed. A file that got
 * shorter was started afresh by a new run: reading begins again from its start.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseLog, type MonitorRecord } from './records';

export interface PollResult {
  /** Records completed since the previous poll. */
  added: MonitorRecord[];
  /** The file was truncated or replaced: everything read before is void. */
  restarted: boolean;
  /** Bytes after the last newline that do not parse yet. */
  partialTail: boolean;
  skipped: { line: number; reason: string }[];
}

/** Larger logs are read from their last this-many bytes (the newest run is at the end). */
export const MAX_LOG_BYTES = 64 * 1024 * 1024;

export class LogReader {
  private offset = 0;
  private line = 1;
  readonly all: MonitorRecord[] = [];

  constructor(readonly path: string) {}

  poll(): PollResult {
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      let restarted = false;
      if (size < this.offset) {
        this.offset = 0;
        this.line = 1;
        this.all.length = 0;
        restarted = true;
      }
      if (this.offset === 0 && size > MAX_LOG_BYTES) this.offset = size - MAX_LOG_BYTES;
      const length = size - this.offset;
      if (length <= 0) return { added: [], restarted, partialTail: false, skipped: [] };
      const buffer = Buffer.alloc(length);
      const read = readSync(fd, buffer, 0, length, this.offset);
      const chunk = buffer.subarray(0, read);
      const lastNewline = chunk.lastIndexOf(0x0a);
      const complete = lastNewline >= 0 ? chunk.subarray(0, lastNewline + 1).toString('utf8') : '';
      const tail = chunk.subarray(lastNewline + 1).toString('utf8');
      const parsed = parseLog(complete, this.line);
      this.offset += lastNewline + 1;
      this.line += complete.split('\n').length - 1;
      this.all.push(...parsed.records);
      return {
        added: parsed.records,
        restarted,
        partialTail: tail.trim() !== '',
        skipped: parsed.skipped,
      };
    } finally {
      closeSync(fd);
    }
  }
}
