import type { CliIO } from '../io';
import { UsageError } from '../io';

// Placeholder until the lint command lands; it fails loudly rather than pretending to work.
export async function run(_argv: string[], _io: CliIO): Promise<number> {
  throw new UsageError('the "lint" command is not implemented yet');
}
