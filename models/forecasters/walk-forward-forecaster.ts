import type { Forecast, Forecaster } from '../../core/forecaster.js';
import type { RegularSeries } from '../../core/time-series.js';
import type { QuantileArrays } from './quantile-band.js';

/**
 * A Forecaster that can also forecast many origins of one series in one pass, which is what a
 * walk-forward backtest and the daemon's many-series forecasting need (one call instead of one
 * per origin, each re-reading the whole history).
 *
 * `forecastOrigins(series, origins, horizons)` returns, for each k, the forecast of the value at
 * index `origins[k] + horizons[k]`, computed with the CURRENT fitted parameters and only the
 * values at indices <= `origins[k]` (anything the model estimates from the series itself, such as
 * error bands, uses only values up to the smallest origin). Implementations must keep that
 * causality; the backtest tests check it by perturbing the future.
 */
export interface WalkForwardForecaster extends Forecaster {
  /** Fewest history steps this model needs to forecast a series with this step size. */
  minHistorySteps(stepMs: number): number;
  forecastOrigins(series: RegularSeries, origins: Int32Array, horizons: Int32Array): Promise<QuantileArrays>;
}

/** `Forecaster.forecast` in terms of `forecastOrigins`: every horizon from the last value. */
export async function forecastFromEnd(
  model: Pick<WalkForwardForecaster, 'id' | 'version' | 'forecastOrigins'>,
  history: RegularSeries,
  horizonSteps: number,
): Promise<Forecast> {
  const n = history.values.length;
  const origins = new Int32Array(horizonSteps).fill(n - 1);
  const horizons = Int32Array.from({ length: horizonSteps }, (_, k) => k + 1);
  const band = await model.forecastOrigins(history, origins, horizons);
  return {
    startMs: history.startMs + n * history.stepMs,
    stepMs: history.stepMs,
    ...band,
    modelId: model.id,
    modelVersion: model.version,
  };
}
