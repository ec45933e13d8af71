#!/usr/bin/env node
/**
 * `headroom` entry point: parses arguments, runs one subcommand, exits with its code. Only this
 * file calls process.exit.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, errorMessage } from '../core/errors.js';
import { EXIT } from './cli/command.js';
import { COMMANDS } from './cli/registry.js';
import { VERSION } from './version.js';

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name('headroom')
    .description('Watches third-party API latency and traffic, forecasts load, flags anomalies, and acts.')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError();
  const run = async (action: () => Promise<number>): Promise<void> => {
    exitCode = await action();
  };
  for (const command of COMMANDS) command.register(program, run);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw err;
  }
  return exitCode;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // A stopped daemon may still hold idle handles (keep-alive sockets); do not hang on them.
    setTimeout(() => process.exit(code), 1_000).unref();
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`headroom: ${err.message}\n`);
      process.exit(EXIT.usage);
    }
    process.stderr.write(`headroom: ${errorMessage(err)}\n`);
    if (process.env.HEADROOM_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    process.exit(EXIT.error);
  },
);
