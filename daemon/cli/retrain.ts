import type { CliCommand } from './command.js';

/** Exit codes of `headroom retrain` besides 0 (promoted), 1 (error) and 2 (bad config). */
export const EXIT_KEPT_PREVIOUS = 10;

/**
 * `headroom retrain` (also `npm run retrain`): reads the forecast history from the configured
 * store, trains the candidate model, backtests it against the serving model and the seasonal
 * baselines, promotes it or keeps the previous one, and prints a table of every model's errors.
 */
export const retrainCommand: CliCommand = {
  name: 'retrain',
  register(program, run) {
    program
      .command('retrain')
      .description(
        'retrain the forecasting model from the store; promote it only if it beats the current one',
      )
      .option('-c, --config <path>', 'YAML configuration file (default: HEADROOM_CONFIG, else defaults)')
      .addHelpText(
        'after',
        `\nExit codes: 0 promoted, ${EXIT_KEPT_PREVIOUS} kept the previous model (the report says why),` +
          ' 1 error (e.g. too little history), 2 invalid configuration.',
      )
      .action((opts: { config?: string }) =>
        run(async () => {
          const { runRetrain } = await import('./retrain-run.js');
          return runRetrain(opts.config ?? (process.env.HEADROOM_CONFIG || undefined));
        }),
      );
  },
};
