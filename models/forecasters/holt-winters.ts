import type { Forecast, ForecasterSnapshot } from '../../core/forecaster.js';
import { HeadroomError } from '../../core/errors.js';
import type { RegularSeries } from '../../core/time-series.js';
import { fillGaps } from './fill-gaps.js';
import {
  forecastFromTrace,
  initWindow,
  runFilter,
  type FilterTrace,
  type HoltWintersLayout,
  type HoltWintersParams,
} from './holt-winters-filter.js';
import { fitHoltWinters, interpolateBand, type HoltWintersFit } from './holt-winters-fit.js';
import { emptyBand, sanitiseBand, type QuantileArrays } from './quantile-band.js';
import { seasonPeriods } from './season-periods.js';
import { prefixSums, trailingScale } from './series-scale.js';
import { forecastFromEnd, type WalkForwardForecaster } from './walk-forward-forecaster.js';

export interface HoltWintersOptions {
  /** 'auto' adds the weekly season when every training series holds a week and two days. */
  readonly seasons?: 'auto' | 'daily';
  /** Horizon (steps) whose error the fit minimises together with the one-step error. */
  readonly targetHorizonSteps?: number;
  /** Longest horizon (steps) with a measured error band; longer ones reuse the last band. */
  readonly maxHorizonSteps?: number;
  /** Clamp forecasts at 0 (request counts); default true. */
  readonly nonNegative?: boolean;
}

const VERSION = '1';
const HOUR_MS = 3_600_000;

/**
 * Holt-Winters with a damped additive trend, daily and (with a week and two days of history) weekly
 * additive seasons and an AR(1) correction of the last error (see holt-winters-filter.ts).
 * `fit` chooses α, β, δ, ω, φ by Nelder-Mead on the mean absolute error of one-step and
 * target-horizon forecasts; with several histories the parameters are shared (each series' error
 * is divided by its own level). The band is the point forecast plus empirical 10th/90th
 * percentiles of in-sample errors per horizon, in units of the series' trailing one-week mean,
 * so it follows the level of whatever series is forecast. Gaps are filled as `fillGaps` says.
 * The trend is damped with a 6-hour half-life so it never runs away over long horizons.
 */
export class HoltWinters implements WalkForwardForecaster {
  readonly id = 'holt-winters';
  readonly version = VERSION;
  private readonly options: HoltWintersOptions;
  private state: HoltWintersFit | undefined;
  private readonly scratch: (FilterTrace | undefined)[] = [undefined, undefined];

  constructor(options: HoltWintersOptions = {}) {
    this.options = options;
  }

  minHistorySteps(stepMs: number): number {
    const { dailySteps } = seasonPeriods(stepMs);
    return dailySteps > 0 ? 2 * dailySteps : 10;
  }

  /** Fitted parameters, for reports; undefined before `fit`/`restore`. */
  get params(): HoltWintersParams | undefined {
    return this.state?.params;
  }

  async fit(histories: readonly RegularSeries[], options?: { signal?: AbortSignal }): Promise<void> {
    if (histories.length === 0) throw new HeadroomError('no_history', 'holt-winters: fit needs a history');
    const stepMs = histories[0]!.stepMs;
    if (histories.some((h) => h.stepMs !== stepMs)) {
      throw new HeadroomError('mixed_steps', 'holt-winters: all histories must share one step');
    }
    const usable = histories.filter((h) => h.values.length >= this.minHistorySteps(stepMs));
    if (usable.length === 0) {
      throw new HeadroomError(
        'insufficient_history',
        `holt-winters needs ${this.minHistorySteps(stepMs)} steps of history`,
      );
    }
    options?.signal?.throwIfAborted();
    const periods = seasonPeriods(stepMs);
    const target = this.options.targetHorizonSteps ?? Math.max(1, Math.round(HOUR_MS / stepMs));
    this.state = fitHoltWinters(
      usable.map((h) => fillGaps(h.values, periods)),
      {
        stepMs,
        allowWeekly: (this.options.seasons ?? 'auto') === 'auto',
        targetHorizonSteps: target,
        maxHorizonSteps: Math.max(target, this.options.maxHorizonSteps ?? periods.dailySteps ?? 1, 1),
      },
    );
  }

  forecast(history: RegularSeries, horizonSteps: number): Promise<Forecast> {
    return forecastFromEnd(this, history, horizonSteps);
  }

  async forecastOrigins(
    series: RegularSeries,
    origins: Int32Array,
    horizons: Int32Array,
  ): Promise<QuantileArrays> {
    const state = this.fitted();
    const periods = seasonPeriods(series.stepMs);
    const values = fillGaps(series.values, periods);
    const points = this.pointForecasts(values, series.stepMs, origins, horizons);
    const prefix = prefixSums(values);
    const scaleWindow = Math.max(periods.weeklySteps, 1);
    const out = emptyBand(origins.length);
    for (let k = 0; k < origins.length; k++) {
      const point = points[k] as number;
      const scale = trailingScale(prefix, origins[k] as number, scaleWindow);
      const [q10, q90] = interpolateBand(state.band, horizons[k] as number);
      out.p50[k] = point;
      out.p10[k] = point + q10 * scale;
      out.p90[k] = point + q90 * scale;
    }
    return sanitiseBand(out, this.options.nonNegative ?? true);
  }

  /**
   * Point forecasts (no band, no clamping) for gap-free `values`: the value at origins[k] +
   * horizons[k] from the states after origins[k]. The filter starts at most five weeks before the
   * first origin (older states are forgotten anyway) and initialises from data before it.
   */
  pointForecasts(
    values: Float64Array,
    stepMs: number,
    origins: Int32Array,
    horizons: Int32Array,
    weeklyUsed?: Uint8Array,
  ): Float64Array {
    const state = this.fitted();
    if (stepMs !== state.stepMs) {
      throw new HeadroomError('step_mismatch', `holt-winters fitted at ${state.stepMs} ms, got ${stepMs} ms`);
    }
    const n = values.length;
    const out = new Float64Array(origins.length);
    if (origins.length === 0) return out;
    let minOrigin = n;
    for (let k = 0; k < origins.length; k++) {
      const o = origins[k] as number;
      if (o < 0 || o >= n) throw new RangeError(`origin ${o} outside a series of ${n}`);
      if (!((horizons[k] as number) >= 1)) throw new RangeError(`horizon must be >= 1, got ${horizons[k]}`);
      minOrigin = Math.min(minOrigin, o);
    }
    const W = state.layout.weeklySteps;
    const from = Math.max(0, minOrigin + 1 - 5 * Math.max(W, seasonPeriods(stepMs).weeklySteps, 1));
    // The weekly season is initialised from the first week after `from`, so only origins at least
    // a week and a day past it may use it (earlier ones would see their own future).
    const weeklyFrom = W > 0 ? from + W + Math.max(state.layout.dailySteps, 1) - 1 : Number.POSITIVE_INFINITY;
    const daily: HoltWintersLayout = { ...state.layout, weeklySteps: 0 };
    for (const weekly of [false, true]) {
      let last = -1;
      for (const o of origins) if (o >= weeklyFrom === weekly) last = Math.max(last, o);
      if (last < 0) continue;
      const layout = weekly ? state.layout : daily;
      const initSteps = weekly ? W : initWindow(minOrigin - from + 1, daily);
      // Reuse trace buffers across calls: forecasting many equally long series otherwise
      // allocates (and collects) a megabyte per series.
      const trace = runFilter(
        values,
        from,
        last,
        initSteps,
        state.params,
        layout,
        this.scratch[weekly ? 1 : 0],
      );
      this.scratch[weekly ? 1 : 0] = trace;
      for (let k = 0; k < origins.length; k++) {
        const o = origins[k] as number;
        if (o >= weeklyFrom !== weekly) continue;
        out[k] = forecastFromTrace(trace, o - from, horizons[k] as number, state.params, layout);
        if (weeklyUsed) weeklyUsed[k] = weekly ? 1 : 0;
      }
    }
    return out;
  }

  private fitted(): HoltWintersFit {
    if (!this.state) throw new HeadroomError('not_fitted', 'holt-winters: call fit() or restore() first');
    return this.state;
  }

  snapshot(): ForecasterSnapshot {
    return {
      modelId: this.id,
      modelVersion: this.version,
      options: { ...this.options },
      fit: this.state ?? null,
    };
  }

  restore(snapshot: ForecasterSnapshot): void {
    if (snapshot.modelId !== this.id) {
      throw new HeadroomError('snapshot_mismatch', `snapshot of ${snapshot.modelId} given to ${this.id}`);
    }
    const fit = snapshot.fit as HoltWintersFit | null | undefined;
    this.state = fit ? structuredClone(fit) : undefined;
  }

  dispose(): void {}
}
