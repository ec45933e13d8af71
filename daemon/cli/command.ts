import type { Command } from 'commander';

/**
 * Exit codes shared by every subcommand. Commands return one; only daemon/main.ts exits.
 * 0 ok, 1 runtime error, 2 bad configuration or arguments; commands may define more
 * (retrain: 10 promoted, 11 kept previous) and document them in their help.
 */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const;

/** A subcommand: adds itself to the program; its action resolves to an exit code. */
export interface CliCommand {
  readonly name: string;
  register(program: Command, run: (action: () => Promise<number>) => Promise<void>): void;
}
