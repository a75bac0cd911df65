import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** What a CLI command may touch besides the file system: injected so tests can capture it. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

/** Exit codes shared by every command (see docs/architecture.md). */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

/** A user-facing failure: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {}

/**
 * A report to stdout, or with `--out FILE` to that file (its folder made as needed) and one line
 * naming it and the verdict on stdout. A file that cannot be written is a usage error.
 */
export function writeReport(
  io: CliIO,
  output: string,
  out: string | undefined,
  verdict: string,
): void {
  if (!out) {
    io.stdout(output);
    return;
  }
  const path = resolve(io.cwd, out);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, output);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`cannot write ${out}: ${reason}`);
  }
  io.stdout(`Wrote ${out} (verdict: ${verdict})\n`);
}
