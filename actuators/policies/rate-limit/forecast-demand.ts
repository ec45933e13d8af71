import type { Forecast } from '../../../core/forecaster.js';

/**
 * Requests the forecast expects between `fromMs` and `toMs` (the forecast is in requests per
 * second). Steps are weighted by their overlap with the window; past the end of the forecast the
 * last forecast value continues, and before its start `currentPerSecond` (or the first value)
 * stands in, so a short forecast does not make a long window look cheap.
 */
export function forecastDemand(
  forecast: Forecast,
  quantile: 'p10' | 'p50' | 'p90',
  fromMs: number,
  toMs: number,
  currentPerSecond: number | undefined,
): number {
  const values = forecast[quantile];
  const { startMs, stepMs } = forecast;
  if (toMs <= fromMs) return 0;
  if (values.length === 0 || !(stepMs > 0)) return ((currentPerSecond ?? 0) * (toMs - fromMs)) / 1000;
  const first = values[0] ?? 0;
  const lastValue = values[values.length - 1] ?? 0;
  const endMs = startMs + values.length * stepMs;
  let total = 0;
  if (fromMs < startMs) total += ((currentPerSecond ?? first) * (Math.min(toMs, startMs) - fromMs)) / 1000;
  for (let k = 0; k < values.length; k++) {
    const a = Math.max(fromMs, startMs + k * stepMs);
    const b = Math.min(toMs, startMs + (k + 1) * stepMs);
    if (b > a) total += (Math.max(0, values[k] ?? 0) * (b - a)) / 1000;
  }
  if (toMs > endMs) total += (Math.max(0, lastValue) * (toMs - Math.max(fromMs, endMs))) / 1000;
  return total;
}
