import type { CliCommand } from './command.js';

/** Exit code of `headroom detect` when the CSV itself is invalid (documented in its help). */
export const EXIT_INVALID_INPUT = 3;

/**
 * `headroom detect FILE.csv [--detector NAME]`: scores a NAB-format CSV (`timestamp,value`) and
 * prints `timestamp,value,anomaly_score` for every row, in input order, timestamp and value
 * echoed as written. Strictly causal: the detector sees row i only after rows < i, and NAB's
 * probationary period (15% of the rows, at most 750) is its warm-up. Everything is imported
 * inside the action so this command never loads tfjs, express or sqlite.
 */
export const detectCommand: CliCommand = {
  name: 'detect',
  register(program, run) {
    program
      .command('detect')
      .description('score a NAB-format CSV (timestamp,value) and print timestamp,value,anomaly_score')
      .argument('<file>', 'CSV file with a "timestamp,value" header')
      .option('-d, --detector <name>', 'detector to use (default: novelty; see below)')
      .option(
        '-w, --warmup-points <n>',
        "points learnt before scoring (default: NAB's probation, 15% of the rows, at most 750)",
      )
      .addHelpText(
        'after',
        [
          '',
          'Detectors: novelty (default: records of the value, its short-term mean and its time-of-day',
          "residual, one alert per incident), windowed-gaussian (NAB's baseline, a yardstick).",
          '',
          'Input: header "timestamp,value", rows in time order. An empty value, NaN or null is a gap',
          '(scored 0); repeated timestamps are scored in file order; rows out of time order, values',
          'that are not numbers and files without data rows are rejected with the line number.',
          '',
          'Exit codes: 0 ok, 1 file unreadable, 2 bad arguments (e.g. unknown detector),',
          `${EXIT_INVALID_INPUT} invalid CSV content.`,
        ].join('\n'),
      )
      .action((file: string, opts: { detector?: string; warmupPoints?: string }) =>
        run(async () => {
          const { runDetect } = await import('./run-detect.js');
          return runDetect({
            file,
            detector: opts.detector,
            warmupPoints: opts.warmupPoints,
            stdout: process.stdout,
            stderr: process.stderr,
          });
        }),
      );
  },
};
