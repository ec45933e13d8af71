import type { CliCommand } from './command.js';
import { EXIT } from './command.js';

/** `headroom start`: runs the daemon until SIGINT/SIGTERM. */
export const startCommand: CliCommand = {
  name: 'start',
  register(program, run) {
    program
      .command('start')
      .description('run the daemon (config: --config PATH or HEADROOM_CONFIG; none: embedded store)')
      .option('-c, --config <path>', 'YAML configuration file')
      .action((opts: { config?: string }) =>
        run(async () => {
          const { runDaemon } = await import('../run-daemon.js');
          return runDaemon({ configPath: opts.config ?? (process.env.HEADROOM_CONFIG || undefined) });
        }),
      );
  },
};
export { EXIT };
