/**
 * `gradient-lens lsp --stdio`: the language server, for Neovim, Helix, Zed and any LSP client.
 * It runs until the client sends `exit` or closes the stream.
 */
import { runServer } from '../../server/transport';
import { EXIT, UsageError, type CliIO } from '../io';

const usage = `Usage: gradient-lens lsp --stdio

Runs the Gradient Lens language server: diagnostics, quick fixes, hovers, CodeLens and
inlay hints for TensorFlow.js model code, in any editor with an LSP client.

Options:
  --stdio           talk JSON-RPC over stdin/stdout (what editors use)
  --node-ipc        talk over Node's IPC channel (for a client that forks the server)
  --socket=PORT     connect to a client listening on PORT
  -h, --help        show this help
`;

const TRANSPORTS = /^(--stdio|--node-ipc|--socket=\d+|--pipe=.+)$/;

export async function run(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(usage);
    return EXIT.ok;
  }
  const unknown = argv.filter((a) => !TRANSPORTS.test(a) && !a.startsWith('--clientProcessId'));
  if (unknown.length > 0) throw new UsageError(`unknown option "${unknown[0]}"\n${usage}`);
  if (!argv.some((a) => TRANSPORTS.test(a)))
    throw new UsageError(`name a transport, e.g. --stdio\n${usage}`);
  runServer(argv);
  return EXIT.ok;
}
