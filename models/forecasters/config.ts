import { z } from 'zod';

/**
 * The `models.forecasting` section: what the daemon's forecast service and retrain job use.
 * Validation only; the daemon wires the schedules (node-cron) and the store reads.
 */
export const forecastingConfigSchema = z.strictObject({
  /** Candidate model that retraining trains and may promote. */
  model: z
    .enum([
      'holt-winters',
      'naive-last-value',
      'quantile-mlp',
      'seasonal-naive-daily',
      'seasonal-naive-weekly',
    ])
    .default('quantile-mlp'),
  /** Registry folder; relative paths are under `dataDir`. */
  registryDir: z.string().min(1).default('models'),
  /** Step that signals are resampled to before forecasting (rollups are finer). */
  stepSeconds: z.number().int().min(1).max(86_400).default(60),
  /** How far ahead forecasts go. */
  horizonMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(150),
  /** History read per series for training (two weeks at least, for the weekly season). */
  historyDays: z.number().int().min(2).max(90).default(28),
  /** Most recent history held out for the promotion backtest. */
  evaluationDays: z.number().min(0.25).max(14).default(2),
  /** node-cron expression for issuing forecasts of every active signal. */
  forecastCron: z.string().min(1).default('*/5 * * * *'),
  /** node-cron expression for retraining (one run at a time; daily by default). */
  retrainCron: z.string().min(1).default('17 3 * * *'),
  /** Upper bound on series forecast per run (the rest are counted and skipped). */
  maxSeries: z.number().int().min(1).default(5000),
  /** Training budget of the learned model. */
  training: z
    .strictObject({
      samplesPerFit: z.number().int().min(1000).max(1_000_000).default(40_000),
      epochs: z.number().int().min(1).max(100).default(8),
      refitEpochs: z.number().int().min(1).max(100).default(3),
      seed: z.number().int().default(42),
    })
    .prefault({}),
});

export type ForecastingConfig = z.infer<typeof forecastingConfigSchema>;
