import type { RowForecasts } from '../../actuators/policies/scaling/walk-forward.js';
import type { RegularSeries } from '../../core/time-series.js';
import { forecastingConfigSchema } from '../../models/forecasters/config.js';
import { createChain } from '../../models/forecasters/registry.js';
import type { WalkForwardForecaster } from '../../models/forecasters/walk-forward-forecaster.js';
import { walkForward } from '../../models/training/walk-forward.js';

const DAY_MS = 86_400_000;

export interface ForecastRowsOptions {
  /** Steps the policy reads per row (1 .. horizonSteps ahead). */
  readonly horizonSteps: number;
  /** Model chain; default: the daemon's (`models.forecasting` defaults: model and training budget). */
  readonly models?: readonly WalkForwardForecaster[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ForecastRowsResult extends RowForecasts {
  /** Rows forecast by each model of the chain. */
  readonly modelsUsed: Readonly<Record<string, number>>;
  readonly refits: number;
  readonly notes: readonly string[];
}

/**
 * The daemon's forecaster as the forecasting library defines it: the `models.forecasting`
 * model (default `quantile-mlp`) with its cold-start fallback chain and training budget, tuned
 * for the daemon's forecast horizon (`horizonMinutes`) or the policy's, whichever is longer.
 */
export async function daemonModelChain(
  stepMs: number,
  horizonSteps: number,
): Promise<WalkForwardForecaster[]> {
  const config = forecastingConfigSchema.parse({});
  const daemonHorizon = Math.ceil((config.horizonMinutes * 60_000) / stepMs);
  return createChain(config.model, {
    horizonSteps: Math.max(horizonSteps, daemonHorizon),
    mlp: {
      samplesPerFit: config.training.samplesPerFit,
      epochs: config.training.epochs,
      refitEpochs: config.training.refitEpochs,
      seed: config.training.seed,
    },
  });
}

/**
 * Forecasts every row of `series` for 1 .. horizonSteps steps ahead, walk-forward with the
 * forecasting library's engine (models/training/walk-forward.ts, the one `headroom backtest`
 * runs): refit once a day of rows on the rows seen so far (the daemon retrains daily), each
 * forecast made from rows up to its origin only, falling back along the chain where history is
 * too short. Rows before any model of the chain can forecast are `warming_up`.
 */
export async function forecastRows(
  series: RegularSeries,
  options: ForecastRowsOptions,
): Promise<ForecastRowsResult> {
  const n = series.values.length;
  const H = options.horizonSteps;
  const models = options.models ?? (await daemonModelChain(series.stepMs, H));
  const owned = options.models === undefined;
  const first = Math.max(0, Math.min(...models.map((m) => m.minHistorySteps(series.stepMs))) - 1);
  const p10 = new Float64Array(n * H).fill(Number.NaN);
  const p50 = new Float64Array(n * H).fill(Number.NaN);
  const p90 = new Float64Array(n * H).fill(Number.NaN);
  const modelsUsed: Record<string, number> = {};
  if (first >= n || !Number.isFinite(first)) {
    if (owned) for (const m of models) m.dispose();
    return {
      horizonSteps: H,
      p10,
      p50,
      p90,
      missing: () => 'warming_up',
      modelId: 'none',
      modelVersion: '',
      modelsUsed,
      refits: 0,
      notes: [],
    };
  }
  const rows = n - first;
  const origins = new Int32Array(rows * H);
  const horizons = new Int32Array(rows * H);
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < H; h++) {
      origins[r * H + h] = first + r;
      horizons[r * H + h] = h + 1;
    }
  }
  try {
    const result = await walkForward({
      series,
      origins,
      horizons,
      refitEverySteps: Math.max(1, Math.round(DAY_MS / series.stepMs)),
      models,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    p10.set(result.p10, first * H);
    p50.set(result.p50, first * H);
    p90.set(result.p90, first * H);
    for (let r = 0; r < rows; r++) {
      const id = result.modelOfTarget[r * H] ?? '';
      modelsUsed[id] = (modelsUsed[id] ?? 0) + 1;
    }
    const modelId = Object.entries(modelsUsed).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';
    return {
      horizonSteps: H,
      p10,
      p50,
      p90,
      missing: (row) => (row < first ? 'warming_up' : undefined),
      modelId,
      modelVersion: models.find((m) => m.id === modelId)?.version ?? '',
      modelsUsed,
      refits: result.refits,
      notes: result.notes,
    };
  } finally {
    if (owned) for (const m of models) m.dispose();
  }
}
