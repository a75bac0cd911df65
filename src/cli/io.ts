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
