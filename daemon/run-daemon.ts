import { EXIT } from './cli/command.js';

/** Placeholder until daemon/app.ts lands (foundation in progress). */
export async function runDaemon(_options: { configPath: string | undefined }): Promise<number> {
  process.stderr.write('headroom start: the daemon is being built\n');
  return EXIT.error;
}
