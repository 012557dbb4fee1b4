#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { commands } from './commands/index.ts';

const USAGE = `Usage: vitae <command> [options]

Commands:
  serve                 run the HTTP API (and, in the embedded mode, the workers)
  worker                run the queue workers only
  migrate               apply database migrations
  doctor                check the database and the blob store, print what passed
                          [--verify-blobs[=all|N]] also re-hash stored files (a sample of N, 100 by default, or all)
  user create           create a user: --email --name --role candidate|recruiter [--org NAME] [--admin] [--password-stdin]
  audit verify          verify the audit trail's hash chains
  rescan --since DATE   re-scan clean files uploaded since DATE
  backup DIR            back up the database and the blobs into DIR (online): [--copy-blobs] copies S3 blobs too
  restore DIR           restore a backup into an empty database and blob store: [--force] to replace them
  migrate-storage --to s3|local
                        copy every blob to the other store (resumable): [--limit N] copies at most N this run
  quota ORG_ID          show an organization's usage; [--bytes N|default] [--uploads-per-hour N|default] set its own quotas (0: unlimited)

Configuration comes from the environment and an optional .env file; see README.md.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 1;
  }
  const commandName = name === 'user' || name === 'audit' ? `${name} ${rest.shift() ?? ''}`.trim() : name;
  const load = commands[commandName];
  if (!load) {
    console.error(`Unknown command: ${commandName}\n\n${USAGE}`);
    return 1;
  }
  const command = await load();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const args = rest.map((arg) => {
    const bare = arg.startsWith('--') ? command.bareValues?.[arg.slice(2)] : undefined;
    return bare === undefined ? arg : `${arg}=${bare}`;
  });
  const { values, positionals } = parseArgs({ args, options: command.options, allowPositionals: Boolean(command.positionals), strict: true });
  if (positionals.length !== (command.positionals ?? 0)) {
    console.error(`vitae ${commandName} takes ${command.positionals ?? 0} argument(s).\n\n${USAGE}`);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  return command.run({ config, logger, args: values as Record<string, string | boolean | undefined>, positionals });
}

main(process.argv.slice(2)).then(
  (code) => {
    // `serve` and `worker` keep running; they exit through their signal handlers.
    if (code !== -1) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
