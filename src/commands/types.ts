import type { ParseArgsConfig } from 'node:util';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

export interface CommandContext {
  config: Config;
  logger: Logger;
  args: Record<string, string | boolean | undefined>;
  /** The arguments that are not options (only for a command that declares `positionals`). */
  positionals: string[];
}

export interface Command {
  options: NonNullable<ParseArgsConfig['options']>;
  /** String options that may also be given bare (`--verify-blobs` or `--verify-blobs=all`): the value a bare one means. */
  bareValues?: Record<string, string>;
  /** How many arguments that are not options the command takes (none when absent). */
  positionals?: number;
  /** Resolves to the exit code, or -1 for a long-running command that exits on a signal. */
  run(context: CommandContext): Promise<number>;
}
