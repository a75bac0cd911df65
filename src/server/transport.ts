/**
 * Starts the server on the transport named on the command line. Over stdio the input passes
 * through the frame guard (malformed messages get an error response, broken framing a clean
 * exit) and console output goes to stderr, never into the protocol stream.
 */
import { format } from 'node:util';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { guardFrames } from './framing';
import { startServer } from './server';

export function runServer(argv: readonly string[]): void {
  // Every handler is guarded; anything that still escapes (a library callback) is reported once
  // and the server goes on serving rather than taking the editor's diagnostics down.
  const seen = new Set<string>();
  const report = (error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (seen.has(text)) return;
    seen.add(text);
    process.stderr.write(`gradient-lens lsp: internal error: ${text}\n`);
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
  if (!argv.includes('--stdio')) {
    // --node-ipc, --socket=PORT, --pipe=NAME: read from process.argv by the library.
    startServer(createConnection(ProposedFeatures.all));
    return;
  }
  const toStderr = (...args: unknown[]): void => void process.stderr.write(`${format(...args)}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  const input = process.stdin.pipe(
    guardFrames({
      parseError: (response) => void process.stdout.write(response),
      broken: (reason) =>
        void process.stderr.write(`gradient-lens lsp: unreadable input (${reason}); exiting\n`),
    }),
  );
  startServer(createConnection(ProposedFeatures.all, input, process.stdout));
}
