import type { CliIO } from '../io';
import { UsageError } from '../io';

// Placeholder until the probe command lands; it fails loudly rather than pretending to work.
export async function run(_argv: string[], _io: CliIO): Promise<number> {
  throw new UsageError('the "probe" command is not implemented yet');
}
