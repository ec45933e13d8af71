import { InvalidArgumentError } from 'commander';
import { errorMessage, HeadroomError } from '../../core/errors.js';
import type { CliCommand } from './command.js';
import { EXIT } from './command.js';

interface SimulateScalingOptions {
  capacity: number;
  startupDelay: number;
  min?: number;
  max?: number;
  targetUtilization?: number;
}

/**
 * `headroom simulate-scaling FILE.csv`: replays the scaling policy walk-forward over a
 * `timestamp,value` load trace, writes `timestamp,load,replicas` to stdout (replicas decided
 * after seeing rows ≤ t) and the referee's figures for the policy and the HPA baseline to stderr.
 */
export const simulateScalingCommand: CliCommand = {
  name: 'simulate-scaling',
  register(program, run) {
    program
      .command('simulate-scaling')
      .description(
        'replay the scaling policy over a timestamp,value load CSV; decisions to stdout, figures vs the HPA to stderr',
      )
      .argument('<file>', 'CSV with header timestamp,value (value = load per row interval)')
      .requiredOption(
        '--capacity <load>',
        'load one replica serves (same unit as value)',
        positive('--capacity'),
      )
      .requiredOption(
        '--startup-delay <seconds>',
        'seconds from asking for a replica to it serving',
        nonNegative('--startup-delay'),
      )
      .option('--min <n>', 'fewest replicas (default 1)', integer('--min', 0))
      .option('--max <n>', 'most replicas (default 1000)', integer('--max', 1))
      .option(
        '--target-utilization <u>',
        'planned utilisation in (0, 1] (default: the policy default)',
        fraction('--target-utilization'),
      )
      .action((file: string, opts: SimulateScalingOptions) =>
        run(async () => {
          const { readFile } = await import('node:fs/promises');
          const { parseLoadCsv } = await import('../../bench/scaling/load-csv.js');
          const { runSimulation, decisionsCsv, figuresText, simulationConfig, traceForecasts } =
            await import('../../bench/scaling/run-simulation.js');
          const options = {
            capacityPerReplica: opts.capacity,
            startupDelaySeconds: opts.startupDelay,
            ...(opts.min === undefined ? {} : { minReplicas: opts.min }),
            ...(opts.max === undefined ? {} : { maxReplicas: opts.max }),
            ...(opts.targetUtilization === undefined ? {} : { targetUtilization: opts.targetUtilization }),
          };
          if ((opts.min ?? 1) > (opts.max ?? 1000)) {
            process.stderr.write(
              `headroom simulate-scaling: --min (${opts.min ?? 1}) must not exceed --max (${opts.max ?? 1000})\n`,
            );
            return EXIT.usage;
          }
          let trace;
          try {
            trace = parseLoadCsv(await readFile(file, 'utf8'), file);
          } catch (err) {
            // Unreadable or malformed input is the caller's to fix: a usage error, not a crash.
            const code = (err as NodeJS.ErrnoException).code;
            const message =
              code && !(err instanceof HeadroomError) ? `cannot read ${file}: ${code}` : errorMessage(err);
            process.stderr.write(`headroom simulate-scaling: ${message}\n`);
            return EXIT.usage;
          }
          const config = simulationConfig(options);
          // Training the daemon's model day by day takes minutes on a month of minutes: show it.
          const tty = process.stderr.isTTY === true;
          const forecasts = await traceForecasts(trace, config, {
            onProgress: (done, total) => {
              if (tty)
                process.stderr.write(`\rforecasting walk-forward: ${Math.floor((100 * done) / total)} %`);
            },
          });
          if (tty) process.stderr.write('\n');
          const result = await runSimulation(trace, options, forecasts);
          process.stdout.write(decisionsCsv(trace, result.walk.replicas));
          const used = Object.entries(forecasts.modelsUsed)
            .map(([id, rows]) => `${id} ${rows} rows`)
            .join(', ');
          process.stderr.write(
            `simulate-scaling: ${trace.values.length} rows of ${trace.stepMs / 1000} s, capacity ${config.capacityPerReplica}, ` +
              `startup delay ${config.startupDelaySeconds} s; forecasts: ${used || 'none'} (${forecasts.refits} fits), ` +
              `${result.walk.withoutForecast.warming_up} rows before any model could forecast\n` +
              `${figuresText(result)}\n`,
          );
          return EXIT.ok;
        }),
      );
  },
};

function parseNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new InvalidArgumentError(`${flag} must be a number, got "${raw}"`);
  return value;
}

function positive(flag: string) {
  return (raw: string): number => {
    const v = parseNumber(flag, raw);
    if (!(v > 0)) throw new InvalidArgumentError(`${flag} must be > 0, got ${raw}`);
    return v;
  };
}

function nonNegative(flag: string) {
  return (raw: string): number => {
    const v = parseNumber(flag, raw);
    if (v < 0) throw new InvalidArgumentError(`${flag} must be >= 0, got ${raw}`);
    return v;
  };
}

function integer(flag: string, min: number) {
  return (raw: string): number => {
    const v = parseNumber(flag, raw);
    if (!Number.isInteger(v) || v < min)
      throw new InvalidArgumentError(`${flag} must be an integer >= ${min}, got ${raw}`);
    return v;
  };
}

function fraction(flag: string) {
  return (raw: string): number => {
    const v = parseNumber(flag, raw);
    if (!(v > 0 && v <= 1)) throw new InvalidArgumentError(`${flag} must be in (0, 1], got ${raw}`);
    return v;
  };
}
