import { HeadroomError } from '../../core/errors.js';
import type { RegularSeries } from '../../core/time-series.js';
import { emptyBand, type QuantileArrays } from '../forecasters/quantile-band.js';
import type { WalkForwardForecaster } from '../forecasters/walk-forward-forecaster.js';

export interface WalkForwardOptions {
  /** The whole series on its grid (NaN = gap). Only values <= each origin are ever used. */
  readonly series: RegularSeries;
  /** Per target: the grid index of the origin (last value the forecast may use); non-decreasing. */
  readonly origins: Int32Array;
  /** Per target: steps from its origin to the target (>= 1). */
  readonly horizons: Int32Array;
  /** Refit every this many steps of origin time (the daemon refits daily: one day of steps). */
  readonly refitEverySteps: number;
  /** Preferred model first, then fallbacks for when history is too short or a model fails. */
  readonly models: readonly WalkForwardForecaster[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (doneTargets: number, totalTargets: number) => void;
}

export interface WalkForwardResult extends QuantileArrays {
  /** Id of the model that made each target's forecast. */
  readonly modelOfTarget: readonly string[];
  readonly refits: number;
  /** Why a fallback ran, once per distinct reason. */
  readonly notes: readonly string[];
}

/**
 * Walk-forward evaluation as the daemon would run it: at each refit point r (every
 * `refitEverySteps` steps of origin time, starting at the first origin) the model is refitted on
 * the values up to r, then forecasts every target whose origin falls before the next refit point,
 * in one `forecastOrigins` batch over the series cut at the batch's last origin. Nothing after an
 * origin is visible to its forecast. The first model whose `minHistorySteps` the history meets
 * and that fits without error is used; failures fall through to the next (recorded in `notes`).
 */
export async function walkForward(options: WalkForwardOptions): Promise<WalkForwardResult> {
  const { series, origins, horizons, models } = options;
  const total = origins.length;
  const out = emptyBand(total);
  const modelOfTarget = new Array<string>(total).fill('');
  const notes = new Set<string>();
  const refitEvery = Math.max(1, Math.floor(options.refitEverySteps));
  let refits = 0;
  let k = 0;
  while (k < total) {
    options.signal?.throwIfAborted();
    const refitAt = origins[k] as number;
    let end = k;
    while (end < total && (origins[end] as number) < refitAt + refitEvery) end++;
    const batchOrigins = origins.subarray(k, end);
    const batchHorizons = horizons.subarray(k, end);
    const lastOrigin = origins[end - 1] as number;
    const history: RegularSeries = { ...series, values: series.values.subarray(0, refitAt + 1) };
    const visible: RegularSeries = { ...series, values: series.values.subarray(0, lastOrigin + 1) };
    let done = false;
    for (const model of models) {
      if (model.minHistorySteps(series.stepMs) > refitAt + 1) {
        notes.add(`${model.id} skipped where history < ${model.minHistorySteps(series.stepMs)} steps`);
        continue;
      }
      try {
        await model.fit([history], { signal: options.signal });
        refits++;
        const band = await model.forecastOrigins(visible, batchOrigins, batchHorizons);
        out.p10.set(band.p10, k);
        out.p50.set(band.p50, k);
        out.p90.set(band.p90, k);
        modelOfTarget.fill(model.id, k, end);
        done = true;
        break;
      } catch (err) {
        if (!(err instanceof HeadroomError)) throw err;
        notes.add(`${model.id} failed (${err.code}: ${err.message}); fell back`);
      }
    }
    if (!done) {
      throw new HeadroomError(
        'no_model',
        `no model could forecast from origin ${refitAt} (history of ${refitAt + 1} steps)`,
      );
    }
    k = end;
    options.onProgress?.(k, total);
  }
  return { ...out, modelOfTarget, refits, notes: [...notes] };
}
