import type { CliCommand } from './command.js';
import { EXIT } from './command.js';

interface BacktestFlags {
  horizon: string;
  start: string;
  model?: string;
  refitEvery?: string;
}

/**
 * `headroom backtest FILE.csv --horizon H --start S [--model NAME]`: walk-forward backtest of a
 * `timestamp,value` file. Stdout: CSV `timestamp,actual,p10,p50,p90`, one row per data row j >= S,
 * forecast from row j−H with only rows <= j−H, refitting once per day of data (as the daemon's
 * daily retrain does; --refit-every changes it). Stderr: WAPE, MASE against daily and weekly
 * seasonal naive, p10–p90 coverage, the models used. Exit 0, or 2 for bad arguments or input.
 */
export const backtestCommand: CliCommand = {
  name: 'backtest',
  register(program, run) {
    program
      .command('backtest')
      .description('walk-forward backtest of a timestamp,value CSV; forecasts to stdout, summary to stderr')
      .argument('<file>', 'CSV with header timestamp,value (YYYY-MM-DD HH:MM:SS or ISO 8601)')
      .requiredOption('--horizon <rows>', 'forecast distance in rows (row j is forecast from row j-H)')
      .requiredOption('--start <row>', 'first target row (0-based data row); must be >= horizon')
      .option('--model <name>', 'model id (default: quantile-mlp; see --help of retrain for the list)')
      .option('--refit-every <steps>', 'refit period in steps (default: one day of steps)')
      .action((file: string, flags: BacktestFlags) =>
        run(async () => {
          const { runBacktestCli } = await import('./backtest-run.js');
          return runBacktestCli(file, flags, process.stdout, process.stderr);
        }),
      );
  },
};
export { EXIT };
