import type { Forecast, ForecasterSnapshot } from '../../core/forecaster.js';
import { HeadroomError } from '../../core/errors.js';
import type { RegularSeries } from '../../core/time-series.js';
import { fillGaps } from './fill-gaps.js';
import { empiricalQuantiles, emptyBand, sanitiseBand, type QuantileArrays } from './quantile-band.js';
import { seasonPeriods } from './season-periods.js';
import { forecastFromEnd, type WalkForwardForecaster } from './walk-forward-forecaster.js';

/** 'none' is last-value persistence: the fallback when not even one day of history exists. */
export type NaiveSeason = 'daily' | 'weekly' | 'none';

export interface SeasonalNaiveOptions {
  readonly season: NaiveSeason;
  /** How many recent steps of past errors form the band (default: one week of steps). */
  readonly errorWindowSteps?: number;
  /** Clamp forecasts at 0 (request counts); default true. */
  readonly nonNegative?: boolean;
}

const VERSION = '1';

/**
 * Seasonal naive: the forecast for time t+h is the last observed value one season earlier
 * (y[t+h-P·ceil(h/P)]), so "same minute yesterday" or "same minute last week". The p10/p90 band
 * is the point forecast plus the 10th/90th percentiles of this rule's own past errors at the same
 * lag (P·ceil(h/P)) over the last `errorWindowSteps` steps, so it is per horizon step and needs no
 * fitting. Gaps are filled as `fillGaps` says. `fit` is a no-op.
 */
export class SeasonalNaive implements WalkForwardForecaster {
  readonly id: string;
  readonly version = VERSION;
  private readonly options: Required<SeasonalNaiveOptions>;

  constructor(options: SeasonalNaiveOptions) {
    this.options = { errorWindowSteps: 0, nonNegative: true, ...options };
    this.id = options.season === 'none' ? 'naive-last-value' : `seasonal-naive-${options.season}`;
  }

  /** Season length in steps for this step size; 0 when the season does not exist at this step. */
  periodSteps(stepMs: number): number {
    if (this.options.season === 'none') return 1;
    const p = seasonPeriods(stepMs);
    return this.options.season === 'daily' ? p.dailySteps : p.weeklySteps;
  }

  minHistorySteps(stepMs: number): number {
    const p = this.periodSteps(stepMs);
    return p === 0 ? Number.POSITIVE_INFINITY : p + 1;
  }

  async fit(): Promise<void> {}

  forecast(history: RegularSeries, horizonSteps: number): Promise<Forecast> {
    return forecastFromEnd(this, history, horizonSteps);
  }

  async forecastOrigins(
    series: RegularSeries,
    origins: Int32Array,
    horizons: Int32Array,
  ): Promise<QuantileArrays> {
    const period = this.periodSteps(series.stepMs);
    const n = series.values.length;
    if (period === 0) {
      throw new HeadroomError('unsupported_step', `${this.id} needs a step shorter than its season`);
    }
    if (n < 1) {
      throw new HeadroomError(
        'insufficient_history',
        `${this.id} needs at least ${period + 1} steps, got ${n}`,
      );
    }
    let minOrigin = n - 1;
    for (const o of origins) minOrigin = Math.min(minOrigin, o);
    if (minOrigin < period - 1 && this.options.season !== 'none') {
      throw new HeadroomError(
        'insufficient_history',
        `${this.id} needs ${period} steps before the first origin, got ${minOrigin + 1}`,
      );
    }
    const values = fillGaps(series.values, seasonPeriods(series.stepMs));
    const bandsByLag = new Map<number, readonly number[]>();
    const out = emptyBand(origins.length);
    for (let k = 0; k < origins.length; k++) {
      const origin = origins[k] as number;
      const h = horizons[k] as number;
      if (!(h >= 1) || origin >= n || origin < 0) {
        throw new RangeError(`bad origin ${origin} / horizon ${h} for a series of ${n}`);
      }
      // Lag that reaches back into observed data (for h > P, two seasons back, and so on).
      const lag = period * Math.ceil(h / period);
      let source = origin + h - lag;
      if (source < 0) source = origin; // 'none' never gets here; short daily history: persistence
      const point = values[source] as number;
      let q = bandsByLag.get(lag);
      if (!q) {
        q = this.errorQuantiles(values, series.stepMs, minOrigin, lag);
        bandsByLag.set(lag, q);
      }
      out.p50[k] = point;
      out.p10[k] = point + (q[0] as number);
      out.p90[k] = point + (q[1] as number);
    }
    return sanitiseBand(out, this.options.nonNegative);
  }

  snapshot(): ForecasterSnapshot {
    return { modelId: this.id, modelVersion: this.version, options: { ...this.options } };
  }

  restore(snapshot: ForecasterSnapshot): void {
    if (snapshot.modelId !== this.id) {
      throw new HeadroomError('snapshot_mismatch', `snapshot of ${snapshot.modelId} given to ${this.id}`);
    }
  }

  dispose(): void {}

  /** 10th/90th percentiles of y[i] - y[i-lag] over the error window ending at `end`. */
  private errorQuantiles(values: Float64Array, stepMs: number, end: number, lag: number): readonly number[] {
    const windowSteps = this.options.errorWindowSteps || Math.max(50, seasonPeriods(stepMs).weeklySteps);
    const from = Math.max(lag, end - windowSteps + 1);
    if (from > end) return [0, 0];
    const errors = new Float64Array(end - from + 1);
    for (let i = from; i <= end; i++) errors[i - from] = (values[i] as number) - (values[i - lag] as number);
    return empiricalQuantiles(errors, [0.1, 0.9]);
  }
}
