/**
 * A guard in front of the JSON-RPC reader. The protocol library silently drops a frame whose body
 * is not JSON and, after a header without Content-Length, loses the frame boundaries for good
 * while the process stays up. This guard answers a bad body with a JSON-RPC Parse error
 * (-32700 or -32600 with id null, as JSON-RPC says) and passes every good frame on unchanged; when the framing itself
 * is broken it reports why and ends the input, so the server exits instead of hanging.
 */
import { Transform, type TransformCallback } from 'node:stream';

const HEADER_END = Buffer.from('\r\n\r\n', 'ascii');
const MAX_HEADER_BYTES = 8 * 1024;
const MAX_BODY_BYTES = 512 * 1024 * 1024;

export interface FramingEvents {
  /** A frame whose body is not a JSON object: the answer to send back. */
  parseError(response: string): void;
  /** The stream cannot be read as frames any more. */
  broken(reason: string): void;
}

export function guardFrames(events: FramingEvents): Transform {
  let buffer = Buffer.alloc(0);
  let broken = false;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      if (broken) return done();
      const fail = (reason: string): void => {
        broken = true;
        events.broken(reason);
        // End of input, which exits the server; a second later, so the messages read before the
        // break (their handlers are queued) are still answered.
        setTimeout(() => this.push(null), 1000);
        done();
      };
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const headerEnd = buffer.indexOf(HEADER_END);
        if (headerEnd < 0) {
          if (buffer.length > MAX_HEADER_BYTES) return fail('a header longer than 8 KiB');
          return done();
        }
        const length = contentLength(buffer.subarray(0, headerEnd).toString('ascii'));
        if (typeof length === 'string') return fail(length);
        const start = headerEnd + HEADER_END.length;
        if (buffer.length < start + length) return done();
        const frame = buffer.subarray(0, start + length);
        const body = buffer.subarray(start, start + length).toString('utf8');
        buffer = buffer.subarray(start + length);
        const problem = jsonProblem(body);
        if (problem === null) this.push(frame);
        else events.parseError(errorResponse(problem));
      }
    },
  });
}

/** The Content-Length in bytes, or why the header cannot be read. */
function contentLength(header: string): number | string {
  let length: number | null = null;
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0)
      return `a header line without "name: value": ${JSON.stringify(line.slice(0, 80))}`;
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    if (!/^\d+$/.test(value))
      return `Content-Length is not a number: ${JSON.stringify(value.slice(0, 40))}`;
    length = Number(value);
  }
  if (length === null) return 'a header without Content-Length';
  if (length > MAX_BODY_BYTES) return `Content-Length ${length} is larger than 512 MiB`;
  return length;
}

interface Problem {
  code: number;
  message: string;
}

function jsonProblem(body: string): Problem | null {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return {
      code: -32700,
      message: `Parse error: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { code: -32600, message: 'Invalid Request: a message must be a JSON object' };
  return null;
}

function errorResponse(error: Problem): string {
  const body = JSON.stringify({ jsonrpc: '2.0', id: null, error });
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
}
