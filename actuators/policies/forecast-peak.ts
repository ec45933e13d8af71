import { probit } from 'simple-statistics';
import type { Forecast } from '../../core/forecaster.js';

/** The highest forecast value over a time window and the step it falls in. */
export interface ForecastPeak {
  readonly value: number;
  readonly atMs: number;
}

const Z90 = probit(0.9);

/**
 * Forecast value at quantile `level` (0.1..0.9) for step `k`. The published levels are read
 * directly; levels between them are interpolated as a normal distribution would place them
 * (level 0.75 sits 0.674 / 1.282 of the way from p50 to p90), which keeps the band's own
 * asymmetry on each side of the median.
 */
export function quantileAt(forecast: Forecast, level: number, k: number): number {
  const p50 = forecast.p50[k] ?? Number.NaN;
  if (level === 0.5) return p50;
  if (level > 0.5)
    return p50 + (Math.min(probit(level), Z90) / Z90) * ((forecast.p90[k] ?? Number.NaN) - p50);
  return p50 + (Math.min(probit(1 - level), Z90) / Z90) * ((forecast.p10[k] ?? Number.NaN) - p50);
}

/**
 * Highest value at quantile `level` among the forecast steps that overlap [fromMs, toMs] (step k
 * covers [startMs + k·stepMs, startMs + (k+1)·stepMs)). Undefined when the forecast does not
 * reach `toMs` (too short or stale) or has no finite value there: a forecast that cannot speak
 * for the whole window is treated as missing rather than as a low value. `bandScale` stretches
 * the distance from p50 (a calibration of the forecaster's band; 1 leaves it as published).
 */
export function forecastPeak(
  forecast: Forecast,
  level: number,
  fromMs: number,
  toMs: number,
  bandScale = 1,
): ForecastPeak | undefined {
  const { startMs, stepMs } = forecast;
  const steps = forecast.p50.length;
  if (!(stepMs > 0) || steps === 0) return undefined;
  const endMs = startMs + steps * stepMs;
  if (endMs <= toMs || startMs > toMs) return undefined;
  const first = Math.max(0, Math.floor((fromMs - startMs) / stepMs));
  const last = Math.min(steps - 1, Math.floor((toMs - startMs) / stepMs));
  let peak: ForecastPeak | undefined;
  for (let k = first; k <= last; k++) {
    const median = forecast.p50[k] ?? Number.NaN;
    const v = median + bandScale * (quantileAt(forecast, level, k) - median);
    if (!Number.isFinite(v)) return undefined;
    if (peak === undefined || v > peak.value) peak = { value: v, atMs: startMs + k * stepMs };
  }
  return peak;
}
