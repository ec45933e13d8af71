import type { RegularSeries } from '../../../core/time-series.js';
import { fillGaps } from '../fill-gaps.js';
import { seasonPeriods } from '../season-periods.js';
import { prefixSums, trailingScale } from '../series-scale.js';

/** Names of the model inputs, in column order (kept in artefacts so a mismatch is caught). */
export const FEATURE_NAMES = [
  'holt_winters',
  'daily_lag',
  'daily_profile',
  'weekly_lag',
  'weekly_profile',
  'last',
  'recent_quarter_hour',
  'recent_hour',
  'recent_6h',
  'recent_hour_yesterday',
  'recent_hour_last_week',
  'weekly_available',
  'horizon_days',
  'horizon_days_sqrt',
  'time_of_day_sin',
  'time_of_day_cos',
  'day_of_week_sin',
  'day_of_week_cos',
  'inverse_sqrt_level',
] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;

/** A series ready for feature extraction: gaps filled, prefix sums, seasonal lags in steps. */
export interface PreparedSeries {
  readonly startMs: number;
  readonly stepMs: number;
  readonly values: Float64Array;
  readonly prefix: Float64Array;
  /** Daily lag in steps (1 when the step is a day or longer). */
  readonly dayLag: number;
  /** Weekly lag in steps. */
  readonly weekLag: number;
  /** Half-width of the neighbourhood averaged around a seasonal lag (±15 min, 0 when hourly). */
  readonly half: number;
  readonly scaleWindow: number;
}

export function prepareSeries(series: RegularSeries): PreparedSeries {
  const periods = seasonPeriods(series.stepMs);
  const values = fillGaps(series.values, periods);
  const dayLag = periods.dailySteps > 0 ? periods.dailySteps : 1;
  const weekLag = periods.weeklySteps > 0 ? periods.weeklySteps : 7 * dayLag;
  return {
    startMs: series.startMs,
    stepMs: series.stepMs,
    values,
    prefix: prefixSums(values),
    dayLag,
    weekLag,
    half: Math.round(dayLag / 96),
    scaleWindow: weekLag,
  };
}

/**
 * Writes one feature row per (origin, horizon) into `out` starting at row `row0`, and the
 * normalising scale and the base (the Holt-Winters forecast, normalised) of each row. Every
 * input is divided by the series' trailing one-week mean, so one network serves series of any
 * size; every lookup is clipped at the origin, so nothing after it is read. Seasonal lags are
 * averaged over ±`half` steps and over up to 7 past days / 3 past weeks, because one minute of
 * one earlier day is mostly noise.
 */
export function writeFeatures(
  p: PreparedSeries,
  hwPoints: Float64Array,
  origins: Int32Array,
  horizons: Int32Array,
  out: Float32Array,
  row0: number,
  scales: Float64Array,
  bases: Float64Array,
): void {
  const { dayLag: D, weekLag: W, half, prefix } = p;
  const q15 = Math.max(1, Math.round(D / 96));
  const q60 = Math.max(1, Math.round(D / 24));
  const q360 = Math.max(1, Math.round(D / 4));
  for (let k = 0; k < origins.length; k++) {
    const t = origins[k] as number;
    const h = horizons[k] as number;
    const mean = (a: number, b: number): number => {
      const lo = Math.max(0, a);
      const hi = Math.min(t, b);
      return hi < lo ? Number.NaN : ((prefix[hi + 1] as number) - (prefix[lo] as number)) / (hi - lo + 1);
    };
    const s = trailingScale(prefix, t, p.scaleWindow);
    const cD = t + h - D * Math.ceil(h / D);
    const cW = t + h - W * Math.ceil(h / W);
    const last = p.values[t] as number;
    const dailyLag = orElse(mean(cD - half, cD + half), last);
    const dailyProfile = seasonalAverage(mean, cD, D, 7, half, dailyLag);
    const weeklyAvailable = cW - half >= 0;
    const weeklyLag = weeklyAvailable ? orElse(mean(cW - half, cW + half), dailyLag) : dailyLag;
    const weeklyProfile = weeklyAvailable ? seasonalAverage(mean, cW, W, 3, half, weeklyLag) : dailyProfile;
    const recentHour = mean(t - q60 + 1, t);
    const yesterday = orElse(mean(t - q60 + 1 - D, t - D), recentHour);
    const lastWeek = orElse(mean(t - q60 + 1 - W, t - W), yesterday);
    const hw = hwPoints[k] as number;
    const targetMs = p.startMs + (t + h) * p.stepMs;
    const dayFraction = (((targetMs % 86_400_000) + 86_400_000) % 86_400_000) / 86_400_000;
    const weekFraction = ((((Math.floor(targetMs / 86_400_000) + 3) % 7) + 7) % 7) / 7; // 0 = Monday
    const row = [
      hw / s,
      dailyLag / s,
      dailyProfile / s,
      weeklyLag / s,
      weeklyProfile / s,
      last / s,
      mean(t - q15 + 1, t) / s,
      recentHour / s,
      mean(t - q360 + 1, t) / s,
      yesterday / s,
      lastWeek / s,
      weeklyAvailable ? 1 : 0,
      h / D,
      Math.sqrt(h / D),
      Math.sin(2 * Math.PI * dayFraction),
      Math.cos(2 * Math.PI * dayFraction),
      Math.sin(2 * Math.PI * weekFraction),
      Math.cos(2 * Math.PI * weekFraction),
      1 / Math.sqrt(1 + s),
    ];
    const base = (row0 + k) * FEATURE_COUNT;
    for (let f = 0; f < FEATURE_COUNT; f++) {
      const v = row[f] as number;
      out[base + f] = Number.isFinite(v) ? Math.max(-50, Math.min(50, v)) : 0;
    }
    scales[row0 + k] = s;
    bases[row0 + k] = Number.isFinite(hw / s) ? Math.max(-50, Math.min(50, hw / s)) : 0;
  }
}

function seasonalAverage(
  mean: (a: number, b: number) => number,
  center: number,
  lag: number,
  periods: number,
  half: number,
  fallback: number,
): number {
  let sum = 0;
  let count = 0;
  for (let k = 0; k < periods; k++) {
    const c = center - k * lag;
    if (c - half < 0) break;
    const m = mean(c - half, c + half);
    if (Number.isFinite(m)) {
      sum += m;
      count++;
    }
  }
  return count > 0 ? sum / count : fallback;
}

const orElse = (v: number, fallback: number): number => (Number.isFinite(v) ? v : fallback);
