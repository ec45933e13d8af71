import { HeadroomError } from '../../core/errors.js';
import { seasonPeriods } from '../forecasters/season-periods.js';
import type { WalkForwardForecaster } from '../forecasters/walk-forward-forecaster.js';
import { forecastErrors, naiveScale, type ForecastErrors } from './metrics.js';
import type { SeriesCsv } from './parse-series-csv.js';
import { rowsToGrid } from './rows-to-grid.js';
import { walkForward } from './walk-forward.js';

export interface RowBacktestOptions {
  /** Forecast distance in rows: row j is forecast from row j − horizonRows. */
  readonly horizonRows: number;
  /** First target row (0-based data row). */
  readonly startRow: number;
  /** Preferred model, then fallbacks. */
  readonly models: readonly WalkForwardForecaster[];
  /** Refit period in steps; default one day of steps (what the daemon does). */
  readonly refitEverySteps?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface RowBacktestSummary {
  readonly targets: number;
  readonly model: ForecastErrors;
  readonly dailyNaive?: ForecastErrors;
  readonly weeklyNaive?: ForecastErrors;
  /** MASE with the in-sample (rows < start) daily / weekly seasonal naive MAE as the scale. */
  readonly maseDaily?: number;
  readonly maseWeekly?: number;
  readonly modelsUsed: Record<string, number>;
  readonly refits: number;
  readonly notes: readonly string[];
  readonly stepMs: number;
  readonly gapCells: number;
}

export interface RowBacktestResult {
  /** Target rows, ascending (startRow .. rows−1). */
  readonly rows: Int32Array;
  readonly p10: Float64Array;
  readonly p50: Float64Array;
  readonly p90: Float64Array;
  readonly summary: RowBacktestSummary;
}

/**
 * The backtest `headroom backtest` runs: every row j >= startRow is forecast from origin row
 * j − horizonRows using only rows <= j − horizonRows, on the grid of `rowsToGrid`, refitting
 * every `refitEverySteps` (default daily). Row-based seasonal naive errors use the same lags the
 * referee uses (rows per day inferred from the step).
 */
export async function backtestRows(csv: SeriesCsv, options: RowBacktestOptions): Promise<RowBacktestResult> {
  const n = csv.values.length;
  const H = options.horizonRows;
  const S = options.startRow;
  if (!Number.isInteger(H) || H < 1)
    throw new HeadroomError('bad_horizon', `--horizon must be a whole number >= 1, got ${H}`);
  if (!Number.isInteger(S) || S < 0)
    throw new HeadroomError('bad_start', `--start must be a whole number >= 0, got ${S}`);
  if (S >= n)
    throw new HeadroomError('bad_start', `--start ${S} leaves no target: the file has ${n} data rows`);
  if (S < H) {
    throw new HeadroomError(
      'horizon_exceeds_history',
      `--start ${S} is less than --horizon ${H}: target row ${S} would need an origin before the first row`,
    );
  }
  const grid = rowsToGrid(csv.timestampsMs, csv.values);
  const count = n - S;
  const origins = new Int32Array(count);
  const horizons = new Int32Array(count);
  const rows = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const j = S + k;
    rows[k] = j;
    origins[k] = grid.cellOfRow[j - H] as number;
    horizons[k] = (grid.cellOfRow[j] as number) - (origins[k] as number);
  }
  const periods = seasonPeriods(grid.series.stepMs);
  const result = await walkForward({
    series: grid.series,
    origins,
    horizons,
    refitEverySteps: options.refitEverySteps ?? Math.max(periods.dailySteps, 1),
    models: options.models,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  const actual = Float64Array.from(rows, (j) => csv.values[j] as number);
  const model = forecastErrors(actual, result.p50, result.p10, result.p90);
  const naive = naiveSummary(csv.values, S, periods.dailySteps, periods.weeklySteps, actual);
  const summary: RowBacktestSummary = {
    targets: count,
    model,
    dailyNaive: naive.dailyNaive,
    weeklyNaive: naive.weeklyNaive,
    maseDaily: naive.dailyScale ? model.mae / naive.dailyScale : undefined,
    maseWeekly: naive.weeklyScale ? model.mae / naive.weeklyScale : undefined,
    modelsUsed: tally(result.modelOfTarget),
    refits: result.refits,
    notes: result.notes,
    stepMs: grid.series.stepMs,
    gapCells: grid.gapCells,
  };
  return { rows, p10: result.p10, p50: result.p50, p90: result.p90, summary };
}

function naiveSummary(
  values: Float64Array,
  S: number,
  D: number,
  W: number,
  actual: Float64Array,
): { dailyNaive?: ForecastErrors; weeklyNaive?: ForecastErrors; dailyScale?: number; weeklyScale?: number } {
  const errorsAt = (lag: number): ForecastErrors | undefined => {
    if (lag <= 0 || S - lag < 0) return undefined;
    return forecastErrors(
      actual,
      Float64Array.from(actual, (_, k) => values[S + k - lag] as number),
    );
  };
  const dailyNaive = errorsAt(D);
  const weeklyNaive = errorsAt(W);
  return {
    dailyNaive,
    weeklyNaive,
    dailyScale: D > 0 ? naiveScale(values, D, S) : undefined,
    weeklyScale: W > 0 ? naiveScale(values, W, S) : undefined,
  };
}

function tally(ids: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
}
