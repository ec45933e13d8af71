import type { CliCommand } from './command.js';

/** `headroom demo-fleet` (hidden): the demo's simulated fleet, run by `headroom demo` as a child. */
export const demoFleetCommand: CliCommand = {
  name: 'demo-fleet',
  register(program, run) {
    program
      .command('demo-fleet', { hidden: true })
      .requiredOption(
        '--anchor-ms <ms>',
        'end of the backfilled history (epoch ms): the daily surge is anchored there',
        Number,
      )
      .requiredOption('--speed <factor>', 'scenario speed', Number)
      .requiredOption('--otlp-traces-url <url>', "Headroom's OTLP/HTTP traces endpoint")
      .action((opts: { anchorMs: number; speed: number; otlpTracesUrl: string }) =>
        run(async () => {
          const { runFleet } = await import('../demo/run-fleet.js');
          return runFleet(opts);
        }),
      );
  },
};
