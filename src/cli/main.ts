import { toolInfo } from './formatters/tool-info';
import { CliIO, EXIT, UsageError, processIO } from './io';

type Command = (argv: string[], io: CliIO) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  models: async () => (await import('./commands/models')).run,
  lint: async () => (await import('./commands/lint')).run,
  probe: async () => (await import('./commands/probe')).run,
  monitor: async () => (await import('./commands/monitor')).run,
  lsp: async () => (await import('./commands/lsp')).run,
};

const usage = `Usage: gradient-lens <command> [options]

Commands:
  lint [paths...]   find vanishing/exploding-gradient risks (--format stylish|json|sarif, --fix)
  models PATH...    print the models found in files and folders (--format text|json)
  probe FILE        measure per-layer gradient norms with a tfjs backward pass (--format table|json|html)
  monitor LOGFILE   judge a training log from gradient-lens/monitor (--format table|json|html, --follow)
  lsp --stdio       run the language server (Neovim, Helix, Zed, any LSP client)

Run "gradient-lens <command> --help" for a command's options, "gradient-lens --version" for the version.
`;

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout(usage);
    return name ? EXIT.ok : EXIT.error;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${toolInfo().version}\n`);
    return EXIT.ok;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`gradient-lens: unknown command "${name}"\n${usage}`);
    return EXIT.error;
  }
  try {
    return await (
      await load()
    )(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`gradient-lens ${name}: ${message}\n`);
    if (!(error instanceof UsageError) && process.env.GRADIENT_LENS_DEBUG) {
      io.stderr(`${(error as Error).stack}\n`);
    }
    return EXIT.error;
  }
}
